/**
 * Shared helpers of the real-socket integration specs: connected TCP and TLS
 * socket pairs on 127.0.0.1 port 0, a TCP proxy that can inject garbage or a
 * reset between a TLS client and its server, byte collectors, a seeded PRNG,
 * and one cleanup list that closes every socket, server and stream a spec made.
 *
 * Everything here is driven by events; nothing sleeps.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { firstValueFrom, lastValueFrom, reduce, type Observable } from 'rxjs';
import { Status, type Stream } from '../../src';
import { testCerts } from '../../tools/certs';

/** What a spec opened, closed by {@link Cleanup.run} in afterEach. */
export class Cleanup {
  #sockets = new Set<net.Socket>();
  #servers = new Set<net.Server>();
  #streams = new Set<Stream>();
  #accepted = new Set<net.Socket>();
  #hooks: (() => void)[] = [];

  socket<S extends net.Socket>(socket: S): S {
    socket.on('error', ignore); // late resets of sockets the spec has finished with
    this.#sockets.add(socket);
    return socket;
  }

  server<S extends net.Server>(server: S): S {
    // Accepted sockets are destroyed last, or close() would wait for them. A TLS server's raw
    // TCP socket must go after the TLS socket over it: destroying it first crashes Node 20.
    server.on('connection', (socket: net.Socket) => {
      socket.on('error', ignore);
      this.#accepted.add(socket);
    });
    this.#servers.add(server);
    return server;
  }

  stream(stream: Stream): Stream {
    this.#streams.add(stream);
    return stream;
  }

  /** Runs `hook` at cleanup (kill a child, unsubscribe a listener, …). */
  add(hook: () => void): void {
    this.#hooks.push(hook);
  }

  /** Destroys every stream and socket and closes every server; resolves once the servers are closed. */
  async run(): Promise<void> {
    for (const hook of this.#hooks.splice(0)) hook();
    for (const stream of this.#streams) {
      // Into async mode (a refused subscription means it already is), so destroy closes the socket.
      stream.reads$.subscribe({ error: ignore });
      stream.destroy();
    }
    for (const socket of this.#sockets) socket.destroy();
    for (const socket of this.#accepted) socket.destroy();
    const closing = [...this.#servers].map(closeServer);
    this.#streams.clear();
    this.#sockets.clear();
    this.#accepted.clear();
    this.#servers.clear();
    await Promise.all(closing);
  }
}

function closeServer(server: net.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}

export function ignore(): void {}

/** A connected pair of plain sockets: `client` made by net.connect, `server` accepted. */
export interface SocketPair<S extends net.Socket = net.Socket> {
  client: S;
  server: S;
}

/** Listens on 127.0.0.1 port 0 and resolves with the port. */
export async function listenOn(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

/** A connected TCP socket pair on 127.0.0.1 (both half-open, both paused). */
export async function tcpPair(clean: Cleanup): Promise<SocketPair> {
  const server = clean.server(net.createServer({ allowHalfOpen: true, pauseOnConnect: true }));
  const port = await listenOn(server);
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const client = clean.socket(net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }));
  await once(client, 'connect');
  const [peer] = await accepted;
  clean.socket(peer);
  client.pause();
  return { client, server: peer };
}

/** Server options with the test CA's localhost certificate. */
export function serverTls(extra: tls.TlsOptions = {}): tls.TlsOptions {
  const { server } = testCerts();
  return { key: server.key, cert: server.cert, allowHalfOpen: true, ...extra };
}

/** Client options trusting the test CA, for 127.0.0.1 with name localhost. */
export function clientTls(port: number, extra: tls.ConnectionOptions = {}): tls.ConnectionOptions {
  return {
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    ca: testCerts().ca,
    allowHalfOpen: true,
    ...extra,
  } as tls.ConnectionOptions;
}

/** A TLS server on 127.0.0.1 port 0 (tracked by `clean`). */
export async function tlsServer(
  clean: Cleanup,
  extra: tls.TlsOptions = {},
): Promise<{ server: tls.Server; port: number }> {
  const server = clean.server(tls.createServer(serverTls(extra)));
  server.on('tlsClientError', ignore);
  return { server, port: await listenOn(server) };
}

/** A TLS pair whose handshake has completed on both sides. */
export async function tlsPair(
  clean: Cleanup,
  serverExtra: tls.TlsOptions = {},
  clientExtra: tls.ConnectionOptions = {},
): Promise<SocketPair<tls.TLSSocket>> {
  const { server, port } = await tlsServer(clean, serverExtra);
  return tlsConnectTo(clean, server, port, clientExtra);
}

async function tlsConnectTo(
  clean: Cleanup,
  server: tls.Server,
  port: number,
  clientExtra: tls.ConnectionOptions,
): Promise<SocketPair<tls.TLSSocket>> {
  const accepted = once(server, 'secureConnection') as Promise<[tls.TLSSocket]>;
  const client = clean.socket(tls.connect(clientTls(port, clientExtra)));
  await once(client, 'secureConnect');
  const [peer] = await accepted;
  clean.socket(peer);
  return { client, server: peer };
}

/** A TLS pair through a TCP proxy: `front` is the proxy's socket facing the client. */
export interface ProxiedTlsPair extends SocketPair<tls.TLSSocket> {
  /** The proxy's socket to the client: reset it, or write garbage into it. */
  front: net.Socket;
  /** Stops forwarding the server's bytes to the client (before injecting garbage). */
  cut(): void;
}

/** A TLS pair whose bytes pass through a TCP proxy under the spec's control. */
export async function proxiedTlsPair(clean: Cleanup): Promise<ProxiedTlsPair> {
  const { server, port } = await tlsServer(clean);
  const proxy = clean.server(net.createServer());
  const fronts = once(proxy, 'connection') as Promise<[net.Socket]>;
  let upstream: net.Socket | undefined;
  proxy.on('connection', (front: net.Socket) => {
    clean.socket(front);
    const up = clean.socket(net.connect(port, '127.0.0.1'));
    upstream = up;
    front.pipe(up);
    up.pipe(front);
  });
  const pair = await tlsConnectTo(clean, server, await listenOn(proxy), {});
  const [front] = await fronts;
  return {
    ...pair,
    front,
    cut: () => upstream?.unpipe(front),
  };
}

/**
 * Resolves with everything `socket` receives up to its end (flowing from now
 * on). With `endBack`, the socket ends its own side when the peer's end comes,
 * as a polite peer does (what a stream's close() waits for).
 */
export function collect(socket: net.Socket, endBack = false): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.resume();
  return new Promise((resolve, reject) => {
    socket.once('end', () => {
      if (endBack) socket.end();
      resolve(Buffer.concat(chunks));
    });
    socket.once('error', reject);
  });
}

/** Resolves with the first `n` bytes `socket` receives (flowing from now on). */
export function receive(socket: net.Socket, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      got += chunk.length;
      if (got < n) return;
      socket.off('data', onData);
      socket.pause();
      const all = Buffer.concat(chunks);
      if (all.length > n) socket.unshift(all.subarray(n));
      resolve(all.subarray(0, n));
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.resume();
  });
}

