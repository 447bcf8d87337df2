/** Running one side of a memory scenario in a fresh child process. */
import { forkBench, nextMessage } from './spawn';
import type { BenchContext, Impl, Measurement } from './types';

/** Forks `child.ts` for `scenarios/<module>` and returns its measurement. */
export async function runInChild(
  module: string,
  impl: Impl,
  ctx: BenchContext,
  timeoutMs = 300_000,
): Promise<Measurement> {
  const child = forkBench('child.ts', [module, impl, JSON.stringify(ctx)], ['--expose-gc']);
  try {
    const { measurement } = await nextMessage<{ measurement: Measurement }>(
      child,
      'result',
      timeoutMs,
    );
    return measurement;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
