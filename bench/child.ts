/**
 * Child-process entry: one side of one scenario in a fresh process, so no
 * other run's heap, garbage or GC state is shared with it.
 * argv: <JSON ChildJob>. The child loads its task (and, for a throughput
 * row, runs it once untimed at warm-up size and collects the garbage), sends
 * `{ type: 'ready' }`, waits for `{ type: 'go' }`, runs the measured task and
 * sends `{ type: 'result', measurement }` over IPC, then exits. Throughput
 * measurements carry the child's CPU time of the measured run (`cpuMs`).
 * A throughput job with `runs` (`runs.ts`) makes that many measured runs
 * after the one warm-up (and, if asked, a young-generation collection instead
 * of the full one) and sends them all, printing `RUN_MARK <i>` on stdout
 * before each.
 */
import { warmupConfig } from './config';
import { RUN_MARK, type BenchContext, type Impl, type Measurement } from './types';

/** What a memory scenario module exports for its child side. */
export type ChildTasks = Readonly<Record<Impl, (ctx: BenchContext) => Promise<Measurement>>>;

/** What the parent asks of one child. */
export type ChildJob =
  /** A memory row: `childTasks[impl]` of `scenarios/<module>`, no warm-up. */
  | {
      readonly kind: 'memory';
      readonly module: string;
      readonly impl: Impl;
      readonly ctx: BenchContext;
    }
  /** A throughput row: `raw`/`rx` of the scenario with this id, after a warm-up run. */
  | {
      readonly kind: 'throughput';
      readonly id: string;
      readonly impl: Impl;
      readonly ctx: BenchContext;
      /** Measured runs in this process (`runs.ts`); the bench makes one, and prints no marks. */
      readonly runs?: number;
      /** The collection after the warm-up: a full one (the bench's) or a young-generation one. */
      readonly gc?: 'full' | 'minor';
    };

type Task = (ctx: BenchContext) => Promise<Measurement>;

async function taskOf(job: ChildJob): Promise<Task> {
  if (job.impl !== 'raw' && job.impl !== 'rx') throw new Error(`bad side ${String(job.impl)}`);
  if (job.kind === 'memory') {
    if (!/^[a-z-]+$/.test(job.module)) throw new Error(`bad module ${job.module}`);
    const mod = (await import(`./scenarios/${job.module}`)) as { childTasks: ChildTasks };
    return mod.childTasks[job.impl];
  }
  const { allScenarios } = await import('./scenarios');
  const scenario = allScenarios(job.ctx.config).find((s) => s.id === job.id);
  if (!scenario || scenario.memory) throw new Error(`no throughput scenario ${job.id}`);
  return job.impl === 'raw' ? scenario.raw : scenario.rx;
}

function go(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown): void => {
      if ((message as { type?: string }).type !== 'go') return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as ChildJob;
  const task = await taskOf(job);
  if (job.kind === 'throughput') {
    await task({ ...job.ctx, config: warmupConfig(job.ctx.config) });
    const gc = (globalThis as { gc?: (options?: { type: 'minor' }) => void }).gc;
    if (job.gc === 'minor') gc?.({ type: 'minor' });
    else gc?.();
  }
  const start = go();
  process.send?.({ type: 'ready' });
  await start;
  if (job.kind === 'memory') {
    const measurement = await task(job.ctx);
    process.send?.({ type: 'result', measurement }, () => process.exit(0));
    return;
  }
  const runs: Measurement[] = [];
  for (let i = 0; i < (job.runs ?? 1); i++) {
    if (job.runs !== undefined) process.stdout.write(`${RUN_MARK} ${i}\n`);
    runs.push(await timedRun(task, job.ctx));
  }
  process.send?.({ type: 'result', measurement: runs[0], runs }, () => process.exit(0));
}

async function timedRun(task: Task, ctx: BenchContext): Promise<Measurement> {
  const cpu0 = process.cpuUsage();
  const m = await task(ctx);
  const cpu = process.cpuUsage(cpu0);
  return { ...m, detail: { ...m.detail, cpuMs: (cpu.user + cpu.system) / 1000 } };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
