import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import { connectTCP, connectTLS, toDuplex } from '../../src';
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

describe('interop: http2 over rxstream', () => {
  it('h2c: several streams on one session over toDuplex(connectTCP), 10 MiB intact', async () => {
    const server = opened.server(http2.createServer());
    serve(server);
    const port = await listen(server);
    let connections = 0;
    server.on('connection', () => connections++);
    const session = sessionTracked(
      http2.connect(`http://localhost:${port}`, {
        createConnection: () => opened.duplex(toDuplex(connectTCP(port, '127.0.0.1'))),
      }),
    );
    const echoes = await Promise.all(['one', 'two', 'three'].map((b) => get(session, '/echo', b)));
    expect(echoes.map((e) => e.text)).toEqual(['one', 'two', 'three']);
    const big = (server as unknown as { big: { sha256: string; size: number } }).big;
    const got = await get(session, '/big');
    expect([got.sha256, got.size]).toEqual([big.sha256, big.size]);
    expect(connections).toBe(1);
    session.close();
    await once(session, 'close');
  }, 30_000);

  it('over TLS with ALPN h2: requests over toDuplex(connectTLS)', async () => {
    const { server: pair, ca } = testCerts();
    const server = opened.server(http2.createSecureServer({ key: pair.key, cert: pair.cert }));
    serve(server);
    const port = await listen(server);
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
    const echoes = await Promise.all(['a', 'b'].map((b) => get(session, '/echo', b)));
    expect(echoes.map((e) => e.text)).toEqual(['a', 'b']);
    const big = (server as unknown as { big: { sha256: string; size: number } }).big;
    const got = await get(session, '/big');
    expect([got.sha256, got.size]).toEqual([big.sha256, big.size]);
  }, 30_000);
});
