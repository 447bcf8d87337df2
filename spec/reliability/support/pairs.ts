/**
 * Connected stream pairs for the reliability suites, one factory per
 * transport. To cover a new transport (IPC, say), write one more
 * {@link PairFactory} and add it to {@link pairFactories}: the integrity
 * property, its stress run and the leak cycles pick it up from there.
 *
 * Real sockets listen on 127.0.0.1 port 0 only.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { firstValueFrom } from 'rxjs';
import {
  connectTCP,
  createIPC,
  createTCP,
  createTLS,
  memoryPair,
  type Stream,
  type StreamOptions,
} from '../../../src';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCerts } from '../../../tools/certs';

/** Makes connected `[a, b]` stream pairs of one transport. */
export interface PairFactory {
  /** Shown in spec names and failure messages. */
  readonly name: string;
  /** Starts what the pairs need (a listening server); once, before the first `open`. */
  start(): Promise<void>;
  /** A fresh connected pair: what `a` writes, `b` reads, and the other way round. */
  open(options?: StreamOptions): Promise<Pair>;
  /** Stops what `start` started. */
  stop(): Promise<void>;
}

/** Two connected streams and how to release everything under them. */
export interface Pair {
  readonly a: Stream;
  readonly b: Stream;
  /** The sockets under `a` and `b` (none for memory). */
  readonly sockets: readonly net.Socket[];
  /**
   * Destroys both streams and the sockets under them (a sync-mode `destroy()`
   * hands the socket back open: the caller's to close).
   */
  dispose(): void;
  /** Destroys `b` and the socket under it (what a sync-mode user does after destroy). */
  destroyB(): void;
}

/** A pair over two streams and the sockets under them. */
function pairOf(a: Stream, b: Stream, sockets: readonly net.Socket[]): Pair {
  return {
    a,
    b,
    sockets,
    dispose: () => {
      a.destroy();
      b.destroy();
      for (const s of sockets) s.destroy();
    },
    destroyB: () => {
      b.destroy();
      sockets[1]?.destroy();
    },
  };
}

/** Every transport the reliability suites run over. Add new transports here. */
export function pairFactories(): PairFactory[] {
  return [tcpPairs(), tcpConnectPairs(), tlsPairs(), ipcPairs(), memoryPairs()];
}

/** Pairs of memory streams (asapScheduler). */
export function memoryPairs(): PairFactory {
  return {
    name: 'memory',
    start: async () => undefined,
    open: async (options) => {
      const [a, b] = memoryPair(options);
      return pairOf(a, b, []);
    },
    stop: async () => undefined,
  };
}

/** Pairs of TCP streams: a client socket and the server's accepted socket. */
export function tcpPairs(): PairFactory {
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  const matcher = new SocketMatcher<net.Socket>();
  server.on('connection', (socket: net.Socket) => matcher.serverSide(socket));
  return {
    name: 'tcp',
    start: () => listen(server),
    open: async (options) => {
      const client = net.connect({ port: portOf(server), host: '127.0.0.1', allowHalfOpen: true });
      const [c, s] = await matcher.pair(client, 'connect');
      return pairOf(createTCP(c, options), createTCP(s, options), [c, s]);
    },
    stop: () => close(server),
  };
}

/**
 * The server's accepted sockets in accept order: each call gives the next
 * one. Pairs opened one at a time match their client this way (Unix sockets,
 * and clients whose socket the library holds, have no port to match by).
 */
function acceptQueue(server: net.Server): () => Promise<net.Socket> {
  const accepted: net.Socket[] = [];
  const waiting: Array<(s: net.Socket) => void> = [];
  server.on('connection', (socket: net.Socket) => {
    const waiter = waiting.shift();
    if (waiter === undefined) accepted.push(socket);
    else waiter(socket);
  });
  return () =>
    new Promise((resolve) => {
      const ready = accepted.shift();
      if (ready === undefined) waiting.push(resolve);
      else resolve(ready);
    });
}

/**
 * Pairs of IPC streams over a Unix domain socket in a fresh temp folder.
 * Unix sockets have no ports to match by; pairs are opened one at a time,
 * so the server's next accepted socket is the client's other end.
 */
