/**
 * Raw Node peers for the dashboard's traffic: they misbehave on purpose so
 * that streams reach `Error`. Each is a cold observable that listens on
 * 127.0.0.1, emits its port once, and closes everything when unsubscribed.
 *
 * - {@link chaosProxy} forwards to a target and then either resets both
 *   sockets (RST, `resetAndDestroy()`) or injects garbage into a TLS session.
 * - {@link tlsServerWith} is a plain `tls` server with a chosen (bad) certificate.
 * - {@link closedPort} finds a port nobody listens on.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Observable, Subscription, timer } from 'rxjs';

/** What a {@link chaosProxy} does to a connection once `afterMs` have passed. */
export type Chaos = 'reset' | 'garbage';

const HOST = '127.0.0.1';

/** Listens `server` on 127.0.0.1:0, emits the port, closes it (and `sockets`) on unsubscribe. */
function serve(server: net.Server, sockets: Set<net.Socket>): Observable<number> {
  return new Observable<number>((subscriber) => {
    function onListening(): void {
      const address = server.address();
      if (address !== null && typeof address === 'object') subscriber.next(address.port);
    }
    function onError(error: unknown): void {
      subscriber.error(error);
    }
    server.on('error', onError);
    server.listen(0, HOST, onListening);
    return () => {
      server.off('error', onError);
      for (const socket of sockets) socket.destroy();
      server.close();
    };
  });
}

/** Remembers a socket until it closes, and never lets its errors escape. */
function keep(sockets: Set<net.Socket>, socket: net.Socket): net.Socket {
  sockets.add(socket);
  socket.on('error', () => undefined);
  socket.on('close', () => sockets.delete(socket));
  return socket;
}

/**
 * A TCP proxy to `targetPort` that, `afterMs(n)` milliseconds into its n-th
 * connection, resets both sides (`reset`) or writes random bytes towards
 * the client (`garbage`, which breaks a TLS session) and then resets.
 */
export function chaosProxy(
  targetPort: number,
  chaos: Chaos,
  afterMs: (n: number) => number,
): Observable<number> {
  const sockets = new Set<net.Socket>();
  const timers = new Subscription();
  let count = 0;
  const server = net.createServer(function proxyOnConnection(client: net.Socket): void {
    keep(sockets, client);
    const upstream = keep(sockets, net.connect(targetPort, HOST));
    client.pipe(upstream);
    upstream.pipe(client);
    timers.add(timer(afterMs(count++)).subscribe(() => strike(chaos, client, upstream, timers)));
  });
  return new Observable<number>((subscriber) => {
    const listening = serve(server, sockets).subscribe(subscriber);
    return () => {
      timers.unsubscribe();
      listening.unsubscribe();
    };
  });
}

function strike(
  chaos: Chaos,
  client: net.Socket,
  upstream: net.Socket,
  timers: Subscription,
): void {
  if (chaos === 'reset') {
    resetBoth(client, upstream);
    return;
  }
  client.unpipe(upstream);
  upstream.unpipe(client);
  if (!client.destroyed) client.write(randomBytes(256));
  timers.add(timer(300).subscribe(() => resetBoth(client, upstream)));
}

function resetBoth(client: net.Socket, upstream: net.Socket): void {
  if (!client.destroyed) client.resetAndDestroy();
  if (!upstream.destroyed) upstream.resetAndDestroy();
}

/** A plain Node TLS server with `key`/`cert` (for example an expired leaf); it never gets far. */
export function tlsServerWith(key: string, cert: string): Observable<number> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key, cert }, (socket) => keep(sockets, socket).end());
  server.on('tlsClientError', () => undefined);
  return serve(server, sockets);
}

/** A TCP server that accepts and never sends a byte (for the idle timeout row). */
export function silentServer(): Observable<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => keep(sockets, socket).resume());
  return serve(server, sockets);
}

/** A port that was free a moment ago: connecting to it is refused (ECONNREFUSED). */
export function closedPort(): Observable<number> {
  return new Observable<number>((subscriber) => {
    const probe = net.createServer();
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === 'object') subscriber.next(address.port);
      });
    });
  });
}
