/**
 * The idle timeout over real sockets: a proxy on 127.0.0.1 that stops
 * forwarding without closing anything (a peer that vanished: no FIN, no
 * RST) is detected by a reading stream within its idleTimeout.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { filter, firstValueFrom } from 'rxjs';
import { Status, StreamError, StreamState, connectTCP } from '../../src';
import { Cleanup, listenOn } from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

interface BlackHole {
  port: number;
  /** The backend's side of the one proxied connection. */
  backend: Promise<net.Socket>;
  /** Stops forwarding in both directions; every socket stays open. */
  swallow(): void;
}

/** A backend server and a forwarding proxy in front of it, both on 127.0.0.1. */
async function blackHoleProxy(): Promise<BlackHole> {
  const backendServer = clean.server(net.createServer());
  const backendPort = await listenOn(backendServer);
  const backend = once(backendServer, 'connection').then(([s]) => s as net.Socket);
  const proxy = clean.server(net.createServer());
  let swallowing = false;
  proxy.on('connection', (front: net.Socket) => {
    const back = clean.socket(net.connect(backendPort, '127.0.0.1'));
    front.on('data', (chunk) => swallowing || back.write(chunk));
    back.on('data', (chunk) => swallowing || front.write(chunk));
    back.on('end', () => swallowing || front.end());
    front.on('end', () => swallowing || back.end());
  });
  return { port: await listenOn(proxy), backend, swallow: () => (swallowing = true) };
}

describe('idleTimeout (real sockets)', () => {
  it('fails a reader whose peer vanished behind a black-holing proxy within idleTimeout', async () => {
    const idleTimeout = 300;
    const hole = await blackHoleProxy();
    const stream = clean.stream(
      await firstValueFrom(connectTCP(hole.port, '127.0.0.1', { idleTimeout })),
    );
    const backend = await hole.backend;
    let lastByteAt = 0;
    let received = '';
    const ended = new Promise<unknown>((resolve) =>
      stream.reads$.subscribe({
        next: (chunk) => {
          received += chunk.toString();
          lastByteAt = performance.now();
          if (received === 'hello') {
            hole.swallow();
            backend.write('lost in the hole');
          }
        },
        error: resolve,
        complete: () => resolve('completed'),
      }),
    );
    backend.write('hello');
    const error = await ended;
    const quiet = performance.now() - lastByteAt;
    expect(StreamError.is(error)).toBe(true);
    expect((error as StreamError).status).toBe(Status.SysError);
    expect(((error as StreamError).cause as NodeJS.ErrnoException).code).toBe('ETIMEDOUT');
    expect(stream.state).toBe(StreamState.Error);
    expect(received).toBe('hello');
    // Timers never fire early (1 ms of rounding aside); the upper bound is generous, for a busy machine.
    expect(quiet).toBeGreaterThanOrEqual(idleTimeout - 2);
    expect(quiet).toBeLessThan(idleTimeout * 1.1 + 1500);
  });

  it('leaves a stream with traffic alone, and it finishes by itself when the peer ends', async () => {
    const hole = await blackHoleProxy();
    const stream = clean.stream(
      await firstValueFrom(connectTCP(hole.port, '127.0.0.1', { idleTimeout: 5000 })),
    );
    const backend = await hole.backend;
    backend.end('bye');
    const chunks: string[] = [];
    await new Promise<void>((resolve) =>
      stream.reads$.subscribe({ next: (c) => chunks.push(c.toString()), complete: resolve }),
    );
    expect(chunks.join('')).toBe('bye');
    // The peer ended and everything was read: the stream finished by itself (allowHalfOpen false).
    await firstValueFrom(stream.state$.pipe(filter((s) => s === StreamState.Closed)));
    expect(stream.lastError).toBeNull();
  });
});
