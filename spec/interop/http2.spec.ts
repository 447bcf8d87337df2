import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import { asapScheduler, firstValueFrom, subscribeOn } from 'rxjs';
import { connectTCP, connectTLS, memoryPair, toDuplex } from '../../src';
import { testCerts } from '../../tools/certs';
import { Opened, listen, payload, writePayload } from './support';

const opened = new Opened();
afterEach(() => opened.run());

/** A server answering `/echo` (the request body back) and `/big` (10 MiB). */
function serve(server: http2.Http2Server | http2.Http2SecureServer): void {
  const big = payload(10);
  server.on('stream', (stream, headers) => {
    if (headers[':path'] === '/big') {
      stream.respond({ ':status': 200 });
      void writePayload(stream, big);
    } else {
      stream.respond({ ':status': 200 });
      stream.pipe(stream);
    }
  });
  server.on('sessionError', () => undefined);
  (server as unknown as { big: typeof big }).big = big;
}

/** An h2c server answering as {@link serve} does, on a free port (closed after the spec). */
async function h2cServer(): Promise<{ server: http2.Http2Server; port: number }> {
  const server = opened.server(http2.createServer());
  serve(server);
  return { server, port: await listen(server) };
}

/** The same over TLS, certified for 'localhost' by `ca`. */
async function h2Server(): Promise<{ server: http2.Http2SecureServer; port: number; ca: string }> {
  const { server: pair, ca } = testCerts();
  const server = opened.server(http2.createSecureServer({ key: pair.key, cert: pair.cert }));
  serve(server);
  return { server, port: await listen(server), ca };
}

function sessionTracked(session: http2.ClientHttp2Session): http2.ClientHttp2Session {
  session.on('error', () => undefined);
  opened.add(() => void session.destroy());
  return session;
}

async function get(
  session: http2.ClientHttp2Session,
  path: string,
  body?: string,
): Promise<{ sha256: string; size: number; text: string }> {
  const req = session.request({ ':path': path, ':method': body === undefined ? 'GET' : 'POST' });
  req.end(body);
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const all = Buffer.concat(chunks);
  return {
    sha256: createHash('sha256').update(all).digest('hex'),
    size: all.length,
    text: all.toString(),
  };
}

/** Echoes of `bodies` (concurrent streams on the session), then `/big` whole (sha256 and size). */
async function expectServes(
  session: http2.ClientHttp2Session,
  server: http2.Http2Server | http2.Http2SecureServer,
  bodies: string[],
): Promise<void> {
  const echoes = await Promise.all(bodies.map((b) => get(session, '/echo', b)));
  expect(echoes.map((e) => e.text)).toEqual(bodies);
  const big = (server as unknown as { big: { sha256: string; size: number } }).big;
  const got = await get(session, '/big');
  expect([got.sha256, got.size]).toEqual([big.sha256, big.size]);
}

