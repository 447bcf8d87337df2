/**
 * Connect and handshake timeouts over real sockets on 127.0.0.1: a server
 * that accepts and never answers bounds `connectTLS` by `connectTimeout`; a
 * client that never finishes its handshake is dropped by `listenTLS` and the
 * server goes on accepting.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { firstValueFrom } from 'rxjs';
import { Status, StreamError, StreamKind, connectTLS, listenTLS, type Stream } from '../../src';
import { Cleanup, clientTls, errorOf, listenOn, serverTls } from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

/** A TCP server that accepts connections and never sends a byte; resolves each accepted socket. */
async function silentServer(): Promise<{ port: number; accepted: Promise<net.Socket> }> {
  const server = clean.server(net.createServer());
  const accepted = once(server, 'connection').then(([s]) => (s as net.Socket).resume());
  return { port: await listenOn(server), accepted };
}

describe('connectTimeout (real sockets)', () => {
  it('ends connectTLS to a server that never answers with SysError ETIMEDOUT and aborts the socket', async () => {
    const { port, accepted } = await silentServer();
    const started = performance.now();
    const error = await errorOf(connectTLS(clientTls(port), { connectTimeout: 150 }));
    const took = performance.now() - started;
    // Not before the limit (1 ms of timer rounding aside); the upper bound is generous, for a busy machine.
    expect(took).toBeGreaterThanOrEqual(149);
    expect(took).toBeLessThan(150 + 1500);
    expect(StreamError.is(error)).toBe(true);
    const e = error as StreamError;
    expect(e.status).toBe(Status.SysError);
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ETIMEDOUT');
    const peer = await accepted;
    if (!peer.destroyed) await once(peer, 'close'); // the client's socket was closed
    expect(peer.destroyed).toBe(true);
  });

  it('does not bound a TLS stream once its handshake is done', async () => {
    const stream$ = listenTLS(serverTls(), 0, '127.0.0.1', {
      onListening: (a) => {
        connectTLS(clientTls(a.port), { connectTimeout: 5000 }).subscribe((s) => {
          clean.stream(s);
          client = s;
        });
      },
    });
    let client: Stream | undefined;
    const server = clean.stream(await firstValueFrom(stream$));
    expect(server.kind).toBe(StreamKind.TLSStream);
    expect(client).toBeDefined();
  });
});

describe('listenTLS handshakeTimeout (real sockets)', () => {
  it('drops a client that never finishes its handshake and keeps accepting', async () => {
    const streams: Stream[] = [];
    let port = 0;
    const listening = new Promise<void>((resolve) => {
      const sub = listenTLS(serverTls(), 0, '127.0.0.1', {
        handshakeTimeout: 150,
        onListening: (a) => {
          port = a.port;
          resolve();
        },
      }).subscribe((s) => streams.push(clean.stream(s)));
      clean.add(() => sub.unsubscribe());
    });
    await listening;
    const mute = clean.socket(net.connect(port, '127.0.0.1'));
    await once(mute, 'connect');
    await once(mute, 'close'); // the server gave up on it
    const client = clean.stream(await firstValueFrom(connectTLS(clientTls(port))));
    expect(client.kind).toBe(StreamKind.TLSStream);
    expect(streams.length).toBeLessThanOrEqual(1); // the mute client never became a stream
  });

  it('refuses a bad handshakeTimeout with Invalid', async () => {
    const error = await errorOf(listenTLS(serverTls(), 0, '127.0.0.1', { handshakeTimeout: -5 }));
    expect((error as StreamError).status).toBe(Status.Invalid);
  });
});
