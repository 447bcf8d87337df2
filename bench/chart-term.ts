/** Terminal charts: ratio bars per scenario, and aggregate MiB/s against fan-out (asciichart). */
import * as asciichart from 'asciichart';
import { bars } from './chart-data';
import type { RunReport } from './report';

const WIDTH = 40;

/** Horizontal bars of rx/raw with a `|` at 1.0× and `^` at the target. */
export function ratioBars(report: RunReport): string {
  const all = bars(report.scenarios);
  const xmax = Math.min(
    4,
    Math.max(2, ...all.map((b) => (Number.isFinite(b.value.median) ? b.value.median : 0))),
  );
  const col = (v: number): number => Math.round((Math.min(v, xmax) / xmax) * WIDTH);
  const labelWidth = Math.max(...all.map((b) => b.label.length));
  return all
    .map((b) => {
      const line = Array.from({ length: WIDTH + 1 }, (_, i): string => (i === col(1) ? '|' : ' '));
      const m = b.value.median;
      if (Number.isFinite(m)) for (let i = 0; i < col(m); i++) line[i] = '█';
      if (b.target !== undefined) line[col(b.target)] = '^';
      const mark = b.pass === null ? ' ' : b.pass ? '✓' : '✗';
      const figure = Number.isFinite(m) ? `${m.toFixed(2)}×` : 'n/a';
      return `${b.label.padEnd(labelWidth)} ${line.join('')} ${figure} ${mark}`;
    })
    .join('\n');
}

/** MiB/s at each fan-out, raw and rx, as a step chart (each point 8 columns wide). */
export function aggregateChart(report: RunReport): string {
  const rows = report.scenarios.filter((r) => /^aggregate-\d+$/.test(r.id));
  if (rows.length < 2) return '';
  const steps = (pick: (r: (typeof rows)[number]) => number): number[] =>
    rows.flatMap((r) => Array.from({ length: 8 }, () => pick(r)));
  const raw = steps((r) => r.raw.median);
  const rx = steps((r) => r.rx.median);
  if (![...raw, ...rx].every(Number.isFinite)) return '';
  const chart = asciichart.plot([raw, rx], {
    height: 10,
    colors: [asciichart.blue, asciichart.green],
    format: (v: number) => `${v.toFixed(0).padStart(6)} MiB/s `,
  });
  const axis = rows.map((r) => r.id.replace('aggregate-', '').padEnd(8)).join('');
  return `${chart}\n${' '.repeat(14)}${axis} streams   (blue = raw, green = rxstream)`;
}
