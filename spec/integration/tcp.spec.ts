/**
 * The seed's procedures over real TCP sockets on 127.0.0.1: every call, every
 * status it can produce, both ownership modes, close flushing, integrity.
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ReplaySubject,
  concatWith,
  filter,
  firstValueFrom,
  lastValueFrom,
  take,
  toArray,
} from 'rxjs';
import {
  ErrorCode,
  Status,
  StreamError,
  StreamKind,
  StreamState,
  connectTCP,
  createTCP,
  listenTCP,
  type Stream,
  type StreamOptions,
} from '../../src';
import {
  Cleanup,
  MiB,
  chunkSizes,
  collect,
  drain,
  errorOf,
  ignore,
  listenOn,
  nextReadable,
  prng,
  randomBytes,
  receive,
  runSeed,
  sha256,
  tcpPair,
  tlsPair,
  tryReadBytes,
} from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

interface TcpSetup {
  client: net.Socket;
  server: net.Socket;
  stream: Stream;
}

/** A TCP pair with a stream over the client socket; `server` is the raw peer. */
async function tcpStream(options?: StreamOptions): Promise<TcpSetup> {
  const pair = await tcpPair(clean);
  return { ...pair, stream: clean.stream(createTCP(pair.client, options)) };
}

/** Resets `peer` and resolves once its RST is on its way (the peer socket has closed). */
async function reset(peer: net.Socket): Promise<void> {
  const closed = once(peer, 'close');
  peer.resetAndDestroy();
  await closed;
}

function expectStreamError(e: unknown, status: Status, code: ErrorCode): void {
  expect(StreamError.is(e)).withContext(String(e)).toBeTrue();
  if (!StreamError.is(e)) return;
  expect(e.status).withContext(e.message).toBe(status);
  expect(e.code).withContext(e.message).toBe(code);
}

function expectInvalidThrow(make: () => unknown): void {
  let thrown: unknown;
  try {
    make();
  } catch (e) {
    thrown = e;
  }
  expectStreamError(thrown, Status.Invalid, ErrorCode.Invalid);
}

/** listenTCP on 127.0.0.1 port 0: its port, the streams it emits (replayed), and stop. */
function listening(): { port: Promise<number>; streams: ReplaySubject<Stream>; stop: () => void } {
  const streams = new ReplaySubject<Stream>();
  let stop = ignore;
  const port = new Promise<number>((resolve, reject) => {
    const sub = listenTCP(0, '127.0.0.1', { onListening: (a) => resolve(a.port) }).subscribe({
      next: (s) => streams.next(clean.stream(s)),
      error: reject,
    });
    stop = () => sub.unsubscribe();
    clean.add(stop);
  });
  return { port, streams, stop };
}

