/** Turning a target and the round summaries into a verdict. */
import type { Summary, Target } from './types';

/** Short text for a target, e.g. "≥ 0.95×". */
export function describeTarget(t: Target): string {
  switch (t.kind) {
    case 'ratio-at-least':
      return `≥ ${t.min}×`;
    case 'ratio-at-most':
      return `≤ ${t.max}×`;
    case 'rx-at-most':
    case 'rx-at-least':
      return t.label;
    case 'none':
      return '—';
  }
}

/**
 * Pass/fail on medians: ratio targets use the median of per-round ratios,
 * absolute targets the rx median. A run that did not complete fails.
 */
export function evaluate(
  t: Target,
  rx: Summary,
  ratio: Summary,
  allOk: boolean,
  rxOk: boolean,
): { pass: boolean | null; note: string } {
  if (!rxOk) return { pass: t.kind === 'none' ? null : false, note: 'rx run incomplete' };
  const note = allOk ? '' : 'raw run incomplete';
  switch (t.kind) {
    case 'ratio-at-least':
      return { pass: ratio.median >= t.min, note };
    case 'ratio-at-most':
      return { pass: ratio.median <= t.max, note };
    case 'rx-at-most':
      return { pass: rx.median <= t.max, note };
    case 'rx-at-least':
      return { pass: rx.median >= t.min, note };
    case 'none':
      return { pass: null, note };
  }
}
