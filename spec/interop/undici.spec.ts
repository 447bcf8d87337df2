import type * as net from 'node:net';
import * as http from 'node:http';
import { Client, interceptors, type Dispatcher } from 'undici';
import { connectTCP, toDuplex, type SocketStyleError } from '../../src';
import { Opened, listen } from './support';

const opened = new Opened();
afterEach(() => opened.run());

/** An undici connector over rxstream: calls back with the Duplex once it is connected. */
function rxConnector(port: number, errors: string[]): Client.Options['connect'] {
  return (_options, callback) => {
    const duplex = opened.duplex(toDuplex(connectTCP(port, '127.0.0.1')));
    duplex.on('error', (e: SocketStyleError) => errors.push(e.code));
    const failed = (e: Error): void => callback(e, null);
    duplex.once('error', failed);
    duplex.once('connect', () => {
      duplex.off('error', failed);
      callback(null, duplex as unknown as net.Socket);
    });
  };
}

async function text(dispatcher: Dispatcher, path: string): Promise<[number, string]> {
  const res = await dispatcher.request({ origin: 'http://localhost', path, method: 'GET' });
  return [res.statusCode, await res.body.text()];
}

describe('interop: undici over rxstream', () => {
  it('keeps one connection alive for several requests (Client with connect)', async () => {
    let connections = 0;
    const server = opened.server(http.createServer((req, res) => res.end(`u ${req.url}`)));
    server.on('connection', () => connections++);
    const port = await listen(server);
    const client = new Client(`http://localhost:${port}`, { connect: rxConnector(port, []) });
    opened.add(() => client.destroy());
    const got: [number, string][] = [];
    for (const p of ['/1', '/2', '/3', '/4']) got.push(await text(client, p));
    expect(got).toEqual([
      [200, 'u /1'],
      [200, 'u /2'],
      [200, 'u /3'],
      [200, 'u /4'],
    ]);
    expect(connections).toBe(1);
  });

  it('retries after a reset: the error carries ECONNRESET, which the retry interceptor knows', async () => {
    let requests = 0;
    const server = opened.server(
      http.createServer((req, res) => {
        requests++;
        if (requests === 1) req.socket.resetAndDestroy();
        else res.end('second time lucky');
      }),
    );
    const port = await listen(server);
    const errors: string[] = [];
    const client = new Client(`http://localhost:${port}`, { connect: rxConnector(port, errors) });
    opened.add(() => client.destroy());
    const retrying = client.compose(
      interceptors.retry({ maxRetries: 3, minTimeout: 1, timeoutFactor: 1 }),
    );
    expect(await text(retrying, '/')).toEqual([200, 'second time lucky']);
    expect(requests).toBe(2);
    expect(errors).toContain('ECONNRESET');
  });
});
