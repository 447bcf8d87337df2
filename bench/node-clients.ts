/**
 * `npm run bench:clients [-- --rounds=N]` (25 rounds unless told: a round is 0.01–0.15 s, and medians of fewer swung 1.02–1.24× for pg): real Node clients over rxstream
 * against the same clients over plain sockets, in the same run, rounds
 * alternating (raw first on even rounds). Prints the median time of each
 * side and the median of the per-round ratios rx/raw (lower is better):
 *
 * - pg: 1,000 parameterized queries, `Client` with `stream:
 *   toDuplex(connectTCP(...))` against a plain `net.Socket` (`stream: () =>
 *   new net.Socket()`), on a PostgreSQL the run starts (spec-interop/servers.ts);
 * - h2c: a 10 MiB response over `toDuplex(connectTCP)` against `net.connect`,
 *   the same with `{ handOver: true }` (the opening socket handed over on
 *   connect), and over a connected stream handed over to http2
 *   (`toDuplex(stream, { handOver: true })`) against a connected `net.Socket`;
 * - HTTP/1.1: a 50 MiB download over a keep-alive agent, same two ways.
 *
 * Never part of `npm test`.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { Client } from 'pg';
import { firstValueFrom } from 'rxjs';
import { connectTCP, toDuplex } from '../src';
import { startPostgres } from '../spec-interop/servers';
import { median } from './stats';
import { elapsedSince, now } from './timing';

type Connect = (port: number) => Duplex;
const plain: Connect = (port) => net.connect(port, '127.0.0.1');
const rx: Connect = (port) => toDuplex(connectTCP(port, '127.0.0.1'));
const rxHandOver: Connect = (port) => toDuplex(connectTCP(port, '127.0.0.1'), { handOver: true });

async function pgQueries(port: number, stream: () => Duplex): Promise<number> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    stream,
  });
  await client.connect();
  const t0 = now();
  for (let i = 0; i < 1000; i++) await client.query('SELECT $1::int + 1 AS v', [i]);
  const seconds = elapsedSince(t0);
  await client.end();
  return seconds;
}

async function h2Download(port: number, connect: Connect): Promise<number> {
  const session = http2.connect(`http://localhost:${port}`, {
    createConnection: () => connect(port),
  });
  const t0 = now();
  const req = session.request({ ':path': '/' });
  let size = 0;
  for await (const chunk of req) size += (chunk as Buffer).length;
  const seconds = elapsedSince(t0);
  session.close();
  if (size !== 10 * 1024 * 1024) throw new Error(`h2c: got ${size} bytes`);
  return seconds;
}

/**
 * As {@link h2Download}, over a socket connected before the session starts
 * (the only way to hand a stream over: `createConnection` is synchronous).
 */
async function h2DownloadConnected(
  port: number,
  connected: () => Promise<Duplex>,
): Promise<number> {
  const socket = await connected();
  return h2Download(port, () => socket);
}

async function httpDownload(port: number, connect: Connect): Promise<number> {
  const agent = new http.Agent({ keepAlive: true });
  agent.createConnection = () => connect(port);
  const t0 = now();
  const size = await new Promise<number>((resolve, reject) => {
    http
      .get({ port, agent }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(n));
      })
      .on('error', reject);
  });
  const seconds = elapsedSince(t0);
  agent.destroy();
  if (size !== 50 * 1024 * 1024) throw new Error(`http: got ${size} bytes`);
  return seconds;
}

/** A server writing `mebibytes` MiB per request (h1 or h2c). */
async function bulkServer<S extends net.Server>(server: S): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

function writeMiB(
  out: NodeJS.WritableStream & { write(b: Buffer): boolean; end(): unknown },
  n: number,
): void {
  const block = Buffer.alloc(1024 * 1024, 7);
  let i = 0;
  const pump = (): void => {
    while (i < n) {
      i++;
      if (!out.write(block)) {
        out.once('drain', pump);
        return;
      }
    }
    out.end();
  };
  pump();
}

interface Row {
  name: string;
  raw: number[];
  rx: number[];
  target: string;
}

/** A new row, added to `rows` (table order). */
function addRow(rows: Row[], name: string, target: string): Row {
  const row: Row = { name, raw: [], rx: [], target };
  rows.push(row);
  return row;
}

