/**
 * {@link withSignal}: an `AbortSignal` as a way to cancel any rxstream observable.
 *
 * @module
 */
import { Observable, Subscription } from 'rxjs';

/**
 * Mirrors `source$` until `signal` aborts; then unsubscribes from it and
 * errors with **`signal.reason`, unchanged** (by default a `DOMException`
 * named `AbortError`; whatever was passed to `controller.abort(reason)`
 * otherwise) — the convention of `fetch` and `AbortSignal.throwIfAborted()`,
 * so `err === signal.reason` and `err.name === 'AbortError'` checks work.
 * It does not wrap the reason in a `StreamError`: an abort is the caller's
 * decision, not a stream status. An already aborted signal errors at once,
 * without subscribing to `source$`.
 *
 * What the abort cancels is what unsubscribing cancels: a pending `read`
 * consumes nothing; a `write`/`writeAll` keeps what was already accepted
 * (it is sent); a `close` not yet begun is cancelled; `connect*` aborts the
 * attempt; `listen*` closes the server. The stream itself stays usable.
 *
 * @param source$ - the observable to make abortable
 * @param signal - the signal that cancels it
 * @returns an observable that mirrors `source$` and errors with `signal.reason` on abort
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { memoryPair, withSignal } from 'rxstream';
 *
 * const [, b] = memoryPair();
 * const ac = new AbortController();
 * withSignal(b.read(Buffer.alloc(8)), ac.signal).subscribe({
 *   next: () => assert.fail('nothing was sent'),
 *   error: (e: unknown) => assert.equal(e, ac.signal.reason), // a DOMException named 'AbortError'
 * });
 * ac.abort(); // cancels the read: nothing consumed, `b` stays usable
 * ```
 */
export function withSignal<T>(source$: Observable<T>, signal: AbortSignal): Observable<T> {
  return new Observable<T>((sub) => {
    if (signal.aborted) {
      sub.error(signal.reason);
      return undefined;
    }
    const inner = new Subscription(); // closed on abort, even one that fires during subscribe
    const onAbort = (): void => {
      inner.unsubscribe();
      sub.error(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // A plain observer: subscribing `sub` itself would hand back `sub` as the inner subscription.
    inner.add(
      source$.subscribe({
        next: (value) => sub.next(value),
        error: (error: unknown) => sub.error(error),
        complete: () => sub.complete(),
      }),
    );
    return () => {
      signal.removeEventListener('abort', onAbort);
      inner.unsubscribe();
    };
  });
}
