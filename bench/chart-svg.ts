/** A hand-written SVG bar chart of rx/raw per scenario, written beside the JSON. */
import { writeFileSync } from 'node:fs';
import { bars, type Bar } from './chart-data';
import { xml } from './format';
import type { RunReport } from './report';

const LEFT = 420;
const PLOT = 480;
const ROW = 30;
const TOP = 64;

function colour(b: Bar): string {
  if (b.pass === null) return '#8c8c8c';
  return b.pass ? '#2e9d4f' : '#d64541';
}

/** Bars beyond this are clipped (their label still shows the figure). */
const CLIP = 4;

function scaleMax(all: readonly Bar[]): number {
  const top = Math.max(2, ...all.map((b) => (Number.isFinite(b.value.max) ? b.value.max : 0)));
  return Math.min(CLIP, Math.ceil(top * 1.1 * 2) / 2);
}

function grid(xmax: number, height: number, x: (v: number) => number): string[] {
  const out: string[] = [];
  for (let v = 0; v <= xmax + 1e-9; v += 0.5) {
    const stroke = v === 1 ? '#333' : '#ddd';
    out.push(
      `<line x1="${x(v)}" y1="${TOP - 8}" x2="${x(v)}" y2="${height - 24}" stroke="${stroke}"/>`,
    );
    out.push(
      `<text x="${x(v)}" y="${height - 8}" text-anchor="middle" font-size="11">${v}×</text>`,
    );
  }
  return out;
}

function row(b: Bar, i: number, x: (v: number) => number): string[] {
  const y = TOP + i * ROW;
  const v = b.value;
  const label = `${b.label}${b.lowerIsBetter ? ' (↓ better)' : ''}`;
  const out = [
    `<text x="${LEFT - 8}" y="${y + 15}" text-anchor="end" font-size="12">${xml(label)}</text>`,
  ];
  if (!Number.isFinite(v.median)) {
    out.push(`<text x="${LEFT + 4}" y="${y + 15}" font-size="12" fill="#d64541">no figure</text>`);
    return out;
  }
  out.push(
    `<rect x="${LEFT}" y="${y + 4}" width="${Math.max(0, Math.round((x(v.median) - LEFT) * 10) / 10)}" height="${ROW - 10}" fill="${colour(b)}"/>`,
  );
  out.push(
    `<line x1="${x(v.min)}" y1="${y + ROW / 2}" x2="${x(v.max)}" y2="${y + ROW / 2}" stroke="#000"/>`,
  );
  if (b.target !== undefined) {
    const tx = x(b.target);
    out.push(
      `<line x1="${tx}" y1="${y}" x2="${tx}" y2="${y + ROW - 2}" stroke="#000" stroke-width="2" stroke-dasharray="3,2"/>`,
    );
  }
  const clipped = v.max > CLIP ? ' ▶' : '';
  out.push(
    `<text x="${x(v.max) + 6}" y="${y + 15}" font-size="11">${v.median.toFixed(2)}×${clipped}</text>`,
  );
  return out;
}

/** The SVG text. */
export function renderSvg(report: RunReport): string {
  const all = bars(report.scenarios);
  const xmax = scaleMax(all);
  const x = (v: number): number => Math.round((LEFT + (Math.min(v, xmax) / xmax) * PLOT) * 10) / 10;
  const height = TOP + all.length * ROW + 40;
  const width = LEFT + PLOT + 80;
  const subtitle =
    `${report.mode} run ${report.date} · median of rounds, whisker = min–max · dashed = target · ` +
    `loopback ceiling ${report.ceiling.summary.median.toFixed(0)} MiB/s`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="24" font-size="16" font-weight="bold">rxstream / raw Node, same run</text>`,
    `<text x="12" y="44" font-size="11" fill="#555">${xml(subtitle)}</text>`,
    ...grid(xmax, height, x),
    ...all.flatMap((b, i) => row(b, i, x)),
    '</svg>',
    '',
  ].join('\n');
}

/** Writes the SVG. */
export function writeSvg(path: string, report: RunReport): void {
  writeFileSync(path, renderSvg(report));
}
