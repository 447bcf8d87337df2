/**
 * {@link Stream}: m2stream's opaque stream handle as an RxJS object.
 *
 * @module
 */
import { Observable, tap } from 'rxjs';
import type { Status } from './status';
import type { Transport, RenegotiateOptions } from './transport';
import { ChunksConsumer, IntoConsumer } from './internal/read-side';
import { ReadsIntoSink } from './internal/reads-into';
import { CloseOp, DataOp, FlushOp } from './internal/write-side';
import { StreamCore, trace } from './internal/stream-core';
import { lengthFor, trusted } from './internal/validate';
import { withSignal } from './adapters/abort';
import { chunks } from './adapters/async-iterator';
import { withCloseDeadline } from './connection/close-deadline';
import { isCodec, type Codec } from './codecs/codec';
import { framesConsumer } from './codecs/frames';
import { sourceOp, type WriteSource } from './codecs/write-from';
import type { OperationOptions, StreamOptions } from './stream/options';
import { StreamSyncMode } from './stream/sync-mode';
import { idleTransport, keepShapes } from './internal/shape-keeper';

export type { TryResult } from './internal/read-side';
export { DEFAULT_BUFFER_SIZE, DEFAULT_CLOSE_TIMEOUT } from './stream/options';
export type { OperationOptions, StreamOptions, StreamStats } from './stream/options';

function abortable<T>(op$: Observable<T>, options: OperationOptions | undefined): Observable<T> {
  return options?.signal === undefined ? op$ : withSignal(op$, options.signal);
}

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
export class Stream extends StreamSyncMode {
  readonly #core: StreamCore;
  // Made on first use: thousands of idle streams should not carry it.
  #reads$: Observable<Buffer> | null = null;

  /**
   * Wraps a {@link Transport}. Most code uses the `create*`/`connect*`
   * helpers; a custom transport is the way to add a new kind.
   *
   * @throws StreamError status Invalid when an option is out of range.
   */
  constructor(transport: Transport, options: StreamOptions = {}) {
    const core = new StreamCore(transport, options); // throws on a bad option
    super(core);
    this.#core = core;
    core.start(options.idleTimeout);
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
    return (this.#reads$ ??= new Observable<Buffer>((sub) =>
      this.#core.attachRead(new ChunksConsumer(sub, this.#core.read)),
    ));
  }

  /**
   * Continuous reading into one buffer of yours, Node's `onread` as an
   * observable: each emission `n` says the stream's next `n` bytes are in
   * `buf[0..n)` until your `next` returns. Use or copy them there, as an
   * `onread` callback does (an async step in between would see them
   * overwritten). On sockets the library makes (`connectTCP`, `connectTLS`,
   * `connectIPC`), the socket reads straight into `buf`: no copy, and no
   * read buffer per read. Elsewhere each chunk is copied into it.
   *
   * A read-side operation, like `reads$`: one at a time, completes at the
   * peer's end of stream and on `close()`/`destroy()`, and errors with
   * `StreamError` on a fatal error (code 1) or when refused (code 3: not a
   * non-empty Uint8Array, a busy read side, a destroyed stream).
   * Unsubscribing loses nothing: what was not emitted is read next. Do not
   * transfer (detach) `buf` while subscribed: where the socket reads into
   * it, that is as unsafe as with `onread`; elsewhere the next chunk errors
   * the subscription with `Invalid`, consuming nothing.
   *
   * **The buffer is the stream's while subscribed, and for one read more.**
   * The socket may already be reading into `buf` when you unsubscribe. The
   * next bytes then land in it before the stream copies them for the next
   * reader. Give a stream one buffer for its life (as `onread` does), or
   * reuse the buffer only after the stream has ended or been destroyed.
   *
   * @example
   * ```ts
   * const buf = Buffer.allocUnsafe(64 * 1024);
   * let total = 0;
   * stream.readsInto(buf).subscribe({
   *   next: (n) => (total += n), // buf[0..n) holds the bytes until this returns
   *   complete: () => console.log(`${total} bytes`),
   * });
   * ```
   */
  readsInto(buf: Uint8Array): Observable<number> {
    return new Observable<number>((sub) => {
      const n = lengthFor(buf, undefined, 'max');
      if (typeof n === 'string') return this.#core.refuse(sub, n);
      const side = this.#core.read;
      return this.#core.attachRead(
        new ChunksConsumer(new ReadsIntoSink(sub, trusted(buf), side), side),
      );
    });
  }

  /**
   * Decoded frames (see {@link Codec}, and the codecs `lines()`, `lengthPrefixed()`):
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
      if (!isCodec(codec)) return this.#core.refuse(sub, 'frames() needs a Codec');
      return this.#core.attachRead(framesConsumer(sub, codec, this.#core.read));
    });
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
      if (typeof n === 'string') return this.#core.refuse(sub, n);
      return this.#core.attachRead(new IntoConsumer(sub, trusted(buf), n, this.#core.read));
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
      trace.enabled ? op.pipe(tap((n) => this.#core.tracePartial(n, buf, len))) : op,
      options,
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
      const op = sourceOp(sub, source, this.#core.write);
      if (typeof op === 'string') return this.#core.refuse(sub, op);
      const attached = this.#core.attachWrite(sub, op, false);
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
      this.#core.attachWrite(sub, new FlushOp(sub, this.#core.write), false),
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
    const core = this.#core;
    const close$ = new Observable<void>((sub) =>
      core.attachWrite(sub, new CloseOp(sub, core.write), true),
    );
    const bounded = withCloseDeadline(close$, core.closeDeadline, core.scheduler, () =>
      core.closeDeadlinePassed(),
    );
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
    return this.#core.destroy();
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
    return new Observable<void>((sub) => this.#core.closing.renegotiate(sub, options));
  }

  #writeOp(kind: 'some' | 'all', buf: Uint8Array, len: number | undefined): Observable<number> {
    return new Observable<number>((sub) => {
      const n = lengthFor(buf, len, 'len');
      if (typeof n === 'string') return this.#core.refuse(sub, n);
      // A whole small buffer is copied in at once: no operation, and only the built-in copy reads it.
      if (len === undefined && this.#core.writeNow(sub, buf, n)) return undefined;
      const op = new DataOp(kind, sub, trusted(buf), n, this.#core.write);
      return this.#core.attachWrite(sub, op, false);
    });
  }
}

// Stream 0, for the life of the process: it keeps V8's hidden classes of a stream's objects (see shape-keeper.ts).
keepShapes(new Stream(idleTransport()));
