import type { Subscriber } from 'rxjs';
import type { StreamError } from '../errors';
import type { Transport } from '../transport';

/**
 * What the read and write sides need from their stream: its transport, its
 * two ways of running code later, and its fatal-error state.
 */
export interface Host {
  readonly transport: Transport;
  /** True when notifications are delivered synchronously (no scheduler given). */
  readonly direct: boolean;
  /** Delivers a notification: at once when `direct`, else on the scheduler. */
  deliver(work: () => void): void;
  /** Delivers `work(a, b[, c])` as `deliver` does, without a closure when `direct`. */
  deliverTo<A, B>(work: (a: A, b: B) => void, a: A, b: B): void;
  deliverTo<A, B, C>(work: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void;
  /** Runs deferred work (write flushes with a scheduler): on the scheduler, else in a microtask. */
  defer(work: () => void): void;
  /** The fatal error, once there is one. */
  readonly fatal: StreamError | null;
  /** Reports a fatal transport error. */
  fail(error: unknown): void;
  /** Marks the stream as used in async mode. */
  useAsync(): void;
  /** A close's end of stream has left: close the transport (after lingering), then call `done`. */
  closeNow(done: () => void): void;
  /** Bytes reached the kernel (activity, for the idle timeout). */
  sent(): void;
  /** The peer has ended and every byte received has been read (called once). */
  drained(): void;
  /** The write side became idle: no operation attached, no result on its way. */
  writeSettled(): void;
}

/**
 * Synchronous delivery without recursion: work delivered while other work
 * is being delivered runs right after it, in order. Without it, a long
 * `concatMap` of writes that complete at once nests one stack frame set per
 * write (RxJS subscribes the next inner from the previous one's teardown).
 * Work takes up to three arguments, so hot call sites pass one module-level
 * function for every stream instead of a closure or bound function per
 * stream; the queue is flat (work, a, b, c, work, …) and walked by index.
 */
function trampoline(): Deliver {
  const queue: unknown[] = [];
  let head = 0;
  let running = false;
  return (work: Work3, a?: unknown, b?: unknown, c?: unknown): void => {
    if (running) {
      queue.push(work, a, b, c);
      return;
    }
    running = true;
    try {
      work(a, b, c);
      while (head < queue.length) {
        const next = queue[head] as Work3;
        const x = queue[head + 1];
        const y = queue[head + 2];
        const z = queue[head + 3];
        queue[head] = queue[head + 1] = queue[head + 2] = queue[head + 3] = undefined;
        head += 4;
        next(x, y, z);
      }
      if (head > 0) {
        queue.length = 0; // a native call: not made when nothing was queued
        head = 0;
      }
    } finally {
      running = false;
    }
  };
}

type Work3 = (a: unknown, b: unknown, c: unknown) => void;

/** Runs `work(a, b, c)` now, or right after the work being delivered. */
export interface Deliver {
  (work: () => void): void;
  <A>(work: (a: A) => void, a: A): void;
  <A, B>(work: (a: A, b: B) => void, a: A, b: B): void;
  <A, B, C>(work: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void;
}

/** The one synchronous delivery path of every stream without a scheduler. */
export const deliverNow: Deliver = trampoline();

/** Emits `value` to `sub` and completes it (an operation's result). */
export function nextAndComplete<T>(sub: Subscriber<T>, value: T): void {
  sub.next(value);
  sub.complete();
}

/** Emits to a watcher (readiness). */
export function notifyWatcher(sub: Subscriber<void>): void {
  sub.next();
}

/**
 * An operation attached to a read or write side that is also its own
 * subscription's teardown: RxJS calls `unsubscribe`, which detaches it, so
 * attaching one allocates no closure.
 */
export abstract class SelfDetaching<Op> {
  constructor(readonly side: { detach(op: Op): void }) {}

  /** Detaches it from its side (an unsubscribe). */
  unsubscribe(): void {
    this.side.detach(this as unknown as Op);
  }
}
