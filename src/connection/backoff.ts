/**
 * Exponential backoff with jitter for {@link reconnecting}: the delays and
 * their checks, as pure functions (marble specs check the bounds).
 *
 * @module
 */
import { invalid } from '../errors';

/**
 * Backoff between reconnect attempts. Every field is optional; see {@link DEFAULT_BACKOFF}.
 *
 * @example
 * ```ts
 * const backoff: BackoffOptions = { initial: 100, max: 10_000, factor: 2, jitter: 0.3 };
 * ```
 */
export interface BackoffOptions {
  /** The first wait (ms), after a dropped connection or a first failed attempt. */
  initial?: number;
  /** No wait is longer (ms). */
  max?: number;
  /** Each further wait is the one before times this (>= 1). */
  factor?: number;
  /**
   * How much of each wait is random, 0–1: the wait is `d × (1 − jitter × r)`
   * with `r` uniform in [0, 1), so it lies in `[d × (1 − jitter), d]` —
   * clients that lost one server together do not come back together.
   */
  jitter?: number;
}

/**
 * The backoff `reconnecting()` uses by default: 250 ms doubling to 30 s, half of it random.
 *
 * @example
 * ```ts
 * reconnecting(() => connectTCP(port, '127.0.0.1'), { backoff: { ...DEFAULT_BACKOFF, max: 5000 } });
 * ```
 */
export const DEFAULT_BACKOFF: Readonly<Required<BackoffOptions>> = Object.freeze({
  initial: 250,
  max: 30_000,
  factor: 2,
  jitter: 0.5,
});

/**
 * The backoff with defaults filled in and checked.
 *
 * @throws StreamError Invalid for a field out of range.
 */
export function backoffSettings(options: BackoffOptions = {}): Required<BackoffOptions> {
  const b = { ...DEFAULT_BACKOFF, ...stripUndefined(options) };
  const bad = (name: string, ok: boolean): void => {
    if (!ok) throw invalid(`backoff.${name} out of range: ${String(b[name as keyof typeof b])}`);
  };
  bad('initial', b.initial >= 0 && Number.isFinite(b.initial));
  bad('max', b.max >= b.initial && Number.isFinite(b.max));
  bad('factor', b.factor >= 1 && Number.isFinite(b.factor));
  bad('jitter', b.jitter >= 0 && b.jitter <= 1);
  return b;
}

/**
 * The wait before the next attempt after `waits` earlier waits in this
 * round (0 for the first): `min(max, initial × factor^waits)`, less its
 * random part `jitter × r` (`r` from `random`, in [0, 1)).
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { backoffDelay } from 'rxstream';
 *
 * const backoff = { initial: 100, max: 10_000, factor: 2, jitter: 0.5 };
 * assert.equal(backoffDelay(3, backoff, () => 0), 800); // 100 × 2³, none of it taken off
 * assert.equal(backoffDelay(3, backoff, () => 0.5), 600); // 800 × (1 − 0.5 × 0.5)
 * assert.equal(backoffDelay(10, backoff, () => 0), 10_000); // capped at max
 * ```
 */
export function backoffDelay(
  waits: number,
  backoff: Required<BackoffOptions>,
  random: () => number,
): number {
  const base = Math.min(backoff.max, backoff.initial * backoff.factor ** waits);
  return base * (1 - backoff.jitter * random());
}

function stripUndefined(options: BackoffOptions): BackoffOptions {
  const out: BackoffOptions = {};
  for (const key of ['initial', 'max', 'factor', 'jitter'] as const) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}
