/**
 * The only seam between a {@link Stream} and the world: a transport moves
 * bytes, the stream does everything else (buffers, states, statuses, the
 * one-operation-per-direction rule, scheduling). TCP, TLS and IPC share one
 * implementation over Node sockets; the memory transport is the other.
 *
 * @module
 */
import type { StreamKind } from './status';
import type { TlsInfo } from './node-socket/tls-info';

/**
 * What a stream did with bytes lent to it ({@link TransportEvents.lend}):
 * `'kept'` — it holds `view` itself; `'copied'` — nothing references the
 * buffer any more, but a large part had to be copied that could have been
 * kept (its consumer holds on to bulk data); `'free'` — nothing references
 * the buffer, and nothing large was copied.
 */
export type LendOutcome = 'free' | 'kept' | 'copied';

/** What a transport tells its stream. Each is called at most in this order: data* end? (error | close). */
export interface TransportEvents {
  /** Bytes from the peer (the stream owns the Buffer from here on). */
  data(chunk: Buffer): void;
  /**
   * Bytes from the peer in the transport's own read buffer, lent for this
   * call only. With `mayKeep`, the stream may keep `view` itself (answer
   * `'kept'`: the transport must then read into another buffer); without it,
   * the stream copies whatever it keeps. See {@link LendOutcome}.
   */
  lend(view: Buffer, mayKeep: boolean): LendOutcome;
  /** The peer's end of stream (FIN, or TLS close_notify). */
  end(): void;
  /** A fatal error; no `close` follows. */
  error(error: unknown): void;
  /** The transport closed cleanly (both directions done, or destroyed). */
  close(): void;
}

/** Options of a TLS renegotiation (see `Stream.renegotiate`). */
export interface RenegotiateOptions {
  /** Verify the peer's certificate again (default true). */
  rejectUnauthorized?: boolean;
  /** Ask the client for a certificate (server side). */
  requestCert?: boolean;
}

/**
 * Socket-level controls and facts of a transport over a socket
 * ({@link Transport.control}). The setters answer false where the socket
 * has no such option (Unix sockets: no TCP_NODELAY or keep-alive) or is
 * closed; the addresses are undefined where there are none. `Stream`'s
 * socket members forward to it.
 *
 * @example
 * ```ts
 * const control: SocketControl | undefined = transport.control;
 * if (control?.setNoDelay(true) === false) console.log('no TCP_NODELAY on this socket');
 * ```
 */
export interface SocketControl {
  /** Sets TCP_NODELAY. */
  setNoDelay(noDelay: boolean): boolean;
  /** Sets SO_KEEPALIVE and the idle time before the first probe (ms). */
  setKeepAlive(enable: boolean, initialDelay: number): boolean;
  /** Lets the socket keep the process alive again. */
  ref(): boolean;
  /** Lets the process exit while the socket is the only thing left. */
  unref(): boolean;
  /** The peer's IP address. */
  readonly remoteAddress: string | undefined;
  /** The peer's port. */
  readonly remotePort: number | undefined;
  /** `'IPv4'` or `'IPv6'`. */
  readonly remoteFamily: string | undefined;
  /** The local IP address. */
  readonly localAddress: string | undefined;
  /** The local port. */
  readonly localPort: number | undefined;
  /** What a TLS session negotiated; null when it is not TLS. */
  tlsInfo(): TlsInfo | null;
  /**
   * @internal The socket's native handle, for a client that drives the
   * socket from C++ (see `ToDuplexOptions.handOver`); absent or null where
   * there is none.
   */
  nativeHandle?(): object | null;
}

/**
 * A byte transport. Implementations: the Node socket transport (TCP, TLS,
 * IPC) and the memory transport.
 */
export interface Transport {
  /** Which kind of stream this is. */
  readonly kind: StreamKind;
  /** The file descriptor, or -1. */
  readonly fd: number;
  /**
   * True when `close()` should wait (bounded by `closeTimeout`) for the
   * peer's end before `destroy()`: sockets, where destroying early can drop
   * bytes still in flight or send an RST. False for memory.
   */
  readonly lingers: boolean;
  /** Socket-level controls and facts; absent where there is no socket (memory). */
  readonly control?: SocketControl;
  /** True while a TLS renegotiation is in progress. */
  readonly renegotiating: boolean;
  /** Starts reporting to `events`, paused. */
  start(events: TransportEvents): void;
  /** Lets `data` flow. */
  resume(): void;
  /** Stops `data` (what is already read is kept by the transport). */
  pause(): void;
  /**
   * Hands chunks to the kernel in order; `done` once they are all taken.
   * The `done` callbacks of successive writes are called in write order.
   * Returns true when they were all written at once (the chunks are no
   * longer referenced; `done` still follows), false when some wait.
   */
  write(chunks: readonly Buffer[], done: (error?: unknown) => void): boolean;
  /** Sends the end of stream after everything written; `done` once it has left. */
  end(done: (error?: unknown) => void): void;
  /** Closes at once; no event follows. */
  destroy(): void;
  /** Stops reporting and hands the open connection back, with `unread` put back in front of it. */
  release(unread: readonly Buffer[]): void;
  /** Starts a TLS renegotiation; `done` when it is over. Absent where there is none. */
  renegotiate?(options: RenegotiateOptions, done: (error?: unknown) => void): void;
}
