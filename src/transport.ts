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
 *
 * @example
 * ```ts
 * declare const events: TransportEvents;
 * declare let readBuffer: Buffer; // the transport's own, read into by the socket
 * const outcome: LendOutcome = events.lend(readBuffer.subarray(0, 512), true);
 * if (outcome === 'kept') readBuffer = Buffer.allocUnsafe(readBuffer.length); // the stream holds the old one
 * ```
 */
export type LendOutcome = 'free' | 'kept' | 'copied';

/**
 * What a transport tells its stream. Each is called at most in this order: data* end? (error | close).
 * The stream passes itself as this object to {@link Transport.start}.
 *
 * @example
 * ```ts
 * const events: TransportEvents = {
 *   data: (chunk) => console.log('got', chunk.length),
 *   lend: (view) => (console.log('lent', view.length), 'free'), // kept nothing, copied nothing
 *   end: () => console.log('the peer ended'),
 *   error: (e) => console.error('fatal', e),
 *   close: () => console.log('closed'),
 * };
 * transport.start(events);
 * ```
 */
export interface TransportEvents {
  /**
   * Bytes from the peer (the stream owns the Buffer from here on).
   *
   * @example
   * ```ts
   * declare const events: TransportEvents;
   * socket.on('data', (chunk: Buffer) => events.data(chunk)); // a fresh Buffer each time: hand it over
   * ```
   */
  data(chunk: Buffer): void;
  /**
   * Bytes from the peer in the transport's own read buffer, lent for this
   * call only. With `mayKeep`, the stream may keep `view` itself (answer
   * `'kept'`: the transport must then read into another buffer); without it,
   * the stream copies whatever it keeps. See {@link LendOutcome}.
   *
   * @example
   * ```ts
   * declare const events: TransportEvents;
   * declare const scratch: Buffer; // reused for every read: never let the stream keep it
   * events.lend(scratch.subarray(0, 100), false); // the stream copies what it keeps
   * ```
   */
  lend(view: Buffer, mayKeep: boolean): LendOutcome;
  /**
   * Where the consumer wants the next bytes, for a transport that chooses
   * each read's buffer (as Node's `onread` does): a `readsInto` caller's
   * buffer, or null (read into your own). A transport that reads into it
   * lends the bytes as a view of it from offset 0 (`lend(view, false)`); the
   * stream emits them without a copy when they arrive. Ask again before every
   * read; optional for transports, which may ignore it.
   *
   * @example
   * ```ts
   * declare const events: TransportEvents;
   * declare const own: Buffer; // the transport's read buffer
   * const next: Buffer = events.readBuffer?.() ?? own; // read the next bytes into `next`
   * ```
   */
  readBuffer?(): Buffer | null;
  /**
   * The peer's end of stream (FIN, or TLS close_notify).
   *
   * @example
   * ```ts
   * declare const events: TransportEvents;
   * socket.on('end', () => events.end());
   * ```
   */
  end(): void;
  /**
   * A fatal error; no `close` follows.
   *
   * @example
   * ```ts
   * declare const events: TransportEvents;
   * socket.on('error', (e: Error) => events.error(e)); // the stream maps it to a Status (statusOf)
   * ```
   */
  error(error: unknown): void;
  /**
   * The transport closed cleanly (both directions done, or destroyed).
   *
   * @example
   * ```ts
   * declare const events: TransportEvents;
   * socket.on('close', (hadError: boolean) => hadError || events.close()); // after an error: none
   * ```
   */
  close(): void;
}

