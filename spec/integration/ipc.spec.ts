import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { once } from 'node:events';
import { firstValueFrom, lastValueFrom, take, toArray, type Subscription } from 'rxjs';
import { ErrorCode, Status, StreamError, StreamKind, StreamState, type Stream } from '../../src';
import { connectIPC, createIPC, listenIPC } from '../../src/ipc';

let counter = 0;
function socketPath(): string {
  counter += 1;
  return join(tmpdir(), `rxstream-ipc-${process.pid}-${counter}.sock`);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readAll(stream: Stream): Promise<Buffer> {
  return Buffer.concat(await lastValueFrom(stream.reads$.pipe(toArray())));
}

async function caught(p: Promise<unknown>): Promise<StreamError> {
  try {
    await p;
  } catch (error) {
    if (StreamError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('IPC streams (Unix domain sockets)', () => {
  let path: string;
  let server: Subscription | undefined;
  const opened: Stream[] = [];

  /** A listening server at `path`; resolves with a connected [client, server] pair. */
  async function pair(allowHalfOpen?: boolean): Promise<[Stream, Stream]> {
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const accepted = new Promise<Stream>((resolve, reject) => {
      server = listenIPC(path, { onListening: listening, allowHalfOpen }).subscribe({
        next: resolve,
        error: reject,
      });
    });
    await ready;
    const client = await firstValueFrom(connectIPC(path, { allowHalfOpen }));
    const srv = await accepted;
    opened.push(client, srv);
    return [client, srv];
  }

  beforeEach(() => {
    path = socketPath();
  });

  afterEach(() => {
    for (const s of opened.splice(0)) s.destroy();
    server?.unsubscribe();
    server = undefined;
    rmSync(path, { force: true });
  });

  it('makes streams of kind IPC with a file descriptor', async () => {
    const [client, srv] = await pair();
    expect(client.kind).toBe(StreamKind.IPC);
    expect(srv.kind).toBe(StreamKind.IPC);
    expect(client.fd).toBeGreaterThanOrEqual(0);
    expect(client.state).toBe(StreamState.Open);
  });

  it('carries 4 MiB each way intact (sha256) while both directions run at once', async () => {
    const [client, srv] = await pair();
    const up = randomBytes(4 * 1024 * 1024);
    const down = randomBytes(4 * 1024 * 1024);
    const [atServer, atClient] = await Promise.all([
      readAll(srv),
      readAll(client),
      lastValueFrom(client.writeAll(up)).then(() => client.shutdownWrite()),
      lastValueFrom(srv.writeAll(down)).then(() => srv.shutdownWrite()),
    ]);
    expect(sha256(atServer)).toBe(sha256(up));
    expect(sha256(atClient)).toBe(sha256(down));
  });

  it('reads into a caller buffer with read() and errors code 2 at the end of stream', async () => {
    const [client, srv] = await pair();
    await lastValueFrom(srv.writeAll(Buffer.from('hello')));
    srv.shutdownWrite();
    const buf = Buffer.alloc(16);
    const n = await firstValueFrom(client.read(buf));
    expect(buf.subarray(0, n).toString()).toBe('hello');
    const error = await caught(firstValueFrom(client.read(buf)));
    expect(error.code).toBe(ErrorCode.Closed);
    expect(error.status).toBe(Status.StreamClosed);
  });

  it('write() emits how many bytes it accepted', async () => {
    const [client, srv] = await pair();
    const n = await firstValueFrom(client.write(Buffer.from('abc')));
    expect(n).toBe(3);
    client.shutdownWrite();
    expect((await readAll(srv)).toString()).toBe('abc');
  });

  it('keeps reading after shutdownWrite (half-close) and shows ShutdownWr', async () => {
    const [client, srv] = await pair(true);
    const states: StreamState[] = [];
    client.state$.subscribe((s) => states.push(s));
    await lastValueFrom(client.writeAll(Buffer.from('request')));
    expect(client.shutdownWrite()).toBe(Status.OK);
    expect((await readAll(srv)).toString()).toBe('request');
    await lastValueFrom(srv.writeAll(Buffer.from('reply')));
    srv.shutdownWrite();
    expect((await readAll(client)).toString()).toBe('reply');
    expect(states.slice(0, 2)).toEqual([StreamState.Open, StreamState.ShutdownWr]);
  });

  it('close() sends every accepted byte before the end of stream and moves to Closed', async () => {
    const [client, srv] = await pair();
    const data = randomBytes(256 * 1024);
    expect(client.tryWrite(data).bytes).toBe(data.length);
    const received = readAll(srv);
    await lastValueFrom(client.close(), { defaultValue: undefined });
    expect(client.state).toBe(StreamState.Closed);
    expect(sha256(await received)).toBe(sha256(data));
    expect(client.tryWrite(Buffer.from('x')).status).toBe(Status.Invalid);
  });

  it('refuses a second write-side operation with Invalid (code 3)', async () => {
    const [client] = await pair();
    const big = Buffer.alloc(8 * 1024 * 1024);
    const first = client.writeAll(big).subscribe();
    const error = await caught(firstValueFrom(client.flush()));
    expect(error.code).toBe(ErrorCode.Invalid);
    first.unsubscribe();
  });

  it('destroy() in async mode closes the socket: the peer sees the end', async () => {
    const [client, srv] = await pair();
    client.reads$.subscribe({ error: () => undefined });
    expect(client.destroy()).toBe(Status.OK);
    expect(client.state).toBe(StreamState.Closed);
    expect((await readAll(srv)).length).toBe(0);
    expect(client.destroy()).toBe(Status.Invalid);
  });

  it('destroy() in sync mode hands the socket back open with read-ahead bytes put back', async () => {
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const accepted = new Promise<Stream>((resolve) => {
      server = listenIPC(path, { onListening: listening }).subscribe(resolve);
    });
    await ready;
    const socket = net.connect(path);
    await new Promise((resolve) => socket.once('connect', resolve));
    const client = createIPC(socket);
    const srv = await accepted;
    opened.push(srv);
    await lastValueFrom(srv.writeAll(Buffer.from('left for you')));
    await firstValueFrom(client.readable$.pipe(take(1))); // the stream has read ahead
    expect(client.destroy()).toBe(Status.OK);
    expect(socket.destroyed).toBe(false);
    const data = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.resume();
    expect((await data).toString()).toBe('left for you');
    socket.destroy();
  });

  it('wraps an inherited fd (a child gets the socket as fd 3) and echoes over it', async () => {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const accepted = once(server, 'connection') as Promise<[net.Socket]>;
    const client = net.connect({ path, allowHalfOpen: true });
    const [peer] = await accepted;
    // From source through ts-node; compiled (scripts/runtimes.sh), the fixture is .js too.
    const fixture = join(__dirname, 'fixtures', `ipc-fd-child${extname(__filename)}`);
    const args = fixture.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : [];
    const child = spawn(process.execPath, [...args, fixture], {
      stdio: ['ignore', 'pipe', 'inherit', peer],
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000); // guard only
    peer.destroy(); // the child holds the only copy now
    const out: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    const reply: Buffer[] = [];
    client.on('data', (c: Buffer) => reply.push(c));
    client.end('ping');
    await Promise.all([once(client, 'end'), once(child, 'exit')]);
    clearTimeout(guard);
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
    expect(Buffer.concat(reply).toString()).toBe('echo:ping');
    const report = JSON.parse(Buffer.concat(out).toString().trim()) as Record<string, unknown>;
    expect(report).toEqual({ fd: 3, kind: StreamKind.IPC, finalState: StreamState.Closed });
  }, 60_000); // a ts-node child starts slowly on a loaded machine (a hang guard, not a timing)

  it('removes the socket file when the listener is unsubscribed', async () => {
    await pair();
    expect(existsSync(path)).toBe(true);
    server?.unsubscribe();
    server = undefined;
    await new Promise<void>((resolve) => {
      const probe = (): void => {
        if (!existsSync(path)) resolve();
        else setImmediate(probe);
      };
      probe();
    });
    expect(existsSync(path)).toBe(false);
  });

  it('errors with SysError when a stale file occupies the path', async () => {
    writeFileSync(path, '');
    const error = await caught(firstValueFrom(listenIPC(path)));
    expect(error.status).toBe(Status.SysError);
    expect(error.code).toBe(ErrorCode.IO);
  });

  it('errors with SysError when nobody listens at the path', async () => {
    const error = await caught(firstValueFrom(connectIPC(path)));
    expect(error.status).toBe(Status.SysError);
  });

  it('refuses an empty path with Invalid (code 3)', async () => {
    expect((await caught(firstValueFrom(connectIPC('')))).code).toBe(ErrorCode.Invalid);
    expect((await caught(firstValueFrom(listenIPC('')))).code).toBe(ErrorCode.Invalid);
  });

  it('createIPC refuses what is not a connected Unix socket with Invalid', async () => {
    const invalidOf = (f: () => unknown): Status | undefined => {
      try {
        f();
      } catch (error) {
        return StreamError.is(error) ? error.status : undefined;
      }
      return undefined;
    };
    expect(invalidOf(() => createIPC(-1))).toBe(Status.Invalid);
    expect(invalidOf(() => createIPC(1.5))).toBe(Status.Invalid);
    expect(invalidOf(() => createIPC({} as net.Socket))).toBe(Status.Invalid);
    expect(invalidOf(() => createIPC(new net.Socket()))).toBe(Status.Invalid);
    const tcpServer = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
    const port = (tcpServer.address() as net.AddressInfo).port;
    const tcp = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => tcp.once('connect', resolve));
    expect(invalidOf(() => createIPC(tcp))).toBe(Status.Invalid);
    tcp.destroy();
    await new Promise((resolve) => tcpServer.close(resolve));
  });
});
