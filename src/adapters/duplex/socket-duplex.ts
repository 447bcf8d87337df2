/**
 * {@link SocketDuplex}: a stream as a Node `Duplex` that clients take for a
 * `net.Socket` (made by `toDuplex`).
 *
 * @module
 */
import type { Socket } from 'node:net';
import { concat, isObservable, take, type Observable, type Subscription } from 'rxjs';
import { own } from '../own';
import { StreamKind, StreamState } from '../../status';
import type { Stream } from '../../stream';
import {
  BeforeConnect,
  destroyedBeforeConnect,
  noStream,
  type Callback,
  type Work,
} from './before-connect';
import type { ToDuplexOptions } from './options';
import { handOverHandle } from './hand-over';
import { watchOpened } from '../../node-socket/opened';
import { SocketMembers } from './socket-members';
import { toNodeError } from './node-error';

/**
 * Bytes Node may buffer on the readable side before reading pauses: one
 * socket read's worth (Node 22's default), so a 64 KiB read does not pause
 * and resume the socket each time.
 */
const READ_HIGH_WATER = 64 * 1024;
/** Corked chunks up to this many bytes in all are joined into one `writeAll`. */
const JOIN_MAX = 64 * 1024;

/**
 * A Node `Duplex` over a {@link Stream} that follows `net.Socket`'s
 * contract where clients rely on it: `pg`, `http`/`https` agents, `http2`,
 * `undici`, `ws` and the like take it for a socket. Made by `toDuplex`;
 * see there for reading, writing, ownership and errors.
 *
 * Socket members forward to the stream: `setNoDelay`, `setKeepAlive`,
 * `ref`/`unref` (remembered and applied on connection when called before
 * it; on IPC and memory streams they do nothing), `address()`, the
 * `remote*`/`local*` getters, `bytesRead`/`bytesWritten` (the stream's
 * counters), `connecting`, `pending`, `readyState`, `setTimeout` and
 * `connect()`.
 *
 * @example
 * ```ts runnable
 * import { connectTCP, toDuplex, type SocketDuplex } from 'rxstream';
 *
 * const socket: SocketDuplex = toDuplex(connectTCP(port, '127.0.0.1'));
 * socket.setNoDelay(true).setKeepAlive(true, 10_000);
 * socket.connect(() => {
 *   console.log('connected to', socket.remoteAddress, socket.remotePort);
 *   socket.destroy();
 * });
 * ```
 */
export class SocketDuplex extends SocketMembers {
  #stream: Stream | null = null;
  readonly #source: Observable<Stream> | null = null;
  #connecting = false;
  #started = false;
  #connect: Subscription | null = null;
  /** Non-null until connected (over an observable). */
  #before: BeforeConnect | null = null;
  #wantRead = false;
  #reading: Subscription | null = null;
  #subscribing = false; // inside reads$.subscribe(), which may deliver chunks at once
  #full = false; // push() refused while subscribing
  readonly #handOver: boolean;
  /** The native handle once handed over (then the stream is read no more). */
  #handle: object | null = null;
  /** With `handOver`, over an observable: the socket its attempt opened, until connected. */
  #opened: Socket | null = null;

  /**
   * @param source - a stream (owned from here on), or a cold observable that connects one
   * @param options - see {@link ToDuplexOptions}
   */
  constructor(source: Stream | Observable<Stream>, options: ToDuplexOptions = {}) {
    const lazy = isObservable(source);
    super({
      allowHalfOpen: options.allowHalfOpen ?? !lazy,
      readableHighWaterMark: READ_HIGH_WATER,
    });
    this.#handOver = options.handOver === true;
    if (lazy) {
      this.#source = source;
      this.#before = new BeforeConnect();
      this.#connecting = true;
      this.on('newListener', onNewListener);
    } else {
      own(source);
      this.#stream = source;
    }
  }

