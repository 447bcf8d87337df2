/**
 * The checks of `StreamOptions`, in one place: the `Stream` constructor runs
 * them, and the connect/listen helpers run them before any socket opens, so
 * a bad option is an `Invalid` at subscription and never a leaked connection.
 */
import { closeDeadlineProblem } from '../connection/close-deadline';
import { timeoutProblem } from '../connection/timeouts';
import { describe, sizeOption } from './validate';

/** What the checks read (a subset of `StreamOptions`, to keep this file free of `Stream`). */
export interface CheckedOptions {
  readonly sendBufferSize?: unknown;
  readonly readBufferSize?: unknown;
  readonly closeTimeout?: unknown;
  readonly closeDeadline?: unknown;
  readonly idleTimeout?: unknown;
  readonly allowHalfOpen?: unknown;
}

/** Why `options` cannot make a stream, or null. */
export function streamOptionsProblem(options: CheckedOptions | undefined): string | null {
  if (options === undefined) return null;
  if (options === null || typeof options !== 'object')
    return `options must be an object, got ${describe(options)}`;
  const send = sizeOption(options.sendBufferSize, 'sendBufferSize', 1);
  if (typeof send === 'string') return send;
  const read = sizeOption(options.readBufferSize, 'readBufferSize', 1);
  if (typeof read === 'string') return read;
  const close = options.closeTimeout;
  if (close !== undefined && !(typeof close === 'number' && close >= 0 && Number.isFinite(close)))
    return `closeTimeout must be a finite number >= 0, got ${describe(close)}`;
  const half = options.allowHalfOpen;
  if (half !== undefined && typeof half !== 'boolean')
    return `allowHalfOpen must be a boolean, got ${describe(half)}`;
  return (
    closeDeadlineProblem(options.closeDeadline) ??
    timeoutProblem('idleTimeout', options.idleTimeout)
  );
}
