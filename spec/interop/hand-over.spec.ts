/**
 * `toDuplex(stream, { handOver: true })` with the Node clients that drive a
 * socket natively besides `http2` (whose cases are in http2.spec.ts):
 * `http.Server`'s parser and `tls.connect({ socket })`.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type * as net from 'node:net';
import * as tls from 'node:tls';
import { firstValueFrom } from 'rxjs';
import { connectTCP, listenTCP, toDuplex } from '../../src';
import { testCerts } from '../../tools/certs';
import { Opened, listen } from './support';

const opened = new Opened();
afterEach(() => opened.run());

function get(port: number, path: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, path, agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('interop: handOver to clients that read a socket natively', () => {
  it('http.Server parses handed-over listenTCP streams natively: keep-alive requests, remoteAddress', async () => {
    const server = http.createServer((req, res) =>
      res.end(`${req.url} from ${req.socket.remoteAddress}`),
    );
    let port = 0;
    const handles: unknown[] = [];
    const sub = listenTCP(0, '127.0.0.1', { onListening: (a) => (port = a.port) }).subscribe(
      (stream) => {
        const duplex = opened.duplex(toDuplex(stream, { handOver: true }));
        server.emit('connection', duplex);
        handles.push(duplex._handle);
      },
    );
    opened.add(() => sub.unsubscribe());
    while (port === 0) await new Promise((r) => setTimeout(r, 5));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    opened.add(() => agent.destroy());
    const bodies = [];
    for (const path of ['/a', '/b', '/c']) bodies.push(await get(port, path, agent));
    expect(bodies).toEqual(['/a from 127.0.0.1', '/b from 127.0.0.1', '/c from 127.0.0.1']);
    expect(handles.length).toBe(1); // one connection, kept alive
    expect(handles[0]).toBeDefined(); // parsed from the native handle
  });

  it('tls.connect({ socket }) runs TLS over the native handle of a handed-over connectTCP stream', async () => {
    const certs = testCerts();
    const server = opened.server(
      tls.createServer({ key: certs.server.key, cert: certs.server.cert }, (s) => s.pipe(s)),
    );
    const port = await listen(server);
    const stream = await firstValueFrom(connectTCP(port, '127.0.0.1'));
    const duplex = opened.duplex(toDuplex(stream, { handOver: true }));
    const socket = tls.connect({
      socket: duplex as unknown as net.Socket,
      servername: 'localhost',
      ca: certs.ca,
    });
    opened.add(() => void socket.destroy());
    await once(socket, 'secureConnect');
    socket.write('ping');
    const [echo] = (await once(socket, 'data')) as [Buffer];
    expect(echo.toString()).toBe('ping');
    const native = (socket as unknown as { _handle: object | null })._handle;
    expect(native?.constructor.name).toBe('TLSWrap'); // over the kernel socket, not a JSStreamSocket
    expect(socket.authorized).toBe(true);
  });
});
