/**
 * Runs each scenario's raw baseline and rxstream side alternately, round by
 * round (raw first in even rounds, rx first in odd ones), after one smaller
 * warm-up pair, and summarises the figures.
 */
import { progress } from './progress';
import { summarize } from './stats';
import type {
  BenchConfig,
  BenchContext,
  Impl,
  Measurement,
  Scenario,
  ScenarioResult,
  Target,
} from './types';
import { evaluate } from './targets';

/** A scaled-down config (1/8, quick 1/32) for the untimed warm-up pair. */
function warmupConfig(c: BenchConfig): BenchConfig {
  const k = c.quick ? 32 : 8;
  return {
    ...c,
    bulkBytes: c.bulkBytes / k,
    tlsBytes: c.tlsBytes / k,
    smallMessages: Math.ceil(c.smallMessages / k),
    pingPongs: Math.ceil(c.pingPongs / k),
    aggregateBytes: c.aggregateBytes / k,
  };
}

/** Longest a single run may take before it counts as failed (and is left behind). */
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
 * One run; in-process runs also record this process's CPU time (`cpuMs`),
 * which the peer's work does not touch and other load on the machine
 * disturbs far less than wall-clock rates.
 */
async function runOne(s: Scenario, impl: Impl, ctx: BenchContext): Promise<Measurement> {
  try {
    if (s.memory) return await withTimeout(impl === 'raw' ? s.raw(ctx) : s.rx(ctx));
    const peer0 = ctx.peerCpu ? await ctx.peerCpu() : NaN;
    const cpu0 = process.cpuUsage();
    const m = await withTimeout(impl === 'raw' ? s.raw(ctx) : s.rx(ctx));
    const cpu = process.cpuUsage(cpu0);
    const peerCpuMs = ctx.peerCpu ? (await ctx.peerCpu()) - peer0 : NaN;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return { ...m, detail: { ...m.detail, cpuMs, peerCpuMs } };
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
  if (!s.memory) {
    progress(`${label} ${s.id}: warm-up`);
    const warm = { ...ctx, config: warmupConfig(ctx.config) };
    await runOne(s, 'raw', warm);
    await runOne(s, 'rx', warm);
  }
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