describe('interop: http2 over rxstream', () => {
  it('h2c: several streams on one session over toDuplex(connectTCP), 10 MiB intact', async () => {
    const { server, port } = await h2cServer();
    let connections = 0;
    server.on('connection', () => connections++);
    const session = sessionTracked(
      http2.connect(`http://localhost:${port}`, {
        createConnection: () => opened.duplex(toDuplex(connectTCP(port, '127.0.0.1'))),
      }),
    );
    await expectServes(session, server, ['one', 'two', 'three']);
    expect(connections).toBe(1);
    session.close();
    await once(session, 'close');
  }, 30_000);

  it('over TLS with ALPN h2: requests over toDuplex(connectTLS)', async () => {
    const { server, port, ca } = await h2Server();
    const session = sessionTracked(
      http2.connect(`https://localhost:${port}`, {
        createConnection: () =>
          opened.duplex(
            toDuplex(
              connectTLS({
                host: '127.0.0.1',
                port,
                servername: 'localhost',
                ca,
                ALPNProtocols: ['h2'],
              }),
            ),
          ),
      }),
    );
    await expectServes(session, server, ['a', 'b']);
  }, 30_000);

  describe('with handOver: the client drives the socket natively', () => {
    it('h2c: the bytes the stream read ahead come first, then 10 MiB intact; destroying the session destroys the stream', async () => {
      const { server, port } = await h2cServer();
      const stream = await firstValueFrom(connectTCP(port, '127.0.0.1'));
      // The server sends its SETTINGS at once: let the stream read them ahead of the hand-over.
      await firstValueFrom(stream.readable$);
      expect(stream.stats().readBuffered).toBeGreaterThan(0);
      const duplex = opened.duplex(toDuplex(stream, { handOver: true }));
      const session = sessionTracked(
        http2.connect(`http://localhost:${port}`, { createConnection: () => duplex }),
      );
      await expectServes(session, server, ['one', 'two']);
      expect(duplex._handle).toBeDefined(); // it was handed over
      expect(stream.stats().bytesRead).toBeLessThan(1024); // the rest went past the stream
      session.destroy();
      await once(duplex, 'close');
      expect(stream.state).toBe('Closed');
    }, 30_000);

    it('h2c over toDuplex(connectTCP) not yet connected: the opening socket is handed over on connect, 10 MiB intact', async () => {
      const { server, port } = await h2cServer();
      const duplex = opened.duplex(toDuplex(connectTCP(port, '127.0.0.1'), { handOver: true }));
      expect(duplex.connecting).toBeTrue();
      const session = sessionTracked(
        http2.connect(`http://localhost:${port}`, { createConnection: () => duplex }),
      );
      await expectServes(session, server, ['one', 'two']);
      expect(duplex._handle).toBeDefined();
      expect(duplex.bytesRead).toBeLessThan(1024); // the download went past the stream
      session.destroy();
      await once(duplex, 'close');
      expect(duplex.destroyed).toBeTrue();
    }, 30_000);

    it('over TLS, not yet connected: toDuplex(connectTLS) hands the TLS socket over on connect', async () => {
      const { server, port, ca } = await h2Server();
      const connect$ = connectTLS({ host: 'localhost', port, ca, ALPNProtocols: ['h2'] });
      const duplex = opened.duplex(toDuplex(connect$, { handOver: true }));
      const session = sessionTracked(
        http2.connect(`https://localhost:${port}`, { createConnection: () => duplex }),
      );
      await expectServes(session, server, ['a', 'b']);
      expect(duplex.bytesRead).toBeLessThan(1024);
    }, 30_000);

    it('a failed connection destroys the handed-over Duplex with ECONNREFUSED', async () => {
      const server = opened.server(http2.createServer());
      const port = await listen(server);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const duplex = opened.duplex(toDuplex(connectTCP(port, '127.0.0.1'), { handOver: true }));
      const session = http2.connect(`http://localhost:${port}`, { createConnection: () => duplex });
      const [error] = (await once(session, 'error')) as [NodeJS.ErrnoException];
      expect(error.code).toBe('ECONNREFUSED');
      expect(duplex.destroyed).toBeTrue();
    }, 30_000);

    it('over TLS with ALPN h2: requests over a handed-over connectTLS stream', async () => {
      const { server, port, ca } = await h2Server();
      const stream = await firstValueFrom(
        connectTLS({ host: 'localhost', port, ca, ALPNProtocols: ['h2'] }),
      );
      const session = sessionTracked(
        http2.connect(`https://localhost:${port}`, {
          createConnection: () => opened.duplex(toDuplex(stream, { handOver: true })),
        }),
      );
      await expectServes(session, server, ['a', 'b']);
    }, 30_000);

    it('shows no handle without handOver, before the connection, on memory streams, with a write unsent, or while another consumer reads', async () => {
      const { port } = await h2cServer();
      const plain = await firstValueFrom(connectTCP(port, '127.0.0.1'));
      expect(opened.duplex(toDuplex(plain))._handle).toBeUndefined();
      const later = connectTCP(port, '127.0.0.1').pipe(subscribeOn(asapScheduler)); // opens later
      expect(opened.duplex(toDuplex(later, { handOver: true }))._handle).toBeUndefined();
      const [a, b] = memoryPair();
      expect(opened.duplex(toDuplex(a, { handOver: true }))._handle).toBeUndefined();
      b.destroy();
      const busy = await firstValueFrom(connectTCP(port, '127.0.0.1', { sendBufferSize: 1024 }));
      busy.writeAll(Buffer.alloc(64 * 1024 * 1024)).subscribe({ error: () => undefined });
      expect(opened.duplex(toDuplex(busy, { handOver: true }))._handle).toBeUndefined();
      const read = await firstValueFrom(connectTCP(port, '127.0.0.1'));
      const reader = read.reads$.subscribe({ error: () => undefined }); // another consumer
      expect(opened.duplex(toDuplex(read, { handOver: true }))._handle).toBeUndefined();
      reader.unsubscribe();
    }, 30_000);
  });
});
