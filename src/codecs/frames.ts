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
import { asOutOfMemory } from '../internal/alloc';
import { copyOf } from '../internal/byte-queue';
import { FRAME_OVERHEAD, frameTooLong, partialFrame, type Codec, type Decoder } from './codec';

const EMPTY = Buffer.alloc(0);

/** Where leftover bytes go back to: the stream's read side (or a test kit's collector). */
export interface GiveBack {
  unshift(chunk: Buffer): void;
  /** Bytes could not be given back (no memory to copy them): the stream must fail. */
  lost?(error: unknown): void;
}
const MIN_STORE = 4096;
/** Bytes of an in-place chunk first joined to a pending frame: a short line's worth and more. */
const FIRST_BRIDGE = 256;

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
  // Received, not yet part of an emitted frame: #buf[#start..]. In the store state #buf is
  // #store.subarray(0, #used); in the view state it is the last chunk.
  #buf: Buffer = EMPTY;
  #start = 0;
  #store: Buffer | null = null;
  #used = 0;
  /**
   * The chunk being decoded in place (see `#inPlace`): lent (`borrow`) or
   * owned (`next`); its bytes from #inPlaceAt on are not in #buf.
   */
  #inPlaceChunk: Buffer | null = null;
  #inPlaceAt = 0;
  #lent = false; // whether #inPlaceChunk is lent memory (copied to be kept)
  /** A store no frame refers to (independent frames only): reused for a lent chunk's rest. */
  #spare: Buffer | null = null;
  readonly borrow: ((view: Buffer) => void) | undefined;

  constructor(sub: Subscriber<T>, codec: Codec<T>, side: GiveBack) {
    this.#sub = sub;
    this.#side = side;
    let decoder: Decoder<T> | null = null;
    try {
      decoder = codec.decoder();
    } catch (error) {
      sub.error(error); // at subscription: the read side lets go of a closed consumer at once
    }
    this.#decoder = decoder;
    const max = codec.maxLength;
    this.#limit = typeof max === 'number' && max > 0 ? max + FRAME_OVERHEAD : FRAME_OVERHEAD;
    this.borrow = codec.independentFrames === true ? (view) => this.#borrow(view) : undefined;
  }

  get closed(): boolean {
    return this.#sub.closed;
  }

  next(chunk: Buffer): void {
    this.#inPlace(chunk, false);
  }

  error(error: unknown): void {
    this.#sub.error(error);
  }

  /** The end of stream (or a local close): the rest is a last frame, or a partial-frame error. */
  complete(): void {
    const decoder = this.#decoder;
    while (this.#start < this.#buf.length && decoder !== null && !this.#sub.closed) {
      let found;
      try {
        found = decoder.finish?.(this.#buf, this.#start) ?? null;
      } catch (error) {
        this.#sub.error(error);
        return;
      }
      if (found === null) break;
      if (!this.#emit(found.frame, found.consumed)) return;
    }
    if (this.#sub.closed) return;
    const left = this.#buf.length - this.#start;
    if (left > 0) this.#sub.error(partialFrame(left));
    else this.#sub.complete();
  }

  /** Gives every byte not yet in an emitted frame back to the front of the stream. */
  giveBack(): void {
    const buf = this.#buf;
    const chunk = this.#inPlaceChunk;
    let rest = this.#start < buf.length ? buf.subarray(this.#start) : EMPTY;
    let after = chunk !== null ? chunk.subarray(this.#inPlaceAt) : EMPTY;
    const lent = chunk !== null && this.#lent;
    this.#buf = EMPTY;
    this.#start = 0;
    this.#store = null;
    this.#spare = null;
    this.#inPlaceChunk = null;
    try {
      // Lent bytes go back as copies: the transport reads into their memory again.
      if (lent && after.length > 0) after = copyOf(after);
      if (lent && rest.length > 0 && buf === chunk) rest = copyOf(rest);
    } catch (error) {
      // No memory for the copies: those bytes are lost, so the stream must fail (OutOfMemory).
      this.#side.lost?.(asOutOfMemory(error, 'no memory to give back unread bytes'));
      return;
    }
    if (after.length > 0) this.#side.unshift(after);
    this.#side.unshift(rest);
  }

  /** Decodes the frames in #buf[#start..]; false when the subscription ended. */
  #decodeAll(): boolean {
    const decoder = this.#decoder;
    if (decoder === null) return false; // (never: its subscriber errored at subscription)
    const bytes = this.#buf;
    while (this.#start < bytes.length) {
      let found;
      try {
        found = decoder.decode(bytes, this.#start);
      } catch (error) {
        this.#sub.error(asOutOfMemory(error, 'the decoder ran out of memory'));
        return false;
      }
      if (found === null) break;
      if (!this.#emit(found.frame, found.consumed)) return false;
    }
    if (bytes.length - this.#start > this.#limit) {
      this.#sub.error(frameTooLong('an unfinished', this.#limit));
      return false;
    }
    return true;
  }

  /** Emits one frame; false when the subscription ended (its teardown gave the rest back). */
  #emit(frame: T, consumed: number): boolean {
    const left = this.#buf.length - this.#start;
    if (!(consumed >= 1 && consumed <= left && Math.floor(consumed) === consumed)) {
      this.#sub.error(invalid(`the decoder reported ${String(consumed)} bytes consumed`));
      return false;
    }
    // Moved past the frame before it is emitted: a take(1) in next() gives back only the rest.
    this.#start += consumed;
    this.#sub.next(frame);
    return !this.#sub.closed;
  }

  /** Makes #buf[#start..] the pending bytes followed by `chunk` (the chunk itself when none). */
  #join(chunk: Buffer): void {
    const left = this.#buf.length - this.#start;
    if (left === 0) {
      this.#buf = chunk;
      this.#start = 0;
      this.#store = null;
      return;
    }
    const total = left + chunk.length;
    const store = this.#store;
    if (store !== null && this.#used + chunk.length <= store.length) {
      chunk.copy(store, this.#used);
      this.#used += chunk.length;
      this.#buf = store.subarray(0, this.#used);
      return;
    }
    const size = Math.max(total, Math.min(2 * total, this.#limit), MIN_STORE);
    const fresh = Buffer.allocUnsafe(size); // under half of Buffer.poolSize: from Node's pool
    this.#buf.copy(fresh, 0, this.#start);
    chunk.copy(fresh, left);
    this.#store = fresh;
    this.#used = total;
    this.#buf = fresh.subarray(0, total);
    this.#start = 0;
  }

  /**
   * Decodes bytes that live in the transport's read buffer (independent
   * frames only): frames straight out of `view`, and what is left of it
   * copied into a store before returning, so the buffer can be read into
   * again.
   */
  #borrow(view: Buffer): void {
    this.#inPlace(view, true);
  }

  /**
   * Decodes `chunk` where it is: bytes pending from earlier chunks are joined
   * with just enough of it to finish their frame (see `#bridge`), and the
   * frames after that are decoded straight out of it, so a frame split
   * between reads costs a copy of that frame, not of the whole next chunk.
   * A lent chunk's rest then moves into memory of ours (`#keepRest`).
   */
  #inPlace(chunk: Buffer, lent: boolean): void {
    this.#inPlaceChunk = chunk;
    this.#inPlaceAt = 0;
    this.#lent = lent;
    try {
      const at = this.#buf.length > this.#start ? this.#bridge(chunk) : 0;
      if (at >= 0) {
        // A store no frame refers to (independent frames) serves the next rest.
        if (lent && this.#store !== null) this.#spare = this.#store;
        this.#store = null;
        this.#buf = chunk;
        this.#start = at;
        this.#inPlaceAt = chunk.length;
        this.#decodeAll();
      }
    } finally {
      if (lent && this.#inPlaceChunk === chunk) this.#keepRest(chunk);
      this.#inPlaceChunk = null;
    }
  }

  /**
   * Copies `view` into the pending bytes' store a piece at a time
   * ({@link FIRST_BRIDGE} bytes or twice the pending bytes, doubling), decoding after each, until a
   * frame ends inside `view`. Returns the offset in `view` to decode the
   * rest from; -1 when all of `view` was joined or the subscription ended.
   */
  #bridge(view: Buffer): number {
    let step = Math.max(FIRST_BRIDGE, 2 * (this.#buf.length - this.#start));
    while (this.#inPlaceAt < view.length) {
      const end = Math.min(view.length, this.#inPlaceAt + step);
      try {
        this.#join(view.subarray(this.#inPlaceAt, end));
      } catch (error) {
        // No memory to keep a partial frame with the next bytes: the frames cannot go on; the
        // piece is still part of the chunk's bytes giveBack puts back, so no byte is lost.
        this.#sub.error(asOutOfMemory(error, 'no memory for the partial frame'));
        return -1;
      }
      this.#inPlaceAt = end;
      const before = this.#buf.length - this.#start;
      if (!this.#decodeAll()) return -1;
      const left = this.#buf.length - this.#start;
      // Every byte left came from `view`: go on from `view` itself.
      if (left < before && left <= end) return end - left;
      step *= 2;
    }
    return -1;
  }

  /** After a borrow: the bytes still pending from `view` move into memory of our own. */
  #keepRest(view: Buffer): void {
    if (this.#buf !== view) return; // joined into a store, or given back
    const left = view.length - this.#start;
    const from = this.#start;
    this.#buf = EMPTY; // never left pointing into the read buffer, even without memory
    this.#start = 0;
    if (left === 0) return;
    let store = this.#spare;
    this.#spare = null;
    if (store === null || store.length < left) {
      store = Buffer.allocUnsafe(Math.max(left, MIN_STORE)); // may throw: the read side fails then
    }
    view.copy(store, 0, from);
    this.#store = store;
    this.#used = left;
    this.#buf = store.subarray(0, left);
  }
}
