/**
 * The one error class of the library, {@link StreamError}, its numeric
 * {@link ErrorCode}s, and the single table that maps Node error codes to a
 * {@link Status}.
 *
 * @module
 */
import { Status } from './status';

/**
 * The numeric code a {@link StreamError} carries.
 *
 * - `IO` (1) — m2stream's "I/O error": a socket, TLS or allocation failure.
 * - `Closed` (2) — m2stream's "closed": end of stream, or the stream was
 *   closed or destroyed while the operation was pending.
 * - `Invalid` (3) — the call was refused before anything started (bad
 *   argument, wrong state, a second operation on a busy side). m2stream
 *   answers these with a returned `Invalid` status and no future; an
 *   observable can only error, so it errors with this code.
 *   Codecs use it too for bytes that break the framing (a frame over
 *   `maxLength`, a header that cannot be): `frames()` then ends with the
 *   bytes left in the stream, as a refused call leaves them.
 *
 * Match on `code` or `status`, never on the message text.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { ErrorCode, StreamError, memoryPair } from 'rxstream';
 *
 * const [a, b] = memoryPair();
 * b.read(Buffer.alloc(8)).subscribe({
 *   next: () => assert.fail('nothing was sent'),
 *   error: (e: unknown) => assert.ok(StreamError.is(e) && e.code === ErrorCode.Closed), // end of stream
 * });
 * a.close().subscribe();
 * ```
 */
export const ErrorCode = Object.freeze({
  /** I/O error: socket, TLS or allocation failure. */
  IO: 1,
  /** Closed: end of stream, or closed/destroyed while pending. */
  Closed: 2,
  /** Refused before anything started (Invalid). */
  Invalid: 3,
} as const);

/** One of the {@link ErrorCode} numbers. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const BRAND = Symbol.for('rxstream.StreamError');

/**
 * The error every rxstream observable errors with, and what the library
 * throws where a value is made from bad arguments (`createTCP`/`createTLS`/
 * `createIPC`, `memoryPair`, `new Stream`, the codec factories and a codec's
 * `encode`, `reconnecting`, `new StreamGroup`; status `Invalid`). The one
 * other throw is Node's own contract: `SocketDuplex.setTimeout` throws a
 * `RangeError` for a bad timeout, as `net.Socket.setTimeout` does.
 *
 * - `status` — the {@link Status} that caused it (`Invalid`, `StreamClosed`,
 *   `SysError`, `TLSError`, `OutOfMemory`).
 * - `code` — m2stream's number: 1 I/O, 2 closed, 3 refused (see {@link ErrorCode}).
 * - `cause` — the underlying Node error, where there is one.
 *
 * `StreamError.is(x)` recognises one across copies of the library.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import * as net from 'node:net';
 * import { ErrorCode, Status, StreamError, createTCP } from 'rxstream';
 *
 * const notConnected = new net.Socket();
 * assert.throws(
 *   () => createTCP(notConnected),
 *   (e) => StreamError.is(e) && e.status === Status.Invalid && e.code === ErrorCode.Invalid,
 * );
 * ```
 */
export class StreamError extends Error {
  /**
   * The status that caused the error.
   *
   * @example
   * ```ts
   * if (StreamError.is(error) && error.status === Status.TLSError) console.error('TLS failed:', error.message);
   * ```
   */
  readonly status: Status;
  /**
   * 1 = I/O error, 2 = closed, 3 = refused (Invalid).
   *
   * @example
   * ```ts
   * if (StreamError.is(error) && error.code === ErrorCode.IO) console.error('I/O failure', error.cause);
   * ```
   */
  readonly code: ErrorCode;

  /**
   * @param status - the status that caused the error
   * @param message - human-readable text (not for matching)
   * @param cause - the underlying Node error, if any
   */
  constructor(status: Status, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StreamError';
    this.status = status;
    this.code = codeFor(status);
  }

  /**
   * True when `value` is a StreamError, even from another copy of the library.
   *
   * @example
   * ```ts
   * connectTCP(port, '127.0.0.1').subscribe({ error: (e: unknown) => console.log(StreamError.is(e) ? e.status : e) });
   * ```
   */
  static is(value: unknown): value is StreamError {
    return typeof value === 'object' && value !== null && BRAND in value;
  }

  /** Brand used by {@link StreamError.is}. */
  get [BRAND](): true {
    return true;
  }
}

/** m2stream's code for a status: StreamClosed → 2, Invalid → 3, the rest → 1. */
export function codeFor(status: Status): ErrorCode {
  if (status === Status.StreamClosed) return ErrorCode.Closed;
  if (status === Status.Invalid) return ErrorCode.Invalid;
  return ErrorCode.IO;
}

/** Shorthand for a refused call: `StreamError` with status Invalid (code 3). */
export function invalid(message: string): StreamError {
  return new StreamError(Status.Invalid, message);
}

/**
 * Node error codes whose status is not `SysError`. Everything not listed here
 * (ECONNRESET, EPIPE, ETIMEDOUT, …) is a `SysError`; see {@link statusOf}.
 *
 * @example
 * ```ts
 * console.log(STATUS_BY_NODE_CODE.ENOBUFS); // 'OutOfMemory'
 * for (const [code, status] of Object.entries(STATUS_BY_NODE_CODE)) console.log(code, '→', status);
 * ```
 */
