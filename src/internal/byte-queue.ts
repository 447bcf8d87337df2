import type { LendOutcome } from '../transport';

/** The chunks of every empty queue (never written: a queue gets its own array on its first push). */
const NO_CHUNKS: Buffer[] = [];

/**
 * A FIFO of received Buffers with a running byte count. Chunks are kept as
 * they arrived (no copy on push); `copyTo` copies into a caller's buffer and
 * `shift` hands a whole chunk over, so `reads$` stays zero-copy. A chunk
 * lent from a transport's read buffer is settled before the call that lent
 * it returns (`pushLent`/`settleLent`).
 */
export class ByteQueue {
  #chunks: Buffer[] = NO_CHUNKS;
  #head = 0; // index of the first live chunk in #chunks
  #offset = 0; // bytes of #chunks[#head] already consumed
  #length = 0;
  // A chunk in a transport's read buffer, between `pushLent` and `settleLent`:
  #lent: Buffer | null = null;
  #lentMayKeep = false; // whether it may be handed out by reference
  #lentKeepMin = 0; // how large a part counts as worth keeping
  #lentOutcome: LendOutcome = 'free';

  /** Bytes waiting. */
  get length(): number {
    return this.#length;
  }

  /** True when nothing is queued and no lent chunk awaits `settleLent`. */
  get idle(): boolean {
    return this.#length === 0 && this.#lent === null;
  }

  /** Appends a chunk (kept by reference). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#chunks === NO_CHUNKS) this.#chunks = [];
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** Puts a chunk (kept by reference) in front of everything queued. */
  unshift(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const head = this.#chunks[this.#head];
    if (this.#offset > 0) {
      const rest = head.subarray(this.#offset);
      if (head === this.#lent) this.#lent = rest; // still settled as the lent chunk
      this.#chunks[this.#head] = rest;
      this.#offset = 0;
    }
    if (this.#head > 0) {
      this.#head -= 1;
      this.#chunks[this.#head] = chunk;
    } else {
      this.#chunks = this.#length === 0 ? [chunk] : [chunk, ...this.#chunks];
    }
    this.#length += chunk.length;
  }

  /**
   * Appends a chunk that lives in a transport's read buffer (see
   * `TransportEvents.lend`); `settleLent` must follow before the transport
   * reads again. Without `mayKeep`, `shift` hands out a copy of it.
   */
  pushLent(chunk: Buffer, mayKeep: boolean, keepMin: number): void {
    this.#lent = chunk;
    this.#lentMayKeep = mayKeep;
    this.#lentKeepMin = keepMin;
    this.#lentOutcome = 'free';
    this.push(chunk);
  }

  /**
   * After a `pushLent`: whether the lent chunk is still referenced. A rest
   * still queued is kept by reference when allowed and at least `keepMin`
   * bytes, else copied out, so the buffer can be read into again.
   */
  settleLent(): LendOutcome {
    const lent = this.#lent;
    if (lent === null) return 'free';
    this.#lent = null;
    const last = this.#chunks.length - 1;
    if (this.#length === 0 || this.#chunks[last] !== lent) return this.#lentOutcome;
    const offset = last === this.#head ? this.#offset : 0;
    const large = lent.length - offset >= this.#lentKeepMin;
    if (large && this.#lentMayKeep) return 'kept';
    this.#chunks[last] = copyOf(lent.subarray(offset));
    if (last === this.#head) this.#offset = 0;
    return large ? 'copied' : this.#lentOutcome;
  }

  /**
   * After a failed `settleLent` or hand-out (no memory for the copy): drops
   * what is left of the lent chunk, which must not stay referenced, so the
   * queue holds exactly the bytes before it.
   */
  dropLent(): void {
    const lent = this.#lent;
    this.#lent = null;
    if (lent === null || this.#length === 0) return;
    const last = this.#chunks.length - 1;
    if (this.#chunks[last] !== lent) return;
    const rest = lent.length - (last === this.#head ? this.#offset : 0);
    this.#length -= rest;
    this.#chunks.pop();
    if (last === this.#head) {
      this.#offset = 0;
      if (this.#length === 0) {
        this.#chunks = NO_CHUNKS;
        this.#head = 0;
      }
    }
  }

  /** Removes and returns the next chunk (or what remains of it). */
  shift(): Buffer | undefined {
    if (this.#length === 0) return undefined;
    let chunk = this.#chunks[this.#head];
    const lent = chunk === this.#lent;
    if (this.#offset > 0) chunk = chunk.subarray(this.#offset);
    if (lent) chunk = this.#handOutLent(chunk);
    this.#advance();
    this.#length -= chunk.length;
    return chunk;
  }

  /** Copies up to `max` bytes into `target` at 0, consuming them; returns the count. */
  copyTo(target: Uint8Array, max: number): number {
    let copied = 0;
    while (copied < max && this.#length > 0) {
      const chunk = this.#chunks[this.#head];
      const available = chunk.length - this.#offset;
      const n = Math.min(available, max - copied);
      target.set(chunk.subarray(this.#offset, this.#offset + n), copied);
      copied += n;
      this.#length -= n;
      if (n === available) this.#advance();
      else this.#offset += n;
    }
    return copied;
  }

  /** Removes and returns everything, in order. */
  drain(): Buffer[] {
    const out: Buffer[] = [];
    for (let chunk = this.shift(); chunk !== undefined; chunk = this.shift()) out.push(chunk);
    return out;
  }

  /** The lent chunk leaves by `shift`: by reference when allowed, else as a copy. */
  #handOutLent(chunk: Buffer): Buffer {
    if (this.#lentMayKeep) {
      this.#lentOutcome = 'kept';
      return chunk;
    }
    if (chunk.length >= this.#lentKeepMin) this.#lentOutcome = 'copied';
    return copyOf(chunk);
  }

  #advance(): void {
    this.#offset = 0;
    // Drop the consumed chunk now: kept until the next compaction, read chunks lived long
    // enough to reach the old generation and RSS grew until a full GC (slow-consumer bench).
    (this.#chunks as Array<Buffer | undefined>)[this.#head] = undefined;
    this.#head += 1;
    if (this.#head === this.#chunks.length) {
      this.#chunks = NO_CHUNKS; // an idle stream keeps no array
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}

/**
 * A copy of `bytes` in memory of its own. Not `Buffer.from`, which
 * zero-fills a fresh ArrayBuffer before copying into it (a third of the
 * receive time at 1,000 streams); small copies share Node's pool.
 */
export function copyOf(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  out.set(bytes);
  return out;
}
