/** Medians and spreads over rounds. */
import type { Summary } from './types';

/** Median of a non-empty list (mean of the middle two for even lengths). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median, range and half-range spread (as % of the median) of a list. */
export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  const med = median(finite);
  const min = finite.length ? Math.min(...finite) : NaN;
  const max = finite.length ? Math.max(...finite) : NaN;
  const spreadPct = med !== 0 ? ((max - min) / 2 / Math.abs(med)) * 100 : 0;
  return { values: [...values], median: med, min, max, spreadPct };
}
