/**
 * The operation behind `stream.writeFrom(source)`: one write-side
 * operation that writes everything a source gives, in order.
 *
 * Sources are taken in one of three ways:
 *
 * | source                               | how items are taken                                  |
 * | ------------------------------------ | ---------------------------------------------------- |
 * | `Iterable` (array, generator, Set…)  | pulled with `next()` only when the send buffer has room |
 * | `AsyncIterable` (async generator…)   | pulled, one `next()` at a time, only when there is room |
 * | anything else `from()` takes (Observable, Promise, ReadableStream…) | subscribed once; items pushed faster than the socket drains wait in a {@link Fifo} |
 *
 * @module
 */
import { from, type ObservableInput, type Subscriber, type Unsubscribable } from 'rxjs';
import { invalid } from '../errors';
import { Fifo } from '../internal/fifo';
import { realLength, trusted } from '../internal/validate';
import { DrivenOp, type WriteSide } from '../internal/write-side';

/**
 * What `stream.writeFrom` takes: an Observable (or anything `from()` takes),
 * an `Iterable` or an `AsyncIterable` of Uint8Array.
 *
 * @example
 * ```ts
 * const source: WriteSource = [Buffer.from('a'), Buffer.from('b')];
 * stream.writeFrom(source).subscribe();
 * ```
 */
export type WriteSource =
  ObservableInput<Uint8Array> | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

const NOT_A_BUFFER = 'writeFrom: an item is not a Uint8Array';

const WAIT = 0;
const DONE = 1;
type Next = Uint8Array | typeof WAIT | typeof DONE;

/**
 * Makes the operation of one `writeFrom(source)` subscription, or a
 * message saying why `source` is refused.
 */
export function sourceOp(
  sub: Subscriber<number>,
  source: unknown,
  side: WriteSide,
): SourceOp | string {
  if (source instanceof Uint8Array)
    return 'writeFrom takes a source of buffers: use writeAll for one';
  if (!isSource(source)) {
    return 'writeFrom needs an Observable, Promise, Iterable or AsyncIterable of Uint8Array';
  }
  return new SourceOp(sub, source, side);
}

/** One `writeFrom` subscription (see the module doc). */
export class SourceOp extends DrivenOp {
  /** Bytes accepted so far. */
  total = 0;
  readonly sub: Subscriber<number>;
  readonly #side: WriteSide;
  readonly #source: object;
  #cur: Uint8Array | null = null;
  #off = 0;
  #iter: Iterator<unknown> | null = null;
  #async: AsyncIterator<unknown> | null = null;
  #pulling = false; // an async next() is pending
  #queue: Fifo<unknown> | null = null; // pushed items (observable sources)
  #subscription: Unsubscribable | null = null;
  #ended = false; // the source completed
  #failure: { error: unknown } | null = null; // the source errored
  #active = true;
  #running = false;
  #again = false;

  constructor(sub: Subscriber<number>, source: object, side: WriteSide) {
    super(side);
    this.sub = sub;
    this.#side = side;
    this.#source = source;
  }

