/**
 * `npm run bench:runs -- --only=tls-send [--runs=4] [--rounds=2] [--quick] [--trace-opt]
 * [--trace-deopt] [--gc=minor]`:
 * for each throughput row whose id starts with an `--only` entry, forks one
 * child per side that makes the bench's warm-up and then `--runs` measured
 * runs in the same process, and prints each run's figure, CPU time and ratio.
 * The bench itself measures run 0; the later runs show what the same code
 * does once V8 has optimized it. With `--trace-opt`, the children run under
 * V8's `--trace-opt` and each run's line also counts the functions V8
 * finished compiling during it (and their compile time, which runs on a
 * background thread but counts in the process's CPU time). With
 * `--trace-deopt`, also how many optimized functions V8 threw away in it
 * (bailouts, and code marked for deoptimization, e.g. because objects it
 * was specialised on were collected). `--gc=minor` makes the collection
 * after the warm-up a young-generation one instead of the bench's full one.
 * Not part of `npm test`.
 */
import type { ChildProcess } from 'node:child_process';
import { testCerts } from '../tools/certs';
import { makeConfig } from './config';
import { fmt } from './format';
import { startPeer } from './peer-client';
import { allScenarios } from './scenarios';
import { runThroughputRunsInChild } from './in-child';
import { RUN_MARK, type BenchContext, type Impl, type Measurement } from './types';

