/**
 * Sockets the connect helpers open, told to whoever is subscribing to one
 * of them at that moment (see {@link watchOpened}). This is how
 * `toDuplex(connectTCP(…), { handOver: true })` finds the native handle of
 * a connection still being made: Node's `http2` looks for one on the
 * socket `createConnection` returns, before the connection exists.
 *
 * @module
 */
import type { Socket } from 'node:net';

let watcher: ((socket: Socket) => void) | null = null;

/**
 * Runs `subscribe` and tells `onOpened` each socket a connect helper opens
 * during it (synchronously: a connection attempt deferred by an operator is
 * not seen). Nests: an inner watch hides the outer one while it runs.
 */
export function watchOpened<T>(onOpened: (socket: Socket) => void, subscribe: () => T): T {
  const outer = watcher;
  watcher = onOpened;
  try {
    return subscribe();
  } finally {
    watcher = outer;
  }
}

/** A connect helper opened `socket` (called by `connector`). */
export function opened(socket: Socket): void {
  watcher?.(socket);
}
