/**
 * The one transport over Node sockets, shared by TCP, TLS and IPC: they
 * differ only in their kind, and TLS in renegotiation.
 *
 * @module
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { StreamKind } from './status';
import { NodeSocketControl } from './node-socket/control';
import { readerOf } from './node-socket/lending';

export { connectLending, connectLendingTLS, TLS_LENDS } from './node-socket/lending';
import type {
  LendOutcome,
  RenegotiateOptions,
  SocketControl,
  Transport,
  TransportEvents,
} from './transport';
import { hasFlag, withFlag } from './internal/flags';

const noop = (): void => undefined;
/** What the reset probe writes (see `SocketTransport.onEnd`). */
const EMPTY = Buffer.alloc(0);

/** Where a socket keeps its transport, for the shared listeners (as ws does). */
const kTransport = Symbol('rxstream.transport');
type OwnedSocket = Socket & { [kTransport]?: SocketTransport };

function socketOnData(this: Socket, chunk: Buffer): void {
  (this as OwnedSocket)[kTransport]?.onData(chunk);
}

function socketOnEnd(this: Socket): void {
  (this as OwnedSocket)[kTransport]?.onEnd();
}

function socketOnError(this: Socket, error: unknown): void {
  (this as OwnedSocket)[kTransport]?.onError(error);
}

function socketOnClose(this: Socket): void {
  (this as OwnedSocket)[kTransport]?.onClose();
}

// The boolean state of a SocketTransport, as bits of one field (`#flags`): one slot per stream, not one each.
const RENEGOTIATING = 1;
const STALLED_END = 2;
const FAILED = 4;
const OWNED = 8;

/** Transport over a connected `net.Socket` or `tls.TLSSocket`. */
export class SocketTransport implements Transport {
  readonly kind: StreamKind;
  readonly fd: number;
  #socket: Socket;
  #events: TransportEvents | null = null;
  // renegotiating, stalled (the peer ended during a renegotiation: see onEnd), failed, owned
  #flags = 0;
  #control: SocketControl | null = null;

