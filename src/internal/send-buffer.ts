import { isAllocationFailure } from './alloc';

/** Size of a slab (a larger one is made for a larger write, up to 1 MiB). */
const SLAB = 64 * 1024;

/**
 * Spare slab space shared by all streams: an idle stream gives its unused
 * slab back here (so 5,000 idle streams hold no slabs), and the next stream
 * that writes takes it (so a ping-pong does not allocate a slab per message).
 * The space is past every chunk ever handed to a transport, so nothing else
 * references it.
 */
const spares: Buffer[] = [];
const MAX_SPARES = 64;

/** Whole slabs a busy buffer keeps for its next bytes (see `recycle`): a 1 MiB bound's worth. */
const MAX_FREE = 16;
/** The free list of every buffer that has none. */
const NO_FREE: Buffer[] = [];

/** The full slabs of every buffer that has none (never written). */
const NO_SLABS: Buffer[] = [];

/**
 * The bounded send buffer's storage: accepted bytes are copied into large
 * slabs, so that many small writes leave in one syscall (coalescing) and the
 * caller may reuse its buffer as soon as a write is accepted.
 */
export class SendBuffer {
  #full: Buffer[] = NO_SLABS;
  #free: Buffer[] = NO_FREE;
  #slab: Buffer | null = null;
  #used = 0;
  #length = 0;

  /** Bytes waiting to be handed to the transport. */
  get length(): number {
    return this.#length;
  }

  /**
   * Copies `src[start, start + n)` in (the caller has checked the room);
   * returns how many bytes it copied: fewer than `n` only when a slab could
   * not be allocated (then `failure` holds the RangeError), and exactly those
   * are counted and will leave.
   */
  append(src: Uint8Array, start: number, n: number): number {
    let done = 0;
    this.failure = null;
    while (done < n) {
      if (this.#slab === null) {
        const slab =
          this.#free.pop() ??
          spares.pop() ??
          this.#allocate(Math.max(SLAB, Math.min(n - done, 1024 * 1024)));
        if (slab === null) break;
        this.#slab = slab;
        this.#used = 0;
      }
      const take = Math.min(this.#slab.length - this.#used, n - done);
      const whole = start + done === 0 && take === src.length;
      this.#slab.set(whole ? src : src.subarray(start + done, start + done + take), this.#used);
      this.#used += take;
      done += take;
      if (this.#used === this.#slab.length) {
        if (this.#full === NO_SLABS) this.#full = [];
        this.#full.push(this.#slab);
        this.#slab = null;
      }
    }
    this.#length += done;
    return done;
  }

  /**
   * Copies all of `src` (whose real length is `n`) into the open slab when
   * it fits there with room to spare (the slab stays open); false, nothing
   * done, otherwise. Reads `src` only through the built-in copy, so `src`
   * need not be a plain Buffer or Uint8Array (see `trusted`).
   */
  appendWhole(src: Uint8Array, n: number): boolean {
    const slab = this.#slab;
    if (slab === null || this.#used + n >= slab.length) return false;
    slab.set(src, this.#used);
    this.#used += n;
    this.#length += n;
    this.failure = null;
    return true;
  }

  /** Why the last `append` copied fewer bytes than asked (an allocation failure), or null. */
  failure: unknown = null;

  #allocate(size: number): Buffer | null {
    try {
      return Buffer.allocUnsafe(size);
    } catch (error) {
      if (!isAllocationFailure(error)) throw error;
      this.failure = error;
      return null;
    }
  }

  /** Gives the unused slab and the free ones back to the shared spares (the stream went idle). */
  trim(): void {
    if (this.#free !== NO_FREE) {
      for (const slab of this.#free) if (spares.length < MAX_SPARES) spares.push(slab);
      this.#free = NO_FREE;
    }
    if (this.#used > 0 || this.#slab === null) return;
    if (spares.length < MAX_SPARES) spares.push(this.#slab);
    this.#slab = null;
  }

  /**
   * Takes back the whole slabs among `chunks` — chunks this buffer's
   * `take()` returned and the transport is done with (written at once, or
   * their write called back), so nothing references them — for its next
   * bytes. A burst then reuses a few slabs instead of leaving a 64 KiB one
   * to the garbage collector per 64 KiB sent (that doubled the memory a
   * `writeFrom` of a generator peaked at). A slab `take()` split (its
   * rest went on filling) comes back with its last piece: writes are done
   * in order, so the earlier pieces are done too. Any other piece is left
   * alone. `trim()` gives them up.
   */
  recycle(chunks: readonly Buffer[]): void {
    if (!reuse) return;
    for (const chunk of chunks) {
      const slab = chunk.buffer;
      if (slab.byteLength !== SLAB || chunk.byteOffset + chunk.length !== SLAB) continue;
      if (this.#free === NO_FREE) this.#free = [];
      if (this.#free.length >= MAX_FREE) return;
      this.#free.push(chunk.byteOffset === 0 ? chunk : Buffer.from(slab, 0, SLAB));
    }
  }

  /** Removes and returns every waiting byte as a list of chunks, in order. */
  take(): Buffer[] {
    const out = this.#full === NO_SLABS ? [] : this.#full;
    if (this.#slab !== null && this.#used > 0) {
      out.push(this.#slab.subarray(0, this.#used));
      // The rest of the slab stays usable: the next append starts after it.
      this.#slab = this.#slab.length - this.#used >= 4096 ? this.#slab.subarray(this.#used) : null;
      this.#used = 0;
    }
    this.#full = NO_SLABS;
    this.#length = 0;
    return out;
  }
}

let reuse = true;

/**
 * Empties the shared spares and, until `reuseSlabs(true)`, stops buffers
 * taking back written slabs (specs that must see every slab allocation).
 */
export function dropSpareSlabs(): void {
  spares.length = 0;
  reuse = false;
}

/** Whether buffers take back written slabs (`recycle`); on unless `dropSpareSlabs` turned it off. */
export function reuseSlabs(on: boolean): void {
  reuse = on;
}
