/**
 * Running one side of a scenario in a fresh child process (`child.ts`): the
 * memory rows' sides, and every round of every throughput row.
 */
import type { ChildJob } from './child';
import { exited, forkBench, nextMessage } from './spawn';
import type { BenchContext, Impl, Measurement } from './types';

/**
 * Forks `child.ts` for a job and returns its measurement. The child signals
 * `ready` once loaded (and warmed up); the peer's CPU time is read around the
 * measured run only, when the context can read it and the job is a
 * throughput one. Each stage (ready, result) may take up to `timeoutMs`.
 */
async function runJob(
  job: ChildJob,
  peerCpu: BenchContext['peerCpu'],
  timeoutMs: number,
): Promise<Measurement> {
  // Memory rows keep ts-node children: their baselines (and so their
  // figures) stay what they were; throughput children start fast.
  const loader = job.kind === 'memory' ? 'ts-node' : 'transpiled';
  const child = forkBench('child.ts', [JSON.stringify(job)], ['--expose-gc'], loader);
  try {
    await nextMessage(child, 'ready', timeoutMs);
    const timed = job.kind === 'throughput' && peerCpu !== undefined;
    const peer0 = timed ? await peerCpu() : NaN;
    const result = nextMessage<{ measurement: Measurement }>(child, 'result', timeoutMs);
    child.send({ type: 'go' });
    const { measurement } = await result;
    if (!timed) return measurement;
    const peerCpuMs = (await peerCpu()) - peer0;
    return { ...measurement, detail: { ...measurement.detail, peerCpuMs } };
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
  return runJob({ kind: 'memory', module, impl, ctx: plain(ctx) }, undefined, timeoutMs);
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
  return runJob({ kind: 'throughput', id, impl, ctx: plain(ctx) }, ctx.peerCpu, timeoutMs);
}
