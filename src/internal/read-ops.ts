/**
 * The operations a {@link ReadSide} runs, one at a time: a `reads$` (or
 * frames, or `readsInto`) subscription and a pending `read()`, each knowing
 * how it takes queued bytes and how it ends; and the answer of the try-once
 * calls.
 *
 * @module
 */
import type { Subscriber } from 'rxjs';
import { Status } from '../status';
import { invalid, type StreamError } from '../errors';
import type { ByteQueue } from './byte-queue';
import { SelfDetaching } from './host';
import type { ReadSide } from './read-side';
import { goneProblem } from './validate';

/** What a consumer takes queued bytes from: the read side's queue and its count of bytes read. */
export interface Taking {
  readonly queue: ByteQueue;
  bytes: number;
}

/**
 * Where a chunks consumer's chunks go: a `reads$` subscriber, or a frames
 * decoder (src/codecs/frames.ts) that emits frames to its own subscriber.
 */
export interface ChunkSink {
  readonly closed: boolean;
  next(chunk: Buffer): void;
  error(error: unknown): void;
  complete(): void;
  /**
   * Present on a sink that can take bytes it must not keep: the chunk lives
   * in the transport's read buffer, so whatever of it the sink needs after
   * returning it copies first (a frames decoder of `independentFrames`).
   * The read side then lends it reads without copying them out.
   */
  readonly borrow?: ((view: Buffer) => void) | undefined;
  /**
   * Present on a sink that reads into a caller's buffer (`readsInto`): the
   * transport may read the next bytes straight into it and lend them to
   * `borrow` as a view of it (see `TransportEvents.readBuffer`).
   */
  readonly into?: Buffer | null;
}

/** A `reads$` subscription: every chunk, in order. */
export class ChunksConsumer extends SelfDetaching<ReadConsumer> {
  readonly kind = 'chunks';
  constructor(
    readonly sub: ChunkSink,
    side: ReadSide,
  ) {
    super(side);
  }

  /** Takes the next queued chunk (something is queued); true: it goes on reading. */
  take(from: Taking): boolean {
    const chunk = from.queue.shift() as Buffer;
    from.bytes += chunk.length;
    this.sub.next(chunk);
    return true;
  }

  /** No more bytes will come (`status`): completes at a clean end, else errors with `error()`. */
  end(status: Status, error: () => StreamError): void {
    // A clean end needs no error object.
    if (status === Status.StreamClosed) this.sub.complete();
    else this.sub.error(error());
  }

  /**
   * The stream was destroyed: completes, as a `net.Socket` destroyed without
   * an error emits no 'error' — the caller ended it, and a subscriber without
   * an error callback must not take the process down with it.
   */
  shutdown(): void {
    this.sub.complete();
  }
}

/** A pending `read()`: up to `max` bytes into `buf`. */
export class IntoConsumer extends SelfDetaching<ReadConsumer> {
  readonly kind = 'into';
  constructor(
    readonly sub: Subscriber<number>,
    readonly buf: Uint8Array,
    readonly max: number,
    side: ReadSide,
  ) {
    super(side);
  }

  /** Its one read, from what is queued (the read side has let go of it first); false: done. */
  take(from: Taking): boolean {
    const gone = goneProblem(this.buf, this.max, 'read');
    if (gone !== null) {
      this.sub.error(invalid(gone)); // nothing consumed: the bytes stay for the next reader
      return false;
    }
    const n = from.queue.copyTo(this.buf, this.max);
    from.bytes += n;
    this.sub.next(n);
    this.sub.complete();
    return false;
  }

  /** No more bytes will come: errors (code 2 at the end of stream). */
  end(_status: Status, error: () => StreamError): void {
    this.sub.error(error());
  }

  /** The stream was destroyed: errors with `reason` (code 2, as the reference module's futures). */
  shutdown(reason: StreamError): void {
    this.sub.error(reason);
  }
}

/** The one read-side operation: a `reads$` subscription or a pending `read()`. */
export type ReadConsumer = ChunksConsumer | IntoConsumer;

/**
 * Result of a try-once call (`tryRead`, `tryWrite`): a status and a byte count.
 *
 * @example
 * ```ts
 * const r: TryResult = stream.tryWrite(buf);
 * if (r.status === Status.OK && r.bytes < buf.length) console.log('send buffer full: wait for writable$');
 * ```
 */
export interface TryResult {
  /** OK, or why not. */
  readonly status: Status;
  /** Bytes moved (0 unless OK). */
  readonly bytes: number;
}
