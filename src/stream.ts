/**
 * {@link Stream}: m2stream's opaque stream handle as an RxJS object.
 *
 * @module
 */
import { debuglog } from 'node:util';
import {
  Observable,
  asyncScheduler,
  tap,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import { Status, StreamKind, StreamState } from './status';
import { StreamError, invalid, toStreamError } from './errors';
import type {
  LendOutcome,
  RenegotiateOptions,
  SocketControl,
  Transport,
  TransportEvents,
} from './transport';
import { refOn, setKeepAliveOn, setNoDelayOn } from './node-socket/calls';
import type { TlsInfo } from './node-socket/tls-info';
import { deliverNow, type Host } from './internal/host';
import {
  ChunksConsumer,
  IntoConsumer,
  ReadSide,
  type ReadConsumer,
  type TryResult,
} from './internal/read-side';
import { CloseOp, DataOp, FlushOp, WriteSide, type WriteOp } from './internal/write-side';
import { lengthFor, trusted } from './internal/validate';
import { withSignal } from './adapters/abort';
import { chunks } from './adapters/async-iterator';
import { StateCell } from './internal/state-cell';
import { Activity, idleWatch, makeActivity } from './connection/activity';
import { DEFAULT_CLOSE_DEADLINE, withCloseDeadline } from './connection/close-deadline';
import { streamOptionsProblem } from './internal/stream-options';
import { timedOut } from './connection/timeouts';
import { isCodec, type Codec } from './codecs/codec';
import { framesConsumer } from './codecs/frames';
import { sourceOp, type WriteSource } from './codecs/write-from';

export type { TryResult } from './internal/read-side';

/**
 * Default bound of the send buffer and of the read-ahead queue: 1 MiB.
 *
 * @example
 * ```ts
 * const [a, b] = memoryPair({ readBufferSize: DEFAULT_BUFFER_SIZE / 4 }); // a quarter of the default read-ahead
 * ```
 */
export const DEFAULT_BUFFER_SIZE = 1024 * 1024;

/**
 * Options every stream takes at creation.
 *
 * @example
 * ```ts
 * const options: StreamOptions = {
 *   scheduler: asapScheduler, // or a TestScheduler in tests
 *   sendBufferSize: 256 * 1024,
 *   readBufferSize: 256 * 1024,
 *   closeTimeout: 1_000,
 *   closeDeadline: 10_000,
 *   idleTimeout: 60_000,
 *   allowHalfOpen: true,
 * };
 * const s = createTCP(socket, options);
 * ```
 */
export interface StreamOptions {
  /**
   * Where the stream delivers its notifications (m2stream's futures
   * scheduler) and runs deferred work. Default: none — notifications are
   * delivered synchronously from Node's I/O callbacks (the fastest path;
   * notifications raised while one is being delivered follow it, in order,
   * so long synchronous chains do not recurse), a write finding nothing in
   * flight is sent at once, and writes made while one is in flight leave
   * together when it is done. With a scheduler, notifications and flushes
   * are scheduled on it. Pass a `TestScheduler` (or any
   * `SchedulerLike`) to drive the stream in virtual time; memory streams
   * default to `asapScheduler`.
   */
  scheduler?: SchedulerLike;
  /** Bound of the send buffer in bytes ("accepted" means taken into it). Default 1 MiB, at most 1 GiB. */
  sendBufferSize?: number;
  /**
   * Bytes read ahead from the socket before it is paused. Default 1 MiB, at
   * most 1 GiB. While `close()` waits for the peer's end, bytes past it are
   * dropped, and reads then end with `OutOfMemory` after the bytes before them.
   */
  readBufferSize?: number;
  /**
   * How long `close()` waits, after its end of stream has left, for the
   * peer's end before it closes the socket anyway (ms, on the scheduler).
   * Waiting lets in-flight bytes (TLS ciphertext especially) reach the peer
   * and avoids the RST that closing over unread input sends. Default 2000.
   */
  closeTimeout?: number;
  /**
   * Bounds a whole `close()` (ms, on the scheduler), from subscription to
   * the closed socket: accepted bytes that cannot leave (a peer that stopped
   * reading, a black hole) no longer keep it waiting forever. At the deadline
   * the stream is destroyed, state Error, and `close()` errors with
   * `SysError` (code 1), `cause.code` `'ETIMEDOUT'`, its message saying how
   * many accepted bytes were not delivered. Default
   * {@link DEFAULT_CLOSE_DEADLINE} (60 s); `Infinity` for none.
   */
  closeDeadline?: number;
  /**
   * Fails the stream when no byte was received and none sent for this long
   * (ms, on the scheduler): `SysError` (code 1) whose `cause.code` is
   * `'ETIMEDOUT'`, state Error, pending operations error with it. Catches a
   * peer that vanished without a FIN or RST (a reader alone never learns;
   * TCP keep-alive is the kernel's slower way). Default: none. For a
   * heartbeat before failing, see {@link Stream.idle$}.
   */
  idleTimeout?: number;
  /**
   * What the peer's end of stream does. `true`: half-close — the stream
   * stays Open, reads answer StreamClosed, writes go on until you close.
   * `false`: once the peer has ended and every byte received has been read,
   * the stream finishes by itself — a write-side operation pending then
   * completes first, accepted bytes are sent, then its own end, and the
   * state goes ShutdownWr → Closed; later writes answer Invalid.
   * Default: **false** for streams the connect/listen helpers make, **true**
   * for `createTCP`/`createTLS`/`createIPC` over your socket and for
   * `memoryPair` (your socket, your rules).
   */
  allowHalfOpen?: boolean;
}

/** Default of {@link StreamOptions.closeTimeout}: 2000 ms. */
export const DEFAULT_CLOSE_TIMEOUT = 2000;

/**
 * Per-operation options of `read`, `write`, `writeAll`, `flush` and `close`,
 * for callers that cancel with an `AbortSignal` rather than by unsubscribing.
 * Aborting does exactly what unsubscribing does, and the observable errors
 * with `signal.reason`.
 *
 * @example
 * ```ts
 * const options: OperationOptions = { signal: AbortSignal.timeout(5_000) };
 * stream.read(buf, undefined, options).subscribe({ error: (e: unknown) => console.log(e) }); // TimeoutError after 5 s
 * ```
 */
export interface OperationOptions {
  /** Cancels the operation when aborted. */
  signal?: AbortSignal;
}

function abortable<T>(op$: Observable<T>, options: OperationOptions | undefined): Observable<T> {
  return options?.signal === undefined ? op$ : withSignal(op$, options.signal);
}

/**
 * A snapshot of a stream's counters, for dashboards and metrics ({@link Stream.stats}).
 *
 * @example
 * ```ts
 * const { kind, state, mode, bytesRead, bytesWritten, readBuffered, sendBuffered }: StreamStats = stream.stats();
 * console.log(kind, state, mode, `in ${bytesRead} (${readBuffered} unread)`, `out ${bytesWritten} (${sendBuffered} unsent)`);
 * ```
 */
export interface StreamStats {
  /** The transport kind. */
  readonly kind: StreamKind;
  /** The lifecycle state. */
  readonly state: StreamState;
  /** `sync` until an async operation or `reads$` is used, then `async`. */
  readonly mode: 'sync' | 'async';
  /** Bytes delivered to the user. */
  readonly bytesRead: number;
  /** Bytes accepted from the user. */
  readonly bytesWritten: number;
  /** Bytes received and not yet read. */
  readonly readBuffered: number;
  /** Bytes accepted and not yet handed to the kernel. */
  readonly sendBuffered: number;
}

const INVALID: TryResult = Object.freeze({ status: Status.Invalid, bytes: 0 });
const READ_BUSY = 'a read-side operation (read, reads$ or frames) is already pending';
const WRITE_BUSY =
  'a write-side operation (write, writeAll, writeFrom, flush, close) is already pending';

/** `NODE_DEBUG=rxstream` traces states, statuses and sizes — never payload or key material. */
const trace = debuglog('rxstream');
let streams = 0;

/**
 * A byte stream over TCP, TLS, IPC or memory. Made by {@link createTCP},
 * {@link createTLS}, {@link createIPC}, {@link memoryPair} and the
 * connect/listen helpers.
 *
 * Two modes, as in m2stream: a stream is in **sync mode** (try-once calls,
 * readiness from `readable$`/`writable$`, the caller owns the socket) until
 * the first async operation (`read`, `write`, `writeAll`, `flush`, `close`)
 * or `reads$` subscription puts it in **async mode** (the stream owns the
 * socket and closes it on `destroy`).
 *
 * One pending async operation **per direction**: one on the read side
 * (`read`, or a `reads$` or `frames` subscription) and one on the write side
 * (`write`, `writeAll`, `writeFrom`, `flush`, `close`). A second one on a busy side errors with
 * `StreamError` status `Invalid` (code 3); nothing is queued or dropped.
 *
 * Every observable is cold: nothing happens until subscription, each
 * subscription is one operation, and refusals arrive as errors, never throws.
 *
 * @example
 * ```ts runnable
 * connectTCP(port, '127.0.0.1') // an echo server
 *   .pipe(
 *     switchMap((s) =>
 *       s.writeAll(Buffer.from('hello\n')).pipe(
 *         tap(() => s.shutdownWrite()), // our end: the peer answers, then ends too
 *         switchMap(() => s.reads$), // completes at the peer's end
 *       ),
 *     ),
 *   )
 *   .subscribe((chunk) => console.log(chunk.toString())); // 'hello\n'
 * ```
 */
export class Stream {
  /**
   * The stream's side of its transport and of its read and write sides, in
   * one object with prototype methods (no per-stream closures: thousands of
   * streams stay small). Nested here so it can reach the stream's privates.
   */
  static readonly #Core = class StreamCore implements Host, TransportEvents {
    readonly transport: Transport;
    readonly direct: boolean;
    readonly #stream: Stream;
    readonly #scheduler: SchedulerLike | undefined;

    constructor(stream: Stream, transport: Transport, scheduler: SchedulerLike | undefined) {
      this.#stream = stream;
      this.transport = transport;
      this.#scheduler = scheduler;
      this.direct = scheduler === undefined;
    }

    get fatal(): StreamError | null {
      return this.#stream.#fatal;
    }

    deliver(work: () => void): void {
      if (this.#scheduler === undefined) deliverNow(work);
      else this.#scheduler.schedule(work);
    }

    deliverTo<A, B>(work: (a: A, b: B) => void, a: A, b: B): void {
      if (this.#scheduler === undefined) deliverNow(work, a, b);
      else this.#scheduler.schedule(() => work(a, b));
    }

    defer(work: () => void): void {
      if (this.#scheduler === undefined) queueMicrotask(work);
      else this.#scheduler.schedule(work);
    }

    fail(error: unknown): void {
      this.#stream.#fail(error);
    }

    useAsync(): void {
      this.#stream.#async = true;
    }

    closeNow(done: () => void): void {
      this.#stream.#closeNow(done);
    }

    data(chunk: Buffer): void {
      this.#stream.#activity?.received();
      this.#stream.#read.onData(chunk);
    }

    lend(view: Buffer, mayKeep: boolean): LendOutcome {
      this.#stream.#activity?.received();
      return this.#stream.#read.onLend(view, mayKeep, view.buffer.byteLength);
    }

    sent(): void {
      this.#stream.#activity?.sent();
    }

    drained(): void {
      if (!this.#stream.#halfOpen) this.deliver(() => this.#stream.#finishAfterPeer());
    }

    writeSettled(): void {
      if (this.#stream.#finishWaiting) this.#stream.#finishAfterPeer();
    }

    end(): void {
      this.#stream.#onEnd();
    }

    error(error: unknown): void {
      this.#stream.#fail(error);
    }

    close(): void {
      this.#stream.#onTransportClose();
    }

    traceState(from: StreamState, to: StreamState): void {
      const s = this.#stream;
      trace(
        'stream %d: %s -> %s (read %d, written %d)',
        s.#id,
        from,
        to,
        s.bytesRead,
        s.bytesWritten,
      );
    }
  };

  readonly #t: Transport;
  readonly #host: Host;
  // The observables are made on first use: thousands of idle streams should not carry them.
  #reads$: Observable<Buffer> | null = null;
  #readable$: Observable<void> | null = null;
  #writable$: Observable<void> | null = null;
  readonly #state: StateCell;
  readonly #read: ReadSide;
  readonly #write: WriteSide;
  #fatal: StreamError | null = null;
  #destroyed = false;
  #async = false;
  readonly #id = (streams += 1);
  readonly #scheduler: SchedulerLike | undefined;
  readonly #closeTimeout: number;
  readonly #closeDeadline: number;
  #linger: Subscription | null = null;
  #closeWaiters: Array<() => void> | null = null;
  #renegotiation: Subscriber<void> | null = null;
  #activity: Activity | null;
  readonly #halfOpen: boolean;
  #finishWaiting = false;

  /**
   * Wraps a {@link Transport}. Most code uses the `create*`/`connect*`
   * helpers; a custom transport is the way to add a new kind.
   *
   * @throws StreamError status Invalid when an option is out of range.
   */
  constructor(transport: Transport, options: StreamOptions = {}) {
    const problem = streamOptionsProblem(options);
    if (problem !== null) throw invalid(problem);
    const send = options.sendBufferSize ?? DEFAULT_BUFFER_SIZE;
    const readAhead = options.readBufferSize ?? DEFAULT_BUFFER_SIZE;
    this.#closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    this.#closeDeadline = options.closeDeadline ?? DEFAULT_CLOSE_DEADLINE;
    this.#activity = makeActivity(options);
    this.#halfOpen = options.allowHalfOpen !== false;
    this.#scheduler = options.scheduler;
    this.#t = transport;
    const core = new Stream.#Core(this, transport, options.scheduler);
    this.#host = core;
    this.#read = new ReadSide(core, readAhead);
    this.#write = new WriteSide(core, send);
    const onChange = trace.enabled
      ? (from: StreamState, to: StreamState) => core.traceState(from, to)
      : undefined;
    this.#state = new StateCell(StreamState.Open, onChange);
    transport.start(core);
    this.#activity?.arm(this.state$, options.idleTimeout, (e) => this.#fail(e));
    if (trace.enabled)
      trace('stream %d: created, kind %s, fd %d', this.#id, transport.kind, transport.fd);
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
    return this.#state.state$;
  }

  /**
   * Continuous reading: every chunk the peer sends, in order, as Buffers the
   * subscriber owns. A read-side operation (one at a time: a second
   * subscription, or `read()` meanwhile, errors with `Invalid`, code 3).
   * Completes at the peer's end of stream after the last byte, and after a
   * local `close()` or `destroy()` (as a `net.Socket` destroyed without an
   * error emits no 'error'; bytes not yet delivered are dropped); errors with
   * `StreamError` (code 1) on a fatal error, after every byte received
   * before it.
   * Unsubscribing pauses the socket and loses nothing: the next `reads$`,
   * `read` or `tryRead` continues exactly where it stopped.
   *
   * @example
   * ```ts
   * stream.reads$.pipe(take(3)).subscribe((chunk) => console.log(chunk.length));
   * ```
   */
  get reads$(): Observable<Buffer> {
    return (this.#reads$ ??= new Observable<Buffer>((sub) => this.#subscribeReads(sub)));
  }

  /**
   * Decoded frames (see {@link Codec}, {@link lines}, {@link lengthPrefixed}):
   * a cold read-side operation like `reads$` (one at a time; a second one
   * errors with `Invalid`, code 3). Completes at the peer's end of stream
   * after the last whole frame; bytes left that make no whole frame error
   * with status StreamClosed (code 2) unless the codec allows partial frames.
   * A frame the codec refuses (longer than its `maxLength`…) errors with the
   * codec's `StreamError` (status Invalid, code 3); a fatal error as `reads$`.
   *
   * **No byte is lost:** when the subscription ends — `take(1)`, `first()`,
   * `takeWhile`, unsubscribe, or an error — every byte not yet in an emitted
   * frame goes back to the front of the stream, so the next `frames`,
   * `reads$`, `read` or `tryRead` starts right after the last emitted frame.
   * Frames that lie inside one received chunk are views of it (zero-copy).
   *
   * @example
   * ```ts
   * stream.frames(lines()).pipe(take(1)).subscribe((greeting) => console.log(greeting));
   * ```
   */
  frames<T>(codec: Codec<T>): Observable<T> {
    return new Observable<T>((sub) => {
      if (!isCodec(codec)) return this.#refuse(sub, 'frames() needs a Codec');
      return this.#attachRead(framesConsumer(sub, codec, this.#read));
    });
  }

  /**
   * Readiness for `tryRead` (m2stream's event-loop watcher): emits when a
   * retry can make progress — data arrived, end of stream, a fatal error, a
   * renegotiation ended — and at subscription when that is already so. Like
   * any readiness signal it can be a false positive: loop on `tryRead`. It is
   * an edge: after a signal, read until `tryRead` answers `OK`, 0 (bytes left
   * unread bring no new signal, even when more arrive).
   * Subscribing does not put the stream in async mode; completes on `destroy()`.
   *
   * @example
   * ```ts runnable
   * const [a, b] = memoryPair();
   * const buf = Buffer.alloc(1024);
   * const drain = (): Status => { // readiness is an edge: read until nothing is left
   *   for (;;) {
   *     const { status, bytes } = b.tryRead(buf);
   *     if (status !== Status.OK || bytes === 0) return status;
   *     console.log(buf.toString('utf8', 0, bytes)); // 'ping'
   *   }
   * };
   * b.readable$.pipe(map(drain), takeWhile((s) => s === Status.OK)).subscribe(); // to StreamClosed
   * a.tryWrite(Buffer.from('ping'));
   * a.shutdownWrite();
   * ```
   */
  get readable$(): Observable<void> {
    return (this.#readable$ ??= new Observable<void>((sub) =>
      this.#watch(sub, (w) => this.#read.watch(w)),
    ));
  }

  /**
   * Readiness for `tryWrite`: emits at subscription when the send buffer has
   * room, and whenever room frees after it was full. Completes on `destroy()`.
   *
   * @example
   * ```ts runnable
   * const [a, b] = memoryPair({ sendBufferSize: 1024 });
   * const data = Buffer.alloc(10_000, 'x');
   * let sent = 0;
   * const pump = (): boolean => { // fill the send buffer; false once all is accepted
   *   for (let r = a.tryWrite(data.subarray(sent)); r.bytes > 0; r = a.tryWrite(data.subarray(sent))) sent += r.bytes;
   *   return sent < data.length;
   * };
   * a.writable$.pipe(takeWhile(pump)).subscribe({ complete: () => a.shutdownWrite() });
   * b.reads$.pipe(reduce((n, chunk) => n + chunk.length, 0)).subscribe((n) => console.log(n)); // 10000
   * ```
   */
  get writable$(): Observable<void> {
    return (this.#writable$ ??= new Observable<void>((sub) =>
      this.#watch(sub, (w) => this.#write.watch(w)),
    ));
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
    if (this.#activity === null) {
      this.#activity = new Activity(this.#scheduler ?? asyncScheduler);
      this.#activity.follow(this.state$);
    }
    return idleWatch(this.#activity, this.state$, ms);
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
    return this.#t.kind;
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
    return this.#t.fd;
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
    return this.#state.value;
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
    return this.#async ? 'async' : 'sync';
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
    return this.#fatal;
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
    return this.#read.bytes;
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
    return this.#write.bytes;
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
    if (this.#destroyed || this.state !== StreamState.Open) return null;
    if (!this.#write.idle || this.#write.pending > 0 || this.#write.finishing) return null;
    return this.#t.control?.nativeHandle?.() ?? null;
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
    return this.#t.control?.remoteAddress;
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
    return this.#t.control?.remotePort;
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
    return this.#t.control?.remoteFamily;
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
    return this.#t.control?.localAddress;
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
    return this.#t.control?.localPort;
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
    return this.#t.control?.tlsInfo() ?? null;
  }

  #control(): SocketControl | null {
    return this.#destroyed ? null : (this.#t.control ?? null);
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
      readBuffered: this.#read.queue.length,
      sendBuffered: this.#write.pending,
    };
  }

  /**
   * Try-once read (m2stream's TryRead): copies up to `max` bytes (default
   * the whole buffer) of what has arrived into `buf` at offset 0.
   *
   * @returns `{ status, bytes }`, never throws:
   * - `OK`, bytes > 0 — data was there;
   * - `OK`, 0 — nothing has arrived yet (TCP never answers WouldBlock); wait for `readable$`;
   * - `StreamClosed` — the peer ended and every byte before the end has been read;
   * - `WouldBlock` — a TLS renegotiation is in progress; wait for `readable$`;
   * - `SysError` / `TLSError` / `OutOfMemory` — the fatal error, after every byte received before it;
   * - `Invalid` — bad `buf`/`max`, a `read`/`reads$` is pending, or the stream is destroyed.
   *
   * @example
   * ```ts
   * stream.readable$.subscribe(() => {
   *   for (let r = stream.tryRead(buf); r.status === Status.OK && r.bytes > 0; r = stream.tryRead(buf))
   *     console.log(buf.subarray(0, r.bytes));
   * });
   * ```
   */
  tryRead(buf: Uint8Array, max?: number): TryResult {
    if (this.#destroyed) return this.#refused('tryRead', 'the stream is destroyed');
    const n = lengthFor(buf, max, 'max');
    if (typeof n === 'string') return this.#refused('tryRead', n);
    if (this.#read.busy) return this.#refused('tryRead', READ_BUSY);
    return this.#read.tryRead(trusted(buf), n);
  }

  /**
   * Try-once write (m2stream's TryWrite): copies as many of the first `len`
   * bytes (default the whole buffer) as the send buffer has room for; the
   * caller may reuse `buf` at once. Accepted bytes are sent in order, and
   * many small writes leave in one syscall.
   *
   * @returns `{ status, bytes }`, never throws:
   * - `OK`, bytes > 0 — accepted; `OK`, 0 — the send buffer is full, wait for `writable$`;
   * - `SysError` / `TLSError` / `OutOfMemory` — the fatal error (accepted bytes not yet sent are lost);
   * - `OutOfMemory`, 0 — no memory for the copy: nothing accepted, the stream is unharmed;
   * - `Invalid` — bad `buf`/`len`, a write-side operation is pending, after `shutdownWrite`/`close`/`destroy`.
   *
   * @example
   * ```ts
   * const { status, bytes } = stream.tryWrite(Buffer.from('ping'));
   * ```
   */
  tryWrite(buf: Uint8Array, len?: number): TryResult {
    if (this.#destroyed) return this.#refused('tryWrite', 'the stream is destroyed');
    const n = lengthFor(buf, len, 'len');
    if (typeof n === 'string') return this.#refused('tryWrite', n);
    if (this.#write.busy) return this.#refused('tryWrite', WRITE_BUSY);
    if (this.#fatal !== null) return { status: this.#fatal.status, bytes: 0 };
    if (this.state !== StreamState.Open || this.#write.finishing)
      return this.#refused(
        'tryWrite',
        `cannot write in state ${this.state} (after shutdownWrite or close)`,
      );
    return this.#write.tryAccept(trusted(buf), n);
  }

  /**
   * Why the last try-once call on this stream (`tryRead`, `tryWrite`,
   * `shutdownWrite`) answered `Invalid`, or null when none has: e.g.
   * "a write-side operation (write, writeAll, flush, close) is already
   * pending". The same text is logged under `NODE_DEBUG=rxstream`.
   *
   * @example
   * ```ts
   * if (stream.tryWrite(buf).status === Status.Invalid) console.error(stream.lastRefusal);
   * ```
   */
  get lastRefusal(): string | null {
    return this.#lastRefusal;
  }

  #lastRefusal: string | null = null;

  /** Records (and traces) why a try-once call answers Invalid. */
  #refused(call: string, reason: string): TryResult {
    this.#lastRefusal = `${call}: ${reason}`;
    if (trace.enabled) trace('stream %d: refused %s: %s', this.#id, call, reason);
    return INVALID;
  }

  /**
   * Reads once (m2stream's ReadAsync): on subscription, waits until bytes
   * are there, copies up to `max` (default the whole buffer) into `buf`,
   * emits the count and completes. `buf` must stay untouched until then; a
   * buffer detached meanwhile errors the read with `Invalid`, consuming nothing.
   *
   * Errors (`StreamError`): code 2 (`StreamClosed`) at the end of stream;
   * code 1 on a fatal error (after the bytes received before it); code 3
   * (`Invalid`) for bad arguments, a pending read-side operation or a
   * destroyed stream. Unsubscribing before it emits cancels it: no byte is
   * consumed.
   *
   * @example
   * ```ts
   * stream.read(buf, 4096).subscribe((n) => console.log(buf.subarray(0, n)));
   * ```
   */
  read(buf: Uint8Array, max?: number, options?: OperationOptions): Observable<number> {
    const read$ = new Observable<number>((sub) => {
      const n = lengthFor(buf, max, 'max');
      if (typeof n === 'string') return this.#refuse(sub, n);
      return this.#attachRead(new IntoConsumer(sub, trusted(buf), n, this.#read));
    });
    return abortable(read$, options);
  }

  /**
   * Writes once (m2stream's WriteAsync): on subscription, waits for room in
   * the send buffer, accepts as many of the first `len` bytes as fit (maybe
   * fewer than `len`), emits that count and completes. `buf` must stay
   * untouched until then (large writes may go to the socket without a copy):
   * a buffer detached (transferred) meanwhile errors the write with `Invalid`
   * after the bytes already accepted, or — when the kernel was already reading
   * a large write from it — fails the stream with `SysError`.
   *
   * Errors: code 1 on a fatal error; code 3 (`Invalid`) for bad arguments, a
   * pending write-side operation, after `shutdownWrite`/`close`/`destroy`.
   * Unsubscribing cancels what was not yet accepted; bytes already accepted
   * (or handed to the kernel) are sent all the same.
   *
   * @example
   * ```ts
   * stream.write(Buffer.from('hello')).subscribe((n) => console.log(`${n} accepted`));
   * ```
   */
  write(buf: Uint8Array, len?: number, options?: OperationOptions): Observable<number> {
    const op = this.#writeOp('some', buf, len);
    return abortable(
      trace.enabled ? op.pipe(tap((n) => this.#tracePartial(n, buf, len))) : op,
      options,
    );
  }

  /** NODE_DEBUG=rxstream: a `write` that took fewer bytes than asked says so (writeAll was likely meant). */
  #tracePartial(n: number, buf: Uint8Array, len: number | undefined): void {
    const asked = len ?? buf.length;
    if (n < asked)
      trace(
        'stream %d: write accepted %d of %d bytes (writeAll sends them all)',
        this.#id,
        n,
        asked,
      );
  }

  /**
   * Writes everything (m2stream's WriteAllAsync): accepts all `len` bytes
   * (default the whole buffer), waiting for room as often as needed, then
   * emits `len` and completes. Errors and unsubscribing as {@link Stream.write};
   * on unsubscribe a prefix of the bytes may already be accepted and will be sent.
   *
   * @example
   * ```ts
   * from([Buffer.from('HEAD\n'), Buffer.from('body\n')]).pipe(concatMap((b) => stream.writeAll(b))).subscribe();
   * ```
   */
  writeAll(buf: Uint8Array, len?: number, options?: OperationOptions): Observable<number> {
    return abortable(this.#writeOp('all', buf, len), options);
  }

  /**
   * Writes everything `source` gives, in order, as one write-side operation:
   * emits the total bytes accepted once the source has completed and all of
   * it is accepted, then completes. Small items are coalesced into few
   * syscalls. `source` is an Observable (or anything `from()` takes), an
   * `Iterable` or an `AsyncIterable` of Uint8Array.
   *
   * Backpressure: iterables and async iterables are pulled only when the send
   * buffer has room (a huge generator never sits in memory). An Observable
   * that pushes faster than the socket drains is queued in an O(1) FIFO that
   * holds each waiting item by reference (no copy): its memory is the bytes of
   * the items not yet accepted, plus 8 bytes each.
   *
   * Errors: the source's error, after every item before it was accepted;
   * `StreamError` Invalid (code 3) for an item that is not a Uint8Array, a
   * source of the wrong type, or a busy write side; code 1 on a fatal error.
   * Unsubscribing stops taking from the source (iterators are `return()`ed);
   * accepted bytes are sent all the same.
   *
   * @example
   * ```ts
   * stream.writeFrom(from(['a\n', 'b\n']).pipe(map((s) => Buffer.from(s)))).subscribe((n) => console.log(n));
   * ```
   */
  writeFrom(source: WriteSource, options?: OperationOptions): Observable<number> {
    const write$ = new Observable<number>((sub) => {
      const op = sourceOp(sub, source, this.#write);
      if (typeof op === 'string') return this.#refuse(sub, op);
      const attached = this.#attachWrite(sub, op, false);
      if (attached !== undefined) op.start();
      return attached;
    });
    return abortable(write$, options);
  }

  /**
   * Completes (after one `undefined`) when every accepted byte has been
   * handed to the kernel. A write-side operation. Errors: code 1 on a fatal
   * error (the unsent bytes are lost), code 3 when refused.
   *
   * @example
   * ```ts
   * stream.flush().subscribe(() => console.log('all in the kernel'));
   * ```
   */
  flush(options?: OperationOptions): Observable<void> {
    const flush$ = new Observable<void>((sub) =>
      this.#attachWrite(sub, new FlushOp(sub, this.#write), false),
    );
    return abortable(flush$, options);
  }

  /**
   * Graceful close (m2stream's CloseAsync): sends every accepted byte, then
   * the end of stream (TLS: close_notify), then closes the socket; the state
   * becomes Closed and it emits `undefined` and completes. A write-side
   * operation. After it, reads drain what had already arrived and then end;
   * writes answer Invalid. Closing a Closed stream completes at once.
   *
   * Errors: code 1 on a fatal error (accepted bytes not sent are lost);
   * code 3 when a write-side operation is pending or the stream is destroyed.
   * Unsubscribing before the end of stream left cancels the close (the
   * stream stays usable); after that the close completes unheard.
   *
   * @example
   * ```ts
   * stream.writeAll(data).pipe(concatWith(stream.close())).subscribe();
   * ```
   */
  close(options?: OperationOptions): Observable<void> {
    const close$ = new Observable<void>((sub) =>
      this.#attachWrite(sub, new CloseOp(sub, this.#write), true),
    );
    const bounded = withCloseDeadline(close$, this.#closeDeadline, this.#scheduler, () => {
      const undelivered = this.#write.pending;
      const error = timedOut('close', this.#closeDeadline);
      error.message += `: ${undelivered} accepted bytes were not delivered; the stream was destroyed`;
      this.#fail(error);
      return this.#fatal ?? error;
    });
    return abortable(bounded, options);
  }

  /**
   * `for await (const chunk of stream)`: one chunk per step, through
   * `reads$` (a read-side operation while a step is pending); ends at the
   * peer's end of stream; `break` leaves unread bytes in the stream for the
   * next reader. See {@link chunks}.
   *
   * @example
   * ```ts runnable
   * const [a, b] = memoryPair();
   * a.writeAll(Buffer.from('hi')).pipe(concatWith(a.close())).subscribe();
   * for await (const chunk of b) console.log(chunk.toString()); // 'hi'; the loop ends at a's end
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    return chunks(this);
  }

  /**
   * Half-close (m2stream's ShutdownWrite): sends the end of stream (TCP FIN;
   * TLS close_notify) after every accepted byte; reads keep working. The
   * state becomes ShutdownWr at once.
   *
   * @returns `OK`; `Invalid` when the stream is not Open, a write-side
   * operation is pending, or it is destroyed.
   *
   * @example
   * ```ts
   * stream.tryWrite(Buffer.from('QUIT\r\n'));
   * stream.shutdownWrite(); // then read the reply to its end
   * ```
   */
  shutdownWrite(): Status {
    if (this.#destroyed || this.state !== StreamState.Open)
      return this.#refused('shutdownWrite', `the stream is not Open (${this.state})`).status;
    if (this.#write.busy || this.#write.finishing)
      return this.#refused('shutdownWrite', `${WRITE_BUSY}, or an end was already asked for`)
        .status;
    // The end is asked for while the stream still holds the socket: a state$ observer that
    // destroys the stream on ShutdownWr gets the socket back with nothing more to come.
    this.#write.requestFin();
    if (!this.#destroyed && this.state === StreamState.Open) this.#to(StreamState.ShutdownWr);
    return Status.OK;
  }

  /**
   * Releases the stream (m2stream's Destroy). TLS context and session are
   * the stream's and are released. In **async mode** the socket is closed.
   * In **sync mode** the socket is handed back open and paused: bytes the
   * stream had read ahead are put back in front of it (the caller reads them
   * after `socket.resume()`), and accepted bytes are written to it; add
   * your own `'error'` listener to it. Streams from the connect/listen
   * helpers own their socket and close it in either mode. Pending
   * operations error with code 2; `state$` shows Closed (unless in Error) and
   * completes; every later call answers `Invalid`.
   *
   * @returns `OK`; `Invalid` when already destroyed.
   *
   * @example
   * ```ts
   * stream.destroy(); // sync mode: `socket` is yours again, unread bytes intact
   * ```
   */
  destroy(): Status {
    if (this.#destroyed) return Status.Invalid;
    this.#destroyed = true;
    if (this.#async) {
      if (this.#fatal === null) this.#write.flushAccepted();
      this.#t.destroy();
    } else {
      const queued = this.#write.takeAll();
      if (queued.length > 0) this.#t.write(queued, ignore);
      if (this.#write.finUnsent) this.#t.end(ignore);
      this.#t.release(this.#read.queue.drain());
    }
    const reason = new StreamError(Status.StreamClosed, 'the stream was destroyed');
    this.#stopLinger();
    this.#read.shutdown(reason);
    this.#write.shutdown(reason, true);
    this.#failRenegotiation(reason);
    if (this.state !== StreamState.Error) this.#to(StreamState.Closed);
    this.#state.end();
    return Status.OK;
  }

  /**
   * Starts a TLS renegotiation (TLS 1.2 only; TLS 1.3 has none) and
   * completes when it is over. While it runs, `tryRead` answers `WouldBlock`
   * once the bytes already received are read; `readable$` emits when it ends.
   *
   * Errors: `TLSError` (code 1) when the renegotiation fails; code 3 for a
   * stream that is not TLS, not Open, or destroyed.
   *
   * @example
   * ```ts runnable
   * connectTLS({ host: 'localhost', port: tlsPort, ca, maxVersion: 'TLSv1.2' })
   *   .pipe(switchMap((s) => s.renegotiate({ rejectUnauthorized: true }).pipe(concatWith(s.close()))))
   *   .subscribe({ complete: () => console.log('renegotiated, then closed') });
   * ```
   */
  renegotiate(options: RenegotiateOptions = {}): Observable<void> {
    return new Observable<void>((sub) => {
      const start = this.#t.renegotiate?.bind(this.#t);
      if (this.#destroyed || start === undefined || this.kind !== StreamKind.TLSStream) {
        return this.#refuse(sub, 'renegotiation needs a TLS stream');
      }
      if (
        this.state !== StreamState.Open ||
        this.#renegotiation !== null ||
        this.#write.finishing ||
        this.#linger !== null
      ) {
        return this.#refuse(
          sub,
          'renegotiation needs an open stream with none in progress and no close under way',
        );
      }
      this.#renegotiation = sub;
      start(options, (error) => {
        if (this.#renegotiation !== sub) return;
        this.#renegotiation = null;
        this.#read.wake();
        this.#host.deliver(() => {
          if (error === undefined) {
            sub.next();
            sub.complete();
          } else sub.error(toStreamError(error, 'TLS renegotiation failed'));
        });
      });
      return () => {
        if (this.#renegotiation === sub) this.#renegotiation = null;
      };
    });
  }

  /** Ends a pending renegotiate() with `reason` (destroy, close or fatal error). */
  #failRenegotiation(reason: StreamError): void {
    const sub = this.#renegotiation;
    this.#renegotiation = null;
    if (sub !== null) this.#host.deliver(() => sub.error(reason));
  }

  #subscribeReads(sub: Subscriber<Buffer>): ReadConsumer | undefined {
    return this.#attachRead(new ChunksConsumer(sub, this.#read));
  }

  /** Attaches `consumer`; it is then the subscription's teardown. */
  #attachRead(consumer: ReadConsumer): ReadConsumer | undefined {
    if (this.#destroyed) return this.#refuse(consumer.sub, 'the stream is destroyed');
    if (!this.#read.attach(consumer)) {
      return this.#refuse(consumer.sub, READ_BUSY);
    }
    return consumer;
  }

  #writeOp(kind: 'some' | 'all', buf: Uint8Array, len: number | undefined): Observable<number> {
    return new Observable<number>((sub) => {
      const n = lengthFor(buf, len, 'len');
      if (typeof n === 'string') return this.#refuse(sub, n);
      return this.#attachWrite(sub, new DataOp(kind, sub, trusted(buf), n, this.#write), false);
    });
  }

  /** Attaches `op`; it is then the subscription's teardown. */
  #attachWrite<T>(sub: Subscriber<T>, op: WriteOp, closing: boolean): WriteOp | undefined {
    if (this.#destroyed) return this.#refuse(sub, 'the stream is destroyed');
    if (this.#fatal !== null) {
      const fatal = this.#fatal;
      this.#host.deliver(() => sub.error(fatal));
      return undefined;
    }
    if (closing && this.state === StreamState.Closed) {
      this.#host.deliver(() => {
        sub.next(undefined as T);
        sub.complete();
      });
      return undefined;
    }
    const writing = op.kind === 'some' || op.kind === 'all' || op.kind === 'driven';
    if (writing && (this.state !== StreamState.Open || this.#write.finishing)) {
      return this.#refuse(sub, `cannot write in state ${this.state}`);
    }
    if (!closing && !writing && this.state === StreamState.Closed) {
      return this.#refuse(sub, 'the stream is closed');
    }
    if (!this.#write.attach(op)) {
      return this.#refuse(sub, WRITE_BUSY);
    }
    return op;
  }

  #refuse(sub: { error(e: unknown): void }, message: string): undefined {
    const error = invalid(message);
    if (trace.enabled) trace('stream %d: refused: %s', this.#id, message);
    this.#host.deliver(() => sub.error(error));
    return undefined;
  }

  #watch(
    sub: Subscriber<void>,
    add: (s: Subscriber<void>) => () => void,
  ): (() => void) | undefined {
    if (this.#destroyed) {
      sub.complete();
      return undefined;
    }
    return add(sub);
  }

  #to(state: StreamState): void {
    this.#state.set(state);
  }

  /**
   * A close's end of stream has left: wait (bounded) for the peer's end when
   * the transport lingers, then close the transport and call `done`.
   */
  #closeNow(done: () => void): void {
    if (this.#destroyed || this.#fatal !== null) return;
    (this.#closeWaiters ??= []).push(done);
    if (this.#linger !== null) return;
    if (!this.#t.lingers || this.#read.eof || this.state === StreamState.Closed) {
      this.#finishClose();
      return;
    }
    this.#read.linger();
    this.#linger = (this.#scheduler ?? asyncScheduler).schedule(
      () => this.#finishClose(),
      this.#closeTimeout,
    );
  }

  #finishClose(): void {
    this.#linger?.unsubscribe();
    this.#linger = null;
    if (!this.#destroyed && this.#fatal === null && this.state !== StreamState.Closed) {
      const closed = new StreamError(Status.StreamClosed, 'the stream was closed');
      this.#t.destroy();
      this.#read.closeLocally(closed);
      this.#failRenegotiation(closed);
      this.#to(StreamState.Closed);
    }
    const waiters = this.#closeWaiters;
    this.#closeWaiters = null;
    for (const done of waiters ?? []) done();
  }

  #stopLinger(): void {
    this.#linger?.unsubscribe();
    this.#linger = null;
    this.#closeWaiters = null;
  }

  #onEnd(): void {
    this.#read.onEnd();
    if (this.#linger !== null) this.#finishClose();
  }

  /** The peer ended and everything was read: finish, unless half-open (see `allowHalfOpen`). */
  #finishAfterPeer(): void {
    if (this.#destroyed || this.#fatal !== null || this.state !== StreamState.Open) return;
    this.#finishWaiting = !this.#write.idle;
    if (!this.#finishWaiting) this.shutdownWrite();
  }

  #fail(error: unknown): void {
    if (this.#destroyed || this.#fatal !== null) return;
    const fatal = toStreamError(error, 'stream failed');
    this.#fatal = fatal;
    if (trace.enabled)
      trace('stream %d: fatal %s (code %d): %s', this.#id, fatal.status, fatal.code, fatal.message);
    this.#stopLinger();
    this.#t.destroy();
    // Pending operations hear the error before state$ shows Error.
    this.#read.wake();
    this.#write.shutdown(fatal, false);
    this.#failRenegotiation(fatal);
    this.#to(StreamState.Error);
  }

  #onTransportClose(): void {
    if (this.#destroyed || this.#fatal !== null) return;
    if (this.#linger !== null) {
      this.#finishClose();
      return;
    }
    const closed = new StreamError(Status.StreamClosed, 'the connection closed');
    if (!this.#read.eof) this.#read.closeLocally(closed);
    this.#write.shutdown(closed, false);
    this.#failRenegotiation(closed);
    this.#to(StreamState.Closed);
  }
}

function ignore(): void {}
