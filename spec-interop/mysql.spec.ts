import { createHash, randomBytes } from 'node:crypto';
import { createConnection, createPool, type Connection, type RowDataPacket } from 'mysql2/promise';
import { connectTCP, toDuplex } from '../src';
import { startMariadb, type Started } from './servers';

let server: Started;
beforeAll(async () => {
  server = await startMariadb();
  if (server.skipped !== null)
    process.stderr.write(`test:interop: MariaDB skipped: ${server.skipped}\n`);
}, 180_000);
afterAll(() => server.stop(), 30_000);

function needServer(): boolean {
  if (server.skipped === null) return true;
  pending(`MariaDB could not start: ${server.skipped}`);
  return false;
}

/** mysql2 options whose connections are rxstream Duplexes (the `stream` factory). */
function options(): {
  host: string;
  port: number;
  user: string;
  stream: () => ReturnType<typeof toDuplex>;
} {
  return {
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
    stream: () => toDuplex(connectTCP(server.port, '127.0.0.1')),
  };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('interop: mysql2 over toDuplex(connectTCP) against MariaDB', () => {
  let db: Connection;
  beforeEach(async () => {
    if (server.skipped === null) db = await createConnection(options());
  });
  afterEach(async () => {
    if (server.skipped === null) await db.end();
  });

  it('runs a query and 1,000 prepared statements in order', async () => {
    if (!needServer()) return;
    const [rows] = await db.query<RowDataPacket[]>('SELECT 1 + 1 AS sum');
    expect(rows[0].sum).toBe(2);
    const got: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const [r] = await db.execute<RowDataPacket[]>('SELECT ? * 2 AS v', [i]);
      got.push(Number(r[0].v));
    }
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i * 2));
  });

  it('sends and gets back a 10 MB blob intact', async () => {
    if (!needServer()) return;
    const data = randomBytes(10 * 1000 * 1000);
    const [r] = await db.execute<RowDataPacket[]>(
      'SELECT b, LENGTH(b) AS n FROM (SELECT ? AS b) t',
      [data],
    );
    expect(Number(r[0].n)).toBe(data.length);
    expect(sha(r[0].b as Buffer)).toBe(sha(data));
  });
});

describe('interop: mysql2 pool over toDuplex(connectTCP)', () => {
  it('runs concurrent queries on several pooled connections', async () => {
    if (!needServer()) return;
    const pool = createPool({ ...options(), connectionLimit: 4 });
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          pool.query<RowDataPacket[]>('SELECT ? AS v, CONNECTION_ID() AS id', [i]),
        ),
      );
      expect(results.map(([r]) => Number(r[0].v))).toEqual(Array.from({ length: 40 }, (_, i) => i));
      const ids = new Set(results.map(([r]) => Number(r[0].id)));
      expect(ids.size).toBeGreaterThan(1);
      expect(ids.size).toBeLessThanOrEqual(4);
    } finally {
      await pool.end();
    }
  });
});
