/**
 * The seed's procedures over real TLS sessions on 127.0.0.1: every call,
 * every status it can produce (TLSError from handshakes and from garbage
 * mid-stream, SysError from a reset), ownership, half-close, close flushing,
 * integrity, and the secure-by-default connect/listen helpers.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ReplaySubject, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import {
  ErrorCode,
  Status,
  StreamError,
  StreamKind,
  StreamState,
  connectTLS,
  createTLS,
  listenTLS,
  type Stream,
  type StreamOptions,
} from '../../src';
import { testCerts, type KeyPair } from '../../tools/certs';
import {
  Cleanup,
  MiB,
  chunkSizes,
  clientTls,
  collect,
  drain,
  errorOf,
  ignore,
  listenOn,
  nextReadable,
  prng,
  proxiedTlsPair,
  randomBytes,
  receive,
  runSeed,
  serverTls,
  sha256,
  tcpPair,
  tlsPair,
  tlsServer,
  tryReadBytes,
} from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

interface TlsSetup {
  client: tls.TLSSocket;
  server: tls.TLSSocket;
  stream: Stream;
}

/** A TLS pair with a stream over the client socket; `server` is the raw TLS peer. */
async function tlsStream(options?: StreamOptions): Promise<TlsSetup> {
  const pair = await tlsPair(clean);
  return { ...pair, stream: clean.stream(createTLS(pair.client, options)) };
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

/** A TLS server on 127.0.0.1 presenting `pair` as its certificate. */
async function serverWith(pair: KeyPair): Promise<number> {
  const { port } = await tlsServer(clean, { key: pair.key, cert: pair.cert });
  return port;
}

/** listenTLS on 127.0.0.1 port 0: its port, the streams it emits (replayed), and stop. */
function listening(): { port: Promise<number>; streams: ReplaySubject<Stream>; stop: () => void } {
  const streams = new ReplaySubject<Stream>();
  let stop = ignore;
  const port = new Promise<number>((resolve, reject) => {
    const sub = listenTLS(serverTls(), 0, '127.0.0.1', {
      onListening: (a) => resolve(a.port),
    }).subscribe({ next: (s) => streams.next(clean.stream(s)), error: reject });
    stop = () => sub.unsubscribe();
    clean.add(stop);
  });
  return { port, streams, stop };
}

describe('TLS integration', () => {
  describe('createTLS', () => {
    it('wraps a completed client handshake: kind TLSStream, state Open, the socket fd', async () => {
      const { client, stream } = await tlsStream();
      const handle = Reflect.get(client, '_handle') as { fd: number };
      expect(stream.kind).toBe(StreamKind.TLSStream);
      expect(stream.state).toBe(StreamState.Open);
      expect(stream.fd).toBe(handle.fd);
      expect(stream.fd).toBeGreaterThan(2);
    });

    it('wraps the server side of a completed handshake', async () => {
      const { client, server } = await tlsPair(clean);
      const stream = clean.stream(createTLS(server));
      expect(stream.kind).toBe(StreamKind.TLSStream);
      client.write('to the server');
      expect((await tryReadBytes(stream, 13)).toString()).toBe('to the server');
    });

    it('throws Invalid for values that are not TLS sockets, and for a plain TCP socket', async () => {
      for (const bad of [{}, null, 42, 'tls']) {
        expectInvalidThrow(() => createTLS(bad as unknown as tls.TLSSocket));
      }
      const { client } = await tcpPair(clean);
      expectInvalidThrow(() => createTLS(client as tls.TLSSocket));
    });

    it('throws Invalid for a TLS socket whose handshake has not completed', async () => {
      const silent = clean.server(net.createServer((s) => clean.socket(s))); // never answers the hello
      const port = await listenOn(silent);
      const socket = clean.socket(tls.connect(clientTls(port)));
      await once(socket, 'connect'); // TCP is up, the handshake is pending
      expect(socket.getPeerFinished()).toBeUndefined();
      expectInvalidThrow(() => createTLS(socket));
    });

    it('throws Invalid for a TLS socket that is still connecting', async () => {
      const { port } = await tlsServer(clean);
      const socket = clean.socket(tls.connect(clientTls(port)));
      expectInvalidThrow(() => createTLS(socket));
      await once(socket, 'secureConnect');
    });

    it('throws Invalid for a destroyed TLS socket', async () => {
      const { client } = await tlsPair(clean);
      client.destroy();
      expectInvalidThrow(() => createTLS(client));
    });
  });

  describe('tryRead / tryWrite', () => {
    it('tryRead answers OK with decrypted bytes, OK 0 when nothing is there', async () => {
      const { server, stream } = await tlsStream();
      expect(stream.tryRead(Buffer.alloc(8))).toEqual({ status: Status.OK, bytes: 0 });
      server.write('secret');
      expect((await tryReadBytes(stream, 6)).toString()).toBe('secret');
    });

    it('tryRead answers StreamClosed after the peer close_notify and FIN', async () => {
      const { server, stream } = await tlsStream();
      server.end('last');
      expect((await tryReadBytes(stream, 4)).toString()).toBe('last');
      let r = stream.tryRead(Buffer.alloc(8));
      while (r.status === Status.OK) {
        await nextReadable(stream);
        r = stream.tryRead(Buffer.alloc(8));
      }
      expect(r.status).toBe(Status.StreamClosed);
    });

    it('tryWrite answers OK and the peer decrypts the bytes', async () => {
      const { server, stream } = await tlsStream();
      expect(stream.tryWrite(Buffer.from('sealed'))).toEqual({ status: Status.OK, bytes: 6 });
      expect((await receive(server, 6)).toString()).toBe('sealed');
    });

    it('tryWrite answers OK 0 on a full send buffer, Invalid on bad arguments', async () => {
      const { stream } = await tlsStream({ sendBufferSize: 4 });
      expect(stream.tryWrite(Buffer.from('abcdef'))).toEqual({ status: Status.OK, bytes: 4 });
      expect(stream.tryWrite(Buffer.from('ef'))).toEqual({ status: Status.OK, bytes: 0 });
      expect(stream.tryWrite(Buffer.alloc(2), 3).status).toBe(Status.Invalid);
      await firstValueFrom(stream.writable$);
      expect(stream.tryWrite(Buffer.from('ef')).status).toBe(Status.OK);
    });
  });

  describe('read / write / writeAll', () => {
    it('read emits the byte count; errors code 2 at the end of stream', async () => {
      const { server, stream } = await tlsStream();
      server.write('x');
      const buf = Buffer.alloc(4);
      expect(await lastValueFrom(stream.read(buf))).toBe(1);
      expect(buf[0]).toBe('x'.charCodeAt(0));
      server.end();
      expectStreamError(await errorOf(stream.read(buf)), Status.StreamClosed, ErrorCode.Closed);
    });

    it('write emits bytes accepted; writeAll emits len for 8 MiB the peer receives whole', async () => {
      const { server, stream } = await tlsStream();
      const data = randomBytes(prng(21), 8 * MiB);
      const received = receive(server, data.length + 3);
      expect(await lastValueFrom(stream.write(Buffer.from('hd:')))).toBe(3);
      expect(await lastValueFrom(stream.writeAll(data))).toBe(data.length);
      const got = await received;
      expect(got.subarray(0, 3).toString()).toBe('hd:');
      expect(sha256(got.subarray(3))).toBe(sha256(data));
    });
  });

  describe('fatal errors', () => {
    it('reads$ errors SysError (code 1) when the peer resets the TCP connection', async () => {
      const pair = await proxiedTlsPair(clean);
      const stream = clean.stream(createTLS(pair.client));
      const error = drain(stream).catch((e: unknown) => e);
      pair.front.resetAndDestroy();
      expectStreamError(await error, Status.SysError, ErrorCode.IO);
      expect(stream.state).toBe(StreamState.Error);
      expect(stream.tryRead(Buffer.alloc(4)).status).toBe(Status.SysError);
    });

    it('reads$ errors TLSError (code 1) on garbage records mid-stream, after the good bytes', async () => {
      const pair = await proxiedTlsPair(clean);
      const stream = clean.stream(createTLS(pair.client));
      const chunks: Buffer[] = [];
      let gotGood = ignore;
      const good = new Promise<void>((resolve) => (gotGood = resolve));
      const error = new Promise<unknown>((resolve) => {
        stream.reads$.subscribe({
          next: (c) => {
            chunks.push(c);
            if (Buffer.concat(chunks).length >= 10) gotGood();
          },
          error: resolve,
        });
      });
      pair.server.write('good bytes');
      await good;
      pair.cut();
      const record = Buffer.concat([
        Buffer.from([0x17, 0x03, 0x03, 0x00, 0x40]),
        randomBytes(prng(3), 64),
      ]);
      pair.front.write(record);
      expectStreamError(await error, Status.TLSError, ErrorCode.IO);
      expect(Buffer.concat(chunks).toString()).toBe('good bytes');
      expect(stream.state).toBe(StreamState.Error);
      expect(stream.lastError?.status).toBe(Status.TLSError);
    });
  });

  describe('close / shutdownWrite', () => {
    it('close sends close_notify and closes: the peer sees the end, state Closed', async () => {
      const { client, server, stream } = await tlsStream();
      const peerEnd = collect(server, true); // a polite peer ends back
      stream.tryWrite(Buffer.from('bye'));
      await lastValueFrom(stream.close(), { defaultValue: undefined });
      expect(stream.state).toBe(StreamState.Closed);
      expect((await peerEnd).toString()).toBe('bye');
      expect(client.destroyed).toBeTrue();
    });

    it('close flushes 8 MiB accepted by tryWrite just before it', async () => {
      const { server, stream } = await tlsStream({ sendBufferSize: 16 * MiB });
      const data = randomBytes(prng(22), 8 * MiB);
      const received = collect(server, true);
      expect(stream.tryWrite(data).bytes).toBe(data.length);
      await lastValueFrom(stream.close(), { defaultValue: undefined });
      expect(sha256(await received)).toBe(sha256(data));
      expect(stream.state).toBe(StreamState.Closed);
    });

    it('shutdownWrite half-closes: the peer sees the end and can still send to our end', async () => {
      const { server, stream } = await tlsStream();
      const peerGot = collect(server);
      stream.tryWrite(Buffer.from('question'));
      expect(stream.shutdownWrite()).toBe(Status.OK);
      expect(stream.state).toBe(StreamState.ShutdownWr);
      expect((await peerGot).toString()).toBe('question');
      const answer = drain(stream);
      server.write('answer, ');
      server.end('after your close_notify');
      expect((await answer).toString()).toBe('answer, after your close_notify');
    });

    it('shutdownWrite answers Invalid the second time and writes are refused', async () => {
      const { stream } = await tlsStream();
      expect(stream.shutdownWrite()).toBe(Status.OK);
      expect(stream.shutdownWrite()).toBe(Status.Invalid);
      expect(stream.tryWrite(Buffer.from('x')).status).toBe(Status.Invalid);
      expectStreamError(await errorOf(stream.write(Buffer.from('x'))), Status.Invalid, 3);
    });
  });

  describe('destroy and ownership', () => {
    it('in sync mode hands the TLS socket back open, read-ahead bytes intact', async () => {
      const { client, server, stream } = await tlsStream();
      server.write('hello tls world');
      await nextReadable(stream);
      const buf = Buffer.alloc(5);
      const first = stream.tryRead(buf, 5);
      expect(first.status).toBe(Status.OK);
      expect(stream.stats().readBuffered).toBeGreaterThan(0);
      expect(stream.destroy()).toBe(Status.OK);
      expect(client.destroyed).toBeFalse();
      const rest = collect(client);
      server.end();
      const got = Buffer.concat([buf.subarray(0, first.bytes), await rest]);
      expect(got.toString()).toBe('hello tls world');
    });

    it('in sync mode the caller keeps writing through the handed-back TLS socket', async () => {
      const { client, server, stream } = await tlsStream();
      const received = collect(server);
      stream.tryWrite(Buffer.from('queued;'));
      stream.destroy();
      client.end('after destroy');
      expect((await received).toString()).toBe('queued;after destroy');
    });

    it('in async mode destroy closes the TLS socket: the peer sees the end', async () => {
      const { client, server, stream } = await tlsStream();
      stream.reads$.subscribe({ error: ignore });
      // TLS 1.3 tickets arrive after the handshake: destroyed over them unread, the socket
      // would answer with an RST (as any socket over unread input), not the end under test.
      if (client.getProtocol() === 'TLSv1.3' && client.getSession() === undefined)
        await once(client, 'session');
      const peerEnd = collect(server);
      expect(stream.destroy()).toBe(Status.OK);
      await peerEnd;
      expect(client.destroyed).toBeTrue();
      expect(stream.state).toBe(StreamState.Closed);
    });
  });

  describe('integrity', () => {
    it('moves 8 MiB in random chunk sizes both ways with equal sha256', async () => {
      const seed = runSeed();
      const rand = prng(seed);
      const { server, stream } = await tlsStream();
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

  describe('connectTLS (secure by default)', () => {
    it('emits an Open TLSStream after verifying the server', async () => {
      const { server, port } = await tlsServer(clean);
      const accepted = once(server, 'secureConnection') as Promise<[tls.TLSSocket]>;
      const stream = clean.stream(
        await firstValueFrom(
          connectTLS({ host: '127.0.0.1', port, servername: 'localhost', ca: testCerts().ca }),
        ),
      );
      const [peer] = await accepted;
      clean.socket(peer);
      expect(stream.kind).toBe(StreamKind.TLSStream);
      expect(stream.state).toBe(StreamState.Open);
      stream.tryWrite(Buffer.from('hi'));
      expect((await receive(peer, 2)).toString()).toBe('hi');
    });

    it('sends SNI for a host name, none for an IP address, and the given servername over host', async () => {
      const { server, port } = await tlsServer(clean);
      const names: (string | false)[] = [];
      server.on('secureConnection', (peer: tls.TLSSocket) => {
        clean.socket(peer);
        names.push((peer as tls.TLSSocket & { servername: string | false }).servername);
      });
      const ca = testCerts().ca;
      for (const options of [
        { host: 'localhost', port, ca },
        { host: '127.0.0.1', port, ca, rejectUnauthorized: false },
        { host: 'localhost', port, ca, servername: 'other.example', rejectUnauthorized: false },
      ]) {
        const seen = names.length;
        const accepted = once(server, 'secureConnection');
        clean.stream(await firstValueFrom(connectTLS(options)));
        if (names.length === seen) await accepted; // the server's side may come after ours
      }
      expect(names).toEqual(['localhost', false, 'other.example']);
    });

    const failures: [string, () => KeyPair, string][] = [
      ['a self-signed certificate', () => testCerts().selfSigned, 'localhost'],
      ['a certificate from an unknown CA', () => testCerts().unknownCa, 'localhost'],
      ['an expired certificate', () => testCerts().expired, 'localhost'],
      ['a certificate not yet valid', () => testCerts().notYetValid, 'localhost'],
      ['a host name mismatch', () => testCerts().server, 'not-localhost.example'],
    ];
    for (const [what, pair, servername] of failures) {
      it(`errors TLSError (code 1) for ${what}`, async () => {
        const port = await serverWith(pair());
        const error = await errorOf(
          connectTLS({ host: '127.0.0.1', port, servername, ca: testCerts().ca }),
        );
        expectStreamError(error, Status.TLSError, ErrorCode.IO);
      });
    }

    it('accepts a self-signed certificate only when told rejectUnauthorized: false', async () => {
      const port = await serverWith(testCerts().selfSigned);
      const stream = clean.stream(
        await firstValueFrom(connectTLS({ host: '127.0.0.1', port, rejectUnauthorized: false })),
      );
      expect(stream.state).toBe(StreamState.Open);
    });

    it('errors TLSError when the server only speaks a version below TLS 1.2', async () => {
      const { port } = await tlsServer(clean, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
      const error = await errorOf(
        connectTLS({ host: '127.0.0.1', port, servername: 'localhost', ca: testCerts().ca }),
      );
      expectStreamError(error, Status.TLSError, ErrorCode.IO);
    });

    it('errors SysError (code 1) when the connection is refused', async () => {
      const probe = net.createServer();
      const port = await listenOn(probe);
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const error = await errorOf(connectTLS({ host: '127.0.0.1', port, ca: testCerts().ca }));
      expectStreamError(error, Status.SysError, ErrorCode.IO);
    });
  });

  describe('listenTLS', () => {
    it('emits one stream per completed handshake', async () => {
      const server = listening();
      const port = await server.port;
      const a = clean.socket(tls.connect(clientTls(port)));
      const b = clean.socket(tls.connect(clientTls(port)));
      a.end('from a');
      b.end('from b');
      const streams = await firstValueFrom(server.streams.pipe(take(2), toArray()));
      const texts = await Promise.all(streams.map((s) => drain(s)));
      expect(texts.map(String).sort()).toEqual(['from a', 'from b']);
      expect(streams.every((s) => s.kind === StreamKind.TLSStream)).toBeTrue();
    });

    it('drops a failed handshake and serves the next client', async () => {
      const server = listening();
      const port = await server.port;
      const bad = clean.socket(tls.connect(clientTls(port, { ca: testCerts().unknownCa.cert })));
      await once(bad, 'error');
      const good = clean.socket(tls.connect(clientTls(port)));
      good.end('good');
      const [stream] = await firstValueFrom(server.streams.pipe(take(1), toArray()));
      expect((await drain(stream)).toString()).toBe('good');
    });

    it('closes the server on unsubscribe: a new connect is refused', async () => {
      const server = listening();
      const port = await server.port;
      const first = clean.socket(tls.connect(clientTls(port)));
      await once(first, 'secureConnect');
      server.stop();
      const error = await errorOf(
        connectTLS({ host: '127.0.0.1', port, servername: 'localhost', ca: testCerts().ca }),
      );
      expectStreamError(error, Status.SysError, ErrorCode.IO);
      expect(((error as StreamError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    });
  });
});
