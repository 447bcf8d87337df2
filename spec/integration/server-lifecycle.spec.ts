/**
 * Server lifecycle over real sockets on 127.0.0.1: maxConnections under a
 * burst of 2,000 connects, a graceful drain of 100 streams on unsubscribe
 * with every last byte delivered, the drain deadline, and the bound address
 * as an observable.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import {
  ServerInfo,
  StreamState,
  connectIPC,
  connectTCP,
  listenIPC,
  listenTCP,
  type ListenOptions,
  type Stream,
} from '../../src';
import { Cleanup } from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

/** Starts listenTCP with `options`; resolves the port, the info, and the subscription. */
async function serve(
  options: ListenOptions,
  onStream: (s: Stream) => void = () => undefined,
): Promise<{ port: number; info: ServerInfo; sub: Subscription }> {
  const info = new ServerInfo();
  const sub = listenTCP(0, '127.0.0.1', { ...options, server: info }).subscribe((s) => {
    clean.stream(s);
    onStream(s);
  });
  clean.add(() => sub.unsubscribe());
  const address = (await firstValueFrom(info.address$)) as net.AddressInfo;
  return { port: address.port, info, sub };
}

/** A raw client that collects everything until the server's end. */
function client(port: number): { socket: net.Socket; done: Promise<Buffer> } {
  const socket = clean.socket(net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }));
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const done = once(socket, 'end').then(() => Buffer.concat(chunks));
  return { socket, done };
}

describe('server lifecycle (real sockets)', () => {
  it('caps open connections at maxConnections under 2,000 simultaneous connects, counting the refused', async () => {
    const total = 2000;
    const cap = 50;
    const accepted: Stream[] = [];
    const { port, info } = await serve({ maxConnections: cap, backlog: 4096 }, (s) =>
      accepted.push(s),
    );
    let closed = 0;
    let allRefused!: () => void;
    const refusedAll = new Promise<void>((resolve) => (allRefused = resolve));
    for (let i = 0; i < total; i++) {
      const socket = clean.socket(net.connect(port, '127.0.0.1'));
      socket.resume();
      socket.on('close', () => {
        closed += 1;
        if (closed === total - cap) allRefused();
      });
    }
    await refusedAll;
    expect(accepted.length).toBe(cap);
    expect(info.counts).toEqual({
      open: cap,
      accepted: cap,
      refused: total - cap,
      handshakeFailures: 0,
    });
    // A slot frees when a stream closes: the next connection is accepted.
    accepted[0].destroy();
    await firstValueFrom(info.streams.size$.pipe(filter((n) => n === cap - 1)));
    const late = clean.stream(await firstValueFrom(connectTCP(port, '127.0.0.1')));
    await firstValueFrom(info.streams.size$.pipe(filter((n) => n === cap)));
    expect(late.state).toBe(StreamState.Open);
    expect(info.counts.accepted).toBe(cap + 1);
  }, 60_000);

  it('drains on unsubscribe: 100 streams closed gracefully, every last byte delivered', async () => {
    const payload = Buffer.alloc(64 * 1024, 7);
    const streams: Stream[] = [];
    let ready!: () => void;
    const allIn = new Promise<void>((resolve) => (ready = resolve));
    const { port, info, sub } = await serve({ drainTimeout: 10_000 }, (s) => {
      streams.push(s);
      s.tryWrite(payload); // accepted, maybe not yet sent
      if (streams.length === 100) ready();
    });
    const clients = Array.from({ length: 100 }, () => client(port));
    await allIn;
    sub.unsubscribe(); // stop accepting; close all gracefully
    const received = await Promise.all(clients.map((c) => c.done));
    expect(received.every((r) => r.equals(payload))).toBe(true);
    await firstValueFrom(info.streams.size$.pipe(filter((n) => n === 0)));
    expect(streams.every((s) => s.state === StreamState.Closed)).toBe(true);
    // The server stopped accepting.
    const refused = clean.socket(net.connect(port, '127.0.0.1'));
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  }, 30_000);

  it('destroys the streams still open at the drain deadline', async () => {
    const streams: Stream[] = [];
    const { port, info, sub } = await serve({ drainTimeout: 200 }, (s) => {
      streams.push(s);
      s.writeAll(Buffer.alloc(16 * 1024 * 1024)).subscribe({ error: () => undefined }); // more than the kernel holds
    });
    const stuck = clean.socket(net.connect(port, '127.0.0.1')); // never reads
    await once(stuck, 'connect');
    await firstValueFrom(info.streams.size$.pipe(filter((n) => n === 1)));
    sub.unsubscribe();
    await firstValueFrom(info.streams.size$.pipe(filter((n) => n === 0)));
    expect(streams[0].state).toBe(StreamState.Closed);
  });

  it('leaves accepted streams open on unsubscribe without drainTimeout (they are the subscriber’s)', async () => {
    let accepted!: (s: Stream) => void;
    const first = new Promise<Stream>((resolve) => (accepted = resolve));
    const { port, sub } = await serve({}, (s) => accepted(s));
    const c = client(port);
    const streams = [await first];
    sub.unsubscribe();
    expect(streams[0].state).toBe(StreamState.Open);
    await firstValueFrom(streams[0].writeAll(Buffer.from('still here')));
    streams[0].shutdownWrite();
    expect((await c.done).toString()).toBe('still here');
  });

  it('replays the bound address to a late subscriber: no race with the first connection', async () => {
    const info = new ServerInfo();
    const first = new Promise<Stream>((resolve) => {
      const sub = listenTCP(0, '127.0.0.1', { server: info }).subscribe(resolve);
      clean.add(() => sub.unsubscribe());
    });
    const a = (await firstValueFrom(info.address$)) as net.AddressInfo;
    const again = (await firstValueFrom(info.address$)) as net.AddressInfo;
    expect(again.port).toBe(a.port);
    clean.stream(await firstValueFrom(connectTCP(a.port, '127.0.0.1')));
    clean.stream(await first);
    expect(info.counts.accepted).toBe(1);
  });

  it('reports the socket path of listenIPC', async () => {
    const socketPath = path.join(os.tmpdir(), `rxstream-life-${process.pid}-${Date.now()}.sock`);
    const info = new ServerInfo();
    const sub = listenIPC(socketPath, { server: info, maxConnections: 1 }).subscribe((s) =>
      clean.stream(s),
    );
    clean.add(() => sub.unsubscribe());
    expect(await firstValueFrom(info.address$)).toBe(socketPath);
    clean.stream(await firstValueFrom(connectIPC(socketPath)));
    await firstValueFrom(info.streams.size$.pipe(filter((n) => n === 1)));
    expect(info.counts.open).toBe(1);
  });
});