/**
 * Options of a TLS renegotiation (see `Stream.renegotiate`).
 *
 * @example
 * ```ts
 * const options: RenegotiateOptions = { rejectUnauthorized: true, requestCert: true };
 * tlsStream.renegotiate(options).subscribe(() => console.log(tlsStream.tlsInfo()?.authorized));
 * ```
 */
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
 * if (control !== undefined) {
 *   const { remoteAddress, remotePort, remoteFamily, localAddress, localPort } = control;
 *   console.log(`${localAddress}:${localPort} -> ${remoteAddress}:${remotePort} (${remoteFamily})`);
 * }
 * ```
 */
export interface SocketControl {
  /**
   * Sets TCP_NODELAY.
   *
   * @example
   * ```ts
   * if (transport.control?.setNoDelay(true) === false) console.log('no TCP_NODELAY on this socket');
   * ```
   */
  setNoDelay(noDelay: boolean): boolean;
  /**
   * Sets SO_KEEPALIVE and the idle time before the first probe (ms).
   *
   * @example
   * ```ts
   * transport.control?.setKeepAlive(true, 30_000); // false on a Unix socket
   * ```
   */
  setKeepAlive(enable: boolean, initialDelay: number): boolean;
  /**
   * Lets the socket keep the process alive again.
   *
   * @example
   * ```ts
   * transport.control?.ref();
   * ```
   */
  ref(): boolean;
  /**
   * Lets the process exit while the socket is the only thing left.
   *
   * @example
   * ```ts
   * transport.control?.unref(); // an idle pooled connection should not keep the process up
   * ```
   */
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
  /**
   * What a TLS session negotiated; null when it is not TLS.
   *
   * @example
   * ```ts
   * console.log(transport.control?.tlsInfo()?.protocol ?? 'not TLS');
   * ```
   */
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
 * IPC) and the memory transport; a new one is the way to add a kind of
 * stream (`new Stream(transport)`). The stream calls the methods; the
 * transport reports through the {@link TransportEvents} it was started with.
 *
 * @example
 * ```ts runnable
 * const [ta, tb]: Transport[] = MemoryTransport.pair(asapScheduler, 0);
 * console.log(ta.kind, ta.fd, ta.lingers, ta.renegotiating, ta.control); // Memory -1 false false undefined
 * const [a, b] = [new Stream(ta), new Stream(tb)];
 * b.reads$.subscribe((chunk) => console.log(chunk.toString())); // 'hi'
 * a.writeAll(Buffer.from('hi')).pipe(concatWith(a.close())).subscribe();
 * ```
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
  /**
   * Starts reporting to `events`, paused.
   *
   * @example
   * ```ts
   * declare const events: TransportEvents;
   * transport.start(events); // once, from the Stream's constructor; nothing flows before resume()
   * ```
   */
  start(events: TransportEvents): void;
  /**
   * Lets `data` flow.
   *
   * @example
   * ```ts
   * transport.resume(); // a reader is waiting and the read-ahead has room
   * ```
   */
  resume(): void;
  /**
   * Stops `data` (what is already read is kept by the transport).
   *
   * @example
   * ```ts
   * transport.pause(); // the read-ahead is full: the peer is held back by TCP flow control
   * ```
   */
  pause(): void;
  /**
   * Hands chunks to the kernel in order; `done` once they are all taken.
   * The `done` callbacks of successive writes are called in write order.
   * Returns true when they were all written at once (the chunks are no
   * longer referenced; `done` still follows), false when some wait. Once
   * it returns true, or once `done` is called, the transport must not read
   * the chunks again: the stream reuses their memory for later bytes.
   *
   * @example
   * ```ts
   * const all = transport.write([Buffer.from('GET / '), Buffer.from('HTTP/1.0\r\n\r\n')], (error) => {
   *   if (error !== undefined) console.error('write failed', error);
   * });
   * console.log(all ? 'taken at once' : 'some wait in the transport');
   * ```
   */
  write(chunks: readonly Buffer[], done: (error?: unknown) => void): boolean;
  /**
   * Sends the end of stream after everything written; `done` once it has left.
   *
   * @example
   * ```ts
   * transport.end((error) => console.log(error === undefined ? 'FIN sent' : error));
   * ```
   */
  end(done: (error?: unknown) => void): void;
  /**
   * Closes at once; no event follows.
   *
   * @example
   * ```ts
   * transport.destroy(); // bytes not yet taken by the kernel are dropped
   * ```
   */
  destroy(): void;
  /**
   * Stops reporting and hands the open connection back, with `unread` put back in front of it.
   *
   * @example
   * ```ts
   * transport.release([Buffer.from('bytes read ahead, not yet read')]); // a sync-mode destroy()
   * ```
   */
  release(unread: readonly Buffer[]): void;
  /**
   * Starts a TLS renegotiation; `done` when it is over. Absent where there is none.
   *
   * @example
   * ```ts
   * transport.renegotiate?.({ rejectUnauthorized: true }, (error) => console.log(error ?? 'renegotiated'));
   * ```
   */
  renegotiate?(options: RenegotiateOptions, done: (error?: unknown) => void): void;
}
