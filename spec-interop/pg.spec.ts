import { createHash, randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
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

  it('copies 100k rows in and out through a table (INSERT … SELECT generate_series, then read back)', async () => {
    if (!needServer()) return;
    await client.query('CREATE TEMP TABLE t (i int, s text)');
    await client.query('INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 100000) g');
    const r = await client.query<{ n: string; h: string }>(
      "SELECT count(*) AS n, md5(string_agg(s, ',' ORDER BY i)) AS h FROM t",
    );
    const expected = createHash('md5');
    expected.update(
      Array.from({ length: 100000 }, (_, k) =>
        createHash('md5')
          .update(String(k + 1))
          .digest('hex'),
      ).join(','),
    );
    expect(r.rows[0].n).toBe('100000');
    expect(r.rows[0].h).toBe(expected.digest('hex'));
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
