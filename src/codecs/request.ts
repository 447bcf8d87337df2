/**
 * {@link request}: send one frame, take the first reply frame.
 *
 * @module
 */
import { Observable, concat, ignoreElements, take, throwIfEmpty } from 'rxjs';
import { Status } from '../status';
import { StreamError } from '../errors';
import type { Stream } from '../stream';
import type { Codec } from './codec';

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
 * failures. Unsubscribing (e.g. from a `timeout`) before the reply leaves
 * every received byte in the stream.
 *
 * @param stream - the stream to talk over
 * @param codec - encodes the request and decodes the reply
 * @param frame - the request
 * @returns the reply frame
 *
 * @example
 * ```ts
 * request(stream, lines(), 'PING').pipe(timeout(2000)).subscribe((reply) => console.log(reply));
 * ```
 */
export function request<T>(stream: Stream, codec: Codec<T>, frame: T): Observable<T> {
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
    stream.frames(codec).pipe(
      take(1),
      throwIfEmpty(() => new StreamError(Status.StreamClosed, 'the peer ended before replying')),
    ),
  );
}
