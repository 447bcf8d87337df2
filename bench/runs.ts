/**
 * `npm run bench:runs -- --only=tls-send [--runs=4] [--rounds=2] [--quick] [--trace-opt]`:
 * for each throughput row whose id starts with an `--only` entry, forks one
 * child per side that makes the bench's warm-up and then `--runs` measured
 * runs in the same process, and prints each run's figure, CPU time and ratio.
 * The bench itself measures run 0; the later runs show what the same code
 * does once V8 has optimized it. With `--trace-opt`, the children run under
 * V8's `--trace-opt` and each run's line also counts the functions V8
 * finished compiling during it (and their compile time, which runs on a
 * background thread but counts in the process's CPU time). Not part of
 * `npm test`.
 */
import type { ChildProcess } from 'node:child_process';
import { testCerts } from '../tools/certs';
import type { ChildJob } from './child';
import { makeConfig } from './config';
import { fmt } from './format';
import { startPeer } from './peer-client';
import { allScenarios } from './scenarios';
import { exited, forkBench, nextMessage } from './spawn';
import { RUN_MARK, type BenchContext, type Impl, type Measurement } from './types';

interface Args {
  only: string[];
  runs: number;
  rounds: number;
  quick: boolean;
  traceOpt: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { only: [], runs: 4, rounds: 1, quick: false, traceOpt: false };
  const count = (a: string, name: string): number => Math.max(1, Number(a.slice(name.length)) | 0);
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--trace-opt') args.traceOpt = true;
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

/** Compiles V8 reported finished in one stretch of a child's life. */
interface Compiles {
  count: number;
  ms: number;
}

/** One side's child: its measured runs, and compiles per stretch (index 0 = load + warm-up). */
interface SideRuns {
  readonly runs: readonly Measurement[];
  readonly compiles: readonly Compiles[];
}

const COMPILED = /^\[completed compiling .* - took ([\d.]+), ([\d.]+), ([\d.]+) ms\]$/;

/**
 * Counts `--trace-opt`'s "completed compiling" lines between run marks and
 * passes the child's other output (not V8's `[...]` trace lines) through.
 */
function countCompiles(child: ChildProcess): Compiles[] {
  const stretches: Compiles[] = [{ count: 0, ms: 0 }];
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith(RUN_MARK)) {
        stretches.push({ count: 0, ms: 0 });
        continue;
      }
      const m = COMPILED.exec(line);
      if (!m) {
        if (!line.startsWith('[')) console.log(line);
        continue;
      }
      const last = stretches[stretches.length - 1];
      last.count++;
      last.ms += Number(m[1]) + Number(m[2]) + Number(m[3]);
    }
  });
  return stretches;
}

async function runSide(id: string, impl: Impl, ctx: BenchContext, args: Args): Promise<SideRuns> {
  const job: ChildJob = { kind: 'runs', id, impl, ctx, runs: args.runs };
  const execArgv = ['--expose-gc', ...(args.traceOpt ? ['--trace-opt'] : [])];
  const child = forkBench('child.ts', [JSON.stringify(job)], execArgv, 'transpiled', 'pipe');
  const compiles = countCompiles(child);
  const drained = new Promise<void>((resolve) => child.stdout?.once('close', () => resolve()));
  const timeoutMs = 600_000;
  try {
    await nextMessage(child, 'ready', timeoutMs);
    const result = nextMessage<{ runs: Measurement[] }>(child, 'result', timeoutMs);
    child.send({ type: 'go' });
    const { runs } = await result;
    await drained; // every stdout line counted
    return { runs, compiles };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited(child);
  }
}

function cpuOf(m: Measurement): number {
  return Number(m.detail?.cpuMs ?? NaN);
}

function compileCell(c: Compiles | undefined): string {
  return c ? `${c.count} (${c.ms.toFixed(0)} ms)` : '';
}

function printRound(unit: string, raw: SideRuns, rx: SideRuns, traceOpt: boolean): void {
  const head = ['run', `raw ${unit} (CPU ms)`, `rx ${unit} (CPU ms)`, 'rx/raw', 'CPU rx/raw'];
  if (traceOpt) head.push('compiles raw', 'compiles rx');
  const rows = [head];
  if (traceOpt) {
    rows.push([
      'warm-up',
      '',
      '',
      '',
      '',
      compileCell(raw.compiles[0]),
      compileCell(rx.compiles[0]),
    ]);
  }
  raw.runs.forEach((r, i) => {
    const x = rx.runs[i];
    const row = [
      String(i),
      `${fmt(r.value, unit)} (${cpuOf(r).toFixed(0)})`,
      `${fmt(x.value, unit)} (${cpuOf(x).toFixed(0)})`,
      `${(x.value / r.value).toFixed(2)}×`,
      (cpuOf(x) / cpuOf(r)).toFixed(2),
    ];
    if (traceOpt) row.push(compileCell(raw.compiles[i + 1]), compileCell(rx.compiles[i + 1]));
    rows.push(row);
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
        printRound(s.unit, rxFirst ? second : first, rxFirst ? first : second, args.traceOpt);
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
