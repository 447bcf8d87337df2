/**
 * Child-process entry for memory scenarios: a fresh heap per measurement.
 * argv: <scenario module under scenarios/> <raw|rx> <JSON BenchContext>.
 * Sends `{ type: 'result', measurement }` over IPC, then exits.
 */
import type { BenchContext, Impl, Measurement } from './types';

/** What a scenario module exports for its child side. */
export type ChildTasks = Readonly<Record<Impl, (ctx: BenchContext) => Promise<Measurement>>>;

async function main(): Promise<void> {
  const [moduleName, impl, json] = process.argv.slice(2);
  if (!/^[a-z-]+$/.test(moduleName) || (impl !== 'raw' && impl !== 'rx')) {
    throw new Error(`bad child arguments: ${process.argv.slice(2).join(' ')}`);
  }
  const mod = (await import(`./scenarios/${moduleName}`)) as { childTasks: ChildTasks };
  const measurement = await mod.childTasks[impl](JSON.parse(json) as BenchContext);
  process.send?.({ type: 'result', measurement }, () => process.exit(0));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
