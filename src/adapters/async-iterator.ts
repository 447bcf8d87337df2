/**
 * {@link chunks}: a stream as an async iterator, for `for await`.
 *
 * @module
 */
import { take, type Subscription } from 'rxjs';
import type { Stream } from '../stream';

/**
 * Iterates over what the peer sends, chunk by chunk, for `for await`.
 *
 * Each `next()` takes exactly one chunk from `stream.reads$` (a one-chunk
 * subscription, `reads$.pipe(take(1))`) and nothing more: no read-ahead on
 * top of the stream's own. So **breaking out of the loop loses no byte**:
 * whatever has not been yielded stays in the stream for the next reader
 * (`read`, `tryRead`, `reads$`, another `chunks`). Memory stays bounded by the
 * stream's `readBufferSize`: between two `next()` calls nobody reads and the
 * stream pauses the socket once its read-ahead is full.
 *
 * The loop ends at the peer's end of stream; a fatal error is thrown from the
 * loop as the `StreamError` (code 1). While an iteration is pending, the read
 * side of the stream is busy (a second reader is refused with `Invalid`).
 * `return()` (what `break` calls) cancels a pending `next()` — the chunk it
 * waited for stays in the stream — and leaves the stream open.
 *
 * @param stream - the stream to read
 * @returns an async iterable iterator of Buffers (zero-copy: the stream's own chunks)
 *
 * @example
 * ```ts runnable
 * const [a, b] = memoryPair();
 * a.writeAll(Buffer.from('line one\nline two\n')).pipe(concatWith(a.close())).subscribe();
 * for await (const chunk of chunks(b)) {
 *   // `chunk` is yours, all of it; the chunks not yet yielded stay in `stream`.
 *   // To stop inside a chunk without losing its tail, read frames instead:
 *   // `stream.frames(lines())` gives the tail back on unsubscribe.
 *   if (chunk.includes(0x0a)) break;
 * }
 * ```
 */
export function chunks(stream: Stream): AsyncIterableIterator<Buffer> {
  let done = false;
  let pending: { sub: Subscription; settle: () => void } | null = null;
  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };

  let queue: Promise<unknown> = Promise.resolve();
  // Calls made before the previous one settled wait their turn (one reader at a time).
  const next = (): Promise<IteratorResult<Buffer, undefined>> => {
    const result = queue.then(pullOne, pullOne);
    queue = result;
    return result;
  };

  const pullOne = (): Promise<IteratorResult<Buffer, undefined>> => {
    if (done) return Promise.resolve(finished);
    return new Promise<IteratorResult<Buffer, undefined>>((resolve, reject) => {
      let got: Buffer | undefined;
      let settled = false;
      const settle = (): void => {
        settled = true;
        pending = null;
      };
      const sub = stream.reads$.pipe(take(1)).subscribe({
        next: (chunk) => (got = chunk),
        complete: () => {
          settle();
          if (got === undefined) done = true;
          resolve(got === undefined ? finished : { done: false, value: got });
        },
        error: (error: unknown) => {
          settle();
          done = true;
          reject(error);
        },
      });
      if (!settled) pending = { sub, settle: () => resolve(finished) };
    });
  };

  const stop = (): Promise<IteratorResult<Buffer, undefined>> => {
    done = true;
    const p = pending;
    pending = null;
    p?.sub.unsubscribe();
    p?.settle();
    return Promise.resolve(finished);
  };

  return {
    next,
    return: stop,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
