/**
 * Connect and handshake timeouts: {@link limitConnect} bounds a connect
 * helper's attempt, {@link timedOut} is the error every rxstream timeout
 * reports (status `SysError`, cause code `ETIMEDOUT`, as the kernel's own).
 *
 * @module
 */
import { Observable, asyncScheduler, throwError, timeout, type SchedulerLike } from 'rxjs';
import { Status } from '../status';
import { StreamError, invalid } from '../errors';

/**
 * Default `handshakeTimeout` of the TLS listeners: 10 s (Node's own is 120 s).
 *
 * @example
 * ```ts
 * listenTLS({ key, cert }, 0, '127.0.0.1', { handshakeTimeout: DEFAULT_HANDSHAKE_TIMEOUT / 2 });
 * ```
 */
export const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

/**
 * The error of every rxstream timeout (connect, handshake, idle): a
 * `StreamError` with status `SysError` (code 1) whose `cause` is an `Error`
 * with `code: 'ETIMEDOUT'` — what the kernel reports when its own
 * retransmission timer gives up, so one check covers both.
 *
 * @param what - what timed out, for the message (`'connect'`, `'idle'`)
 * @param ms - the limit that was reached
 * @returns the error
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { Status, timedOut } from 'rxstream';
 *
 * const e = timedOut('connect', 5000);
 * assert.equal(e.status, Status.SysError);
 * assert.equal((e.cause as NodeJS.ErrnoException).code, 'ETIMEDOUT'); // as the kernel's own
 * ```
 */
export function timedOut(what: string, ms: number): StreamError {
  const cause: NodeJS.ErrnoException = new Error(`${what} timed out after ${ms} ms`);
  cause.code = 'ETIMEDOUT';
  cause.syscall = what;
  return new StreamError(Status.SysError, `${what} timed out after ${ms} ms`, cause);
}

/** Why `ms` is not a usable timeout (a finite number > 0, or undefined for none), or null. */
export function timeoutProblem(name: string, ms: unknown): string | null {
  if (ms === undefined) return null;
  const ok = typeof ms === 'number' && ms > 0 && Number.isFinite(ms);
  return ok ? null : `${name} must be a finite number > 0 (ms), got ${String(ms)}`;
}

/**
 * What {@link limitConnect} reads: the connect options' limit and scheduler.
 *
 * @example
 * ```ts
 * const limit: ConnectLimit = { connectTimeout: 3000, scheduler: asyncScheduler };
 * ```
 */
export interface ConnectLimit {
  /** See `ConnectOptions.connectTimeout`. */
  connectTimeout?: number;
  /** Where the timer runs (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
}

/**
 * Bounds a cold connect attempt (`connect$`, which aborts the attempt when
 * unsubscribed) by `limit.connectTimeout` ms on `limit.scheduler`: when no
 * stream came by then, it unsubscribes (the socket is destroyed, so a TLS
 * handshake in progress stops too) and errors with {@link timedOut}. A
 * stream emitted in time is not bound any further. Without a limit it
 * returns `connect$` itself; a bad limit errors `Invalid` at subscription.
 *
 * @param connect$ - the attempt
 * @param limit - the timeout and its scheduler
 * @returns the bounded attempt
 *
 * @example
 * ```ts
 * limitConnect(connectTCP(7000, 'db.internal'), { connectTimeout: 3000 }).subscribe();
 * ```
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { Status, StreamError, limitConnect } from 'rxstream';
 * import { NEVER, firstValueFrom } from 'rxjs';
 *
 * // An attempt that never connects gives up after connectTimeout.
 * const attempt = firstValueFrom(limitConnect(NEVER, { connectTimeout: 50 }));
 * const error: unknown = await attempt.catch((e: unknown) => e);
 * assert.ok(StreamError.is(error) && error.status === Status.SysError);
 * ```
 */
export function limitConnect<T>(connect$: Observable<T>, limit: ConnectLimit = {}): Observable<T> {
  const ms = limit.connectTimeout;
  if (ms === undefined) return connect$;
  const problem = timeoutProblem('connectTimeout', ms);
  if (problem !== null) return throwError(() => invalid(problem));
  return connect$.pipe(
    timeout({
      first: ms,
      scheduler: limit.scheduler ?? asyncScheduler,
      with: () => throwError(() => timedOut('connect', ms)),
    }),
  );
}
