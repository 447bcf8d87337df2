/**
 * The deadline of a whole `close()`: from subscription until the socket is
 * closed. A close whose accepted bytes cannot leave (a peer that stopped
 * reading, a black hole) would otherwise wait forever.
 */
import { Observable, asyncScheduler, type SchedulerLike } from 'rxjs';
import type { StreamError } from '../errors';

/**
 * Default of `StreamOptions.closeDeadline`: 60,000 ms. Generous for a last
 * flush on a slow link; raise it for very large final writes, or pass
 * `Infinity` for no deadline.
 *
 * @example
 * ```ts runnable
 * import { DEFAULT_CLOSE_DEADLINE, memoryPair } from 'rxstream';
 * const [a] = memoryPair({ closeDeadline: DEFAULT_CLOSE_DEADLINE * 2 });
 * a.destroy();
 * ```
 */
export const DEFAULT_CLOSE_DEADLINE = 60_000;

/** Why `ms` is not a usable close deadline (a number > 0, `Infinity` for none), or null. */
export function closeDeadlineProblem(ms: unknown): string | null {
  if (ms === undefined) return null;
  if (typeof ms === 'number' && ms > 0 && !Number.isNaN(ms)) return null;
  return `closeDeadline must be a number > 0 (ms) or Infinity, got ${String(ms)}`;
}

/**
 * `close$` bounded by `ms` on `scheduler`: at the deadline `expire` is
 * called (it fails the stream, which errors `close$` with what it returns);
 * unsubscribing or completing first cancels the timer.
 */
export function withCloseDeadline(
  close$: Observable<void>,
  ms: number,
  scheduler: SchedulerLike | undefined,
  expire: () => StreamError,
): Observable<void> {
  if (ms === Infinity) return close$;
  return new Observable<void>((sub) => {
    const timer = (scheduler ?? asyncScheduler).schedule(() => {
      if (sub.closed) return;
      const error = expire();
      if (!sub.closed) sub.error(error);
    }, ms);
    const inner = close$.subscribe({
      next: (v) => sub.next(v),
      error: (e: unknown) => {
        timer.unsubscribe();
        sub.error(e);
      },
      complete: () => {
        timer.unsubscribe();
        sub.complete();
      },
    });
    return () => {
      timer.unsubscribe();
      inner.unsubscribe();
    };
  });
}