  /**
   * @internal With `handOver`, the socket's native handle, which is what
   * `http2` and `http.Server` look for to drive a socket from C++: asking
   * for it hands the socket over (see `ToDuplexOptions.handOver`). Undefined
   * otherwise, or while the stream cannot be handed over.
   */
  get _handle(): object | undefined {
    if (this.#handle !== null) return this.#handle;
    if (!this.#handOver || this.destroyed || this.writableLength > 0) return undefined;
    const stream = this.#stream;
    if (stream === null) return this.#openingHandle();
    this.#reading?.unsubscribe(); // pauses the stream, losing nothing
    this.#reading = null;
    this.#handle = handOverHandle(stream, (chunk) => this.push(chunk));
    return this.#handle ?? undefined;
  }

  /**
   * Before the connection (with `handOver`): the handle of the socket being
   * connected, connecting now if need be — `http2` checks for one when it
   * is given the socket and consumes it on `'connect'`, when `_handle` hands
   * the stream over. Undefined when the attempt opens no socket at once.
   */
  #openingHandle(): object | undefined {
    this.#startConnect();
    const handle: unknown = this.#opened === null ? null : Reflect.get(this.#opened, '_handle');
    return typeof handle === 'object' && handle !== null ? handle : undefined;
  }

  /** @internal The stream, once connected. */
  protected linked(): Stream | null {
    return this.#stream;
  }

  /** @internal The settings waiting for the connection. */
  protected waiting(): BeforeConnect | null {
    return this.#before;
  }

  /**
   * True from creation over an observable until connected (or destroyed), as `net.Socket`'s.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, toDuplex } from 'rxstream';
   *
   * const sock = toDuplex(connectTCP(port, '127.0.0.1'));
   * assert.equal(sock.connecting, true); // over an observable: connects on first use
   * sock.once('connect', () => {
   *   assert.equal(sock.connecting, false);
   *   sock.destroy();
   * });
   * ```
   */
  get connecting(): boolean {
    return this.#connecting;
  }

  /**
   * Connects now (over an observable; the target is the observable's: the
   * arguments a client passes, `port`/`host` or options, are ignored but for
   * a trailing `'connect'` listener). Emits `'connect'`, `'secureConnect'`
   * for TLS, and `'ready'`. On a Duplex that is already connected (made over
   * a stream, or connected before) it emits `'connect'` and `'ready'` on the
   * next tick, for clients (`pg`) that always call `connect()`.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, toDuplex } from 'rxstream';
   *
   * const sock = toDuplex(connectTCP(port, '127.0.0.1'));
   * sock.connect(port, '127.0.0.1', () => {
   *   // the arguments are ignored: the target is the observable's
   *   assert.equal(sock.remotePort, port);
   *   sock.destroy();
   * });
   * ```
   */
  connect(...args: unknown[]): this {
    const listener = args[args.length - 1];
    if (typeof listener === 'function') this.once('connect', listener as () => void);
    if (this.#stream !== null) process.nextTick(emitConnected, this, false);
    else this.#startConnect();
    return this;
  }

  /**
   * @internal Node's read hook: subscribes to `reads$` (zero-copy chunks) and
   * stays subscribed, socket flowing, until `push()` says Node's buffer is
   * full; unsubscribing then pauses the socket (losing nothing) until Node
   * asks again.
   */
  override _read(): void {
    const stream = this.#stream;
    if (stream === null) {
      this.#wantRead = true;
      this.#startConnect();
      return;
    }
    if (this.#reading !== null || this.#subscribing || this.#handle !== null) return;
    this.#subscribing = true;
    this.#full = false;
    const sub = stream.reads$.subscribe(this.#reader);
    this.#subscribing = false;
    if (this.#full || sub.closed) sub.unsubscribe();
    else this.#reading = sub;
  }

  readonly #reader = {
    next: (chunk: Buffer): void => {
      this.idle.touch();
      if (this.push(chunk)) return;
      // Node's buffer is full: stop until it asks again (_read).
      const sub = this.#reading;
      this.#reading = null;
      if (sub === null) this.#full = true;
      else sub.unsubscribe();
    },
    complete: (): void => {
      this.#reading = null;
      this.push(null);
    },
    error: (error: unknown): void => {
      this.#reading = null;
      this.destroy(toNodeError(error, 'read'));
    },
  };

  /** @internal Node's write hook: `writeAll`; an empty chunk is done at once, nothing sent. */
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: Callback): void {
    if (chunk.length === 0) {
      callback();
      return;
    }
    this.#with((stream) => this.#writeAll(stream, chunk, callback), callback);
  }

  /** @internal Node's corked writes: handed to the stream as one write (joined when small). */
  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (e?: Error | null) => void,
  ): void {
    const bufs: Buffer[] = [];
    let total = 0;
    for (const { chunk } of chunks) {
      if (chunk.length === 0) continue;
      bufs.push(chunk);
      total += chunk.length;
    }
    if (total === 0) {
      callback();
      return;
    }
    this.#with((stream) => {
      if (bufs.length === 1 || total <= JOIN_MAX) {
        this.#writeAll(stream, bufs.length === 1 ? bufs[0] : Buffer.concat(bufs, total), callback);
        return;
      }
      concat(...bufs.map((b) => stream.writeAll(b))).subscribe({
        complete: () => this.#wrote(callback),
        error: (error: unknown) => callback(toNodeError(error, 'write')),
      });
    }, callback);
  }

