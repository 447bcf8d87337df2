/** The results table on stdout and the JSON file. */
import Table from 'cli-table3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cell, fmt, ratioCell } from './format';
import { describeTarget } from './targets';
import type { BenchConfig, ScenarioResult, Summary } from './types';

/** Everything one run produced. */
export interface RunReport {
  readonly version: 1;
  readonly date: string;
  readonly mode: 'quick' | 'full';
  readonly durationSeconds: number;
  readonly machine: Readonly<Record<string, string | number>>;
  readonly config: BenchConfig;
  readonly ceiling: { readonly tool: string; readonly unit: 'MiB/s'; readonly summary: Summary };
  readonly scenarios: readonly ScenarioResult[];
  readonly missed: readonly string[];
}

function verdict(r: ScenarioResult): string {
  const v = r.pass === null ? '—' : r.pass ? 'met' : 'MISSED';
  return r.note ? `${v} (${r.note})` : v;
}

function share(r: ScenarioResult): string {
  if (!r.ceilingShare) return '';
  const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a');
  return `${pct(r.ceilingShare.raw)} / ${pct(r.ceilingShare.rx)}`;
}

/** The table as text. */
export function renderTable(report: RunReport): string {
  const table = new Table({
    head: [
      'scenario',
      'unit',
      'raw Node',
      'rxstream',
      'rx / raw',
      'of loopback',
      'CPU rx/raw',
      'target',
      'result',
    ],
    style: { head: [], border: [] },
  });
  const c = report.ceiling;
  table.push([
    'kernel loopback ceiling',
    'MiB/s',
    cell(c.summary, 'MiB/s'),
    '',
    '',
    '100%',
    '',
    '',
    c.tool,
  ]);
  for (const r of report.scenarios) {
    const ratio = r.id === 'aggregate-scaling' ? '' : ratioCell(r.ratio);
    table.push([
      r.title,
      r.unit,
      cell(r.raw, r.unit),
      cell(r.rx, r.unit),
      ratio,
      share(r),
      r.cpu && Number.isFinite(r.cpu.ratio.median) ? `${r.cpu.ratio.median.toFixed(2)}×` : '',
      describeTarget(r.target),
      verdict(r),
    ]);
  }
  return table.toString();
}

/** A one-paragraph verdict. */
export function renderSummary(report: RunReport): string {
  const judged = report.scenarios.filter((r) => r.pass !== null);
  const met = judged.filter((r) => r.pass).length;
  const lines = [
    `${met}/${judged.length} targets met` +
      (report.missed.length ? `; missed: ${report.missed.join(', ')}` : '') +
      `. ${report.mode} run, ${report.durationSeconds.toFixed(0)} s, medians over ` +
      `${report.config.rounds} rounds (${report.config.memoryRounds} for memory rows); ` +
      `±% = half the range over rounds; CPU rx/raw = measuring process CPU time, lower is better. Loopback ceiling ${fmt(report.ceiling.summary.median, 'MiB/s')} MiB/s.`,
  ];
  return lines.join('\n');
}

/** Writes the JSON report. */
export function writeJson(path: string, report: RunReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