interface Args {
  only: string[];
  runs: number;
  rounds: number;
  quick: boolean;
  traceOpt: boolean;
  traceDeopt: boolean;
  gc: 'full' | 'minor';
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    only: [],
    runs: 4,
    rounds: 1,
    quick: false,
    traceOpt: false,
    traceDeopt: false,
    gc: 'full',
  };
  const count = (a: string, name: string): number => Math.max(1, Number(a.slice(name.length)) | 0);
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--trace-opt') args.traceOpt = true;
    else if (a === '--trace-deopt') args.traceDeopt = true;
    else if (a === '--gc=minor' || a === '--gc=full')
      args.gc = a === '--gc=minor' ? 'minor' : 'full';
    else if (a.startsWith('--runs=')) args.runs = count(a, '--runs=');
    else if (a.startsWith('--rounds=')) args.rounds = count(a, '--rounds=');
    else if (a.startsWith('--only=')) args.only = a.slice(7).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${a}`);
  }
  if (args.only.length === 0) {
    throw new Error('say which rows: --only=id[,id] (e.g. --only=tls-send,tcp-recv-into)');
  }
  return args;
}

/** Compiles V8 reported finished, and code it threw away, in one stretch of a child's life. */
interface Compiles {
  count: number;
  ms: number;
  deopts: number;
}

/** One side's child: its measured runs, and compiles per stretch (index 0 = load + warm-up). */
interface SideRuns {
  readonly runs: readonly Measurement[];
  readonly compiles: readonly Compiles[];
}

const COMPILED = /^\[completed compiling .* - took ([\d.]+), ([\d.]+), ([\d.]+) ms\]$/;
/** `--trace-deopt`'s lines for code thrown away: a bailout, or code marked for deoptimization. */
const DEOPTED = /^\[(bailout \(kind: deopt|marking dependent code .* for deoptimization)/;

/**
 * Counts `--trace-opt`'s "completed compiling" lines between run marks and
 * passes the child's other output (not V8's `[...]` trace lines) through.
 */
function countCompiles(child: ChildProcess): Compiles[] {
  const stretches: Compiles[] = [{ count: 0, ms: 0, deopts: 0 }];
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      // V8 writes its trace with C stdio and the child its marks through libuv, so a mark can
      // land inside one of V8's lines: look for it anywhere.
      if (line.includes(RUN_MARK)) {
        stretches.push({ count: 0, ms: 0, deopts: 0 });
        continue;
      }
      const last = stretches[stretches.length - 1];
      if (DEOPTED.test(line)) last.deopts++;
      const m = COMPILED.exec(line);
      if (!m) {
        if (!line.startsWith('[')) console.log(line);
        continue;
      }
      last.count++;
      last.ms += Number(m[1]) + Number(m[2]) + Number(m[3]);
    }
  });
  return stretches;
}

async function runSide(id: string, impl: Impl, ctx: BenchContext, args: Args): Promise<SideRuns> {
  const execArgv = [
    ...(args.traceOpt ? ['--trace-opt'] : []),
    ...(args.traceDeopt ? ['--trace-deopt'] : []),
  ];
  let compiles: Compiles[] = [];
  const readStdout = (child: ChildProcess): Promise<void> => {
    compiles = countCompiles(child);
    return new Promise((resolve) => child.stdout?.once('close', () => resolve()));
  };
  const job = { runs: args.runs, gc: args.gc };
  const runs = await runThroughputRunsInChild(id, impl, ctx, job, 600_000, {
    execArgv,
    readStdout,
  });
  return { runs, compiles };
}

function cpuOf(m: Measurement): number {
  return Number(m.detail?.cpuMs ?? NaN);
}

/** The trace columns of one stretch of one side: compiles, then code thrown away. */
function traceCells(c: Compiles | undefined, args: Args): string[] {
  const cells: string[] = [];
  if (args.traceOpt) cells.push(c ? `${c.count} (${c.ms.toFixed(0)} ms)` : '');
  if (args.traceDeopt) cells.push(c ? String(c.deopts) : '');
  return cells;
}

function printRound(unit: string, raw: SideRuns, rx: SideRuns, args: Args): void {
  const head = ['run', `raw ${unit} (CPU ms)`, `rx ${unit} (CPU ms)`, 'rx/raw', 'CPU rx/raw'];
  const traced = args.traceOpt || args.traceDeopt;
  const trace = (stretch: number): string[] => [
    ...traceCells(raw.compiles[stretch], args),
    ...traceCells(rx.compiles[stretch], args),
  ];
  for (const side of ['raw', 'rx']) {
    if (args.traceOpt) head.push(`compiles ${side}`);
    if (args.traceDeopt) head.push(`deopts ${side}`);
  }
  const rows = [head];
  if (traced) rows.push(['warm-up', '', '', '', '', ...trace(0)]);
  raw.runs.forEach((r, i) => {
    const x = rx.runs[i];
    rows.push([
      String(i),
      `${fmt(r.value, unit)} (${cpuOf(r).toFixed(0)})`,
      `${fmt(x.value, unit)} (${cpuOf(x).toFixed(0)})`,
      `${(x.value / r.value).toFixed(2)}×`,
      (cpuOf(x) / cpuOf(r)).toFixed(2),
      ...trace(i + 1),
    ]);
  });
  const widths = head.map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((v, c) => v.padEnd(widths[c])).join('  '));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = makeConfig(args.quick);
  const scenarios = allScenarios(config).filter(
    (s) => !s.memory && args.only.some((o) => s.id.startsWith(o)),
  );
  if (scenarios.length === 0) throw new Error(`no throughput row matches ${args.only.join(',')}`);
  const certs = testCerts();
  const peer = await startPeer(certs.server.key, certs.server.cert);
  try {
    const ctx: BenchContext = { config, ports: peer.ports, ca: certs.ca };
    for (const s of scenarios) {
      for (let round = 0; round < args.rounds; round++) {
        console.log(`\n${s.id}: ${s.title}, round ${round + 1}/${args.rounds}`);
        const rxFirst = round % 2 === 1;
        const first = await runSide(s.id, rxFirst ? 'rx' : 'raw', ctx, args);
        const second = await runSide(s.id, rxFirst ? 'raw' : 'rx', ctx, args);
        printRound(s.unit, rxFirst ? second : first, rxFirst ? first : second, args);
      }
    }
  } finally {
    await peer.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
