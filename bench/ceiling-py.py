"""Loopback ceiling fallback when gcc is missing: same protocol as ceiling.c."""
import os, socket, sys, time

BUF = 1024 * 1024
total = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 30
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
port = ls.getsockname()[1]
pid = os.fork()
if pid == 0:
    s = socket.create_connection(("127.0.0.1", port))
    data = b"x" * BUF
    left = total
    while left > 0:
        left -= s.send(data if left >= BUF else data[:left])
    s.close()
    os._exit(0)
conn, _ = ls.accept()
buf = bytearray(BUF)
t0 = time.monotonic()
got = 0
while True:
    n = conn.recv_into(buf)
    if n <= 0:
        break
    got += n
dt = time.monotonic() - t0
os.waitpid(pid, 0)
print(got, "%.6f" % dt)
