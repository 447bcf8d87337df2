import { SendBuffer, dropSpareSlabs, reuseSlabs } from '../../src/internal/send-buffer';

const KiB = 1024;

function filled(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i += 1) b[i] = (seed + i * 7) & 0xff;
  return b;
}

function append(sb: SendBuffer, src: Buffer): void {
  sb.append(src, 0, src.length);
}

describe('SendBuffer', () => {
  it('gives back what was appended, in order, and empties', () => {
    const sb = new SendBuffer();
    append(sb, Buffer.from('ab'));
    append(sb, Buffer.from('cde'));
    expect(sb.length).toBe(5);
    expect(Buffer.concat(sb.take()).toString()).toBe('abcde');
    expect(sb.length).toBe(0);
    expect(sb.take()).toEqual([]);
  });

  it('appendWhole copies into the open slab only, and never fills it (the slab stays open)', () => {
    const sb = new SendBuffer();
    expect(sb.appendWhole(Buffer.from('no'), 2)).toBeFalse(); // no slab yet
    append(sb, Buffer.from('ab'));
    expect(sb.appendWhole(Buffer.from('cd'), 2)).toBeTrue();
    expect(sb.length).toBe(4);
    const rest = 64 * KiB - 4;
    expect(sb.appendWhole(Buffer.alloc(rest), rest)).toBeFalse(); // would fill the slab
    expect(sb.length).toBe(4);
    expect(Buffer.concat(sb.take()).toString()).toBe('abcd');
  });

  it('copies only the asked range of the source', () => {
    const sb = new SendBuffer();
    sb.append(Buffer.from('0123456789'), 3, 4);
    expect(Buffer.concat(sb.take()).toString()).toBe('3456');
  });

  it('copies: changing the source after append does not change what is taken', () => {
    const sb = new SendBuffer();
    const src = Buffer.from('hello');
    append(sb, src);
    src.fill(0x21);
    expect(Buffer.concat(sb.take()).toString()).toBe('hello');
  });

  it('keeps order across slab boundaries', () => {
    const sb = new SendBuffer();
    const parts = [filled(40 * KiB, 1), filled(40 * KiB, 2), filled(60 * KiB, 3), filled(5, 4)];
    for (const p of parts) append(sb, p);
    expect(sb.length).toBe(140 * KiB + 5);
    const chunks = sb.take();
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(Buffer.concat(parts))).toBeTrue();
  });

  it('takes one append larger than a slab whole', () => {
    const sb = new SendBuffer();
    const big = filled(300 * KiB, 9);
    append(sb, big);
    expect(Buffer.concat(sb.take()).equals(big)).toBeTrue();
  });

  it('never overwrites a taken chunk when later appends reuse the slab', () => {
    const sb = new SendBuffer();
    const taken: Buffer[][] = [];
    const sent: Buffer[] = [];
    // Small appends and takes: each take leaves the rest of the slab for the next append.
    for (let round = 0; round < 40; round += 1) {
      const src = filled(1000 + round * 37, round);
      append(sb, src);
      sent.push(Buffer.from(src));
      taken.push(sb.take());
    }
    append(sb, filled(200 * KiB, 99)); // more appends after every take
    sb.take();
    taken.forEach((chunks, i) => {
      expect(Buffer.concat(chunks).equals(sent[i])).withContext(`take #${i}`).toBeTrue();
    });
  });

  it('keeps taken chunks intact when the slab remainder is too small to reuse', () => {
    const sb = new SendBuffer();
    const first = filled(64 * KiB - 100, 5);
    append(sb, first);
    const taken = sb.take();
    append(sb, filled(10 * KiB, 6));
    expect(Buffer.concat(taken).equals(first)).toBeTrue();
    expect(Buffer.concat(sb.take()).equals(filled(10 * KiB, 6))).toBeTrue();
  });

  it("hands an idle buffer's spare slab to another buffer without touching taken chunks", () => {
    const a = new SendBuffer();
    const first = filled(3 * KiB, 7);
    append(a, first);
    const takenA = a.take();
    a.trim(); // a is idle: its spare slab goes to the shared spares
    const b = new SendBuffer();
    const second = filled(20 * KiB, 8);
    append(b, second); // b writes into the spare
    expect(Buffer.concat(takenA).equals(first)).toBeTrue();
    expect(Buffer.concat(b.take()).equals(second)).toBeTrue();
  });

  it('keeps its slab when trimmed with bytes still waiting', () => {
    const sb = new SendBuffer();
    append(sb, filled(1 * KiB, 9));
    sb.trim();
    expect(sb.length).toBe(KiB);
    expect(Buffer.concat(sb.take()).equals(filled(1 * KiB, 9))).toBeTrue();
  });

  describe('recycle (slabs the transport wrote at once)', () => {
    beforeEach(() => {
      dropSpareSlabs();
      reuseSlabs(true);
    });

    it('reuses a whole slab for the next bytes, which are intact', () => {
      const sb = new SendBuffer();
      append(sb, filled(64 * KiB, 1));
      const [slab] = sb.take();
      sb.recycle([slab]);
      const next = filled(64 * KiB, 2);
      append(sb, next);
      const [again] = sb.take();
      expect(again.buffer).toBe(slab.buffer); // no new allocation
      expect(again.equals(next)).toBeTrue();
    });

    it('leaves alone the first piece of a slab still filling; its last piece brings the whole slab back', () => {
      const sb = new SendBuffer();
      append(sb, filled(100, 3));
      const [part] = sb.take(); // the first 100 bytes of a slab whose rest is still in use
      sb.recycle([part]);
      const rest = filled(64 * KiB - 100, 4);
      append(sb, rest); // fills the rest of the same slab
      const [tail] = sb.take();
      expect(tail.buffer).toBe(part.buffer);
      expect(tail.equals(rest)).toBeTrue();
      expect(part.equals(filled(100, 3))).toBeTrue(); // the first piece was not written over
      sb.recycle([tail]);
      const next = filled(64 * KiB, 5);
      append(sb, next);
      const [again] = sb.take();
      expect(again.buffer).toBe(part.buffer); // the whole slab, reused
      expect(again.byteOffset).toBe(0);
      expect(again.equals(next)).toBeTrue();
    });

    it('takes nothing back while dropSpareSlabs() has turned reuse off', () => {
      dropSpareSlabs();
      const sb = new SendBuffer();
      append(sb, filled(64 * KiB, 6));
      const [slab] = sb.take();
      sb.recycle([slab]);
      append(sb, filled(64 * KiB, 7));
      expect(sb.take()[0].buffer).not.toBe(slab.buffer);
      reuseSlabs(true);
    });
  });
});
