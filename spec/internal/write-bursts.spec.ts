import type { Subscriber } from 'rxjs';
import { DataOp, WriteSide } from '../../src/internal/write-side';
import { fakeHost } from './fake-host';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A subscriber that records what a write operation emits. */
function recorder(): { sub: Subscriber<number>; results: number[] } {
  const results: number[] = [];
  const sub = {
    closed: false,
    next: (n: number) => results.push(n),
    error: fail,
    complete: () => undefined,
  } as unknown as Subscriber<number>;
  return { sub, results };
}

describe('write bursts (large writes on a socket)', () => {
  it("copies a 64 KiB write that waits behind a write in flight: it completes at once and leaves at that write's callback", async () => {
    const { host, written, complete } = fakeHost(); // its transport never takes a write at once
    const side = new WriteSide(host, 1024 * 1024);
    side.accept(Buffer.from('head'), 0, 4);
    await tick(); // the run's flush: 'head' is in flight now
    expect(written.map((c) => c.toString())).toEqual(['head']);
    const big = Buffer.alloc(64 * 1024, 0x61);
    const { sub, results } = recorder();
    side.attach(new DataOp('all', sub, big, big.length, side));
    expect(results).toEqual([big.length]); // accepted (copied) without waiting for the kernel
    big.fill(0x62); // the caller's buffer is free
    expect(written.length).toBe(1);
    complete(); // 'head' is done: the copy leaves
    expect(Buffer.concat(written.slice(1)).equals(Buffer.alloc(64 * 1024, 0x61))).toBeTrue();
  });

  it('sends the first 64 KiB write of a run by reference, and waits for the kernel', () => {
    const { host, written, complete } = fakeHost();
    const side = new WriteSide(host, 1024 * 1024);
    const idle = side.buffer;
    const big = Buffer.alloc(64 * 1024, 0x61);
    const { sub, results } = recorder();
    side.attach(new DataOp('all', sub, big, big.length, side));
    expect(results).toEqual([]); // by reference: done when the kernel has it
    expect(side.buffer).toBe(idle); // nothing copied
    complete();
    expect(results).toEqual([big.length]);
    expect(written.length).toBe(1);
  });

  it('sends a 256 KiB write behind one in flight by reference (too large to be worth a copy)', async () => {
    const { host, written, complete } = fakeHost();
    const side = new WriteSide(host, 1024 * 1024);
    side.accept(Buffer.from('head'), 0, 4);
    await tick();
    const big = Buffer.alloc(256 * 1024, 0x61);
    const { sub, results } = recorder();
    side.attach(new DataOp('all', sub, big, big.length, side));
    expect(results).toEqual([]);
    expect(written.length).toBe(2); // handed on behind 'head' (Node keeps writes in order)
    complete();
    expect(results).toEqual([big.length]);
  });
});
