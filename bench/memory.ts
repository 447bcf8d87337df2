/**
 * Peak-RSS measurement for child processes: a settled baseline, a reset of
 * the kernel's high-water mark (VmHWM), and sampling on a timer as a check.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const MiB = 1024 * 1024;

/** Runs the GC (children get `--expose-gc`) and returns RSS in bytes. */
export function settledRss(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage.rss();
}

/** Resets VmHWM to the current RSS (Linux `clear_refs` 5); false if refused. */
export function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** VmHWM in bytes, or 0 where /proc is missing. */
export function kernelPeak(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples `process.memoryUsage.rss()` every few milliseconds. */
export class RssSampler {
  #peak = 0;
  #timer: NodeJS.Timeout | undefined;

  start(intervalMs = 5): void {
    this.#peak = process.memoryUsage.rss();
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.#peak) this.#peak = rss;
  }

  /** Stops sampling; returns the sampled peak in bytes. */
  stop(): number {
    clearInterval(this.#timer);
    this.sample();
    return this.#peak;
  }
}

/** Baseline, peak (max of sampled and VmHWM) and their difference, in MiB. */
export interface PeakReport {
  baselineMiB: number;
  peakMiB: number;
  deltaMiB: number;
  sampledPeakMiB: number;
  hwmMiB: number;
}

/** Combines a baseline and the two peak sources into a report. */
export function peakReport(baseline: number, sampled: number, hwmTrusted: boolean): PeakReport {
  const hwm = hwmTrusted ? kernelPeak() : 0;
  const peak = Math.max(sampled, hwm);
  return {
    baselineMiB: baseline / MiB,
    peakMiB: peak / MiB,
    deltaMiB: (peak - baseline) / MiB,
    sampledPeakMiB: sampled / MiB,
    hwmMiB: hwm / MiB,
  };
}