async function pairRounds(
  row: Row,
  rounds: number,
  runRaw: () => Promise<number>,
  runRx: () => Promise<number>,
): Promise<void> {
  for (let w = 0; w < 3; w++) {
    await runRaw(); // warm-up pairs, untimed: JIT and connection caches settle
    await runRx();
  }
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [runRaw, runRx] : [runRx, runRaw];
    for (const run of order) {
      const s = await run();
      (run === runRaw ? row.raw : row.rx).push(s);
    }
    process.stderr.write(`${row.name}: round ${r + 1}/${rounds}\n`);
  }
}

function print(rows: Row[]): void {
  console.log(
    '| scenario | raw (median s) | rx (median s) | rx/raw time (median of rounds, min–max) | target |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    if (row.raw.length === 0) {
      console.log(`| ${row.name} | skipped | | | ${row.target} |`);
      continue;
    }
    const ratios = row.rx.map((v, i) => v / row.raw[i]);
    const [lo, hi] = [Math.min(...ratios), Math.max(...ratios)];
    console.log(
      `| ${row.name} | ${median(row.raw).toFixed(3)} | ${median(row.rx).toFixed(3)} | ${median(ratios).toFixed(2)}× (${lo.toFixed(2)}–${hi.toFixed(2)}) | ${row.target} |`,
    );
  }
}

async function main(): Promise<void> {
  const arg = process.argv.find((a) => a.startsWith('--rounds='));
  const rounds = arg === undefined ? 25 : Math.max(1, Number(arg.slice(9)) | 0);
  const rows: Row[] = [];

  const pgRow = addRow(rows, 'pg: 1,000 parameterized queries', '≤ 1.1×');
  const pg = await startPostgres();
  if (pg.skipped === null) {
    try {
      await pairRounds(
        pgRow,
        rounds,
        () => pgQueries(pg.port, () => new net.Socket()),
        () => pgQueries(pg.port, () => rx(pg.port)),
      );
    } finally {
      await pg.stop();
    }
  } else process.stderr.write(`pg skipped: ${pg.skipped}\n`);

  const h2 = http2.createServer();
  h2.on('stream', (stream) => {
    stream.respond({ ':status': 200 });
    writeMiB(stream, 10);
  });
  const h2Port = await bulkServer(h2);
  const h2Row = addRow(
    rows,
    'h2c: 10 MiB response over `toDuplex(connectTCP(…))` (no handOver: Node wraps it in a JSStreamSocket)',
    '≤ 1.2×',
  );
  await pairRounds(
    h2Row,
    rounds,
    () => h2Download(h2Port, plain),
    () => h2Download(h2Port, rx),
  );
  const lazyHandOverRow = addRow(
    rows,
    'h2c: 10 MiB response over `toDuplex(connectTCP(…), { handOver: true })` vs `net.connect`',
    '≤ 1.2×',
  );
  await pairRounds(
    lazyHandOverRow,
    rounds,
    () => h2Download(h2Port, plain),
    () => h2Download(h2Port, rxHandOver),
  );
  const handOverRow = addRow(
    rows,
    'h2c: 10 MiB response, connected stream handed over (`toDuplex(stream, { handOver: true })`) vs a connected `net.Socket`',
    '≤ 1.2×',
  );
  await pairRounds(
    handOverRow,
    rounds,
    () =>
      h2DownloadConnected(h2Port, async () => {
        const socket = net.connect(h2Port, '127.0.0.1');
        await once(socket, 'connect');
        return socket;
      }),
    () =>
      h2DownloadConnected(h2Port, async () =>
        toDuplex(await firstValueFrom(connectTCP(h2Port, '127.0.0.1')), { handOver: true }),
      ),
  );
  h2.close();

  const h1 = http.createServer((_req, res) => writeMiB(res, 50));
  const h1Port = await bulkServer(h1);
  const h1Row = addRow(rows, 'HTTP/1.1: 50 MiB download', '≤ 1.05× (≥ 0.95× rate)');
  await pairRounds(
    h1Row,
    rounds,
    () => httpDownload(h1Port, plain),
    () => httpDownload(h1Port, rx),
  );
  h1.closeAllConnections();
  h1.close();

  print(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
