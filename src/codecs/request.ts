/**
 * {@link request}: send one frame, take the first reply frame.
 *
 * @module
 */
import {
  Observable,
  asyncScheduler,
  concat,
  ignoreElements,
  take,
  throwError,
  throwIfEmpty,
  timeout,
  type SchedulerLike,
} from 'rxjs';
import { Status } from '../status';
import { StreamError, invalid } from '../errors';
import type { Stream } from '../stream';
import type { Codec } from './codec';

/**
 * Options of {@link request}.
 *
 * @example
 * ```ts
 * const options: RequestOptions = { timeout: 2000, scheduler: asyncScheduler };
 * request(stream, lines(), 'PING', options).subscribe();
 * ```
 */
export interface RequestOptions {
  /**
   * How long to wait for the reply, in ms, counted from when the request is
   * accepted (a request waiting for room in the send buffer is not timed).
   * Past it the observable errors with RxJS's `TimeoutError`. Default: no limit.
   */
  timeout?: number;
  /** Where the timeout runs (pass the `TestScheduler` in marble tests). Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/**
 * Sends `frame` (encoded with `codec`) and emits the first frame the peer
 * sends back, then completes. Cold: each subscription is one exchange.
 *
 * Built on `writeAll` and `stream.frames(codec).pipe(take(1))`, so it loses
 * nothing: bytes the peer sent after the reply stay in the stream for the
 * next `request`, `frames`, `reads$` or `read`. It holds the write side
 * until the request is accepted, then the read side until the reply is in;
 * run requests one after another (`concatMap`), not at once (a second one
 * meanwhile is refused with `Invalid`, code 3).
 *
 * Errors: `StreamError` status StreamClosed (code 2) when the peer ends
 * before a whole reply; the codec's `StreamError` Invalid when `frame`
 * cannot be encoded or the reply is over-long; the stream's error on I/O
 * failures; RxJS's `TimeoutError` past `options.timeout`. Unsubscribing (a
 * timeout does) before the reply leaves every received byte in the stream.
 *
 * @param stream - the stream to talk over
 * @param codec - encodes the request and decodes the reply
 * @param frame - the request
 * @param options - a reply timeout and its scheduler
 * @returns the reply frame
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTCP, lines, request } from 'rxstream';
 * import { firstValueFrom } from 'rxjs';
 *
 * const stream = await firstValueFrom(connectTCP(port, '127.0.0.1'));
 * assert.equal(await firstValueFrom(request(stream, lines(), 'PING', { timeout: 2000 })), 'PING');
 * assert.equal(await firstValueFrom(request(stream, lines(), 'again')), 'again'); // one after another
 * await firstValueFrom(stream.close());
 * ```
 */
export function request<T>(
  stream: Stream,
  codec: Codec<T>,
  frame: T,
  options: RequestOptions = {},
): Observable<T> {
  const reply$ = stream.frames(codec).pipe(
    take(1),
    throwIfEmpty(() => new StreamError(Status.StreamClosed, 'the peer ended before replying')),
  );
  const wait = options.timeout;
  if (wait !== undefined && !(typeof wait === 'number' && wait >= 0 && Number.isFinite(wait))) {
    return throwError(() => invalid(`timeout must be a finite number >= 0, got ${String(wait)}`));
  }
  return concat(
    new Observable<never>((sub) => {
      let bytes: Buffer;
      try {
        bytes = codec.encode(frame);
      } catch (error) {
        sub.error(error);
        return undefined;
      }
      return stream.writeAll(bytes).pipe(ignoreElements()).subscribe(sub);
    }),
    wait === undefined
      ? reply$
      : reply$.pipe(timeout({ first: wait, scheduler: options.scheduler ?? asyncScheduler })),
  );
}
