/**
 * Storage for bytes read through Node's `onread` into a reused buffer: each
 * read is copied into the next free span of a shared slab, and the span is
 * handed on as a Buffer view. One allocation per 256 KiB instead of one per
 * read (Node's default path allocates 64 KiB per read, and the GC of those
 * was a fifth of the receive path's time). A span is never written again,
 * so the views are safe to keep; a slab is freed when its last view is.
 */
const SLAB = 256 * 1024;

let slab = Buffer.allocUnsafeSlow(SLAB);
let used = 0;

/** Copies `src[0, n)` into fresh slab space and returns the view. */
export function carve(src: Uint8Array, n: number): Buffer {
  if (used + n > slab.length) {
    slab = Buffer.allocUnsafeSlow(Math.max(SLAB, n));
    used = 0;
  }
  const view = slab.subarray(used, used + n);
  view.set(n === src.length ? src : src.subarray(0, n));
  used += (n + 7) & ~7; // keep spans 8-byte aligned
  return view;
}