/** A free port nobody listens on (bound then closed). */
async function refusedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOn(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('TCP integration', () => {
  describe('createTCP', () => {
    it('wraps a connected socket: kind TCP, state Open, the socket fd', async () => {
      const { client, stream } = await tcpStream();
      const handle = Reflect.get(client, '_handle') as { fd: number };
      expect(stream.kind).toBe(StreamKind.TCP);
      expect(stream.state).toBe(StreamState.Open);
      expect(stream.fd).toBe(handle.fd);
      expect(stream.fd).toBeGreaterThan(2);
      expect(stream.mode).toBe('sync');
    });

    it('throws Invalid for values that are not sockets', () => {
      for (const bad of [{}, null, 'socket', [], new net.Server()]) {
        expectInvalidThrow(() => createTCP(bad as unknown as net.Socket));
      }
    });

    it('throws Invalid for a destroyed socket', async () => {
      const { client } = await tcpPair(clean);
      client.destroy();
      expectInvalidThrow(() => createTCP(client));
    });

    it('throws Invalid for a socket that is still connecting', async () => {
      const server = clean.server(net.createServer());
      const port = await listenOn(server);
      const connecting = clean.socket(net.connect(port, '127.0.0.1'));
      expect(connecting.connecting).toBeTrue();
      expectInvalidThrow(() => createTCP(connecting));
    });

    it('throws Invalid for a TLS socket (createTLS is for those)', async () => {
      const { client } = await tlsPair(clean);
      expectInvalidThrow(() => createTCP(client));
    });

    it('throws Invalid for fd numbers that are not integers or are negative', () => {
      for (const fd of [-1, 1.5, NaN, Infinity]) expectInvalidThrow(() => createTCP(fd));
    });

    it('throws Invalid for a closed fd', () => {
      const fd = fs.openSync(__filename, 'r');
      fs.closeSync(fd);
      expectInvalidThrow(() => createTCP(fd));
    });

    it('throws Invalid for the fd of a regular file', () => {
      const fd = fs.openSync(path.join(os.tmpdir(), `rxstream-fd-${process.pid}`), 'w');
      clean.add(() => fs.closeSync(fd));
      expectInvalidThrow(() => createTCP(fd));
    });

    it('throws Invalid for a bad buffer size option', async () => {
      const { client } = await tcpPair(clean);
      expectInvalidThrow(() => createTCP(client, { sendBufferSize: 0 }));
      expectInvalidThrow(() => createTCP(client, { readBufferSize: 1.5 }));
    });
  });

  describe('tryRead', () => {
    it('answers OK with the bytes the peer sent', async () => {
      const { server, stream } = await tcpStream();
      server.write('hello');
      const got = await tryReadBytes(stream, 5);
      expect(got.toString()).toBe('hello');
      expect(stream.bytesRead).toBe(5);
    });

    it('answers OK 0 (never WouldBlock) when nothing has arrived yet', async () => {
      const { stream } = await tcpStream();
      expect(stream.tryRead(Buffer.alloc(16))).toEqual({ status: Status.OK, bytes: 0 });
    });

    it('copies at most max bytes and keeps the rest for the next call', async () => {
      const { server, stream } = await tcpStream();
      server.write('abcdef');
      await nextReadable(stream);
      const buf = Buffer.alloc(16);
      const first = stream.tryRead(buf, 2);
      expect(first).toEqual({ status: Status.OK, bytes: 2 });
      expect(buf.subarray(0, 2).toString()).toBe('ab');
      expect((await tryReadBytes(stream, 4)).toString()).toBe('cdef');
    });

    it('answers StreamClosed after the peer ended and every byte was read', async () => {
      const { server, stream } = await tcpStream();
      server.end('bye');
      expect((await tryReadBytes(stream, 3)).toString()).toBe('bye');
      const buf = Buffer.alloc(8);
      let r = stream.tryRead(buf);
      while (r.status === Status.OK) {
        await nextReadable(stream);
        r = stream.tryRead(buf);
      }
      expect(r).toEqual({ status: Status.StreamClosed, bytes: 0 });
      expect(stream.state).toBe(StreamState.Open); // half-close: our side may still write
    });

    it('answers Invalid for bad arguments and leaves the data intact', async () => {
      const { server, stream } = await tcpStream();
      server.write('intact');
      await nextReadable(stream);
      expect(stream.tryRead(Buffer.alloc(0)).status).toBe(Status.Invalid);
      expect(stream.tryRead(Buffer.alloc(4), 5).status).toBe(Status.Invalid);
      expect(stream.tryRead(Buffer.alloc(4), 0).status).toBe(Status.Invalid);
      expect(stream.tryRead(Buffer.alloc(4), 1.5).status).toBe(Status.Invalid);
      expect(stream.tryRead('x' as unknown as Buffer).status).toBe(Status.Invalid);
      expect((await tryReadBytes(stream, 6)).toString()).toBe('intact');
    });

    it('answers SysError after the peer resets the connection', async () => {
      const { server, stream } = await tcpStream();
      const woke = nextReadable(stream); // readiness interest makes the stream read
      await reset(server);
      await woke;
      const r = stream.tryRead(Buffer.alloc(8));
      expect(r).toEqual({ status: Status.SysError, bytes: 0 });
      expect(stream.state).toBe(StreamState.Error);
      expect(stream.lastError?.status).toBe(Status.SysError);
      expect(stream.lastError?.code).toBe(ErrorCode.IO);
    });
  });

  describe('tryWrite', () => {
    it('answers OK with the bytes accepted, and the peer receives them', async () => {
      const { server, stream } = await tcpStream();
      const r = stream.tryWrite(Buffer.from('ping'));
      expect(r).toEqual({ status: Status.OK, bytes: 4 });
      expect(stream.bytesWritten).toBe(4);
      expect((await receive(server, 4)).toString()).toBe('ping');
    });

    it('answers OK 0 when the send buffer is full, and writable$ emits once there is room', async () => {
      const { server, stream } = await tcpStream({ sendBufferSize: 16 });
      const data = Buffer.from('0123456789abcdefGHIJ');
      expect(stream.tryWrite(data)).toEqual({ status: Status.OK, bytes: 16 });
      expect(stream.tryWrite(data.subarray(16))).toEqual({ status: Status.OK, bytes: 0 });
      const received = receive(server, 20);
      await firstValueFrom(stream.writable$);
      expect(stream.tryWrite(data.subarray(16))).toEqual({ status: Status.OK, bytes: 4 });
      expect((await received).toString()).toBe(data.toString());
    });

    it('answers Invalid for bad arguments and after shutdownWrite', async () => {
      const { stream } = await tcpStream();
      expect(stream.tryWrite(Buffer.alloc(0)).status).toBe(Status.Invalid);
      expect(stream.tryWrite(Buffer.alloc(2), 3).status).toBe(Status.Invalid);
      expect(stream.tryWrite(Buffer.alloc(2), -1).status).toBe(Status.Invalid);
      expect(stream.tryWrite(null as unknown as Buffer).status).toBe(Status.Invalid);
      expect(stream.shutdownWrite()).toBe(Status.OK);
      expect(stream.tryWrite(Buffer.from('late')).status).toBe(Status.Invalid);
      expect(stream.bytesWritten).toBe(0);
    });

    it('answers SysError once writing to a reset peer failed', async () => {
      const { server, stream } = await tcpStream();
      await reset(server);
      const failed = firstValueFrom(stream.state$.pipe(toArray()));
      const big = Buffer.alloc(256 * 1024);
      while (stream.state === StreamState.Open) {
        if (stream.tryWrite(big).bytes === 0) await firstValueFrom(stream.writable$);
      }
      expect(stream.tryWrite(big)).toEqual({ status: Status.SysError, bytes: 0 });
      stream.destroy();
      expect(await failed).toEqual([StreamState.Open, StreamState.Error]);
    });
  });

  describe('read (ReadAsync)', () => {
    it('emits the count of bytes copied into the buffer and completes', async () => {
      const { server, stream } = await tcpStream();
      server.write('async');
      const buf = Buffer.alloc(64);
      const n = await lastValueFrom(stream.read(buf));
      expect(buf.subarray(0, n).toString()).toBe('async'.slice(0, n));
      expect(n).toBeGreaterThan(0);
      expect(stream.mode).toBe('async');
    });

    it('errors with code 2 (StreamClosed) at the end of stream', async () => {
      const { server, stream } = await tcpStream();
      server.end();
      expectStreamError(
        await errorOf(stream.read(Buffer.alloc(8))),
        Status.StreamClosed,
        ErrorCode.Closed,
      );
    });

    it('errors with code 1 (SysError) when the peer resets', async () => {
      const { server, stream } = await tcpStream();
      const error = errorOf(stream.read(Buffer.alloc(8)));
      await reset(server);
      expectStreamError(await error, Status.SysError, ErrorCode.IO);
      expect(stream.state).toBe(StreamState.Error);
    });

    it('refuses a second pending read with Invalid (code 3) and keeps the first', async () => {
      const { server, stream } = await tcpStream();
      const buf = Buffer.alloc(8);
      const first = lastValueFrom(stream.read(buf));
      expectStreamError(await errorOf(stream.read(Buffer.alloc(8))), Status.Invalid, 3);
      server.write('one');
      const n = await first;
      expect(buf.subarray(0, n).toString()).toBe('one'.slice(0, n));
    });
  });

  describe('write / writeAll (WriteAsync / WriteAllAsync)', () => {
    it('write emits the bytes accepted, and the peer receives them', async () => {
      const { server, stream } = await tcpStream();
      const n = await lastValueFrom(stream.write(Buffer.from('written')));
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(7);
      expect((await receive(server, n)).toString()).toBe('written'.slice(0, n));
    });

    it('write accepts fewer than len when the send buffer is small', async () => {
      const { server, stream } = await tcpStream({ sendBufferSize: 8 });
      const n = await lastValueFrom(stream.write(Buffer.from('0123456789abcdef')));
      expect(n).toBe(8);
      expect((await receive(server, 8)).toString()).toBe('01234567');
    });

    it('writeAll emits len once 8 MiB are accepted, and the peer receives them all', async () => {
      const { server, stream } = await tcpStream();
      const data = randomBytes(prng(7), 8 * MiB);
      const received = receive(server, data.length);
      expect(await lastValueFrom(stream.writeAll(data))).toBe(data.length);
      expect(sha256(await received)).toBe(sha256(data));
    });

    it('refuses a second write-side operation with Invalid while writeAll is pending', async () => {
      const { server, stream } = await tcpStream({ sendBufferSize: 1024 });
      const data = Buffer.alloc(4 * MiB, 1);
      const all = lastValueFrom(stream.writeAll(data));
      expectStreamError(await errorOf(stream.write(Buffer.from('x'))), Status.Invalid, 3);
      expectStreamError(await errorOf(stream.close()), Status.Invalid, 3);
      expect(stream.tryWrite(Buffer.from('x')).status).toBe(Status.Invalid);
      const received = receive(server, data.length);
      expect(await all).toBe(data.length);
      expect(sha256(await received)).toBe(sha256(data));
    });

    it('errors with code 1 (SysError) when the peer has reset', async () => {
      const { server, stream } = await tcpStream();
      await reset(server);
      const error = await errorOf(stream.writeAll(Buffer.alloc(4 * MiB)));
      expectStreamError(error, Status.SysError, ErrorCode.IO);
      expect(stream.lastError).toBe(error as StreamError);
    });

    it('errors with Invalid after shutdownWrite', async () => {
      const { stream } = await tcpStream();
      stream.shutdownWrite();
      expectStreamError(await errorOf(stream.write(Buffer.from('x'))), Status.Invalid, 3);
      expectStreamError(await errorOf(stream.writeAll(Buffer.from('x'))), Status.Invalid, 3);
    });
  });

  describe('close (CloseAsync)', () => {
    it('flushes 8 MiB accepted by tryWrite just before it, then the peer sees the end', async () => {
      const { server, stream } = await tcpStream({ sendBufferSize: 16 * MiB });
      const data = randomBytes(prng(11), 8 * MiB);
      const received = collect(server, true); // a polite peer ends back
      expect(stream.tryWrite(data)).toEqual({ status: Status.OK, bytes: data.length });
      await lastValueFrom(stream.close(), { defaultValue: undefined });
      expect(stream.state).toBe(StreamState.Closed);
      expect(sha256(await received)).toBe(sha256(data));
    });

    it('flushes a writeAll of 8 MiB chained just before it', async () => {
      const { server, stream } = await tcpStream();
      const data = randomBytes(prng(12), 8 * MiB);
      const received = collect(server, true); // a polite peer ends back
      const states = lastValueFrom(stream.state$.pipe(toArray()));
      await lastValueFrom(stream.writeAll(data).pipe(concatWith(stream.close())));
      expect(sha256(await received)).toBe(sha256(data));
      stream.destroy();
      expect(await states).toEqual([StreamState.Open, StreamState.Closed]);
    });

    it('closes the socket, and closing again completes at once', async () => {
      const { client, server, stream } = await tcpStream();
      void collect(server, true);
      const closed = once(client, 'close');
      await lastValueFrom(stream.close(), { defaultValue: undefined });
      await closed;
      expect(client.destroyed).toBeTrue();
      await lastValueFrom(stream.close(), { defaultValue: undefined });
      expect(stream.state).toBe(StreamState.Closed);
      expect(stream.tryWrite(Buffer.from('x')).status).toBe(Status.Invalid);
    });

    it('completes after closeTimeout when the peer never ends its side', async () => {
      const { client, server, stream } = await tcpStream({ closeTimeout: 20 });
      const received = collect(server); // reads, but never ends back
      stream.tryWrite(Buffer.from('last words'));
      await lastValueFrom(stream.close(), { defaultValue: undefined });
      expect(stream.state).toBe(StreamState.Closed);
      expect(client.destroyed).toBeTrue();
      expect((await received).toString()).toBe('last words');
    });

    it('errors with code 1 when the peer resets before the close', async () => {
      const { server, stream } = await tcpStream({ sendBufferSize: 8 * MiB });
      await reset(server);
      stream.tryWrite(Buffer.alloc(4 * MiB));
      expectStreamError(await errorOf(stream.close()), Status.SysError, ErrorCode.IO);
      expect(stream.state).toBe(StreamState.Error);
    });
  });

  describe('shutdownWrite', () => {
    it('sends FIN after the accepted bytes; reads go on to the peer end', async () => {
      const { server, stream } = await tcpStream();
      const received = collect(server);
      stream.tryWrite(Buffer.from('request'));
      expect(stream.shutdownWrite()).toBe(Status.OK);
      expect(stream.state).toBe(StreamState.ShutdownWr);
      expect((await received).toString()).toBe('request');
      const reply = drain(stream);
      server.end('reply after our FIN');
      expect((await reply).toString()).toBe('reply after our FIN');
    });

    it('answers Invalid when already shut down, and the state reaches Closed when both ends are done', async () => {
      const { server, stream } = await tcpStream();
      const states = lastValueFrom(stream.state$.pipe(toArray()));
      expect(stream.shutdownWrite()).toBe(Status.OK);
      expect(stream.shutdownWrite()).toBe(Status.Invalid);
      await collect(server); // our FIN arrived
      server.end();
      await drain(stream);
      await firstValueFrom(stream.state$.pipe(filter((st) => st === StreamState.Closed)));
      stream.destroy();
      expect(await states).toEqual([StreamState.Open, StreamState.ShutdownWr, StreamState.Closed]);
    });
  });

  describe('state / fd / kind (GetState / GetFd / GetKind)', () => {
    it('shows Open → Error on a reset in state$, with lastError SysError', async () => {
      const { server, stream } = await tcpStream();
      const seen: StreamState[] = [];
      stream.state$.subscribe((s) => seen.push(s));
      const done = drain(stream).catch((e: unknown) => e);
      await reset(server);
      expectStreamError(await done, Status.SysError, ErrorCode.IO);
      expect(seen).toEqual([StreamState.Open, StreamState.Error]);
      expect(stream.kind).toBe(StreamKind.TCP);
    });

    it('keeps kind and fd readable after destroy', async () => {
      const { stream } = await tcpStream();
      const fd = stream.fd;
      stream.destroy();
      expect(stream.kind).toBe(StreamKind.TCP);
      expect(stream.fd).toBe(fd);
      expect(stream.state).toBe(StreamState.Closed);
    });
  });

  describe('destroy', () => {
    it('in sync mode hands the socket back open, with read-ahead bytes intact', async () => {
      const { client, server, stream } = await tcpStream();
      server.write('hello world');
      await nextReadable(stream);
      const buf = Buffer.alloc(5);
      const first = stream.tryRead(buf, 5);
      expect(first.status).toBe(Status.OK);
      expect(stream.stats().readBuffered).toBeGreaterThan(0); // the stream had read ahead
      expect(stream.destroy()).toBe(Status.OK);
      expect(client.destroyed).toBeFalse();
      const rest = collect(client); // resumes the socket
      server.end();
      const got = Buffer.concat([buf.subarray(0, first.bytes), await rest]);
      expect(got.toString()).toBe('hello world');
    });

    it('in sync mode sends accepted bytes, and the caller can still write through the socket', async () => {
      const { client, server, stream } = await tcpStream();
      const received = collect(server);
      stream.tryWrite(Buffer.from('queued;'));
      expect(stream.destroy()).toBe(Status.OK);
      client.end('after destroy');
      expect((await received).toString()).toBe('queued;after destroy');
    });

    it('in async mode closes the socket: the peer sees the end', async () => {
      const { client, server, stream } = await tcpStream();
      stream.reads$.subscribe({ error: ignore });
      expect(stream.mode).toBe('async');
      const peerEnd = collect(server);
      const closed = once(client, 'close');
      expect(stream.destroy()).toBe(Status.OK);
      await peerEnd;
      await closed;
      expect(client.destroyed).toBeTrue();
    });

    it('errors a pending read with code 2 and answers Invalid to everything after', async () => {
      const { stream } = await tcpStream();
      const pending = errorOf(stream.read(Buffer.alloc(4)));
      expect(stream.destroy()).toBe(Status.OK);
      expectStreamError(await pending, Status.StreamClosed, ErrorCode.Closed);
      expect(stream.destroy()).toBe(Status.Invalid);
      expect(stream.tryRead(Buffer.alloc(4)).status).toBe(Status.Invalid);
      expect(stream.tryWrite(Buffer.alloc(4)).status).toBe(Status.Invalid);
      expect(stream.shutdownWrite()).toBe(Status.Invalid);
      expectStreamError(await errorOf(stream.read(Buffer.alloc(4))), Status.Invalid, 3);
      expectStreamError(await errorOf(stream.close()), Status.Invalid, 3);
      expectStreamError(await errorOf(stream.renegotiate()), Status.Invalid, 3);
    });
  });

  describe('reads$', () => {
    it('delivers every byte and completes when the peer ends', async () => {
      const { server, stream } = await tcpStream();
      const all = drain(stream);
      server.write('one,');
      server.end('two');
      expect((await all).toString()).toBe('one,two');
      expect(stream.bytesRead).toBe(7);
    });

    it('loses nothing across unsubscribe and resubscribe', async () => {
      const { server, stream } = await tcpStream();
      server.write('first');
      const first = await firstValueFrom(stream.reads$); // unsubscribes after one chunk
      server.end('|more');
      const rest = await drain(stream);
      expect(Buffer.concat([first, rest]).toString()).toBe('first|more');
    });
  });

  describe('integrity', () => {
    it('moves 8 MiB in random chunk sizes both ways with equal sha256', async () => {
      const seed = runSeed();
      const rand = prng(seed);
      const { server, stream } = await tcpStream();
      const out = randomBytes(rand, 8 * MiB);
      const back = randomBytes(rand, 8 * MiB);
      const received = collect(server);
      const sent = (async () => {
        let off = 0;
        for (const n of chunkSizes(rand, out.length, 256 * 1024)) {
          await lastValueFrom(stream.writeAll(out.subarray(off, off + n)));
          off += n;
        }
        stream.shutdownWrite();
      })();
      let off = 0;
      for (const n of chunkSizes(rand, back.length, 200 * 1024)) {
        server.write(back.subarray(off, off + n));
        off += n;
      }
      server.end();
      const [got] = await Promise.all([drain(stream), sent]);
      expect(sha256(got)).withContext(`seed ${seed}`).toBe(sha256(back));
      expect(sha256(await received))
        .withContext(`seed ${seed}`)
        .toBe(sha256(out));
    }, 30000);
  });

  describe('connectTCP / listenTCP', () => {
    it('connectTCP emits an Open TCP stream connected to the server', async () => {
      const server = clean.server(net.createServer({ allowHalfOpen: true }));
      const port = await listenOn(server);
      const accepted = once(server, 'connection') as Promise<[net.Socket]>;
      const stream = clean.stream(await firstValueFrom(connectTCP(port, '127.0.0.1')));
      const [peer] = await accepted;
      clean.socket(peer);
      expect(stream.kind).toBe(StreamKind.TCP);
      expect(stream.state).toBe(StreamState.Open);
      stream.tryWrite(Buffer.from('hi'));
      expect((await receive(peer, 2)).toString()).toBe('hi');
    });

    it('connectTCP errors SysError (code 1) when the connection is refused', async () => {
      const port = await refusedPort();
      const error = await errorOf(connectTCP(port, '127.0.0.1'));
      expectStreamError(error, Status.SysError, ErrorCode.IO);
      expect(((error as StreamError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    });

    it('connectTCP errors Invalid for a bad port', async () => {
      for (const port of [-1, 70000, 1.5]) {
        expectStreamError(await errorOf(connectTCP(port, '127.0.0.1')), Status.Invalid, 3);
      }
    });

    it('listenTCP emits one stream per connection', async () => {
      const server = listening();
      const port = await server.port;
      const a = clean.socket(net.connect(port, '127.0.0.1'));
      const b = clean.socket(net.connect(port, '127.0.0.1'));
      a.end('from a');
      b.end('from b');
      const streams = await firstValueFrom(server.streams.pipe(take(2), toArray()));
      const texts = await Promise.all(streams.map((s) => drain(s)));
      expect(texts.map(String).sort()).toEqual(['from a', 'from b']);
      expect(streams.every((s) => s.kind === StreamKind.TCP)).toBeTrue();
    });

    it('listenTCP closes the server on unsubscribe: a new connect is refused', async () => {
      const server = listening();
      const port = await server.port;
      const ok = clean.stream(await firstValueFrom(connectTCP(port, '127.0.0.1')));
      expect(ok.state).toBe(StreamState.Open);
      server.stop();
      const error = await errorOf(connectTCP(port, '127.0.0.1'));
      expectStreamError(error, Status.SysError, ErrorCode.IO);
      expect(((error as StreamError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    });
  });
});
