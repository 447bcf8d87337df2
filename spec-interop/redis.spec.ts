import Redis, { AbstractConnector } from 'ioredis';
import type * as net from 'node:net';
import { connectTCP, toDuplex } from '../src';
import { startRedis, type Started } from './servers';

let server: Started;
beforeAll(async () => {
  server = await startRedis();
  if (server.skipped !== null)
    process.stderr.write(`test:interop: redis skipped: ${server.skipped}\n`);
}, 180_000);
afterAll(() => server.stop(), 30_000);

/** An ioredis connector whose connections are rxstream Duplexes (connected lazily). */
class RxConnector extends AbstractConnector {
  readonly #port: number;
  constructor(port: number) {
    super(1000);
    this.#port = port;
  }
  connect(): Promise<net.Socket> {
    this.connecting = true;
    const socket = toDuplex(connectTCP(this.#port, '127.0.0.1')) as unknown as net.Socket;
    this.stream = socket;
    return Promise.resolve(socket);
  }
}

describe('interop: ioredis over toDuplex(connectTCP)', () => {
  let redis: Redis;
  beforeEach(() => {
    if (server.skipped !== null) return;
    const port = server.port;
    redis = new Redis({
      Connector: class extends RxConnector {
        constructor() {
          super(port);
        }
      },
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
  });
  afterEach(async () => {
    if (server.skipped === null) await redis.quit();
  });

  function needServer(): boolean {
    if (server.skipped === null) return true;
    pending(`redis could not start: ${server.skipped}`);
    return false;
  }

  it('connects, SETs and GETs', async () => {
    if (!needServer()) return;
    await redis.connect();
    expect(await redis.set('k', 'v')).toBe('OK');
    expect(await redis.get('k')).toBe('v');
  });

  it('runs 100k pipelined SET/GET commands in order', async () => {
    if (!needServer()) return;
    await redis.connect();
    const N = 50_000;
    const sets = redis.pipeline();
    for (let i = 0; i < N; i++) sets.set(`key:${i}`, `value:${i}`);
    const setResults = (await sets.exec()) ?? [];
    expect(setResults.length).toBe(N);
    expect(setResults.every(([e, r]) => e === null && r === 'OK')).toBeTrue();
    const gets = redis.pipeline();
    for (let i = 0; i < N; i++) gets.get(`key:${i}`);
    const values = ((await gets.exec()) ?? []).map(([, r]) => r);
    const wrong = values.findIndex((v, i) => v !== `value:${i}`);
    expect(wrong).toBe(-1);
  });
});
