/**
 * {@link encode}: frames to bytes, as an operator.
 *
 * @module
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { Codec } from './codec';

/**
 * Turns each frame into its bytes with `codec.encode`, in order, one Buffer
 * per frame. A frame the codec refuses (too long, holding its delimiter…)
 * errors the output with that `StreamError` (status Invalid, code 3) after
 * the frames before it, and unsubscribes from the source. Pipe the result
 * into `stream.writeFrom` for a framed send with backpressure and coalescing.
 *
 * @param codec - the codec whose encoder to use
 * @returns an operator `Observable<T>` → `Observable<Buffer>`
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { encode, lines, memoryPair } from 'rxstream';
 * import { firstValueFrom, from, map } from 'rxjs';
 *
 * const [a, b] = memoryPair();
 * from(['PING', 'QUIT'])
 *   .pipe(encode(lines()), (bytes$) => a.writeFrom(bytes$))
 *   .subscribe({ complete: () => a.shutdownWrite() });
 * assert.equal(await firstValueFrom(b.reads$.pipe(map(String))), 'PING\nQUIT\n');
 * ```
 */
export function encode<T>(codec: Codec<T>): OperatorFunction<T, Buffer> {
  return (source) =>
    new Observable<Buffer>((sub) =>
      source.subscribe({
        next(frame) {
          let bytes: Buffer;
          try {
            bytes = codec.encode(frame);
          } catch (error) {
            sub.error(error);
            return;
          }
          sub.next(bytes);
        },
        error: (error: unknown) => sub.error(error),
        complete: () => sub.complete(),
      }),
    );
}
