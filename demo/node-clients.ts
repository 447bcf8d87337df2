/**
 * The examples of the README's "Using rxstream with Node clients" section,
 * compiled with the project (`npm run typecheck`) so they stay true. Each
 * function is one example; `spec/interop/` runs the same patterns against
 * real servers.
 */
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type * as net from 'node:net';
import Redis, { AbstractConnector } from 'ioredis';
import { Pool } from 'pg';
import { Client } from 'undici';
import { WebSocket } from 'ws';
import {
  Status,
  connectTCP,
  connectTLS,
  listenTCP,
  toDuplex,
  type SocketStyleError,
  type Stream,
} from '../src';

/** Socket options and members on a stream. */
export function socketMembers(stream: Stream): void {
  // Helper-made streams start with TCP_NODELAY; keep Nagle with { noDelay: false }.
  connectTCP(6379, '127.0.0.1', { keepAlive: true, keepAliveInitialDelay: 30_000 }).subscribe();
  if (stream.setNoDelay(true) === Status.Invalid) console.log('no TCP_NODELAY here (IPC, memory)');
  stream.unref(); // an idle pooled connection no longer keeps the process alive
  console.log(stream.remoteAddress, stream.remotePort, stream.tlsInfo()?.protocol);
}

/** http/https: a keep-alive Agent whose connections are rxstream streams. */
export function httpAgent(port: number): void {
  const agent = new http.Agent({ keepAlive: true });
  agent.createConnection = () => toDuplex(connectTCP(port, '127.0.0.1'));
  http.get({ port, path: '/', agent, timeout: 5000 }, (res) => res.resume());
}

/** http.Server answering over streams from listenTCP. */
export function httpServer(): void {
  const server = http.createServer((req, res) => res.end(`hello ${req.socket.remoteAddress}`));
  listenTCP(8080, '127.0.0.1').subscribe((stream) => server.emit('connection', toDuplex(stream)));
}

/** http2 (h2c) over rxstream; for TLS use connectTLS with ALPNProtocols: ['h2']. */
export function http2Session(port: number): http2.ClientHttp2Session {
  return http2.connect(`http://localhost:${port}`, {
    createConnection: () => toDuplex(connectTCP(port, '127.0.0.1')),
  });
}

/** undici: a Client whose connector hands it the Duplex once connected. */
export function undiciClient(port: number): Client {
  return new Client(`http://localhost:${port}`, {
    connect: (_options, callback) => {
      const socket = toDuplex(connectTCP(port, '127.0.0.1'));
      socket.once('error', (e) => callback(e, null));
      socket.once('connect', () => callback(null, socket as unknown as net.Socket));
    },
  });
}

/** ws: a WebSocket client over rxstream. */
export function webSocket(port: number): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${port}/`, {
    createConnection: () => toDuplex(connectTCP(port, '127.0.0.1')) as unknown as net.Socket,
  });
}

/** Errors on the Duplex: Node's string code, the StreamError as cause. */
export function duplexErrors(port: number): void {
  const socket = toDuplex(connectTLS({ host: 'localhost', port }));
  socket.on('error', (e: SocketStyleError) => {
    if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') console.log('retry later');
    console.log(e.cause.status, e.cause.code); // the StreamError: 'SysError', 1
  });
  socket.connect();
}

/** pg: `stream` is a synchronous factory; the Duplex connects when pg calls connect(). */
export function pgPool(port: number): Pool {
  return new Pool({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    stream: () => toDuplex(connectTCP(port, '127.0.0.1')),
  });
}

/** ioredis: a connector handing out a Duplex that connects on first use. */
export class RxRedisConnector extends AbstractConnector {
  constructor(readonly port: number) {
    super(1000);
  }
  connect(): Promise<net.Socket> {
    return Promise.resolve(toDuplex(connectTCP(this.port, '127.0.0.1')) as unknown as net.Socket);
  }
}

/** An ioredis client over {@link RxRedisConnector}. */
export function redisClient(port: number): Redis {
  return new Redis({
    Connector: class extends RxRedisConnector {
      constructor() {
        super(port);
      }
    },
  });
}
