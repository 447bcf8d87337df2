/**
 * m2stream's three closed sets of names: {@link Status}, {@link StreamState}
 * and {@link StreamKind}. Each is a frozen object whose values are their own
 * names as strings, with a type of the same name, so that
 * `Status.OK === 'OK'` and a `Status` can be logged, compared and serialised
 * as it is.
 *
 * @module
 */

/**
 * The outcome of an operation, as m2stream names it.
 *
 * - `OK` — the operation succeeded.
 * - `Invalid` — bad argument, or the stream is in the wrong state (destroyed,
 *   shut down for writing, another operation pending on the same side).
 * - `WouldBlock` — a TLS renegotiation is in progress; retry once
 *   `readable$` emits. TCP never answers `WouldBlock`.
 * - `StreamClosed` — the peer closed its side (end of stream).
 * - `SysError` — fatal socket error (ECONNRESET, EPIPE, …).
 * - `TLSError` — fatal TLS error (bad certificate, alert, decryption failure, …).
 * - `OutOfMemory` — an allocation failed.
 *
 * @example
 * ```ts
 * const { status, bytes } = stream.tryRead(buf);
 * if (status === Status.StreamClosed) console.log('peer is done');
 * ```
 */
export const Status = Object.freeze({
  /** The operation succeeded. */
  OK: 'OK',
  /** Bad argument, or the stream is in the wrong state for the call. */
  Invalid: 'Invalid',
  /** A TLS renegotiation is in progress: retry when `readable$` emits. */
  WouldBlock: 'WouldBlock',
  /** The peer closed its side (end of stream). */
  StreamClosed: 'StreamClosed',
  /** Fatal socket error. */
  SysError: 'SysError',
  /** Fatal TLS error. */
  TLSError: 'TLSError',
  /** An allocation failed. */
  OutOfMemory: 'OutOfMemory',
} as const);

/** One of the {@link Status} names. */
export type Status = (typeof Status)[keyof typeof Status];

/**
 * Where a stream is in its life.
 *
 * ```
 *            shutdownWrite()            close() / destroy() / both sides ended
 *   Open ───────────────────▶ ShutdownWr ─────────────────────────▶ Closed
 *    │  └──────────────────── close() / destroy() ─────────────────▶ Closed
 *    └──── fatal error (from Open or ShutdownWr) ──────────────────▶ Error
 * ```
 *
 * `Closed` and `Error` are final. A peer's end of stream alone does not change
 * the state: reads answer `StreamClosed`, writes keep working (half-close).
 *
 * @example
 * ```ts runnable
 * const [a] = memoryPair();
 * a.state$.subscribe((s) => console.log('state', s)); // Open, ShutdownWr, Closed
 * a.shutdownWrite();
 * a.destroy(); // (close() from Open goes straight to Closed)
 * ```
 */
export const StreamState = Object.freeze({
  /** Both directions usable. */
  Open: 'Open',
  /** Writing side shut down (FIN sent or pending); reads go on. */
  ShutdownWr: 'ShutdownWr',
  /** Closed (final). */
  Closed: 'Closed',
  /** Failed with a fatal error (final); see `lastError`. */
  Error: 'Error',
} as const);

/** One of the {@link StreamState} names. */
export type StreamState = (typeof StreamState)[keyof typeof StreamState];

/**
 * The transport under a stream: m2stream's `TCP` and `TLSStream`, plus
 * `Memory` (an in-memory pair driven by a scheduler, for tests) and `IPC`
 * (Unix domain sockets).
 *
 * @example
 * ```ts
 * if (stream.kind === StreamKind.TLSStream) console.log('encrypted');
 * ```
 */
export const StreamKind = Object.freeze({
  /** A TCP socket. */
  TCP: 'TCP',
  /** A TLS session over TCP. */
  TLSStream: 'TLSStream',
  /** An in-memory pair driven by a scheduler. */
  Memory: 'Memory',
  /** A Unix domain socket. */
  IPC: 'IPC',
} as const);

/** One of the {@link StreamKind} names. */
export type StreamKind = (typeof StreamKind)[keyof typeof StreamKind];
