/** What the charts plot per row: a ratio-like figure, its range and target. */
import type { ScenarioResult, Summary } from './types';

/** One bar. */
export interface Bar {
  readonly label: string;
  readonly value: Summary;
  /** The target line, if the bar's figure has one. */
  readonly target?: number;
  readonly lowerIsBetter: boolean;
  readonly pass: boolean | null;
}

/** The bars: rx/raw per scenario; rx's own scaling for the aggregate-scaling row. */
export function bars(results: readonly ScenarioResult[]): Bar[] {
  return results.map((r) => {
    const t = r.target;
    if (t.kind === 'rx-at-least' && r.unit === '×') {
      return { label: r.title, value: r.rx, target: t.min, lowerIsBetter: false, pass: r.pass };
    }
    const target =
      t.kind === 'ratio-at-least' ? t.min : t.kind === 'ratio-at-most' ? t.max : undefined;
    return {
      label: r.title,
      value: r.ratio,
      target,
      lowerIsBetter: !r.higherIsBetter,
      pass: r.pass,
    };
  });
}
