import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, Pool } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { connectTCP, toDuplex } from '../src';
import { startPostgres, type Started } from './servers';

let server: Started;
beforeAll(async () => {
  server = await startPostgres();
  if (server.skipped !== null)
    process.stderr.write(`test:interop: PostgreSQL skipped: ${server.skipped}\n`);
}, 180_000);
afterAll(() => server.stop(), 30_000);

function config(): {
  host: string;
  port: number;
  user: string;
  database: string;
  stream: () => ReturnType<typeof toDuplex>;
} {
  return {
    host: '127.0.0.1',
    port: server.port,
    user: 'postgres',
    database: 'postgres',
    stream: () => toDuplex(connectTCP(server.port, '127.0.0.1')),
  };
}

function needServer(): boolean {
  if (server.skipped === null) return true;
  pending(`PostgreSQL could not start: ${server.skipped}`);
  return false;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('interop: pg over toDuplex(connectTCP)', () => {
  let client: Client;
  beforeEach(async () => {
    if (server.skipped !== null) return;
    client = new Client(config());
    await client.connect();
  });
  afterEach(async () => {
    if (server.skipped === null) await client.end();
  });

  it('runs a SELECT', async () => {
    if (!needServer()) return;
    const r = await client.query<{ sum: number; now: Date }>('SELECT 1 + 1 AS sum, now() AS now');
    expect(r.rows[0].sum).toBe(2);
    expect(r.rows[0].now).toEqual(jasmine.any(Date));
  });

  it('sends and gets back 10 MB of bytea intact', async () => {
    if (!needServer()) return;
    const data = randomBytes(10 * 1000 * 1000);
    const r = await client.query<{ b: Buffer; n: number }>(
      'SELECT $1::bytea AS b, length($1::bytea) AS n',
      [data],
    );
    expect(r.rows[0].n).toBe(data.length);
    expect(sha(r.rows[0].b)).toBe(sha(data));
  });

  it('runs 1,000 parameterized queries in order', async () => {
    if (!needServer()) return;
    const got: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const r = await client.query<{ v: number }>('SELECT $1::int * 2 AS v', [i]);
      got.push(r.rows[0].v);
    }
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i * 2));
  });

  it('COPYs 100k rows in and out intact (pg-copy-streams)', async () => {
    if (!needServer()) return;
    const N = 100_000;
    const line = (i: number): string =>
      `${i}\t${createHash('md5').update(String(i)).digest('hex')}\n`;
    const sent = createHash('sha256');
    for (let i = 1; i <= N; i++) sent.update(line(i));
    await client.query('CREATE TEMP TABLE t (i int, s text)');
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 1; i <= N; i += 1000) {
            let chunk = '';
            for (let k = i; k < i + 1000; k++) chunk += line(k);
            yield chunk;
          }
        })(),
      ),
      client.query(copyFrom('COPY t FROM STDIN')),
    );
    const back = createHash('sha256');
    const out = client.query(copyTo('COPY (SELECT * FROM t ORDER BY i) TO STDOUT'));
    for await (const chunk of out) back.update(chunk as Buffer);
    expect(back.digest('hex')).toBe(sent.digest('hex'));
  });
});

describe('interop: pg.Pool over toDuplex(connectTCP)', () => {
  it('runs concurrent queries on several pooled connections', async () => {
    if (!needServer()) return;
    const pool = new Pool({ ...config(), max: 4 });
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          pool.query<{ v: number; pid: number }>('SELECT $1::int AS v, pg_backend_pid() AS pid', [
            i,
          ]),
        ),
      );
      expect(results.map((r) => r.rows[0].v)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      const pids = new Set(results.map((r) => r.rows[0].pid));
      expect(pids.size).toBeGreaterThan(1);
      expect(pids.size).toBeLessThanOrEqual(4);
    } finally {
      await pool.end();
    }
  });
});
