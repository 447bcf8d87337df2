import type { Subscriber } from 'rxjs';
import { Status } from '../status';
import { StreamError } from '../errors';
import { ByteQueue, copyOf } from './byte-queue';
import { notifyWatcher, type Host } from './host';
import type { ChunkSink, ReadConsumer, TryResult } from './read-ops';
import type { LendOutcome } from '../transport';
import { isAllocationFailure } from './alloc';
import { hasFlag, withFlag } from './flags';

export {
  ChunksConsumer,
  IntoConsumer,
  type ChunkSink,
  type ReadConsumer,
  type TryResult,
} from './read-ops';

// The boolean state of a ReadSide, as bits of one field (`#flags`): one slot per stream, not one each.
const EOF = 1;
const DRAINED_TOLD = 2;
const ARMED = 4;
const LINGERING = 8;
const FLOWING = 16;
const PUMP_PENDING = 32;

/**
 * The receiving half of a stream: a bounded read-ahead queue, the one
 * consumer, readiness watchers, and flow control of the transport.
 */
export class ReadSide {
  /**
   * The read-ahead queue: the shared empty {@link NO_QUEUE} until bytes are
   * queued, and again once it is empty (a stream whose reader keeps up, or
   * an idle one, holds none).
   */
  queue: ByteQueue = NO_QUEUE;
  /** Bytes handed to the user so far. */
  bytes = 0;
  #eofError: StreamError | null = null;
  #closed: StreamError | null = null; // set by a local close/destroy
  /** Set at the first byte dropped while close() lingers: what comes after it is not contiguous. */
  #hole: StreamError | null = null;
  #consumer: ReadConsumer | null = null;
  #watchers: Set<Subscriber<void>> = NO_WATCHERS; // a real Set on first watch
  #flags = 0; // the bits above (EOF…), read through #is and #set
  readonly #host: Host;
  readonly #limit: number;

  constructor(host: Host, limit: number) {
    this.#host = host;
    this.#limit = limit;
  }

  /** Whether `flag` (EOF, ARMED…) is set. */
  #is(flag: number): boolean {
    return hasFlag(this.#flags, flag);
  }

