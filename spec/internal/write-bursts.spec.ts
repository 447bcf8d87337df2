import { DataOp, WriteSide } from '../../src/internal/write-side';
import { fakeHost, recorder } from './fake-host';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
