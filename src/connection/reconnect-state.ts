/**
 * The public shapes of {@link reconnecting}: its states and options.
 *
 * @module
 */
import type { SchedulerLike } from 'rxjs';
import { Status } from '../status';
import type { StreamError } from '../errors';
import type { Stream } from '../stream';
import type { BackoffOptions } from './backoff';

/**
 * Where a {@link Reconnecting} connection is.
 *
 * @example
 * ```ts
 * const final = (s: ReconnectStatus) => s === 'closed' || s === 'failed';
 * ```
 */
export type ReconnectStatus = 'connecting' | 'open' | 'waiting' | 'closed' | 'failed';

/**
 * One value of {@link Reconnecting.state$}.
 *
 * @example
 * ```ts
 * conn.state$.subscribe(({ status, attempt, connections, lastError, stream }: ReconnectState) =>
 *   console.log(`${status} #${attempt} (${connections} so far)`, lastError?.status, stream?.remotePort),
 * );
 * ```
 */
export interface ReconnectState {
  /**
   * `connecting` — an attempt is under way; `open` — a stream is connected;
   * `waiting` — backing off before the next attempt; `closed` — `close()`
   * ended it; `failed` — it gave up (see `lastError`). The last two are final.
   */
  readonly status: ReconnectStatus;
  /**
   * The attempt of this round (1 = first; a round starts at the start and
   * after each dropped connection): the one under way (`connecting`), that
   * succeeded (`open`), that failed last (`waiting`, `failed`; 0 while
   * waiting after a drop, before any attempt).
   */
  readonly attempt: number;
  /** Why the last attempt or connection ended, or null (a clean end). */
  readonly lastError: StreamError | null;
  /** The connected stream while `open`, else null. */
  readonly stream: Stream | null;
  /** Connections opened so far (for dashboards). */
  readonly connections: number;
}

/**
 * Options of {@link reconnecting}.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { Status, StreamError, reconnecting, retrySysErrors, type ReconnectOptions } from 'rxstream';
 * import { asyncScheduler, lastValueFrom, throwError } from 'rxjs';
 *
 * const options: ReconnectOptions = {
 *   backoff: { initial: 10, max: 100 },
 *   maxAttempts: 3,
 *   retryOn: retrySysErrors,
 *   scheduler: asyncScheduler,
 *   maxQueued: 64 * 1024,
 *   random: () => 0, // no jitter: waits of 10 and 20 ms
 * };
 * const down = () => throwError(() => new StreamError(Status.SysError, 'connect ECONNREFUSED'));
 * const final = await lastValueFrom(reconnecting(down, options).state$);
 * assert.equal(final.status, 'failed');
 * assert.equal(final.attempt, 3);
 * ```
 */
export interface ReconnectOptions {
  /** Waits between attempts; see {@link BackoffOptions} and {@link DEFAULT_BACKOFF}. */
  backoff?: BackoffOptions;
  /** Failed attempts in a row before it gives up (`failed`). Default: never. */
  maxAttempts?: number;
  /**
   * Which failures are worth another attempt. Default: `SysError` only
   * (refused, reset, timed out, unreachable) — never `Invalid` (the code is
   * wrong) or `TLSError` (a certificate does not get better by retrying).
   * Asked for failed attempts and for errors that end an open connection; a
   * clean end (the peer's FIN) always reconnects.
   */
  retryOn?: (error: StreamError) => boolean;
  /** Where the backoff timers run. Default `asyncScheduler`; a `TestScheduler` in marble tests. */
  scheduler?: SchedulerLike;
  /** Bytes of writes waiting for a connection before more are refused. Default 1 MiB. */
  maxQueued?: number;
  /** The random source of the jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/**
 * The default of {@link ReconnectOptions.retryOn}: `SysError` only.
 *
 * @example
 * ```ts
 * const dial = () => connectTLS({ host: 'localhost', port: tlsPort, ca });
 * reconnecting(dial, { retryOn: (e) => retrySysErrors(e) || e.status === Status.TLSError });
 * ```
 */
export function retrySysErrors(error: StreamError): boolean {
  return error.status === Status.SysError;
}
