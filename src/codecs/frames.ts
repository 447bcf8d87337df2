/**
 * The frames driver behind `stream.frames(codec)`: received chunks in,
 * decoded frames out, leftover bytes back to the stream.
 *
 * State of one subscription:
 *
 * | state    | `#pending`                              | on a chunk              | on unsubscribe / end      |
 * | -------- | --------------------------------------- | ----------------------- | ------------------------- |
 * | empty    | no bytes                                | decode the chunk itself | nothing to give back      |
 * | view     | the tail of the last chunk (zero-copy)  | copy both into a store  | give the tail back        |
 * | store    | the tail of `#store` (our own memory)   | append after it         | give the tail back        |
 *
 * A frame that lies inside one chunk is decoded from that chunk (a view:
 * zero-copy). Bytes of a frame that spans chunks are gathered in a store
 * that grows by doubling (linear time for any frame size); bytes already
 * handed to the decoder are never written over, so frames may be views.
 *
 * @module
 */
import type { Subscriber } from 'rxjs';
import { ChunksConsumer, type ChunkSink, type ReadSide } from '../internal/read-side';
import { invalid } from '../errors';
import { FRAME_OVERHEAD, frameTooLong, partialFrame, type Codec, type Decoder } from './codec';

const EMPTY = Buffer.alloc(0);

/** Where leftover bytes go back to: the stream's read side (or a test kit's collector). */
export interface GiveBack {
  unshift(chunk: Buffer): void;
}
const MIN_STORE = 4096;

/** A frames subscription as the read side's one consumer; its teardown gives bytes back. */
export class FramesConsumer<T> extends ChunksConsumer {
  readonly #reader: FrameReader<T>;

  constructor(reader: FrameReader<T>, side: ReadSide) {
    super(reader, side);
    this.#reader = reader;
  }

  override unsubscribe(): void {
    super.unsubscribe();
    this.#reader.giveBack();
  }
}

/**
 * Makes the read-side consumer of one `frames(codec)` subscription.
 *
 * @param sub - the subscriber of the frames
 * @param codec - the codec
 * @param side - the stream's read side (where leftover bytes go back)
 */
export function framesConsumer<T>(
  sub: Subscriber<T>,
  codec: Codec<T>,
  side: ReadSide,
): FramesConsumer<T> {
  return new FramesConsumer(new FrameReader(sub, codec, side), side);
}

/** Decodes chunks into frames for one subscriber (a {@link ChunkSink}). */
export class FrameReader<T> implements ChunkSink {
  readonly #sub: Subscriber<T>;
  readonly #decoder: Decoder<T> | null;
  readonly #limit: number;
  readonly #side: GiveBack;
  #pending: Buffer = EMPTY; // received, not yet part of an emitted frame
  #store: Buffer | null = null; // when #pending is its tail: ends at #used
  #used = 0;
  #broken: unknown = null;

  constructor(sub: Subscriber<T>, codec: Codec<T>, side: GiveBack) {
    this.#sub = sub;
    this.#side = side;
    let decoder: Decoder<T> | null = null;
    try {
      decoder = codec.decoder();
    } catch (error) {
      this.#broken = error;
    }
    this.#decoder = decoder;
    const max = codec.maxLength;
    this.#limit = typeof max === 'number' && max > 0 ? max + FRAME_OVERHEAD : FRAME_OVERHEAD;
  }

  get closed(): boolean {
    return this.#sub.closed;
  }

  next(chunk: Buffer): void {
    if (this.#sub.closed) {
      this.#side.unshift(chunk); // (cannot happen: the read side checks `closed` first)
      return;
    }
    let bytes = this.#join(chunk);
    this.#pending = bytes;
    if (this.#decoder === null) {
      this.#sub.error(this.#broken);
      return;
    }
    while (bytes.length > 0) {
      let found;
      try {
        found = this.#decoder.decode(bytes);
      } catch (error) {
        this.#sub.error(error);
        return;
      }
      if (found === null) break;
      if (!this.#emit(found.frame, found.consumed, bytes)) return;
      bytes = this.#pending;
    }
    if (this.#pending.length > this.#limit)
      this.#sub.error(frameTooLong('an unfinished', this.#limit));
  }

  error(error: unknown): void {
    this.#sub.error(error);
  }

  /** The end of stream (or a local close): the rest is a last frame, or a partial-frame error. */
  complete(): void {
    const decoder = this.#decoder;
    while (this.#pending.length > 0 && decoder !== null && !this.#sub.closed) {
      let found;
      try {
        found = decoder.finish?.(this.#pending) ?? null;
      } catch (error) {
        this.#sub.error(error);
        return;
      }
      if (found === null) break;
      if (!this.#emit(found.frame, found.consumed, this.#pending)) return;
    }
    if (this.#sub.closed) return;
    if (this.#pending.length > 0) this.#sub.error(partialFrame(this.#pending.length));
    else this.#sub.complete();
  }

  /** Gives every byte not yet in an emitted frame back to the front of the stream. */
  giveBack(): void {
    const rest = this.#pending;
    this.#pending = EMPTY;
    this.#store = null;
    this.#side.unshift(rest);
  }

  /** Emits one frame; false when the subscription ended (its teardown gave the rest back). */
  #emit(frame: T, consumed: number, bytes: Buffer): boolean {
    if (!(consumed >= 1 && consumed <= bytes.length && Number.isInteger(consumed))) {
      this.#sub.error(invalid(`the decoder reported ${String(consumed)} bytes consumed`));
      return false;
    }
    // Moved past the frame before it is emitted: a take(1) in next() gives back only the rest.
    this.#pending = consumed === bytes.length ? EMPTY : bytes.subarray(consumed);
    if (this.#pending === EMPTY) this.#store = null;
    this.#sub.next(frame);
    return !this.#sub.closed;
  }

  /** `#pending` followed by `chunk`, as one Buffer (the chunk itself when nothing is pending). */
  #join(chunk: Buffer): Buffer {
    const pending = this.#pending;
    if (pending.length === 0) {
      this.#store = null;
      return chunk;
    }
    const total = pending.length + chunk.length;
    const store = this.#store;
    if (store !== null && this.#used + chunk.length <= store.length) {
      chunk.copy(store, this.#used);
      this.#used += chunk.length;
      return store.subarray(this.#used - total, this.#used);
    }
    const size = Math.max(total, Math.min(2 * total, this.#limit), MIN_STORE);
    const fresh = Buffer.allocUnsafeSlow(size);
    pending.copy(fresh, 0);
    chunk.copy(fresh, pending.length);
    this.#store = fresh;
    this.#used = total;
    return fresh.subarray(0, total);
  }
}
