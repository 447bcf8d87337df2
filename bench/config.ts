/**
 * Run sizes. The full run stays under ~10 minutes on a 2-core machine;
 * `--quick` stays under a minute.
 */
import type { BenchConfig } from './types';

const MiB = 1024 * 1024;

/** Bytes in a mebibyte. */
export const MIB = MiB;
/** Bytes in a kibibyte. */
export const KIB = 1024;

const FULL: BenchConfig = {
  quick: false,
  rounds: 5,
  memoryRounds: 3,
  bulkBytes: 1024 * MiB,
  tlsBytes: 256 * MiB,
  smallMessages: 1_000_000,
  pingPongs: 100_000,
  slowBytes: 1024 * MiB,
  echoStreams: 5000,
  aggregateStreams: [1, 10, 100, 1000],
  aggregateBytes: 512 * MiB,
  ceilingBytes: 4096 * MiB,
};

const QUICK: BenchConfig = {
  quick: true,
  rounds: 3,
  memoryRounds: 1,
  bulkBytes: 128 * MiB,
  tlsBytes: 64 * MiB,
  smallMessages: 200_000,
  pingPongs: 10_000,
  slowBytes: 128 * MiB,
  echoStreams: 500,
  aggregateStreams: [1, 10, 100, 1000],
  aggregateBytes: 128 * MiB,
  ceilingBytes: 512 * MiB,
};

/** The config for a run, with an optional override of the round count. */
export function makeConfig(quick: boolean, rounds?: number): BenchConfig {
  const base = quick ? QUICK : FULL;
  if (rounds === undefined) return base;
  return { ...base, rounds, memoryRounds: Math.min(base.memoryRounds, rounds) };
}

/**
 * A scaled-down config (1/8, quick 1/32) for the untimed warm-up run each
 * throughput child makes of its own side before the measured one.
 */
export function warmupConfig(c: BenchConfig): BenchConfig {
  const k = c.quick ? 32 : 8;
  return {
    ...c,
    bulkBytes: c.bulkBytes / k,
    tlsBytes: c.tlsBytes / k,
    smallMessages: Math.ceil(c.smallMessages / k),
    pingPongs: Math.ceil(c.pingPongs / k),
    aggregateBytes: c.aggregateBytes / k,
  };
}
