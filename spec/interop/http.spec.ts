import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { connectTCP, connectTLS, listenTCP, toDuplex, type SocketDuplex } from '../../src';
import { testCerts } from '../../tools/certs';
import { Opened, digest, ignore, listen, payload, writePayload } from './support';

const opened = new Opened();
afterEach(() => opened.run());

interface Reply {
  status: number;
  body: string;
  socket: Duplex;
}

function request(
  options: http.RequestOptions,
  body?: string,
  via: typeof http | typeof https = http,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = via.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          socket: req.socket as Duplex,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A keep-alive agent whose connections are rxstream Duplexes (counted). */
function rxAgent(
  connect: () => SocketDuplex,
  AgentClass: typeof http.Agent = http.Agent,
): { agent: http.Agent; made: SocketDuplex[] } {
  const made: SocketDuplex[] = [];
  const agent = new AgentClass({ keepAlive: true, maxSockets: 1 });
  agent.createConnection = () => {
    const d = opened.duplex(connect());
    made.push(d);
    return d;
  };
  opened.add(() => agent.destroy());
  return { agent, made };
}

/** A Node http server counting its connections; `handler` answers. */
async function nodeServer(
  handler: http.RequestListener,
): Promise<{ port: number; connections: () => number }> {
  const server = opened.server(http.createServer({ keepAliveTimeout: 10_000 }, handler));
  let connections = 0;
  server.on('connection', () => connections++);
  return { port: await listen(server), connections: () => connections };
}

describe('interop: Node http over rxstream', () => {
  describe('client (keep-alive Agent, createConnection over toDuplex(connectTCP))', () => {
    it('sends several requests over one connection', async () => {
      const { port, connections } = await nodeServer((req, res) => res.end(`you asked ${req.url}`));
      const { agent, made } = rxAgent(() => toDuplex(connectTCP(port, '127.0.0.1')));
      const replies: Reply[] = [];
      for (const path of ['/a', '/b', '/c', '/d'])
        replies.push(await request({ port, path, agent }));
      expect(replies.map((r) => r.body)).toEqual([
        'you asked /a',
        'you asked /b',
        'you asked /c',
        'you asked /d',
      ]);
      expect(replies.every((r) => r.socket === made[0])).toBeTrue();
      expect(made.length).toBe(1);
      expect(connections()).toBe(1);
    });

    it('drops an idle connection the server closed and opens a new one for the next request', async () => {
      // The server ends each connection right after its response, as a server whose idle
      // timeout is shorter than it announces does.
      const server = opened.server(
        http.createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
          res.on('finish', () => setImmediate(() => req.socket.end()));
          res.end(`r ${req.url}`);
        }),
      );
      const port = await listen(server);
      const { agent, made } = rxAgent(() => toDuplex(connectTCP(port, '127.0.0.1')));
      expect((await request({ port, path: '/1', agent })).body).toBe('r /1');
      // The server's FIN ends the Duplex's side too (as net.connect sockets do): it closes,
      // and the agent forgets it instead of sending the next request into a dead connection.
      if (!made[0].destroyed) await once(made[0], 'close');
      expect((await request({ port, path: '/2', agent })).body).toBe('r /2');
      expect(made.length).toBe(2);
    });

    it('sends a POST body and gets the reply', async () => {
      const { port } = await nodeServer(async (req, res) => {
        const got = await digest(req);
        res.end(String(got.size));
      });
      const { agent } = rxAgent(() => toDuplex(connectTCP(port, '127.0.0.1')));
      const reply = await request(
        { port, method: 'POST', agent, headers: { 'content-type': 'text/plain' } },
        'x'.repeat(1000),
      );
      expect(reply.body).toBe('1000');
    });

    it("fires the request's timeout option when the server does not answer", async () => {
      const { port } = await nodeServer(() => undefined); // never answers
      const { agent } = rxAgent(() => toDuplex(connectTCP(port, '127.0.0.1')));
      const req = http.request({ port, agent, timeout: 50 });
      req.on('error', ignore);
      req.end();
      await once(req, 'timeout');
      expect(req.destroyed).toBeFalse(); // Node leaves it to the listener, as for a net.Socket
      req.destroy();
    });

    it('uploads 20 MB chunked, intact (sha256)', async () => {
      const data = payload(20);
      const seen: { got?: { sha256: string; size: number } } = {};
      let chunked = false;
      const { port } = await nodeServer(async (req, res) => {
        chunked = req.headers['transfer-encoding'] === 'chunked';
        seen.got = await digest(req);
        res.end('ok');
      });
      const { agent } = rxAgent(() => toDuplex(connectTCP(port, '127.0.0.1')));
      const done = new Promise<string>((resolve, reject) => {
        const req = http.request({ port, method: 'PUT', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
        });
        req.on('error', reject);
        void writePayload(req, data);
      });
      expect(await done).toBe('200');
      expect(chunked).toBeTrue();
      expect(seen.got).toEqual({ sha256: data.sha256, size: data.size });
    }, 30_000);

    it('downloads 50 MB intact (sha256)', async () => {
      const data = payload(50);
      const { port } = await nodeServer((_req, res) => void writePayload(res, data));
      const { agent } = rxAgent(() => toDuplex(connectTCP(port, '127.0.0.1')));
      const got = await new Promise<{ sha256: string; size: number }>((resolve, reject) => {
        http.get({ port, agent }, (res) => digest(res).then(resolve, reject)).on('error', reject);
      });
      expect(got).toEqual({ sha256: data.sha256, size: data.size });
    }, 30_000);
  });

  describe('https client (keep-alive https.Agent over toDuplex(connectTLS))', () => {
    it('sends several requests over one verified TLS connection', async () => {
      const { server: pair, ca } = testCerts();
      const server = opened.server(
        https.createServer({ key: pair.key, cert: pair.cert }, (req, res) =>
          res.end(`tls ${req.url}`),
        ),
      );
      let connections = 0;
      server.on('secureConnection', () => connections++);
      const port = await listen(server);
      const { agent, made } = rxAgent(
        () => toDuplex(connectTLS({ host: '127.0.0.1', port, servername: 'localhost', ca })),
        https.Agent,
      );
      const bodies: string[] = [];
      for (const path of ['/1', '/2', '/3'])
        bodies.push((await request({ port, path, agent }, undefined, https)).body);
      expect(bodies).toEqual(['tls /1', 'tls /2', 'tls /3']);
      expect(made.length).toBe(1);
      expect(connections).toBe(1);
    });
  });

  describe('server (http.Server fed toDuplex of listenTCP streams)', () => {
    async function rxServer(handler: http.RequestListener): Promise<number> {
      const server = http.createServer({ keepAliveTimeout: 10_000 }, handler);
      let resolvePort!: (p: number) => void;
      const port = new Promise<number>((resolve) => (resolvePort = resolve));
      const sub = listenTCP(0, '127.0.0.1', { onListening: (a) => resolvePort(a.port) }).subscribe(
        (stream) => server.emit('connection', opened.duplex(toDuplex(stream))),
      );
      opened.add(() => {
        sub.unsubscribe();
        server.closeAllConnections();
      });
      return port;
    }

    it('answers keep-alive requests on one connection, with the peer address', async () => {
      const peers: string[] = [];
      const port = await rxServer((req, res) => {
        peers.push(`${req.socket.remoteAddress}:${req.socket.remotePort}`);
        res.end(`hello ${req.url}`);
      });
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      opened.add(() => agent.destroy());
      const replies: Reply[] = [];
      for (const path of ['/x', '/y', '/z'])
        replies.push(await request({ port, path, agent, host: '127.0.0.1' }));
      expect(replies.map((r) => r.body)).toEqual(['hello /x', 'hello /y', 'hello /z']);
      const client = replies[0].socket as net.Socket;
      expect(replies.every((r) => r.socket === client)).toBeTrue();
      expect(peers).toEqual(Array(3).fill(`127.0.0.1:${client.localPort}`));
    });

    it('takes a 20 MB upload and serves a 50 MB download intact', async () => {
      const up = payload(20);
      const down = payload(50);
      const port = await rxServer(async (req, res) => {
        if (req.method === 'PUT') res.end(JSON.stringify(await digest(req)));
        else await writePayload(res, down);
      });
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      opened.add(() => agent.destroy());
      const uploaded = await new Promise<string>((resolve, reject) => {
        const req = http.request({ port, method: 'PUT', agent, host: '127.0.0.1' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        void writePayload(req, up);
      });
      expect(JSON.parse(uploaded)).toEqual({ sha256: up.sha256, size: up.size });
      const got = await new Promise<{ sha256: string; size: number }>((resolve, reject) => {
        http
          .get({ port, agent, host: '127.0.0.1' }, (res) => digest(res).then(resolve, reject))
          .on('error', reject);
      });
      expect(got).toEqual({ sha256: down.sha256, size: down.size });
    }, 30_000);
  });
});