  /** @internal `end()`: half-closes once every byte reached the kernel. */
  override _final(callback: (e?: Error | null) => void): void {
    this.#with(
      (stream) =>
        stream.flush().subscribe({
          complete: () => {
            if (stream.state === StreamState.Open) stream.shutdownWrite();
            callback();
          },
          error: (error: unknown) => callback(toNodeError(error, 'write')),
        }),
      callback,
    );
  }

  /** @internal Destroying the Duplex destroys the stream (or cancels the connection attempt). */
  override _destroy(error: Error | null, callback: (e: Error | null) => void): void {
    this.#reading?.unsubscribe();
    this.#reading = null;
    this.#connect?.unsubscribe();
    this.#connect = null;
    const before = this.#before;
    this.#before = null;
    this.#connecting = false;
    this.#opened = null;
    this.idle.stop();
    this.#stream?.destroy();
    // Writes waiting for a connection that never came hear why, as on a net.Socket.
    before?.fail(error ?? destroyedBeforeConnect());
    callback(error);
  }

  #writeAll(stream: Stream, chunk: Buffer, callback: Callback): void {
    stream.writeAll(chunk).subscribe({
      complete: () => this.#wrote(callback),
      error: (error: unknown) => callback(toNodeError(error, 'write')),
    });
  }

  #wrote(callback: () => void): void {
    this.idle.touch();
    callback();
  }

  /**
   * Runs `work` with the stream: now, or once connected (connecting if need
   * be); `fail` hears the reason when the Duplex is destroyed before that.
   */
  #with(work: Work, fail: Callback): void {
    if (this.#stream !== null) {
      work(this.#stream);
      return;
    }
    this.#before?.queue(work, fail);
    this.#startConnect();
  }

  /** Subscribes to the source (once). */
  #startConnect(): void {
    if (this.#source === null || this.#started || this.destroyed) return;
    this.#started = true;
    const source = this.#source;
    let got = false;
    const subscribe = (): Subscription =>
      source.pipe(take(1)).subscribe({
        next: (stream) => {
          got = true;
          this.#connected(stream);
        },
        error: (error: unknown) => this.destroy(toNodeError(error, 'connect')),
        complete: () => {
          if (!got) this.destroy(noStream());
        },
      });
    const sub = this.#handOver
      ? watchOpened((socket) => (this.#opened ??= socket), subscribe)
      : subscribe();
    if (!sub.closed) this.#connect = sub;
  }

  #connected(stream: Stream): void {
    own(stream);
    if (this.destroyed) {
      stream.destroy();
      return;
    }
    this.#stream = stream;
    this.#opened = null;
    this.#connecting = false;
    this.#connect = null;
    this.off('newListener', onNewListener);
    const before = this.#before;
    this.#before = null;
    before?.apply(stream);
    this.idle.touch();
    emitConnected(this, stream.kind === StreamKind.TLSStream);
    before?.run(stream, () => !this.destroyed);
    if (this.#wantRead && !this.destroyed) {
      this.#wantRead = false;
      this._read();
    }
  }
}

/** `'connect'` (+ `'secureConnect'` for TLS) and `'ready'`, in `net`/`tls` order. */
function emitConnected(duplex: SocketDuplex, tls: boolean): void {
  if (duplex.destroyed) return;
  duplex.emit('connect');
  if (tls) duplex.emit('secureConnect');
  duplex.emit('ready');
}

/** Someone waits for the connection: it is wanted now. */
function onNewListener(this: SocketDuplex, event: string | symbol): void {
  if (event === 'connect' || event === 'secureConnect' || event === 'ready') this.connect();
}
