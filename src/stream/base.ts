/**
 * The members of {@link Stream} that observe it and its socket: state,
 * counters, heartbeat, socket options and addresses. `Stream` extends it.
 *
 * @module
 */
import type { Observable } from 'rxjs';
import { type Status, type StreamKind, StreamState } from '../status';
import type { StreamError } from '../errors';
import type { SocketControl } from '../transport';
import { refOn, setKeepAliveOn, setNoDelayOn } from '../node-socket/calls';
import type { TlsInfo } from '../node-socket/tls-info';
import { idleWatch } from '../connection/activity';
import type { StreamCore } from '../internal/stream-core';
import type { StreamStats } from './options';

/** The observing half of {@link Stream} (its base class; not exported by the package). */
export class StreamBase {
  readonly #core: StreamCore;

  /** Wraps the stream's core (the `Stream` constructor makes it). */
  constructor(core: StreamCore) {
    this.#core = core;
  }

  /**
   * State changes (m2stream's GetState, as a stream), read-only: replays
   * the current state, then emits each transition once and in order (also
   * transitions made by a subscriber while one is being delivered), and
   * completes after `destroy()`; a subscriber after that gets the final
   * state, then complete.
   *
   * @example
   * ```ts
   * stream.state$.subscribe((s) => console.log(s)); // 'Open' now, then each change (ShutdownWr, Closed…)
   * ```
   */
  get state$(): Observable<StreamState> {
    return this.#core.state.state$;
  }

  /**
   * The transport kind (m2stream's GetKind).
   *
   * @example
   * ```ts
   * if (stream.kind === StreamKind.TLSStream) console.log(stream.tlsInfo()?.protocol);
   * ```
   */
  get kind(): StreamKind {
    return this.#core.transport.kind;
  }

  /**
   * The file descriptor (m2stream's GetFd), or -1 where there is none (memory, some TLS sockets).
   *
   * @example
   * ```ts
   * if (stream.fd >= 0) console.log('socket fd', stream.fd);
   * ```
   */
  get fd(): number {
    return this.#core.transport.fd;
  }

  /**
   * The current state (m2stream's GetState).
   *
   * @example
   * ```ts
   * if (stream.state === StreamState.Open) stream.shutdownWrite();
   * ```
   */
  get state(): StreamState {
    return this.#core.state.value;
  }

  /**
   * `sync` until the first async operation or `reads$` subscription, then `async`.
   *
   * @example
   * ```ts
   * if (stream.mode === 'sync') stream.destroy(); // over your own socket: hands it back, open
   * ```
   */
  get mode(): 'sync' | 'async' {
    return this.#core.async ? 'async' : 'sync';
  }

  /**
   * The fatal error that moved the state to Error, or null.
   *
   * @example
   * ```ts
   * stream.state$.pipe(filter((s) => s === StreamState.Error)).subscribe(() => console.error(stream.lastError?.message));
   * ```
   */
  get lastError(): StreamError | null {
    return this.#core.fatal;
  }

  /**
   * Bytes delivered to the user so far (by every read path).
   *
   * @example
   * ```ts
   * stream.reads$.subscribe(() => console.log('read so far:', stream.bytesRead));
   * ```
   */
  get bytesRead(): number {
    return this.#core.read.bytes;
  }

  /**
   * Bytes accepted from the user so far (by every write path).
   *
   * @example
   * ```ts
   * stream.writeAll(data).subscribe(() => console.log('accepted so far:', stream.bytesWritten));
   * ```
   */
  get bytesWritten(): number {
    return this.#core.write.bytes;
  }