export function ipcPairs(): PairFactory {
  const dir = mkdtempSync(join(tmpdir(), 'rxstream-ipc-pairs-'));
  const path = join(dir, 'pairs.sock');
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  const nextAccepted = acceptQueue(server);
  return {
    name: 'ipc',
    start: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => resolve());
      }),
    open: async (options) => {
      const serverSide = nextAccepted();
      const client = net.connect({ path, allowHalfOpen: true });
      await new Promise<void>((resolve, reject) => {
        client.once('error', reject);
        client.once('connect', () => {
          client.off('error', reject);
          resolve();
        });
      });
      const s = await serverSide;
      return pairOf(createIPC(client, options), createIPC(s, options), [client, s]);
    },
    stop: async () => {
      await close(server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Pairs whose `b` comes from `connectTCP` (a socket the library made and
 * owns: destroy closes it in either mode); `a` is the server's accepted
 * socket. Opened one at a time and paired in accept order.
 */
export function tcpConnectPairs(): PairFactory {
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  const nextAccepted = acceptQueue(server);
  return {
    name: 'tcp (connectTCP)',
    start: () => listen(server),
    open: async (options) => {
      const serverSide = nextAccepted();
      // The scenarios half-close and then reply: the seed's half-open behaviour.
      const halfOpen = { ...options, allowHalfOpen: true };
      const b = await firstValueFrom(connectTCP(portOf(server), '127.0.0.1', halfOpen));
      const s = await serverSide;
      return pairOf(createTCP(s, options), b, [s]);
    },
    stop: () => close(server),
  };
}

/** Pairs of TLS streams (TLS 1.3, the test CA, host name `localhost`). */
export function tlsPairs(): PairFactory {
  const certs = testCerts();
  const server = tls.createServer({
    key: certs.server.key,
    cert: certs.server.cert,
    allowHalfOpen: true,
  });
  const matcher = new SocketMatcher<tls.TLSSocket>();
  server.on('secureConnection', (socket: tls.TLSSocket) => matcher.serverSide(socket));
  return {
    name: 'tls',
    start: () => listen(server),
    open: async (options) => {
      const client = tls.connect({
        port: portOf(server),
        host: '127.0.0.1',
        servername: 'localhost',
        ca: certs.ca,
      });
      const [c, s] = await matcher.pair(client, 'secureConnect');
      return pairOf(createTLS(c, options), createTLS(s, options), [c, s]);
    },
    stop: () => close(server),
  };
}

/** Matches a client socket with the server's side of the same connection, by port. */
class SocketMatcher<S extends net.Socket> {
  #accepted = new Map<number, S>();
  #waiting = new Map<number, (s: S) => void>();

  serverSide(socket: S): void {
    const port = socket.remotePort ?? -1;
    const waiter = this.#waiting.get(port);
    if (waiter === undefined) this.#accepted.set(port, socket);
    else {
      this.#waiting.delete(port);
      waiter(socket);
    }
  }

  pair(client: S, ready: 'connect' | 'secureConnect'): Promise<[S, S]> {
    return new Promise<[S, S]>((resolve, reject) => {
      client.once('error', reject);
      client.once(ready, () => {
        client.off('error', reject);
        const port = client.localPort ?? -1;
        const accepted = this.#accepted.get(port);
        if (accepted !== undefined) {
          this.#accepted.delete(port);
          resolve([client, accepted]);
        } else this.#waiting.set(port, (s) => resolve([client, s]));
      });
    });
  }
}

/** Listens on 127.0.0.1, port 0. */
export function listen(server: net.Server): Promise<void> {
  track(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const tracked = new WeakMap<net.Server, Set<net.Socket>>();

/** Remembers every raw connection of a server so `close` can end them. */
function track(server: net.Server): void {
  if (tracked.has(server)) return;
  const sockets = new Set<net.Socket>();
  tracked.set(server, sockets);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
}

/** Closes a server and destroys every connection it accepted that is still open. */
export function close(server: net.Server): Promise<void> {
  for (const socket of tracked.get(server) ?? []) socket.destroy();
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

/** The port a listening server got. */
export function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}
