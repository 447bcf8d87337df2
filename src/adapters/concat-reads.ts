/**
 * Reading with backpressure through asynchronous work. RxJS has no demand
 * signal: `reads$.pipe(concatMap(slow))` takes every chunk as fast as the
 * peer sends and buffers them inside `concatMap`, unbounded. These take the
 * next chunk (or frame) from the stream only when the work on the previous
 * one has completed, so unread bytes stay in the stream's bounded read-ahead
 * and the socket is paused when it is full: the peer is slowed, memory is not.
 */
import { Observable, finalize, from, take, type ObservableInput, type Subscription } from 'rxjs';
import type { Codec } from '../codecs/codec';
import type { Stream } from '../stream';

/**
 * `reads$.pipe(concatMap(project))` with real backpressure: one chunk is
 * read, `project(chunk, index)` runs, and the next chunk is read only when
 * its observable completes. Emits what the projections emit; completes at the
 * peer's end of stream after the last projection; errors with the stream's
 * error or a projection's. A read-side operation while it runs (one at a
 * time, as `reads$`); unsubscribing leaves unread bytes in the stream.
 * Memory held: the stream's `readBufferSize` plus the chunk being worked on.
 *
 * @example
 * ```ts runnable
 * import { concatReads, memoryPair } from 'rxstream';
 * import { concatWith, map, timer } from 'rxjs';
 * const [a, b] = memoryPair();
 * // A slow consumer that never holds more than the read-ahead bound:
 * concatReads(b, (chunk) => timer(10).pipe(map(() => chunk.length))).subscribe((n) => console.log(n)); // 5
 * a.writeAll(Buffer.from('hello')).pipe(concatWith(a.close())).subscribe();
 * ```
 */
export function concatReads<R>(
  stream: Stream,
  project: (chunk: Buffer, index: number) => ObservableInput<R>,
): Observable<R> {
  return pullEach(() => stream.reads$, project);
}

/**
 * {@link concatReads} for frames: `stream.frames(codec).pipe(concatMap(project))`
 * with real backpressure. The next frame is decoded only when the previous
 * projection completes; bytes not yet decoded stay in the stream (nothing is
 * lost between frames, as with `frames` and `take(1)`).
 *
 * @example
 * ```ts runnable
 * import { concatFrames, lines, memoryPair } from 'rxstream';
 * import { concatWith, of } from 'rxjs';
 * const [a, b] = memoryPair();
 * concatFrames(b, lines(), (line) => of(line.toUpperCase())).subscribe(console.log); // ONE, TWO
 * a.writeAll(Buffer.from('one\ntwo\n')).pipe(concatWith(a.close())).subscribe();
 * ```
 */
export function concatFrames<T, R>(
  stream: Stream,
  codec: Codec<T>,
  project: (frame: T, index: number) => ObservableInput<R>,
): Observable<R> {
  return pullEach(() => stream.frames(codec), project);
}

/**
 * Takes one value from a fresh `source()`, projects it, and only when the
 * projection has completed **and** the source subscription is gone (a
 * read-side operation must be detached before the next attaches) takes the
 * next; completes when `source()` completes empty. Synchronous completions
 * loop instead of recursing.
 */
function pullEach<T, R>(
  source: () => Observable<T>,
  project: (value: T, index: number) => ObservableInput<R>,
): Observable<R> {
  return new Observable<R>((sub) => {
    let outer: Subscription | null = null;
    let inner: Subscription | null = null;
    let index = 0;
    let running = false;
    let again = false;
    const step = (): void => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      do {
        again = false;
        let got = false;
        let projected = false; // the projection completed
        let detached = false; // the source subscription is gone
        const next = (): void => {
          if (projected && detached && !sub.closed) step();
        };
        outer = source()
          .pipe(
            finalize(() => {
              detached = true;
              next();
            }),
            take(1),
          )
          .subscribe({
            next: (value) => {
              got = true;
              let input: ObservableInput<R>;
              try {
                input = project(value, index++);
              } catch (error) {
                sub.error(error);
                return;
              }
              inner = from(input).subscribe({
                next: (r) => sub.next(r),
                error: (e: unknown) => sub.error(e),
                complete: () => {
                  inner = null;
                  projected = true;
                  next();
                },
              });
            },
            error: (e: unknown) => sub.error(e),
            complete: () => {
              if (!got) sub.complete();
            },
          });
      } while (again && !sub.closed);
      running = false;
    };
    step();
    return () => {
      outer?.unsubscribe();
      inner?.unsubscribe();
    };
  });
}