/** Everything `reads$` delivers up to its completion, as one Buffer. */
export function drain(stream: Stream): Promise<Buffer> {
  return lastValueFrom(stream.reads$.pipe(reduce((acc: Buffer[], c: Buffer) => [...acc, c], [])), {
    defaultValue: [],
  }).then((chunks) => Buffer.concat(chunks));
}

/** Reads through tryRead, waking on readable$ (also after WouldBlock), until `n` bytes have arrived. */
export function tryReadBytes(stream: Stream, n: number): Promise<Buffer> {
  const out = Buffer.alloc(n);
  let got = 0;
  return new Promise((resolve, reject) => {
    const sub = stream.readable$.subscribe(() => {
      for (;;) {
        const r = stream.tryRead(out.subarray(got));
        if (r.status === Status.WouldBlock) return; // renegotiating: readable$ tells when it is over
        if (r.status !== Status.OK) {
          sub.unsubscribe();
          reject(new Error(`tryRead answered ${r.status} after ${got} bytes`));
          return;
        }
        got += r.bytes;
        if (got === n) {
          Promise.resolve().then(() => sub.unsubscribe());
          resolve(out);
          return;
        }
        if (r.bytes === 0) return;
      }
    });
  });
}

/** Waits for the next readable$ notification. */
export function nextReadable(stream: Stream): Promise<void> {
  return firstValueFrom(stream.readable$);
}

/** Resolves with the error `source` errors with (rejects when it completes instead). */
export function errorOf(source: Observable<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    source.subscribe({
      error: resolve,
      complete: () => reject(new Error('expected an error, the observable completed')),
    });
  });
}

export function sha256(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** A seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: RXSTREAM_SEED when given, else a fresh one. */
export function runSeed(): number {
  const given = Number(process.env.RXSTREAM_SEED);
  return Number.isInteger(given) && given > 0 ? given : Math.floor(Math.random() * 2 ** 31) + 1;
}

/** `size` pseudo-random bytes from `rand`. */
export function randomBytes(rand: () => number, size: number): Buffer {
  const out = Buffer.alloc(size + 3);
  for (let i = 0; i < size; i += 4) out.writeUInt32LE((rand() * 2 ** 32) >>> 0, i);
  return out.subarray(0, size);
}

/** Splits `[0, total)` into random chunk lengths between 1 and `max`. */
export function chunkSizes(rand: () => number, total: number, max: number): number[] {
  const sizes: number[] = [];
  for (let left = total; left > 0;) {
    const n = Math.min(left, 1 + Math.floor(rand() * max));
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

export const MiB = 1024 * 1024;