  /**
   * Heartbeat: emits each time `ms` pass with no byte received — first `ms`
   * after the later of the subscription and the last byte, then every `ms`
   * while the silence lasts — on the stream's scheduler; completes when the
   * stream is Closed or in Error. Not an operation (any number of
   * subscribers, no effect on reading). Sending does not count. Errors
   * `Invalid` for a bad `ms`. To fail instead, see `idleTimeout`.
   *
   * @example
   * ```ts
   * const ping = Buffer.from('PING\r\n');
   * stream.idle$(15_000).pipe(exhaustMap(() => stream.writeAll(ping))).subscribe(); // after 15 s of silence
   * ```
   */
  idle$(ms: number): Observable<void> {
    return idleWatch(this.#core.idleActivity(), this.state$, ms);
  }

  /**
   * A snapshot of the counters and buffers.
   *
   * @example
   * ```ts runnable
   * const [a] = memoryPair();
   * a.writeAll(Buffer.from('hello')).subscribe(() => console.log(a.stats())); // bytesWritten: 5, mode: 'async', …
   * ```
   */
  stats(): StreamStats {
    return {
      kind: this.kind,
      state: this.state,
      mode: this.mode,
      bytesRead: this.bytesRead,
      bytesWritten: this.bytesWritten,
      readBuffered: this.#core.read.queue.length,
      sendBuffered: this.#core.write.pending,
    };
  }

  /**
   * Sets TCP_NODELAY on the socket (`true`, the default, sends small
   * segments at once; `false` turns Nagle's algorithm back on). Streams
   * from the connect/listen helpers start with it set.
   *
   * @returns `OK` on TCP and TLS; `Invalid` on IPC and memory streams (they
   * have no such option), on a closed or destroyed stream, or for a non-boolean.
   *
   * @example
   * ```ts
   * stream.setNoDelay(false); // batch small segments (Nagle)
   * ```
   */
  setNoDelay(noDelay = true): Status {
    return setNoDelayOn(this.#control(), noDelay);
  }

  /**
   * Turns TCP keep-alive on or off (default off, as `net.Socket`), with the
   * idle time before the first probe in ms (whole seconds are used; 0 keeps
   * the system's).
   *
   * @returns as {@link Stream.setNoDelay}; also `Invalid` for a negative or non-finite delay.
   *
   * @example
   * ```ts
   * stream.setKeepAlive(true, 60_000);
   * ```
   */
  setKeepAlive(enable = false, initialDelay = 0): Status {
    return setKeepAliveOn(this.#control(), enable, initialDelay);
  }

  /**
   * Lets the socket keep the process alive again after {@link Stream.unref} (the default).
   *
   * @returns `OK` on TCP, TLS and IPC; `Invalid` on memory streams (nothing
   * to hold the process) and on closed or destroyed streams.
   *
   * @example
   * ```ts
   * stream.ref();
   * ```
   */
  ref(): Status {
    return refOn(this.#control(), true);
  }

  /**
   * Lets the process exit while this socket is all that is left (an idle
   * pooled connection, say); pending operations then never complete.
   *
   * @returns as {@link Stream.ref}.
   *
   * @example
   * ```ts
   * stream.unref();
   * ```
   */
  unref(): Status {
    return refOn(this.#control(), false);
  }

  /**
   * @internal The socket's native handle for `toDuplex`'s hand-over, or null:
   * only while Open, with no write pending and nothing Node has not sent.
   */
  nativeHandle(): object | null {
    const core = this.#core;
    if (core.destroyed || core.state.value !== StreamState.Open) return null;
    if (!core.write.idle || core.write.pending > 0 || core.write.finishing) return null;
    return core.transport.control?.nativeHandle?.() ?? null;
  }

  /**
   * The peer's IP address (undefined on IPC and memory streams).
   *
   * @example
   * ```ts
   * console.log('peer', stream.remoteAddress); // '127.0.0.1'
   * ```
   */
  get remoteAddress(): string | undefined {
    return this.#core.transport.control?.remoteAddress;
  }

  /**
   * The peer's port (undefined on IPC and memory streams).
   *
   * @example
   * ```ts
   * console.log(`connected to ${stream.remoteAddress}:${stream.remotePort}`);
   * ```
   */
  get remotePort(): number | undefined {
    return this.#core.transport.control?.remotePort;
  }

  /**
   * `'IPv4'` or `'IPv6'` (undefined on IPC and memory streams).
   *
   * @example
   * ```ts
   * const host = stream.remoteFamily === 'IPv6' ? `[${stream.remoteAddress}]` : stream.remoteAddress;
   * ```
   */
  get remoteFamily(): string | undefined {
    return this.#core.transport.control?.remoteFamily;
  }

  /**
   * The local IP address (undefined on IPC and memory streams).
   *
   * @example
   * ```ts
   * console.log('via', stream.localAddress); // the interface the connection uses
   * ```
   */
  get localAddress(): string | undefined {
    return this.#core.transport.control?.localAddress;
  }

  /**
   * The local port (undefined on IPC and memory streams).
   *
   * @example
   * ```ts
   * console.log('local port', stream.localPort); // a client's ephemeral port
   * ```
   */
  get localPort(): number | undefined {
    return this.#core.transport.control?.localPort;
  }

  /**
   * What the TLS session negotiated (protocol, cipher, ALPN, SNI, peer
   * certificate and whether it was verified); null on other kinds.
   *
   * @example
   * ```ts
   * console.log(stream.tlsInfo()?.protocol); // 'TLSv1.3'
   * ```
   */
  tlsInfo(): TlsInfo | null {
    return this.#core.transport.control?.tlsInfo() ?? null;
  }

  #control(): SocketControl | null {
    return this.#core.destroyed ? null : (this.#core.transport.control ?? null);
  }
}
