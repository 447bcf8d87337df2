/**
 * The consumer of a `readsInto(buf)` subscription: Node's `onread` as an
 * observable of byte counts, each the next bytes of the stream sitting at
 * the front of one caller's buffer.
 *
 * @module
 */
import type { Subscriber } from 'rxjs';
import { invalid } from '../errors';
import { isAllocationFailure } from './alloc';
import { copyOf } from './byte-queue';
import type { ChunkSink } from './read-ops';
import type { ReadSide } from './read-side';
import { goneProblem } from './validate';

/**
 * Copies each chunk into the caller's buffer, one buffer's worth at a
 * time, and emits each count; the subscriber is done with the bytes when
 * its `next` returns. A transport that reads straight into {@link into}
 * lends a view of it, which is emitted without a copy. When the
 * subscription ends inside a chunk, the rest goes back to the stream.
 */
export class ReadsIntoSink implements ChunkSink {
  readonly #sub: Subscriber<number>;
  readonly #side: Pick<ReadSide, 'unshift' | 'lost'>;
  readonly #buf: Buffer; // the caller's memory, as a Buffer (what Node's onread takes)
  readonly #size: number;

  constructor(sub: Subscriber<number>, buf: Uint8Array, side: Pick<ReadSide, 'unshift' | 'lost'>) {
    this.#sub = sub;
    this.#side = side;
    this.#buf = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
    this.#size = buf.length;
  }

  get closed(): boolean {
    return this.#sub.closed;
  }

  /**
   * The caller's buffer, which a transport may read the next bytes into
   * while this sink is the one reading them straight off the transport;
   * null once it was detached (transferred) or shrank.
   */
  get into(): Buffer | null {
    return this.#buf.length === this.#size ? this.#buf : null;
  }

  next(chunk: Buffer): void {
    this.#deliver(chunk, false);
  }

  /** A chunk in the transport's read buffer, or in the caller's buffer itself (see {@link into}). */
  borrow(view: Buffer): void {
    this.#deliver(view, true);
  }

  error(error: unknown): void {
    this.#sub.error(error);
  }

  complete(): void {
    this.#sub.complete();
  }

  #deliver(chunk: Buffer, lent: boolean): void {
    const buf = this.#buf;
    // Read straight into the caller's buffer: its first buffer's worth is in place already.
    const inPlace = chunk.buffer === buf.buffer && chunk.byteOffset === buf.byteOffset;
    for (let at = 0; at < chunk.length;) {
      if (this.#sub.closed) {
        this.#giveBack(chunk.subarray(at), lent);
        return;
      }
      const gone = goneProblem(buf, this.#size, 'read');
      if (gone !== null) {
        this.#giveBack(chunk.subarray(at), lent); // nothing of it consumed
        this.#sub.error(invalid(gone));
        return;
      }
      const n = Math.min(this.#size, chunk.length - at);
      if (at > 0 || !inPlace) chunk.copy(buf, 0, at, at + n); // (copy handles overlap)
      at += n;
      this.#sub.next(n);
    }
  }

  /** Bytes not emitted go back to the front of the stream (copied out of lent memory). */
  #giveBack(rest: Buffer, lent: boolean): void {
    let chunk = rest;
    if (lent) {
      try {
        chunk = copyOf(rest);
      } catch (error) {
        if (!isAllocationFailure(error)) throw error;
        this.#side.lost(error);
        return;
      }
    }
    this.#side.unshift(chunk);
  }
}
