/**
 * The sync-mode members of {@link Stream} (m2stream's try-once calls and
 * their readiness): `tryRead`, `tryWrite`, `shutdownWrite`, `readable$`,
 * `writable$`. `Stream` extends it.
 *
 * @module
 */
import { Observable, type Subscriber } from 'rxjs';
import { type Status, StreamState } from '../status';
import type { ReadSide, TryResult } from '../internal/read-side';
import type { WriteSide } from '../internal/write-side';
import { lengthFor, trusted } from '../internal/validate';
import { READ_BUSY, WRITE_BUSY, type StreamCore } from '../internal/stream-core';
import { StreamBase } from './base';

/** The try-once half of {@link Stream} (a base class; not exported by the package). */
export class StreamSyncMode extends StreamBase {
  readonly #core: StreamCore;
  // The sides are kept here too: the try-once calls reach them without a hop.
  readonly #read: ReadSide;
  readonly #write: WriteSide;
  // The observables are made on first use: thousands of idle streams should not carry them.
  #readable$: Observable<void> | null = null;
  #writable$: Observable<void> | null = null;

  /** Wraps the stream's core (the `Stream` constructor makes it). */
  constructor(core: StreamCore) {
    super(core);
    this.#core = core;
    this.#read = core.read;
    this.#write = core.write;
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
    const core = this.#core;
    if (core.destroyed) return core.refused('tryRead', 'the stream is destroyed');
    const n = lengthFor(buf, max, 'max');
    if (typeof n === 'string') return core.refused('tryRead', n);
    if (this.#read.busy) return core.refused('tryRead', READ_BUSY);
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
    const core = this.#core;
    if (core.destroyed) return core.refused('tryWrite', 'the stream is destroyed');
    const n = lengthFor(buf, len, 'len');
    if (typeof n === 'string') return core.refused('tryWrite', n);
    if (this.#write.busy) return core.refused('tryWrite', WRITE_BUSY);
    const fatal = core.fatal;
    if (fatal !== null) return { status: fatal.status, bytes: 0 };
    const state = core.state.value;
    if (state !== StreamState.Open || this.#write.finishing)
      return core.refused(
        'tryWrite',
        `cannot write in state ${state} (after shutdownWrite or close)`,
      );
    return this.#write.tryAccept(trusted(buf), n);
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
    return this.#core.shutdownWrite();
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
    return this.#core.lastRefusal;
  }

  #watch(
    sub: Subscriber<void>,
    add: (s: Subscriber<void>) => () => void,
  ): (() => void) | undefined {
    if (this.#core.destroyed) {
      sub.complete();
      return undefined;
    }
    return add(sub);
  }
}
