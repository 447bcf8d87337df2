/**
 * Running one side of a scenario in a fresh child process (`child.ts`): the
 * memory rows' sides, and every round of every throughput row.
 */
import type { ChildProcess } from 'node:child_process';
import type { ChildJob } from './child';
import { exited, forkBench, nextMessage } from './spawn';
import type { BenchContext, Impl, Measurement } from './types';

/** What a child sends when it is done: its (first) measurement and, for several runs, all of them. */
interface ChildResult {
  readonly measurement: Measurement;
  readonly runs?: readonly Measurement[];
}

/** How `runJob` forks: extra V8 flags, and a reader of the child's stdout (then piped). */
interface ForkOptions {
  readonly execArgv?: readonly string[];
  /** Reads the child's stdout from fork on; its promise settles once all of it was read. */
  readonly readStdout?: (child: ChildProcess) => Promise<void>;
}

/**
 * Forks `child.ts` for a job and returns its result. The child signals
 * `ready` once loaded (and warmed up); the peer's CPU time is read around the
 * measured run only, when the context can read it and the job is a
 * throughput one. Each stage (ready, result) may take up to `timeoutMs`.
 */
async function runJob(
  job: ChildJob,
  peerCpu: BenchContext['peerCpu'],
  timeoutMs: number,
  options: ForkOptions = {},
): Promise<ChildResult> {
  // Memory rows keep ts-node children: their baselines (and so their
  // figures) stay what they were; throughput children start fast.
  const loader = job.kind === 'memory' ? 'ts-node' : 'transpiled';
  const execArgv = ['--expose-gc', ...(options.execArgv ?? [])];
  const stdout = options.readStdout ? 'pipe' : 'inherit';
  const child = forkBench('child.ts', [JSON.stringify(job)], execArgv, loader, stdout);
  const read = options.readStdout?.(child);
  try {
    await nextMessage(child, 'ready', timeoutMs);
    const timed = job.kind === 'throughput' && peerCpu !== undefined;
    const peer0 = timed ? await peerCpu() : NaN;
    const message = nextMessage<ChildResult>(child, 'result', timeoutMs);
    child.send({ type: 'go' });
    const result = await message;
    await read;
    if (!timed) return result;
    const peerCpuMs = (await peerCpu()) - peer0;
    const { measurement } = result;
    return {
      ...result,
      measurement: { ...measurement, detail: { ...measurement.detail, peerCpuMs } },
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited(child);
  }
}

/** The context without what cannot cross to a child (the peer CPU reader). */
function plain(ctx: BenchContext): BenchContext {
  return { config: ctx.config, ports: ctx.ports, ca: ctx.ca };
}

/** One side of a memory scenario: `childTasks[impl]` of `scenarios/<module>`. */
export function runInChild(
  module: string,
  impl: Impl,
  ctx: BenchContext,
  timeoutMs = 300_000,
): Promise<Measurement> {
  return runJob({ kind: 'memory', module, impl, ctx: plain(ctx) }, undefined, timeoutMs).then(
    (r) => r.measurement,
  );
}

/**
 * One round of one side of a throughput scenario: a warm-up run at reduced
 * size, then the measured run, with the child's and the peer's CPU time.
 */
export function runThroughputInChild(
  id: string,
  impl: Impl,
  ctx: BenchContext,
  timeoutMs: number,
): Promise<Measurement> {
  return runJob({ kind: 'throughput', id, impl, ctx: plain(ctx) }, ctx.peerCpu, timeoutMs).then(
    (r) => r.measurement,
  );
}

/**
 * `runs` measured runs of one side of a throughput scenario in one child,
 * after the same warm-up (`runs.ts`), followed by a full or a minor
 * collection; `options` as `runJob`'s. No peer CPU time.
 */
export async function runThroughputRunsInChild(
  id: string,
  impl: Impl,
  ctx: BenchContext,
  job: { readonly runs: number; readonly gc: 'full' | 'minor' },
  timeoutMs: number,
  options: ForkOptions,
): Promise<readonly Measurement[]> {
  const { runs, gc } = job;
  const child = { kind: 'throughput', id, impl, ctx: plain(ctx), runs, gc } as const;
  const result = await runJob(child, undefined, timeoutMs, options);
  return result.runs ?? [result.measurement];
}
