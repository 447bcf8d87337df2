/**
 * Runs each scenario's raw baseline and rxstream side alternately, round by
 * round (raw first in even rounds, rx first in odd ones), and summarises the
 * figures. Every run is a fresh child process: throughput rows through
 * `runThroughputInChild` (each child warms its own side up first), memory
 * rows through their own `raw`/`rx` (which fork `child.ts` too). So neither
 * side runs in a heap the other side filled, and no run inherits another's
 * GC state.
 */
import { runThroughputInChild } from './in-child';
import { progress } from './progress';
import { summarize } from './stats';
import type { BenchContext, Impl, Measurement, Scenario, ScenarioResult, Target } from './types';
import { evaluate } from './targets';

/** Longest a single run (or a throughput child's warm-up) may take before it counts as failed. */
const RUN_TIMEOUT_MS = 180_000;

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${RUN_TIMEOUT_MS / 1000} s`)),
      RUN_TIMEOUT_MS,
    );
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/**
 * One run. Throughput runs also record the child's CPU time of the measured
 * run (`cpuMs`) and the peer's (`peerCpuMs`), which other load on the
 * machine disturbs far less than wall-clock rates.
 */
async function runOne(s: Scenario, impl: Impl, ctx: BenchContext): Promise<Measurement> {
  try {
    if (s.memory) return await withTimeout(impl === 'raw' ? s.raw(ctx) : s.rx(ctx));
    return await runThroughputInChild(s.id, impl, ctx, RUN_TIMEOUT_MS);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`\n${s.id} ${impl} failed: ${message}\n`);
    return { value: NaN, ok: false, detail: { error: message } };
  }
}

/** All rounds of one scenario. */
export async function runScenario(
  s: Scenario,
  ctx: BenchContext,
  label: string,
): Promise<{ raw: Measurement[]; rx: Measurement[] }> {
  const base = s.memory ? ctx.config.memoryRounds : ctx.config.rounds;
  const rounds = Math.min(base, s.maxRounds ?? Infinity);
  const raw: Measurement[] = [];
  const rx: Measurement[] = [];
  for (let r = 0; r < rounds; r++) {
    const order: Impl[] = r % 2 === 0 ? ['raw', 'rx'] : ['rx', 'raw'];
    for (const impl of order) {
      progress(`${label} ${s.id}: round ${r + 1}/${rounds} ${impl}`);
      (impl === 'raw' ? raw : rx).push(await runOne(s, impl, ctx));
    }
  }
  return { raw, rx };
}

/** Summaries, per-round ratios and the verdict for one scenario's measurements. */
export function summarizeScenario(
  s: Scenario,
  target: Target,
  raw: readonly Measurement[],
  rx: readonly Measurement[],
): ScenarioResult {
  const ratios = raw.map((m, i) => rx[i].value / m.value);
  const allOk = [...raw, ...rx].every((m) => m.ok !== false);
  const rawS = summarize(raw.map((m) => m.value));
  const rxS = summarize(rx.map((m) => m.value));
  const ratio = summarize(ratios);
  const cpuOf = (m: Measurement): number => Number(m.detail?.cpuMs ?? NaN);
  const cpu = s.memory
    ? undefined
    : {
        raw: summarize(raw.map(cpuOf)),
        rx: summarize(rx.map(cpuOf)),
        ratio: summarize(raw.map((m, i) => cpuOf(rx[i]) / cpuOf(m))),
      };
  const rxOk = rx.every((m) => m.ok !== false);
  const verdict = evaluate(target, rxS, ratio, allOk, rxOk);
  const failure = [...rx, ...raw].map((m) => m.detail?.error).find((e) => typeof e === 'string');
  const pass = verdict.pass;
  const note = failure ? `${verdict.note}: ${String(failure)}` : verdict.note;
  return {
    id: s.id,
    title: s.title,
    unit: s.unit,
    higherIsBetter: s.higherIsBetter,
    raw: rawS,
    rx: rxS,
    ratio,
    target,
    pass,
    note,
    cpu,
    details: raw.map((m, i) => ({ raw: m.detail, rx: rx[i].detail })),
  };
}
