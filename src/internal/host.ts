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
  /** Runs deferred work (write coalescing): on the scheduler, else in a microtask. */
  defer(work: () => void): void;
  /** The fatal error, once there is one. */
  readonly fatal: StreamError | null;
  /** Reports a fatal transport error. */
  fail(error: unknown): void;
  /** Marks the stream as used in async mode. */
  useAsync(): void;
}
