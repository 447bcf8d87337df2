/**
 * LendingReader's choice of buffer for each read, driven as Node drives an
 * `onread` socket: each read lands in the reader's own buffer when it has
 * one, else in a shared one, and the target says what it did with the bytes.
 * A target that keeps bulk gets buffers of the socket's own that grow while
 * reads fill them (64 KiB up to 256 KiB) and shrink when reads find less.
 */
import { LendingReader, WAIT_BUDGET } from '../../src/node-socket/lending';
import type { LendOutcome } from '../../src/transport';

const KiB = 1024;

/**
 * A reader whose target keeps every full read it may keep, and copies the
 * rest; `caller.buffer` is the buffer of a `readsInto` it asks the reader to
 * read into next (null: none).
 */
function keeper(): { reader: LendingReader; kept: Buffer[]; caller: { buffer: Buffer | null } } {
  const reader = new LendingReader();
  const kept: Buffer[] = [];
  const caller: { buffer: Buffer | null } = { buffer: null };
  reader.attach({
    onLend(view: Buffer, mayKeep: boolean): LendOutcome {
      kept.push(mayKeep ? view : Buffer.from(view));
      return mayKeep ? 'kept' : 'copied';
    },
    nextBuffer: () => caller.buffer,
  });
  return { reader, kept, caller };
}

describe('LendingReader', () => {
  const shared = Buffer.alloc(64 * KiB); // stands for the shared buffer: never the reader's own
  afterEach(() => shared.fill(0));

  /** One read of `n` bytes (filled with `byte`) into the buffer Node would use; returns it. */
  function read(reader: LendingReader, n: number, byte: number): Buffer {
    const buf = reader.own ?? shared;
    buf.fill(byte, 0, Math.min(n, buf.length));
    reader.read(Math.min(n, buf.length), buf);
    reader.release();
    return buf;
  }

  it('gives a consumer of bulk buffers of its own that double while reads fill them', () => {
    const { reader } = keeper();
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      read(reader, 1 << 30, i); // the kernel has more than any buffer
      sizes.push(reader.own?.length ?? 0);
    }
    // Two shared reads held on to (more than 64 KiB), then 64, 128, 256, 256 KiB of its own.
    expect(sizes).toEqual([0, 64 * KiB, 128 * KiB, 256 * KiB, 256 * KiB, 256 * KiB]);
  });

  it('halves the size after a read that fills less than half, down to 64 KiB', () => {
    const { reader } = keeper();
    for (let i = 0; i < 5; i++) read(reader, 1 << 30, i);
    expect(reader.own?.length).toBe(256 * KiB);
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      read(reader, 20 * KiB, 9); // partial: less than half its buffer
      read(reader, 1 << 30, 10); // full: the next buffer has the adapted size
      sizes.push(reader.own?.length ?? 0);
    }
    // 256 -> 128 and 128 -> 64 (a buffer bigger than reads find is given up, the full read
    // after it goes to the shared buffer); at 64 a partial read keeps it, a full one doubles it.
    expect(sizes).toEqual([128 * KiB, 64 * KiB, 128 * KiB]);
    read(reader, 20 * KiB, 1);
    read(reader, 20 * KiB, 2);
    read(reader, 64 * KiB, 3); // fills the shared buffer
    expect(reader.own?.length).toBe(64 * KiB);
  });

  it('lets a partial read of its own buffer wait in it for the next read', () => {
    const { reader, kept } = keeper();
    for (let i = 0; i < 3; i++) read(reader, 1 << 30, i);
    const own = reader.own as Buffer;
    expect(own.length).toBe(128 * KiB);
    read(reader, 100 * KiB, 7); // fills more than half: copied out, the buffer kept for the next
    expect(reader.own).toBe(own);
    expect(kept[kept.length - 1].buffer).not.toBe(own.buffer);
    expect(kept[kept.length - 1].length).toBe(100 * KiB);
  });

  it('lets at most WAIT_BUDGET of buffers of their own wait for reads, all sockets together', () => {
    // Each socket's full reads lead to a buffer of its own, made for the next read; at a
    // thousand sockets taking turns, each would hold one until its turn comes.
    const readers: LendingReader[] = [];
    const holding = (): number => readers.filter((r) => r.own !== null).length;
    try {
      const fit = WAIT_BUDGET / (128 * KiB);
      for (let i = 0; i < fit + 8; i++) {
        const { reader } = keeper();
        readers.push(reader);
        for (let j = 0; j < 3; j++) {
          const buf = reader.own ?? shared;
          reader.read(buf.length, buf); // full, and no release: the next read has not come
        }
      }
      // 128 KiB each after three full reads: `fit` of them make the budget.
      expect(readers[0].own?.length).toBe(128 * KiB);
      expect(holding()).toBeGreaterThan(0);
      expect(holding()).toBeLessThanOrEqual(fit);
      const last = readers[readers.length - 1];
      expect(last.own).toBeNull(); // reads into the shared buffer: copied, nothing lost
      for (const r of readers.slice(0, 8)) r.release(); // their reads came (or they closed)
      last.read(shared.length, shared);
      expect(last.own?.length).toBe(64 * KiB); // room again
    } finally {
      for (const r of readers) r.release();
    }
  });

  it("reads into a caller's buffer when asked, never lets it be kept, and drops its own meanwhile", () => {
    const { reader, kept, caller } = keeper();
    for (let i = 0; i < 3; i++) read(reader, 1 << 30, i);
    expect(reader.own?.length).toBe(128 * KiB);
    caller.buffer = Buffer.alloc(32 * KiB);
    const next = reader.next();
    expect(next).toBe(caller.buffer);
    expect(reader.own).toBeNull(); // it would wait as long as the caller reads
    // Node may hand back another view of the same memory: still the caller's.
    const same = Buffer.from(caller.buffer.buffer, caller.buffer.byteOffset, caller.buffer.length);
    same.fill(5);
    reader.read(same.length, same);
    const last = kept[kept.length - 1];
    expect(last.buffer).not.toBe(caller.buffer.buffer); // lent without mayKeep: copied
    expect(last.equals(same)).toBeTrue();
    caller.buffer = null;
    expect(reader.next()).toBeNull(); // the shared buffer again (its own was given up)
  });
});
