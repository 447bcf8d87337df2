/** Number formatting for the table and charts. */
import type { Summary } from './types';

/** A figure in its unit, compact. */
export function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (unit === 'msg/s' || unit === 'rt/s') {
    if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
    if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`;
    return v.toFixed(0);
  }
  if (unit === 'MiB/s') return v >= 100 ? v.toFixed(0) : v.toFixed(1);
  if (unit === '×') return v.toFixed(2);
  return v.toFixed(1);
}

/** "median ±spread%" for a summary. */
export function cell(s: Summary, unit: string): string {
  if (!Number.isFinite(s.median)) return 'n/a';
  return `${fmt(s.median, unit)} ±${s.spreadPct.toFixed(0)}%`;
}

/** "1.02× (0.98–1.05)" for a ratio summary. */
export function ratioCell(s: Summary): string {
  if (!Number.isFinite(s.median)) return 'n/a';
  return `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}

/** Escapes text for XML. */
export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
