/**
 * Socket options of the connect and listen helpers ({@link SocketOptions}):
 * TCP_NODELAY and TCP keep-alive, checked at subscription and set on every
 * socket before its stream is made.
 *
 * @module
 */
import type * as net from 'node:net';

/**
 * TCP socket options the connect/listen helpers set on every socket they
 * make, before the stream exists (IPC helpers have no such options and
 * ignore them).
 *
 * @example
 * ```ts runnable
 * const options: SocketOptions = { noDelay: true, keepAlive: true, keepAliveInitialDelay: 30_000 };
 * connectTCP(port, '127.0.0.1', options).subscribe((stream) => stream.destroy());
 * ```
 */
export interface SocketOptions {
  /**
   * TCP_NODELAY: send small segments at once rather than wait for the ACK
   * of the previous one (Nagle's algorithm). Default **true**, as Node's
   * `http` does: rxstream coalesces the writes of one synchronous run itself,
   * so Nagle only adds the peer's delayed-ACK wait (~40 ms) to requests made
   * of several writes. `false` keeps Nagle.
   */
  noDelay?: boolean;
  /** SO_KEEPALIVE: probe an idle connection (default false, the system's default). */
  keepAlive?: boolean;
  /** Idle time before the first keep-alive probe, in ms (whole seconds are used; default 0: the system's). */
  keepAliveInitialDelay?: number;
}

/** Why `options` are refused (a message for `Invalid`), or null. */
export function socketOptionsProblem(options: SocketOptions | undefined): string | null {
  if (options === undefined) return null;
  const { noDelay, keepAlive, keepAliveInitialDelay: delay } = options;
  if (noDelay !== undefined && typeof noDelay !== 'boolean') {
    return `noDelay must be a boolean, got ${String(noDelay)}`;
  }
  if (keepAlive !== undefined && typeof keepAlive !== 'boolean') {
    return `keepAlive must be a boolean, got ${String(keepAlive)}`;
  }
  return delayProblem(delay, 'keepAliveInitialDelay');
}

/** Why `delay` is not a keep-alive delay (finite ms >= 0, or undefined), or null. */
export function delayProblem(delay: unknown, name: string): string | null {
  if (delay === undefined) return null;
  const ok = typeof delay === 'number' && Number.isFinite(delay) && delay >= 0;
  return ok ? null : `${name} must be a finite number >= 0, got ${String(delay)}`;
}

/** Sets `options` (checked by {@link socketOptionsProblem}) on `socket`; returns it. */
export function applySocketOptions<S extends net.Socket>(
  socket: S,
  options: SocketOptions | undefined,
): S {
  socket.setNoDelay(options?.noDelay ?? true);
  if (options?.keepAlive === true) socket.setKeepAlive(true, options.keepAliveInitialDelay ?? 0);
  return socket;
}
