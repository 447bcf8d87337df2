/**
 * WriteSide's fast path for a small write of a whole buffer (`acceptWhole`):
 * copied into the open slab at subscription and answered without an
 * operation, and only when nothing else could be going on.
 */
import { deliverNow } from '../../src/internal/host';
import { DataOp, WriteSide } from '../../src/internal/write-side';
import { fakeHost, recorder } from './fake-host';

/** A side whose send buffer has an open slab (after one write the general way). */
function openSide(cap = 1024 * 1024, direct = true) {
  const fake = fakeHost();
  const host = { ...fake.host, direct };
  const side = new WriteSide(host, cap);
  side.accept(Buffer.from('head'), 0, 4);
  return { side, ...fake };
}

describe('WriteSide.acceptWhole (small whole writes)', () => {
  it('copies the bytes, answers at once and attaches nothing; they leave with the run', async () => {
    const { side, written } = openSide();
    const { sub, results } = recorder();
    const msg = Buffer.from('hello');
    expect(side.acceptWhole(sub, msg, msg.length)).toBeTrue();
    expect(results).toEqual([5]);
    expect(side.busy).toBeFalse();
    expect(side.idle).toBeTrue();
    expect(side.bytes).toBe(9);
    msg.fill(0x7a); // the caller's buffer is free at once: the bytes were copied
    await Promise.resolve();
    expect(Buffer.concat(written).toString()).toBe('headhello');
  });

  it('does not apply on an idle side with no open slab (the general path allocates one)', () => {
    const { host } = fakeHost();
    const side = new WriteSide(host, 1024);
    const { sub, results } = recorder();
    expect(side.acceptWhole(sub, Buffer.from('x'), 1)).toBeFalse();
    expect(results).toEqual([]);
    expect(side.bytes).toBe(0);
  });

  it('does not apply while an operation is attached, so the one-operation rule still refuses', () => {
    const { side } = openSide();
    const first = recorder();
    const big = Buffer.alloc(2 * 1024 * 1024);
    side.attach(new DataOp('all', first.sub, big, big.length, side)); // waits for room
    const { sub, results } = recorder();
    expect(side.acceptWhole(sub, Buffer.from('x'), 1)).toBeFalse();
    expect(results).toEqual([]);
  });

  it('does not apply when the bytes do not fit the room, nor for 64 KiB (zero-copy size)', () => {
    const small = openSide(8);
    expect(small.side.acceptWhole(recorder().sub, Buffer.from('12345'), 5)).toBeFalse();
    const { side } = openSide();
    const big = Buffer.alloc(64 * 1024);
    expect(side.acceptWhole(recorder().sub, big, big.length)).toBeFalse();
    expect(side.bytes).toBe(4);
  });

  it('does not apply with a scheduler (marble tests keep their frames)', () => {
    const { side } = openSide(1024, false);
    expect(side.acceptWhole(recorder().sub, Buffer.from('x'), 1)).toBeFalse();
  });

  it('answers after the delivery running now, and the side is not idle until then', () => {
    const { side } = openSide();
    const { sub, results } = recorder();
    deliverNow(() => {
      expect(side.acceptWhole(sub, Buffer.from('abc'), 3)).toBeTrue();
      expect(results).toEqual([]); // queued behind this delivery
      expect(side.idle).toBeFalse();
    });
    expect(results).toEqual([3]);
    expect(side.idle).toBeTrue();
  });
});
