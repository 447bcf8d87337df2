import { carve, consumed, escaped } from '../../src/internal/receive-slab';

const KiB = 1024;

function filled(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i += 1) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** Carves enough 64 KiB views to fill several slabs; returns them with their sources. */
function carveMany(count: number, seedBase: number): Array<[Buffer, Buffer]> {
  const out: Array<[Buffer, Buffer]> = [];
  for (let i = 0; i < count; i += 1) {
    const src = filled(64 * KiB, seedBase + i);
    out.push([carve(src, src.length), src]);
  }
  return out;
}

describe('receive slabs', () => {
  it('copies the first n bytes of the read buffer into a view of its own', () => {
    const src = filled(4 * KiB, 1);
    const view = carve(src, 1000);
    expect(view.length).toBe(1000);
    expect(view.equals(src.subarray(0, 1000))).toBeTrue();
    src.fill(0); // the read buffer is reused by the next read
    expect(view.equals(filled(4 * KiB, 1).subarray(0, 1000))).toBeTrue();
    consumed(view);
  });

  it('never writes again into a slab one of whose views escaped to user code', () => {
    const kept = carveMany(12, 10); // three slabs' worth
    for (const [view] of kept) escaped(view);
    for (const [view] of kept) consumed(view);
    carveMany(24, 50).forEach(([view]) => consumed(view)); // churn: reuse whatever is reusable
    for (const [view, src] of kept) expect(view.equals(src)).toBeTrue();
  });

  it('reuses a full slab once all its views were consumed, without touching live views', () => {
    const first = carveMany(8, 100);
    first.forEach(([view]) => consumed(view)); // copied out: reusable
    const live = carveMany(8, 200); // may land in the recycled space, kept unconsumed
    carveMany(8, 300).forEach(([view]) => consumed(view));
    for (const [view, src] of live) expect(view.equals(src)).toBeTrue();
    const reused = live.some(([view]) => first.some(([old]) => old.buffer === view.buffer));
    expect(reused).withContext('a consumed slab is written again').toBeTrue();
    live.forEach(([view]) => consumed(view));
  });
});
