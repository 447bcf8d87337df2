/** Clock helpers. */
import { performance } from 'node:perf_hooks';

/** Milliseconds from a monotonic clock. */
export function now(): number {
  return performance.now();
}

/** Seconds since `t0` (a value of {@link now}). */
export function elapsedSince(t0: number): number {
  return (performance.now() - t0) / 1000;
}

/** A promise that resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const MiB = 1024 * 1024;

/** A byte-rate measurement in MiB/s; not ok unless exactly `expected` bytes moved. */
export function byteRate(
  bytes: number,
  seconds: number,
  expected: number,
): { value: number; ok: boolean; detail: Record<string, number> } {
  return { value: bytes / MiB / seconds, ok: bytes === expected, detail: { bytes, seconds } };
}
