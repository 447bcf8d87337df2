/**
 * The operations a {@link ReadSide} runs, one at a time: a `reads$` (or
 * frames, or `readsInto`) subscription and a pending `read()`; and the answer of the
 * try-once calls.
 *
 * @module
 */
import type { Subscriber } from 'rxjs';
import type { Status } from '../status';
import { SelfDetaching } from './host';
import type { ReadSide } from './read-side';

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
