/**
 * The options and the snapshot type of {@link Stream}, and their defaults.
 *
 * @module
 */
import type { SchedulerLike } from 'rxjs';
import type { StreamKind, StreamState } from '../status';
// The two names the doc comments' {@link}s point to (TypeDoc resolves them in this scope):
// eslint-disable-next-line @typescript-eslint/no-unused-vars
import type { DEFAULT_CLOSE_DEADLINE } from '../connection/close-deadline';
// eslint-disable-next-line @typescript-eslint/no-unused-vars
import type { Stream } from '../stream';

/**
 * Default bound of the send buffer and of the read-ahead queue: 1 MiB.
 *
 * @example
 * ```ts
 * const [a, b] = memoryPair({ readBufferSize: DEFAULT_BUFFER_SIZE / 4 }); // a quarter of the default read-ahead
 * ```
 */
export const DEFAULT_BUFFER_SIZE = 1024 * 1024;

/**
 * Options every stream takes at creation.
 *
 * @example
 * ```ts
 * const options: StreamOptions = {
 *   scheduler: asapScheduler, // or a TestScheduler in tests
 *   sendBufferSize: 256 * 1024,
 *   readBufferSize: 256 * 1024,
 *   closeTimeout: 1_000,
 *   closeDeadline: 10_000,
 *   idleTimeout: 60_000,
 *   allowHalfOpen: true,
 * };
 * const s = createTCP(socket, options);
 * ```
 */
export interface StreamOptions {
  /**
   * Where the stream delivers its notifications (m2stream's futures
   * scheduler) and runs deferred work. Default: none — notifications are
   * delivered synchronously from Node's I/O callbacks (the fastest path;
   * notifications raised while one is being delivered follow it, in order,
   * so long synchronous chains do not recurse), a write finding nothing in
   * flight is sent at once, and writes made while one is in flight leave
   * together when it is done. With a scheduler, notifications and flushes
   * are scheduled on it. Pass a `TestScheduler` (or any
   * `SchedulerLike`) to drive the stream in virtual time; memory streams
   * default to `asapScheduler`.
   */
  scheduler?: SchedulerLike;
  /** Bound of the send buffer in bytes ("accepted" means taken into it). Default 1 MiB, at most 1 GiB. */
  sendBufferSize?: number;
  /**
   * Bytes read ahead from the socket before it is paused. Default 1 MiB, at
   * most 1 GiB. While `close()` waits for the peer's end, bytes past it are
   * dropped, and reads then end with `OutOfMemory` after the bytes before them.
   */
  readBufferSize?: number;
  /**
   * How long `close()` waits, after its end of stream has left, for the
   * peer's end before it closes the socket anyway (ms, on the scheduler).
   * Waiting lets in-flight bytes (TLS ciphertext especially) reach the peer
   * and avoids the RST that closing over unread input sends. Default 2000.
   */
  closeTimeout?: number;
  /**
   * Bounds a whole `close()` (ms, on the scheduler), from subscription to
   * the closed socket: accepted bytes that cannot leave (a peer that stopped
   * reading, a black hole) no longer keep it waiting forever. At the deadline
   * the stream is destroyed, state Error, and `close()` errors with
   * `SysError` (code 1), `cause.code` `'ETIMEDOUT'`, its message saying how
   * many accepted bytes were not delivered. Default
   * {@link DEFAULT_CLOSE_DEADLINE} (60 s); `Infinity` for none.
   */
  closeDeadline?: number;
  /**
   * Fails the stream when no byte was received and none sent for this long
   * (ms, on the scheduler): `SysError` (code 1) whose `cause.code` is
   * `'ETIMEDOUT'`, state Error, pending operations error with it. Catches a
   * peer that vanished without a FIN or RST (a reader alone never learns;
   * TCP keep-alive is the kernel's slower way). Default: none. For a
   * heartbeat before failing, see {@link Stream.idle$}.
   */
  idleTimeout?: number;
  /**
   * What the peer's end of stream does. `true`: half-close — the stream
   * stays Open, reads answer StreamClosed, writes go on until you close.
   * `false`: once the peer has ended and every byte received has been read,
   * the stream finishes by itself — a write-side operation pending then
   * completes first, accepted bytes are sent, then its own end, and the
   * state goes ShutdownWr → Closed; later writes answer Invalid.
   * Default: **false** for streams the connect/listen helpers make, **true**
   * for `createTCP`/`createTLS`/`createIPC` over your socket and for
   * `memoryPair` (your socket, your rules).
   */
  allowHalfOpen?: boolean;
}

/** Default of {@link StreamOptions.closeTimeout}: 2000 ms. */
export const DEFAULT_CLOSE_TIMEOUT = 2000;

/**
 * Per-operation options of `read`, `write`, `writeAll`, `flush` and `close`,
 * for callers that cancel with an `AbortSignal` rather than by unsubscribing.
 * Aborting does exactly what unsubscribing does, and the observable errors
 * with `signal.reason`.
 *
 * @example
 * ```ts
 * const options: OperationOptions = { signal: AbortSignal.timeout(5_000) };
 * stream.read(buf, undefined, options).subscribe({ error: (e: unknown) => console.log(e) }); // TimeoutError after 5 s
 * ```
 */
export interface OperationOptions {
  /** Cancels the operation when aborted. */
  signal?: AbortSignal;
}

/**
 * A snapshot of a stream's counters, for dashboards and metrics ({@link Stream.stats}).
 *
 * @example
 * ```ts
 * const { kind, state, mode, bytesRead, bytesWritten, readBuffered, sendBuffered }: StreamStats = stream.stats();
 * console.log(kind, state, mode, `in ${bytesRead} (${readBuffered} unread)`, `out ${bytesWritten} (${sendBuffered} unsent)`);
 * ```
 */
export interface StreamStats {
  /** The transport kind. */
  readonly kind: StreamKind;
  /** The lifecycle state. */
  readonly state: StreamState;
  /** `sync` until an async operation or `reads$` is used, then `async`. */
  readonly mode: 'sync' | 'async';
  /** Bytes delivered to the user. */
  readonly bytesRead: number;
  /** Bytes accepted from the user. */
  readonly bytesWritten: number;
  /** Bytes received and not yet read. */
  readonly readBuffered: number;
  /** Bytes accepted and not yet handed to the kernel. */
  readonly sendBuffered: number;
}
