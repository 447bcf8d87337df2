/**
 * What a {@link TestPeer} script can do besides sending bytes: Node-like
 * errors (what a real socket reports, so that the stream maps them to the
 * same statuses as in production) and actions (WouldBlock windows,
 * backpressure, connection close, write failures).
 *
 * @module
 */

/** An `Error` with a Node-style `code`, as sockets and TLS report them. */
export interface CodedError extends Error {
  /** The Node error code, e.g. `ECONNRESET`; the stream maps it to a status. */
  code: string;
}

/**
 * A socket error with this Node code (default `ECONNRESET`, the RST): the
 * stream maps it to `SysError`.
 *
 * @param code - the Node error code (`ECONNRESET`, `EPIPE`, `ETIMEDOUT`, …)
 * @returns the error, to inject with `#` or {@link fail}
 *
 * @example
 * ```ts
 * peer.script('--a--#', { a: 'hi' }, sysError('ETIMEDOUT'));
 * ```
 */
export function sysError(code = 'ECONNRESET'): CodedError {
  return Object.assign(new Error(`${code} (injected by the test peer)`), { code });
}

/**
 * A TLS error with this Node code (default a bad record MAC): the stream
 * maps it to `TLSError`.
 *
 * @param code - an `ERR_SSL_*`/`ERR_TLS_*` code or an OpenSSL verification code
 * @returns the error, to inject with `#` or {@link fail}
 *
 * @example
 * ```ts
 * peer.script('--#', undefined, tlsError());
 * ```
 */
export function tlsError(code = 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC'): CodedError {
  return Object.assign(new Error(`${code} (injected by the test peer)`), { code });
}

/**
 * An allocation failure (`ENOBUFS`): the stream maps it to `OutOfMemory`.
 *
 * @returns the error, to inject with `#` or {@link fail}
 */
export function outOfMemoryError(): CodedError {
  return Object.assign(new Error('ENOBUFS (injected by the test peer)'), { code: 'ENOBUFS' });
}

/**
 * What a script does besides sending bytes. Made by the constants and
 * functions of this module ({@link renegotiationStart}, {@link stopReading},
 * {@link fail}, …); put them in a script's value map or pass them to `TestPeer.act`.
 */
export interface PeerAction {
  /** What to do. */
  readonly action: 'renegotiation' | 'reading' | 'close' | 'fail' | 'failNextWrite';
  /** For `renegotiation` and `reading`: start (true) or stop (false). */
  readonly on?: boolean;
  /** For `fail`, `failNextWrite` and a failed renegotiation: the error to inject. */
  readonly error?: unknown;
}

/**
 * Starts a TLS-renegotiation-like window: the transport's `renegotiating`
 * flag is up, so `tryRead` answers `WouldBlock` once the bytes already
 * received are read; bytes the script sends meanwhile wait for the window's
 * end. A pending `stream.renegotiate()` completes at {@link renegotiationEnd}.
 */
export const renegotiationStart: PeerAction = Object.freeze({ action: 'renegotiation', on: true });

/** Ends the window {@link renegotiationStart} opened; held bytes arrive. */
export const renegotiationEnd: PeerAction = Object.freeze({ action: 'renegotiation', on: false });

/**
 * Ends the renegotiation window with a failure: a pending
 * `stream.renegotiate()` errors with `error` (mapped: `TLSError` for
 * {@link tlsError}); the stream itself stays usable.
 *
 * @param error - the failure, default {@link tlsError}()
 * @returns the action
 */
export function renegotiationFailed(error: unknown = tlsError()): PeerAction {
  return { action: 'renegotiation', on: false, error };
}

/**
 * The peer stops reading: the stream's writes stay in flight, its send
 * buffer fills and `write`/`writeAll` wait (backpressure) until {@link startReading}.
 */
export const stopReading: PeerAction = Object.freeze({ action: 'reading', on: false });

/** The peer reads again: held writes complete. */
export const startReading: PeerAction = Object.freeze({ action: 'reading', on: true });

/**
 * The connection closes cleanly without an end of stream first (the
 * transport's `close` event, after the bytes sent before it): reads end with
 * `StreamClosed`, pending writes error code 2, the state becomes Closed.
 */
export const peerClosed: PeerAction = Object.freeze({ action: 'close' });

/**
 * Injects `error` into the stream under test now, like `#` but without
 * ending the script (so later frames still run, e.g. to show nothing more happens).
 *
 * @param error - default {@link sysError}() (ECONNRESET)
 * @returns the action
 */
export function fail(error: unknown = sysError()): PeerAction {
  return { action: 'fail', error };
}

/**
 * Makes the stream's next write to the transport fail with `error` (like
 * tokio-test's `write_error`): the stream moves to Error with its status.
 *
 * @param error - default {@link sysError}('EPIPE')
 * @returns the action
 */
export function failNextWrite(error: unknown = sysError('EPIPE')): PeerAction {
  return { action: 'failNextWrite', error };
}

/** True when `value` is a {@link PeerAction}. */
export function isPeerAction(value: unknown): value is PeerAction {
  return typeof value === 'object' && value !== null && 'action' in value;
}
