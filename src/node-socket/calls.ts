/**
 * The `Stream` socket calls (`setNoDelay`, `setKeepAlive`, `ref`, `unref`)
 * as functions of the transport's {@link SocketControl}: the stream only
 * forwards to them.
 *
 * @module
 */
import { Status } from '../status';
import type { SocketControl } from '../transport';
import { delayProblem } from './options';

/** `stream.setNoDelay`: `control` is null for a destroyed stream or one without a socket. */
export function setNoDelayOn(control: SocketControl | null, noDelay: unknown): Status {
  if (control === null || typeof noDelay !== 'boolean') return Status.Invalid;
  return control.setNoDelay(noDelay) ? Status.OK : Status.Invalid;
}

/** `stream.setKeepAlive`, as {@link setNoDelayOn}. */
export function setKeepAliveOn(
  control: SocketControl | null,
  enable: unknown,
  initialDelay: unknown,
): Status {
  if (control === null || typeof enable !== 'boolean') return Status.Invalid;
  if (delayProblem(initialDelay, 'initialDelay') !== null) return Status.Invalid;
  return control.setKeepAlive(enable, initialDelay as number) ? Status.OK : Status.Invalid;
}

/** `stream.ref` / `stream.unref`, as {@link setNoDelayOn}. */
export function refOn(control: SocketControl | null, ref: boolean): Status {
  if (control === null) return Status.Invalid;
  return (ref ? control.ref() : control.unref()) ? Status.OK : Status.Invalid;
}