export const STATUS_BY_NODE_CODE: Readonly<Record<string, Status>> = Object.freeze({
  ERR_OUT_OF_MEMORY: Status.OutOfMemory,
  ENOMEM: Status.OutOfMemory,
  ENOBUFS: Status.OutOfMemory,
  ECONNRESET: Status.SysError,
  EPIPE: Status.SysError,
  ETIMEDOUT: Status.SysError,
  ECONNREFUSED: Status.SysError,
  ECONNABORTED: Status.SysError,
  EHOSTUNREACH: Status.SysError,
  ENETUNREACH: Status.SysError,
  ENOTCONN: Status.SysError,
  EBADF: Status.SysError,
  // OpenSSL protocol failures surface as EPROTO on TLS sockets (e.g. an unexpected record).
  EPROTO: Status.TLSError,
  // OpenSSL verification results, as Node reports them on a TLS socket.
  CERT_HAS_EXPIRED: Status.TLSError,
  CERT_NOT_YET_VALID: Status.TLSError,
  DEPTH_ZERO_SELF_SIGNED_CERT: Status.TLSError,
  SELF_SIGNED_CERT_IN_CHAIN: Status.TLSError,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: Status.TLSError,
  UNABLE_TO_GET_ISSUER_CERT: Status.TLSError,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: Status.TLSError,
  CERT_UNTRUSTED: Status.TLSError,
  CERT_REVOKED: Status.TLSError,
  CERT_SIGNATURE_FAILURE: Status.TLSError,
  HOSTNAME_MISMATCH: Status.TLSError,
});

/**
 * Prefixes of Node error codes that are TLS failures (`ERR_SSL_*`, `ERR_TLS_*`).
 *
 * @example
 * ```ts
 * const isTlsCode = (code: string): boolean => TLS_CODE_PREFIXES.some((p) => code.startsWith(p));
 * console.log(isTlsCode('ERR_SSL_WRONG_VERSION_NUMBER')); // true
 * ```
 */
export const TLS_CODE_PREFIXES: readonly string[] = Object.freeze(['ERR_SSL_', 'ERR_TLS_']);

/**
 * Maps a Node error to its {@link Status}: first the exact table
 * {@link STATUS_BY_NODE_CODE}, then the TLS prefixes, then OpenSSL's
 * `library` field, then allocation failures (`RangeError` from a failed
 * Buffer allocation); everything else is `SysError`.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { Status, statusOf } from 'rxstream';
 *
 * assert.equal(statusOf(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), Status.SysError);
 * assert.equal(statusOf({ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }), Status.TLSError); // a TLS prefix
 * assert.equal(statusOf({ code: 'ENOBUFS' }), Status.OutOfMemory);
 * assert.equal(statusOf(new Error('no code')), Status.SysError);
 * ```
 */
export function statusOf(error: unknown): Status {
  const code = fieldOf(error, 'code');
  if (code !== undefined) {
    const exact = STATUS_BY_NODE_CODE[code];
    if (exact !== undefined) return exact;
    if (TLS_CODE_PREFIXES.some((p) => code.startsWith(p))) return Status.TLSError;
  }
  if (fieldOf(error, 'library') !== undefined) return Status.TLSError;
  if (error instanceof RangeError && /allocat/i.test(error.message)) return Status.OutOfMemory;
  return Status.SysError;
}

/**
 * What a Node error code means for the user and what to do, for the codes
 * whose own text is OpenSSL's or the kernel's. The message of a
 * {@link StreamError} made from such an error is this hint and the code; the
 * original text stays in `cause`.
 *
 * @example
 * ```ts
 * import { ERROR_HINTS } from 'rxstream';
 * console.log(ERROR_HINTS.DEPTH_ZERO_SELF_SIGNED_CERT);
 * ```
 */
export const ERROR_HINTS: Readonly<Record<string, string>> = Object.freeze({
  ERR_SSL_WRONG_VERSION_NUMBER: 'the peer does not speak TLS (plain TCP or HTTP on that port?)',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'the peer does not speak TLS (plain TCP or HTTP on that port?)',
  ERR_SSL_HTTP_REQUEST: 'the peer sent a plain HTTP request to a TLS port',
  DEPTH_ZERO_SELF_SIGNED_CERT:
    'the certificate is self-signed: pass it (or its CA) as `ca` to trust it',
  SELF_SIGNED_CERT_IN_CHAIN:
    "the certificate's chain ends in an untrusted root: pass that CA as `ca`",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "the certificate's issuer is not trusted: pass the issuing CA as `ca`",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "the certificate's issuer is not trusted: pass the issuing CA as `ca`",
  ERR_TLS_CERT_ALTNAME_INVALID:
    'the certificate is not for this host name: check `host` / `servername`',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet (check the clocks)',
  ECONNREFUSED: 'nothing listens on that address and port',
  ENOTFOUND: 'the host name does not resolve',
});

/**
 * Wraps a Node error into a {@link StreamError} with its mapped status. A
 * StreamError is returned as it is.
 */
export function toStreamError(error: unknown, what: string): StreamError {
  if (StreamError.is(error)) return error;
  const status = statusOf(error);
  const code = fieldOf(error, 'code');
  const hint = code === undefined ? undefined : ERROR_HINTS[code];
  const detail = error instanceof Error ? error.message : String(error);
  const text = hint === undefined ? detail : `${hint} (${code}; ${shortly(detail)})`;
  return new StreamError(status, `${what}: ${text}`, error);
}

/** The first line of an error text, without OpenSSL's source-file tail. */
function shortly(detail: string): string {
  const line = detail.split('\n')[0];
  const reason = /:SSL routines:[^:]*:([^:]+):/.exec(line);
  return reason === null ? line : reason[1];
}

function fieldOf(error: unknown, key: 'code' | 'library'): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value: unknown = (error as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}
