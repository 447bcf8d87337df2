/**
 * Rows computed from other rows: aggregate scaling (the widest fan-out's
 * aggregate over the 1-stream figure, per round, for each side) and the
 * literal concatMap pattern's linearity (issue 13).
 */
import { summarize } from './stats';
import { evaluate } from './targets';
import type { ScenarioResult, Target } from './types';

/** Target for the rx scaling figure. */
export const SCALING_MIN = 0.8;

/** The scaling row, or null when either end of the fan-out is missing. */
export function scalingRow(
  results: readonly ScenarioResult[],
  widest: number,
): ScenarioResult | null {
  const one = results.find((r) => r.id === 'aggregate-1');
  const wide = results.find((r) => r.id === `aggregate-${widest}`);
  if (!one || !wide || widest === 1) return null;
  return quotientRow(
    {
      id: 'aggregate-scaling',
      title: `aggregate ${widest} streams / 1 stream`,
      higherIsBetter: true,
    },
    { kind: 'rx-at-least', min: SCALING_MIN, label: `rx ≥ ${SCALING_MIN}` },
    wide,
    one,
  );
}

/** Target for the literal pattern's linearity: per-message cost at the full count over that at 100k. */
export const LINEARITY_MAX = 1.3;

/**
 * The literal `concatMap(writeAll)` pattern's linearity: rxstream's
 * per-message time at the full count (1M in a full run) over its
 * per-message time at 100k, per round (raw's beside it). Null when either
 * row is missing.
 */
export function linearityRow(results: readonly ScenarioResult[]): ScenarioResult | null {
  const full = results.find((r) => r.id === 'small-writes-flat');
  const small = results.find((r) => r.id === 'small-writes-flat-100k');
  if (!full || !small) return null;
  // rates are msg/s: cost(full) / cost(100k) = rate(100k) / rate(full)
  return quotientRow(
    {
      id: 'small-writes-linearity',
      title: 'literal concatMap: per-message cost at the full count (1M) / at 100k',
      higherIsBetter: false,
    },
    { kind: 'rx-at-most', max: LINEARITY_MAX, label: `rx ≤ ${LINEARITY_MAX}` },
    small,
    full,
  );
}

/** A row of per-round quotients `top / bottom`, for each side, judged against `target`. */
function quotientRow(
  row: { id: string; title: string; higherIsBetter: boolean },
  target: Target,
  top: ScenarioResult,
  bottom: ScenarioResult,
): ScenarioResult {
  const per = (a: readonly number[], b: readonly number[]): number[] =>
    a.slice(0, b.length).map((v, i) => v / b[i]);
  const raw = summarize(per(top.raw.values, bottom.raw.values));
  const rx = summarize(per(top.rx.values, bottom.rx.values));
  const ratio = summarize(per(rx.values, raw.values));
  const ok = Number.isFinite(rx.median);
  const { pass, note } = evaluate(target, rx, ratio, Number.isFinite(raw.median), ok);
  return { ...row, unit: '×', raw, rx, ratio, target, pass, note, details: [] };
}