  /** Sets (`on`) or clears `flag`. */
  #set(flag: number, on: boolean): void {
    this.#flags = withFlag(this.#flags, flag, on);
  }

  /** True while a read-side operation is pending. */
  get busy(): boolean {
    return this.#consumer !== null;
  }

  /** True once the peer's end of stream has been seen. */
  get eof(): boolean {
    return this.#is(EOF);
  }

  /** Bytes from the transport, owned by the stream from here on. */
  onData(chunk: Buffer): void {
    const direct = this.#directSubscriber();
    if (direct !== null) {
      this.bytes += chunk.length;
      direct.next(chunk);
      return;
    }
    if (this.#dropping()) return;
    const wasEmpty = this.queue.length === 0;
    this.#ownQueue().push(chunk);
    this.#queued(wasEmpty);
  }

  /**
   * Bytes in the transport's read buffer (see `TransportEvents.lend`),
   * handed on or queued as `onData` does. A part is kept by reference only
   * when `mayKeep` and at least half of `capacity` (so a kept view never pins
   * much more memory than its bytes); anything else kept is copied.
   */
  onLend(view: Buffer, mayKeep: boolean, capacity: number): LendOutcome {
    try {
      return this.#lend(view, mayKeep, capacity);
    } catch (error) {
      if (!isAllocationFailure(error)) throw error;
      // No memory to copy bytes that must outlive the read buffer: they are lost, so the
      // stream fails (OutOfMemory) after delivering exactly the bytes before them.
      this.queue.dropLent();
      this.#host.fail(error);
      return 'free';
    }
  }

  #lend(view: Buffer, mayKeep: boolean, capacity: number): LendOutcome {
    const keepMin = capacity >>> 1;
    const direct = this.#directSubscriber();
    if (direct !== null) {
      if (direct.borrow !== undefined) {
        // It copies what it keeps before returning (a frames decoder of independent frames).
        this.bytes += view.length;
        direct.borrow(view);
        return 'free';
      }
      const large = view.length >= keepMin;
      const chunk = large && mayKeep ? view : copyOf(view);
      this.bytes += view.length;
      direct.next(chunk);
      return large ? (mayKeep ? 'kept' : 'copied') : 'free';
    }
    if (this.#dropping()) return 'free';
    const wasEmpty = this.queue.length === 0;
    const queue = this.#ownQueue(); // not given up while the lent chunk is in it (see #giveUpQueue)
    queue.pushLent(view, mayKeep, keepMin);
    this.#queued(wasEmpty);
    const outcome = queue.settleLent();
    this.#giveUpQueue();
    return outcome;
  }

  /** A `readsInto` caller's buffer the transport may read the next bytes into (see `ChunkSink.into`), or null. */
  intoBuffer(): Buffer | null {
    return this.#directSubscriber()?.into ?? null;
  }

  /** The `reads$` subscriber a chunk goes straight to (nothing queued, no scheduler), or null. */
  #directSubscriber(): ChunkSink | null {
    const consumer = this.#consumer;
    return consumer?.kind === 'chunks' &&
      this.queue.length === 0 &&
      this.#host.direct &&
      !consumer.sub.closed
      ? consumer.sub
      : null;
  }

  /**
   * A closing stream keeps reading until the peer's end, so that no RST is sent; bytes past
   * the read-ahead bound that arrive after close() began have no reader and are dropped. From
   * the first dropped byte on, every later byte is dropped too, and readers get the bytes
   * before the hole and then an `OutOfMemory` error instead of a clean end: nothing after a
   * hole is ever delivered as if it were contiguous.
   */
  #dropping(): boolean {
    if (this.#hole !== null) return true;
    if (!this.#is(LINGERING) || this.queue.length < this.#limit) return false;
    this.#hole = new StreamError(
      Status.OutOfMemory,
      `bytes past the read-ahead bound (readBufferSize ${this.#limit}) arrived while close() ` +
        "waited for the peer's end and were dropped; the bytes before them were all delivered",
    );
    return true;
  }

  /** The queue to add bytes to: a queue of this stream's own. */
  #ownQueue(): ByteQueue {
    if (this.queue === NO_QUEUE) this.queue = new ByteQueue();
    return this.queue;
  }

  /** Drops an empty queue (never one with a lent chunk in it: its lend settles it). */
  #giveUpQueue(): void {
    if (this.queue.idle) this.queue = NO_QUEUE;
  }

  #queued(wasEmpty: boolean): void {
    if (this.queue.length >= this.#limit) this.#updateFlow();
    if (this.#consumer !== null) this.#schedulePump();
    if (wasEmpty) this.notify();
  }

  onEnd(): void {
    this.#set(EOF, true);
    this.#updateFlow();
    this.notify();
    this.#schedulePump();
    this.#checkDrained();
  }

  /** Tells the host, once, when the peer has ended and every byte received has been read. */
  #checkDrained(): void {
    if (!this.#is(EOF) || this.queue.length > 0 || this.#is(DRAINED_TOLD)) return;
    this.#set(DRAINED_TOLD, true);
    this.#host.drained();
  }

  /** Ends the read side locally (close or destroy): pending consumers get `reason` after the queue. */
  closeLocally(reason: StreamError): void {
    this.#closed = reason;
    this.#set(FLOWING, false);
    this.notify();
    this.#schedulePump();
  }

  /** close() sent its end of stream: keep reading until the peer's end (see onData). */
  linger(): void {
    this.#set(LINGERING, true);
    this.#updateFlow();
  }

  /** A fatal error or a state change: wake consumers and watchers. */
  wake(): void {
    this.#updateFlow();
    this.notify();
    this.#schedulePump();
  }

  /** Becomes the one consumer; false when one is already there. */
  attach(consumer: ReadConsumer): boolean {
    if (this.#consumer !== null) return false;
    this.#consumer = consumer;
    // read() callers loop: keep reading ahead between calls (bounded), as tryRead does.
    if (consumer.kind === 'into') this.#set(ARMED, true);
    this.#host.useAsync();
    this.#updateFlow();
    this.#schedulePump();
    return true;
  }

  /** Stops being the consumer (unsubscribe); nothing queued is lost. */
  detach(consumer: ReadConsumer): void {
    if (this.#consumer !== consumer) return;
    this.#consumer = null;
    this.#updateFlow();
  }

  /**
   * Puts bytes a consumer took but did not use back in front of the queue
   * (a frames subscription that ended between frames): the next reader gets
   * them first. Counted as not read.
   */
  unshift(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const wasEmpty = this.queue.length === 0;
    this.#ownQueue().unshift(chunk);
    this.bytes -= chunk.length;
    this.#queued(wasEmpty);
  }

  /** A consumer could not give bytes back (no memory to copy them out): the stream fails. */
  lost(error: unknown): void {
    this.#host.fail(error);
  }

  tryRead(buf: Uint8Array, max: number): TryResult {
    if (this.queue.length > 0) {
      const n = this.queue.copyTo(buf, max);
      this.bytes += n;
      this.#giveUpQueue();
      this.#updateFlow();
      this.#checkDrained();
      return { status: Status.OK, bytes: n };
    }
    const end = this.#endStatus();
    if (end !== null) return { status: end, bytes: 0 };
    this.#set(ARMED, true);
    this.#updateFlow();
    if (this.#host.transport.renegotiating) return { status: Status.WouldBlock, bytes: 0 };
    return { status: Status.OK, bytes: 0 };
  }

  /** Adds a readiness watcher; it hears at once when a retry can make progress now. */
  watch(sub: Subscriber<void>): () => void {
    if (this.#watchers === NO_WATCHERS) this.#watchers = new Set();
    this.#watchers.add(sub);
    this.#updateFlow();
    if (this.queue.length > 0 || this.#endStatus() !== null) this.#tell(sub);
    return () => {
      this.#watchers.delete(sub);
      this.#updateFlow();
    };
  }

  /** Tells every watcher that a retry can make progress. */
  notify(): void {
    for (const sub of this.#watchers) this.#tell(sub);
  }

  /**
   * Ends the consumer (a pending `read` errors with `reason`, a `reads$`
   * completes: see `shutdown` in read-ops.ts) and completes the watchers (destroy).
   */
  shutdown(reason: StreamError): void {
    this.#closed = reason;
    const consumer = this.#consumer;
    this.#consumer = null;
    this.#set(FLOWING, false);
    consumer?.shutdown(reason);
    for (const sub of this.#watchers) sub.complete();
    this.#watchers.clear();
  }

  #tell(sub: Subscriber<void>): void {
    this.#host.deliverTo(notifyWatcher, sub, undefined);
  }

  /**
   * The status of why no more bytes will come after the queue (a fatal
   * error, the end of stream, or a local close), or null. Asked often, so it
   * makes no error object.
   */
  #endStatus(): Status | null {
    if (this.#host.fatal !== null) return this.#host.fatal.status;
    if (this.#hole !== null) return this.#hole.status;
    if (this.#is(EOF)) return Status.StreamClosed;
    return this.#closed?.status ?? null;
  }

  /** The error for `#endStatus` (the end of stream's is made once, when first needed). */
  #endError(): StreamError {
    if (this.#host.fatal !== null) return this.#host.fatal;
    if (this.#hole !== null) return this.#hole;
    if (this.#is(EOF)) return (this.#eofError ??= endOfStream());
    return this.#closed ?? endOfStream(); // (never: called only when #endStatus is not null)
  }

  #schedulePump(): void {
    if (this.#consumer === null) return;
    if (this.#host.direct) {
      this.#pump();
      return;
    }
    if (this.#is(PUMP_PENDING)) return;
    this.#set(PUMP_PENDING, true);
    this.#host.deliver(() => {
      this.#set(PUMP_PENDING, false);
      this.#pump();
    });
  }

  #pump(): void {
    for (let c = this.#consumer; c !== null && c === this.#consumer; c = this.#consumer) {
      if (c.sub.closed) {
        // Unsubscribed from inside next() before its teardown was registered (take(1) during
        // subscribe): stop here, so the next chunk stays queued for the next reader.
        this.#consumer = null;
        break;
      }
      if (this.queue.length > 0) {
        if (c.kind === 'into') this.#consumer = null; // one read, whatever it takes
        if (c.take(this)) continue;
        break;
      }
      const end = this.#endStatus();
      if (end === null) break;
      this.#consumer = null;
      c.end(end, () => this.#endError());
    }
    this.#giveUpQueue();
    this.#updateFlow();
    this.#checkDrained();
  }

  /** Whether the transport should read changed outside the read side (a renegotiation began). */
  reconsiderFlow(): void {
    this.#updateFlow();
  }

  #updateFlow(): void {
    // A renegotiation's handshake comes in with the bytes: a session that reads through `onread`
    // reads nothing while paused, so it keeps reading (within the bound) until it is done.
    const interested =
      this.#consumer !== null ||
      this.#watchers.size > 0 ||
      this.#is(ARMED) ||
      this.#is(LINGERING) ||
      this.#host.transport.renegotiating;
    const want =
      interested &&
      (this.queue.length < this.#limit || this.#is(LINGERING)) &&
      !this.#is(EOF) &&
      this.#closed === null &&
      this.#host.fatal === null;
    if (want === this.#is(FLOWING)) return;
    this.#set(FLOWING, want);
    if (want) this.#host.transport.resume();
    else if (this.#closed === null) this.#host.transport.pause();
  }
}

/** The error of `read()` at the peer's end of stream (code 2). */
function endOfStream(): StreamError {
  return new StreamError(Status.StreamClosed, 'end of stream: the peer closed its side');
}

/** The queue of every stream with nothing queued (never added to: see `#ownQueue`). */
const NO_QUEUE = new ByteQueue();

/** Shared empty set of the streams nobody watches (never added to). */
const NO_WATCHERS: Set<Subscriber<void>> = new Set();
