/**
 * {@link reconnecting}: one connection that survives its sockets — backoff
 * with jitter, give-up rules, one `state$` across connections, reads that
 * go on on the next connection and writes queued while disconnected.
 *
 * @module
 */
import type { Observable } from 'rxjs';
import type { Stream } from '../stream';
import { Reconnecting } from './reconnect-connection';
import type { ReconnectOptions } from './reconnect-state';

export { Reconnecting } from './reconnect-connection';
export { retrySysErrors } from './reconnect-state';
export type { ReconnectOptions, ReconnectState, ReconnectStatus } from './reconnect-state';

/**
 * One logical connection that reconnects: `connect` is a factory of a cold
 * `Observable<Stream>` (e.g. `() => connectTLS(opts, { connectTimeout: 5000 })`),
 * called for each attempt. Failed attempts are retried after a backoff with
 * jitter (`backoff`), up to `maxAttempts` in a row, for the failures
 * `retryOn` accepts (default `SysError` only: never `Invalid` or TLS
 * failures); a connection that drops is replaced the same way. One
 * `state$` covers every connection; `reads$`/`each` go on on the next
 * connection; writes while disconnected are queued up to `maxQueued` bytes
 * (at most once, see {@link Reconnecting.writeAll}). Every timer runs on
 * `scheduler`, so a `TestScheduler` drives a whole reconnect story.
 *
 * Use connect helpers with `allowHalfOpen: false` (their default), so a
 * connection whose peer ended is over once its bytes are read.
 *
 * @param connect - makes one cold connect attempt per call
 * @param options - backoff, give-up rules, scheduler, queue bound
 * @returns the connection (inert until first used)
 * @throws StreamError Invalid for a bad backoff option
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTCP, lines, reconnecting } from 'rxstream';
 * import { firstValueFrom } from 'rxjs';
 *
 * const conn = reconnecting(() => connectTCP(port, '127.0.0.1', { connectTimeout: 3000 }), {
 *   backoff: { initial: 200, max: 10_000, factor: 2, jitter: 0.5 },
 *   maxAttempts: 20,
 * });
 * conn.state$.subscribe((s) => console.log(s.status, s.attempt));
 * conn.writeAll(Buffer.from('hello\n')).subscribe();
 * assert.equal(await firstValueFrom(conn.each((s) => s.frames(lines()))), 'hello');
 * await firstValueFrom(conn.close());
 * ```
 */
export function reconnecting(
  connect: () => Observable<Stream>,
  options?: ReconnectOptions,
): Reconnecting {
  return new Reconnecting(connect, options);
}
