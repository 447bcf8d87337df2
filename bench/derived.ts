/**
 * Rows computed from other rows: aggregate scaling (the widest fan-out's
 * aggregate over the 1-stream figure, per round, for each side).
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
  const per = (a: readonly number[], b: readonly number[]): number[] => a.map((v, i) => v / b[i]);
  const raw = summarize(per(wide.raw.values, one.raw.values));
  const rx = summarize(per(wide.rx.values, one.rx.values));
  const ratio = summarize(per(rx.values, raw.values));
  const target: Target = { kind: 'rx-at-least', min: SCALING_MIN, label: `rx ≥ ${SCALING_MIN}` };
  const ok = Number.isFinite(rx.median);
  const { pass, note } = evaluate(target, rx, ratio, Number.isFinite(raw.median), ok);
  return {
    id: `aggregate-scaling`,
    title: `aggregate ${widest} streams / 1 stream`,
    unit: '×',
    higherIsBetter: true,
    raw,
    rx,
    ratio,
    target,
    pass,
    note,
    details: [],
  };
}
