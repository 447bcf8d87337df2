/**
 * A FIFO of received Buffers with a running byte count. Chunks are kept as
 * they arrived (no copy on push); `copyTo` copies into a caller's buffer and
 * `shift` hands a whole chunk over, so `reads$` stays zero-copy.
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  #head = 0; // index of the first live chunk in #chunks
  #offset = 0; // bytes of #chunks[#head] already consumed
  #length = 0;
  #lent: Buffer | null = null; // a chunk in a transport's reused buffer (see `lend`)
  #lentEscaped = false; // it was handed out whole by `shift`

  /** Bytes waiting. */
  get length(): number {
    return this.#length;
  }

  /** Appends a chunk (kept by reference). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /**
   * Appends a chunk that lives in a transport's reused buffer; `settleLent`
   * must follow before the transport reads again.
   */
  pushLent(chunk: Buffer): void {
    this.#lent = chunk;
    this.#lentEscaped = false;
    this.push(chunk);
  }

  /**
   * After a `pushLent`: true when the lent chunk is still referenced (handed
   * out by `shift`, or still queued and at least `keepMin` bytes of it left).
   * A smaller rest still queued is copied out, so the buffer can be reused.
   */
  settleLent(keepMin: number): boolean {
    const lent = this.#lent;
    this.#lent = null;
    if (lent === null) return false;
    if (this.#lentEscaped) return true;
    const last = this.#chunks.length - 1;
    if (this.#length === 0 || this.#chunks[last] !== lent) return false; // copied out whole
    const offset = last === this.#head ? this.#offset : 0;
    if (lent.length - offset >= keepMin) return true;
    this.#chunks[last] = Buffer.from(lent.subarray(offset));
    if (last === this.#head) this.#offset = 0;
    return false;
  }

  /** Removes and returns the next chunk (or what remains of it). */
  shift(): Buffer | undefined {
    if (this.#length === 0) return undefined;
    let chunk = this.#chunks[this.#head];
    if (chunk === this.#lent) this.#lentEscaped = true;
    if (this.#offset > 0) chunk = chunk.subarray(this.#offset);
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

  #advance(): void {
    this.#offset = 0;
    // Drop the consumed chunk now: kept until the next compaction, read chunks lived long
    // enough to reach the old generation and RSS grew until a full GC (slow-consumer bench).
    (this.#chunks as Array<Buffer | undefined>)[this.#head] = undefined;
    this.#head += 1;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}