  get #renegotiatingNow(): boolean {
    return hasFlag(this.#flags, RENEGOTIATING);
  }
  set #renegotiatingNow(on: boolean) {
    this.#flags = withFlag(this.#flags, RENEGOTIATING, on);
  }
  get #stalled(): boolean {
    return hasFlag(this.#flags, STALLED_END);
  }
  set #stalled(on: boolean) {
    this.#flags = withFlag(this.#flags, STALLED_END, on);
  }
  get #failed(): boolean {
    return hasFlag(this.#flags, FAILED);
  }
  set #failed(on: boolean) {
    this.#flags = withFlag(this.#flags, FAILED, on);
  }
  get #owned(): boolean {
    return hasFlag(this.#flags, OWNED);
  }
  set #owned(on: boolean) {
    this.#flags = withFlag(this.#flags, OWNED, on);
  }

  /**
   * @param owned - true when the library made the socket (connect/listen
   *   helpers): nobody else holds it, so `release` closes it instead.
   */
  constructor(kind: StreamKind, socket: Socket, owned = false) {
    this.kind = kind;
    this.#socket = socket;
    this.#owned = owned;
    this.fd = fdOf(socket);
  }

  /** Sockets linger on close (see `Transport.lingers`). */
  get lingers(): boolean {
    return true;
  }

  get renegotiating(): boolean {
    return this.#renegotiatingNow;
  }

  /** Made on first use: thousands of streams need none. */
  get control(): SocketControl {
    return (this.#control ??= new NodeSocketControl(this.#socket, this.kind !== StreamKind.IPC));
  }

  start(events: TransportEvents): void {
    this.#events = events;
    const socket = this.#socket;
    // Paused before 'data' is attached, so attaching does not start the flow.
    socket.pause();
    (socket as OwnedSocket)[kTransport] = this;
    const reader = readerOf(socket);
    let lost: unknown = null;
    if (reader === undefined) socket.on('data', socketOnData);
    else {
      const attached = reader.attach(this);
      for (const chunk of attached.early) events.data(chunk); // no 'data' event comes
      lost = attached.lost;
    }
    socket.on('end', socketOnEnd);
    socket.on('error', socketOnError);
    socket.on('close', socketOnClose);
    if (lost !== null) this.onError(lost);
  }

  resume(): void {
    this.#socket.resume();
  }

  pause(): void {
    this.#socket.pause();
  }

  write(chunks: readonly Buffer[], done: (error?: unknown) => void): boolean {
    const socket = this.#socket;
    if (this.#stalled && this.#renegotiatingNow) {
      process.nextTick(done, renegotiationFailed(STALLED)); // could never leave (see onEnd)
      return false;
    }
    if (chunks.length === 1) {
      socket.write(chunks[0], done);
    } else {
      socket.cork();
      for (let i = 0; i < chunks.length - 1; i += 1) socket.write(chunks[i]);
      socket.write(chunks[chunks.length - 1], done);
      socket.uncork();
    }
    // Node completes a write that the kernel took whole synchronously and drops its reference.
    // A write that failed at once (EPIPE, ECONNRESET) leaves nothing buffered either, but was
    // not taken: it must not count as written (a tryWrite loop would never stop).
    return socket.writableLength === 0 && socket.errored == null;
  }

  /**
   * Sends the end of stream. On TLS it leaves after the current I/O callback:
   * Node's TLSSocket drops the rest of its inbound data when `end()` is called
   * while it is delivering decrypted data (from inside a read callback, where
   * the stream's consumers run), and loses nothing a turn later. `release`
   * sends a pending end at once.
   */
  end(done: (error?: unknown) => void): void {
    const socket = this.#socket;
    if (!(socket instanceof TLSSocket)) {
      socket.end(done);
      return;
    }
    if (this.#pendingEnd !== null) return;
    const send = (): void => {
      this.#pendingEnd = null;
      // A destroyed socket has already told the stream ('close'); nothing to end.
      if (!socket.destroyed) socket.end(done);
    };
    this.#pendingEnd = { timer: setImmediate(send), send };
  }

  #pendingEnd: { readonly timer: NodeJS.Immediate; readonly send: () => void } | null = null;

  /** Sends a deferred TLS end now (release hands the socket back ended, as asked). */
  #endNow(): void {
    const pending = this.#pendingEnd;
    if (pending === null) return;
    clearImmediate(pending.timer);
    pending.send();
  }

  destroy(): void {
    this.#detach();
    this.#socket.on('error', noop); // late errors of a socket nobody listens to any more
    this.#socket.destroy();
  }

  release(unread: readonly Buffer[]): void {
    if (this.#owned) {
      this.destroy(); // no caller holds this socket: handing it back would leak it
      return;
    }
    this.#endNow();
    this.#detach();
    const socket = this.#socket;
    socket.pause();
    if (unread.length > 0 && !socket.readableEnded) {
      socket.unshift(unread.length === 1 ? unread[0] : Buffer.concat(unread));
    }
  }

  renegotiate(options: RenegotiateOptions, done: (error?: unknown) => void): void {
    const socket = this.#socket;
    if (!(socket instanceof TLSSocket)) {
      done(
        Object.assign(new Error('renegotiation needs a TLS socket'), {
          code: 'ERR_TLS_RENEGOTIATION_UNSUPPORTED',
        }),
      );
      return;
    }
    this.#renegotiatingNow = true;
    let settled = false;
    const finished = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      this.#renegotiatingNow = false;
      done(error);
    };
    const started = socket.renegotiate(options, (error) => {
      if (error) finished(error);
      else if (socket.destroyed) {
        // Node's server-side check destroyed the socket (the peer's certificate was refused)
        // and still calls back: that is a failed renegotiation and a fatal TLS error.
        const failure = renegotiationFailed('the peer was refused during renegotiation');
        this.onError(failure);
        finished(failure);
      } else finished();
    });
    // When it could not start, Node calls back with the reason (ERR_SSL_*), except on a
    // destroyed socket, where it returns false and never calls back.
    if (!started && socket.destroyed) finished(renegotiationFailed('the socket is closed'));
  }

  #detach(): void {
    const socket = this.#socket;
    socket.off('data', socketOnData);
    socket.off('end', socketOnEnd);
    socket.off('error', socketOnError);
    socket.off('close', socketOnClose);
    (socket as OwnedSocket)[kTransport] = undefined;
    readerOf(socket)?.release();
    this.#events = null;
  }

  /** A socket event, from the module-level listeners below. */
  onData(chunk: Buffer): void {
    this.#events?.data(chunk);
  }

  /** Bytes lent by the socket's reader (see `TransportEvents.lend`). */
  onLend(view: Buffer, mayKeep: boolean): LendOutcome {
    return this.#events?.lend(view, mayKeep) ?? 'free';
  }

  /** A caller's buffer to read the next bytes into (see `TransportEvents.readBuffer`), or null. */
  nextBuffer(): Buffer | null {
    return this.#events?.readBuffer?.() ?? null;
  }

  /**
   * The peer's end of stream. An RST queued behind data before the socket
   * read reaches Node as EOF (libuv reads the data, then 0): on TCP the
   * reset is still pending on the socket, so while this side may still
   * write, a zero-length write (no byte on the wire) asks the kernel first
   * and the end is reported only if it succeeds; a reset errors the stream
   * through 'error' instead. With bytes still queued for the socket their
   * own completion tells; after our own end() nothing can (see README,
   * "What a reset can and cannot tell you"). A TLS socket reports its reset
   * itself (it reads ahead of the stream).
   */
  onEnd(): void {
    const socket = this.#socket;
    if (this.#renegotiatingNow) {
      // The peer ended mid-handshake: the renegotiation can never finish, and Node holds
      // every byte written since until it does. Bytes held so are lost: a fatal TLSError
      // (close() errors instead of waiting forever or claiming they left). With none, the
      // end is reported, and a later write fails the same way instead of hanging.
      if (socket.writableLength > 0) {
        this.onError(renegotiationFailed(STALLED));
        return;
      }
      this.#stalled = true;
    }
    const probe =
      !(socket instanceof TLSSocket) &&
      this.kind !== StreamKind.IPC &&
      !socket.writableEnded &&
      !socket.destroyed &&
      socket.writableLength === 0;
    if (!probe) {
      this.#events?.end();
      return;
    }
    socket.write(EMPTY, (error) => {
      if (error === null || error === undefined) this.#events?.end();
    });
  }

  /** A socket error (fatal). */
  onError(error: unknown): void {
    this.#failed = true;
    this.#events?.error(error);
  }

  /** The socket closed (reported only when no error came first). */
  onClose(): void {
    readerOf(this.#socket)?.release();
    if (!this.#failed) this.#events?.close();
  }
}

const STALLED = 'the peer ended its side during the handshake; bytes written since cannot leave';

function renegotiationFailed(reason: string): Error {
  return Object.assign(new Error(`TLS renegotiation failed: ${reason}`), {
    code: 'ERR_TLS_RENEGOTIATION_FAILED',
  });
}

/** The fd under a socket (a TLS socket's is its TCP socket's), or -1. */
export function fdOf(socket: Socket): number {
  const candidates: unknown[] = [socket, Reflect.get(socket, '_parent')];
  for (const candidate of candidates) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const handle: unknown = Reflect.get(candidate, '_handle');
    if (typeof handle !== 'object' || handle === null) continue;
    const fd: unknown = Reflect.get(handle, 'fd');
    if (typeof fd === 'number' && fd >= 0) return fd;
  }
  return -1;
}
