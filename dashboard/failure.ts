/**
 * A connect that failed before any stream existed (refused port, bad
 * certificate): the monitor cannot see it, so the dashboard shows it apart.
 */
import { Status, StreamError, StreamKind, statusOf } from '../src';

/** What the page shows of a failed connect. */
export interface ConnectFailure {
  /** Who tried (for example "tls client #4 → expired"). */
  readonly label: string;
  /** The kind of stream it would have been. */
  readonly kind: StreamKind;
  /** The status of the error. */
  readonly status: Status;
  /** The StreamError code (1 I/O, 2 closed, 3 refused), or null for another error. */
  readonly code: number | null;
  /** The Node error code under it (ECONNREFUSED, CERT_HAS_EXPIRED, …), or null. */
  readonly reason: string | null;
  /** The error message. */
  readonly message: string;
  /** When it failed (ms since the epoch). */
  readonly time: number;
}

/** Describes `error`, the failure of a connect by `label`. */
export function failureOf(
  label: string,
  kind: StreamKind,
  error: unknown,
  time: number,
): ConnectFailure {
  const isStreamError = StreamError.is(error);
  const under: unknown = isStreamError ? error.cause : error;
  return {
    label,
    kind,
    status: isStreamError ? error.status : statusOf(error),
    code: isStreamError ? error.code : null,
    reason: nodeCode(under),
    message: error instanceof Error ? error.message : String(error),
    time,
  };
}

function nodeCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const code: unknown = error.code;
  return typeof code === 'string' ? code : null;
}