  /** Starts taking from the source (after the side accepted the operation). */
  start(): void {
    const source = this.#source as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
    try {
      const asyncIt = source[Symbol.asyncIterator];
      const syncIt = source[Symbol.iterator];
      if (isPushSource(source)) this.#subscribe();
      else if (typeof asyncIt === 'function') this.#async = asyncIt.call(source);
      else if (typeof syncIt === 'function') this.#iter = syncIt.call(source);
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.progress();
  }

  progress(): void {
    if (!this.#active) return;
    if (this.#running) {
      this.#again = true; // asked from inside a step (a write completed at once)
      return;
    }
    this.#running = true;
    try {
      do {
        this.#again = false;
        this.#step();
      } while (this.#again && this.#active);
    } finally {
      this.#running = false;
    }
  }

  override unsubscribe(): void {
    super.unsubscribe();
    this.#stop(true);
  }

  /** Accepts as much as there is room for, pulling items only while there is room. */
  #step(): void {
    for (;;) {
      const cur = this.#cur;
      if (cur !== null) {
        const n = this.#side.accept(cur, this.#off, cur.length - this.#off);
        this.#off += n;
        this.total += n;
        if (this.#off < cur.length) return; // full: progress() comes when room frees
        this.#cur = null;
      }
      if (this.#side.room() === 0) return;
      const next = this.#next();
      if (next === WAIT) return;
      if (next === DONE) {
        this.#finish();
        return;
      }
      this.#take(next, this.#nextLength);
    }
  }

  /** A small item is copied in at once; any other becomes the current item, for `#step`. */
  #take(item: Uint8Array, n: number): void {
    if (this.#side.acceptSmall(item, n)) {
      this.total += n;
    } else {
      this.#cur = trusted(item);
      this.#off = 0;
    }
  }

  /** The real length of the item `#next` returned last. */
  #nextLength = 0;

  /** The next item (its real length in `#nextLength`), or WAIT (none yet) / DONE (the source completed). Fails on a bad one. */
  #next(): Next {
    let item: unknown;
    if (this.#queue !== null && this.#queue.length > 0) item = this.#queue.shift();
    else if (this.#failure !== null) return this.#fail(this.#failure.error);
    else if (this.#ended) return DONE;
    else if (this.#iter !== null) {
      let r: IteratorResult<unknown>;
      try {
        r = this.#iter.next();
      } catch (error) {
        this.#iter = null; // a throwing iterator is finished
        return this.#fail(error);
      }
      if (r.done === true) return DONE;
      item = r.value;
    } else {
      if (this.#async !== null) this.#pull(this.#async);
      return WAIT;
    }
    // Lengths are read through the typed-array intrinsics, as for writeAll (see `trusted`).
    this.#nextLength = realLength(item);
    if (this.#nextLength < 0) return this.#fail(invalid(NOT_A_BUFFER));
    return item as Uint8Array;
  }

  #pull(it: AsyncIterator<unknown>): void {
    if (this.#pulling) return;
    this.#pulling = true;
    let pending: Promise<IteratorResult<unknown>>;
    try {
      pending = Promise.resolve(it.next());
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (r) => {
        this.#pulling = false;
        if (!this.#active) return;
        if (r.done === true) this.#ended = true;
        else (this.#queue ??= new Fifo()).push(r.value);
        this.progress();
      },
      (error: unknown) => {
        this.#pulling = false;
        this.#async = null; // a rejecting iterator is finished
        if (!this.#active) return;
        this.#failure = { error };
        this.progress();
      },
    );
  }

  #subscribe(): void {
    const queue = (this.#queue = new Fifo());
    this.#subscription = from(this.#source as ObservableInput<unknown>).subscribe({
      next: (item) => {
        if (!this.#active) return;
        if (queue.length === 0 && this.#cur === null && !this.#running) {
          this.#takeNow(item); // nothing waits before it
          return;
        }
        queue.push(item);
        this.progress();
      },
      error: (error: unknown) => {
        this.#failure = { error };
        this.progress();
      },
      complete: () => {
        this.#ended = true;
        this.progress();
      },
    });
    if (!this.#active) this.#subscription.unsubscribe();
  }

  /**
   * A pushed item with nothing waiting before it goes straight to the send
   * buffer (no queue, no step) when small; any other is stepped at once.
   */
  #takeNow(item: unknown): void {
    const n = realLength(item);
    if (n < 0) {
      this.#fail(invalid(NOT_A_BUFFER));
      return;
    }
    this.#take(item as Uint8Array, n);
    if (this.#cur !== null) this.progress();
  }

  #finish(): void {
    this.#stop(false);
    this.#side.finishDriven(this, this.total);
  }

  #fail(error: unknown): typeof WAIT {
    this.#stop(true);
    this.#side.failDriven(this, error);
    return WAIT;
  }

  /** Stops taking from the source; `early`: it had not finished (iterators are told). */
  #stop(early: boolean): void {
    if (!this.#active) return;
    this.#active = false;
    this.#cur = null;
    this.#queue?.clear();
    this.#subscription?.unsubscribe();
    if (early) {
      try {
        this.#iter?.return?.();
      } catch {
        // a throwing return() has nothing more to give
      }
      const done = this.#async?.return?.();
      if (done !== undefined) Promise.resolve(done).catch(ignore);
    }
  }
}

function isSource(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const it = value as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
  return (
    isPushSource(value) ||
    typeof it[Symbol.asyncIterator] === 'function' ||
    typeof it[Symbol.iterator] === 'function'
  );
}

/** Observables (and interop observables) and Promises are pushed; iterables are pulled. */
function isPushSource(source: object): boolean {
  if (typeof (source as { subscribe?: unknown }).subscribe === 'function') return true;
  if (typeof (source as { then?: unknown }).then === 'function') return true;
  const interop = (Symbol as { observable?: symbol }).observable;
  return (interop !== undefined && interop in source) || '@@observable' in source;
}

function ignore(): void {}
