/**
 * Storage for bytes read through Node's `onread` into a reused buffer: each
 * read is copied into the next free span of a shared slab, and the span is
 * handed on as a Buffer view (one allocation per 256 KiB instead of Node's
 * one 64 KiB Buffer per read).
 *
 * Slabs are recycled: a slab that is full, whose every view has been
 * consumed by a copying reader (`tryRead`, `read`: see {@link consumed}), and
 * none of whose views was handed to user code ({@link escaped}: `reads$`),
 * goes back to a small free list and is written again. A slab any view of
 * which escaped is never written again; the GC frees it with its last view.
 */
const SLAB = 256 * 1024;
const MAX_FREE = 16;

interface Slab {
  readonly buf: Buffer;
  used: number;
  live: number; // views carved and not yet consumed
  escaped: boolean; // a view reached user code: never reuse
  full: boolean; // no longer the current slab
}

const slabs = new WeakMap<ArrayBufferLike, Slab>();
const free: Slab[] = [];
let current = makeSlab(SLAB);

function makeSlab(size: number): Slab {
  const slab: Slab = {
    buf: Buffer.allocUnsafeSlow(size),
    used: 0,
    live: 0,
    escaped: false,
    full: false,
  };
  slabs.set(slab.buf.buffer, slab);
  return slab;
}

function recycle(slab: Slab): void {
  if (!slab.full || slab.live > 0 || slab.escaped || free.length >= MAX_FREE) return;
  slab.used = 0;
  slab.full = false;
  free.push(slab);
}

/** Copies `src[0, n)` into fresh slab space and returns the view. */
export function carve(src: Uint8Array, n: number): Buffer {
  if (n === 0) return Buffer.alloc(0);
  if (current.used + n > current.buf.length) {
    current.full = true;
    const old = current;
    current = free.pop() ?? makeSlab(Math.max(SLAB, n));
    recycle(old);
    if (current.used + n > current.buf.length) current = makeSlab(Math.max(SLAB, n));
  }
  const view = current.buf.subarray(current.used, current.used + n);
  view.set(n === src.length ? src : src.subarray(0, n));
  current.used += (n + 7) & ~7; // keep spans 8-byte aligned
  current.live += 1;
  return view;
}

/** A view's bytes were all copied out and it is dropped: its slab may be reused. */
export function consumed(chunk: Uint8Array): void {
  const slab = slabs.get(chunk.buffer);
  if (slab === undefined) return;
  slab.live -= 1;
  recycle(slab);
}

/** A view (or part of one) was handed to user code: its slab is never written again. */
export function escaped(chunk: Uint8Array): void {
  const slab = slabs.get(chunk.buffer);
  if (slab !== undefined) slab.escaped = true;
}
