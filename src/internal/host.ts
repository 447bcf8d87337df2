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
}

/**
 * Synchronous delivery without recursion: work delivered while other work
 * is being delivered runs right after it, in order. Without it, a long
 * `concatMap` of writes that complete at once nests one stack frame set per
 * write (RxJS subscribes the next inner from the previous one's teardown).
 */
function trampoline(): (work: () => void) => void {
  const queue: Array<() => void> = [];
  let running = false;
  return (work) => {
    if (running) {
      queue.push(work);
      return;
    }
    running = true;
    try {
      work();
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) next();
    } finally {
      running = false;
    }
  };
}

/** The one synchronous delivery path of every stream without a scheduler. */
export const deliverNow: (work: () => void) => void = trampoline();
