/**
 * The frames driver on chunks it owns (`FrameReader.next`, every codec):
 * a frame split between chunks is joined with just enough of the next chunk
 * to finish it, and the frames after it are decoded straight out of that
 * chunk. Buffer frames are views, so where their bytes live is observable:
 * after the split frame they point into the chunk itself, and the split
 * frame's own memory is about its size, not the next chunk's.
 */
import fc from 'fast-check';
import { Observable, take, type Subscription } from 'rxjs';
import { lengthPrefixed, type Codec } from '../../src';
import { FrameReader } from '../../src/codecs/frames';

const SEED = Number(process.env.RXSTREAM_SEED ?? 20261204);

interface Fed {
  frames: Buffer[];
  givenBack: Buffer[];
  unfed: Buffer[];
  error?: unknown;
}

/** Feeds owned `chunks` to one frames subscription of `codec` (take `n`, or all). */
function feed(codec: Codec<Buffer>, chunks: Buffer[], n?: number): Fed {
  const out: Fed = { frames: [], givenBack: [], unfed: [] };
  let reader: FrameReader<Buffer> | undefined;
  const frames$ = new Observable<Buffer>((sub) => {
    reader = new FrameReader(sub, codec, { unshift: (chunk) => out.givenBack.unshift(chunk) });
    return () => reader?.giveBack();
  });
  const sub: Subscription = (n === undefined ? frames$ : frames$.pipe(take(n))).subscribe({
    next: (f) => out.frames.push(f),
    error: (e: unknown) => (out.error = e),
  });
  const r = reader as FrameReader<Buffer>;
  for (const chunk of chunks) {
    if (sub.closed) out.unfed.push(chunk);
    else r.next(chunk);
  }
  if (!sub.closed && n === undefined) r.complete();
  sub.unsubscribe();
  return out;
}

/** A 4-byte big-endian length prefix and `payload`. */
function framed(payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  return Buffer.concat([header, payload]);
}

/** Payloads of `size` bytes, each filled with its index. */
function payloads(count: number, size: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.alloc(size, i & 255));
}

/** Fresh chunks (each its own ArrayBuffer) of `wire` cut at `cuts`. */
function cutAt(wire: Buffer, cuts: number[]): Buffer[] {
  const ends = [...cuts, wire.length];
  return ends.map((end, i) => Buffer.from(wire.subarray(i === 0 ? 0 : cuts[i - 1], end)));
}

describe('frames(codec) on owned chunks: a split frame is joined, the rest decoded in place', () => {
  it('frames after a split one are views into the next chunk; the split one holds ~its size', () => {
    const sent = payloads(600, 1000); // 1,004-byte frames: a 256 KiB chunk ends inside one
    const wire = Buffer.concat(sent.map(framed));
    const chunks = cutAt(wire, [256 * 1024]);
    const out = feed(lengthPrefixed(), chunks);
    expect(out.error).toBeUndefined();
    expect(out.frames.length).toBe(sent.length);
    out.frames.forEach((f, i) => expect(f.equals(sent[i])).withContext(`frame ${i}`).toBeTrue());
    const split = Math.floor((256 * 1024) / 1004); // the frame the cut falls in
    expect(out.frames[split - 1].buffer).toBe(chunks[0].buffer);
    expect(out.frames[split].buffer).not.toBe(chunks[1].buffer);
    // Its memory is a store of about its size (or a slab of Node's pool, 64 KiB on Node 24+),
    // not a copy of the 340 KiB chunk after it.
    expect(out.frames[split].buffer.byteLength).toBeLessThan(128 * 1024);
    expect(chunks[1].length).toBeGreaterThan(300 * 1024);
    for (const f of out.frames.slice(split + 1)) expect(f.buffer).toBe(chunks[1].buffer);
  });

  it('a frame over many chunks decodes whole, and so do the frames after it', () => {
    const big = Buffer.alloc(300 * 1024, 7);
    const small = payloads(3, 10);
    const wire = Buffer.concat([framed(big), ...small.map(framed)]);
    const chunks = cutAt(wire, [100, 64 * 1024, 128 * 1024, 200 * 1024]);
    const out = feed(lengthPrefixed({ maxLength: 1024 * 1024 }), chunks);
    expect(out.frames.map((f) => f.length)).toEqual([big.length, 10, 10, 10]);
    expect(out.frames[0].equals(big)).toBeTrue();
    out.frames.slice(1).forEach((f, i) => expect(f.equals(small[i])).toBeTrue());
  });

  it('joins a frame begun a few bytes before the cut a doubling piece at a time', () => {
    // 100 bytes of a 50 KiB frame pending: the join copies ~2x the frame, never all 256 KiB.
    const large = Buffer.alloc(50 * 1024, 9);
    const after = payloads(200, 1000);
    const wire = Buffer.concat([framed(large), ...after.map(framed)]);
    const chunks = cutAt(wire, [100]);
    const out = feed(lengthPrefixed(), chunks);
    expect(out.frames[0].equals(large)).toBeTrue();
    expect(out.frames[0].buffer.byteLength).toBeLessThan(128 * 1024);
    const fromChunk = out.frames.slice(1).filter((f) => f.buffer === chunks[1].buffer);
    expect(fromChunk.length).toBeGreaterThan(after.length - 80);
    out.frames.slice(1).forEach((f, i) => expect(f.equals(after[i])).toBeTrue());
  });

  it('a frame past maxLength still errors when it grows across chunks', () => {
    const wire = framed(Buffer.alloc(10_000, 1));
    const out = feed(lengthPrefixed({ maxLength: 4096 }), cutAt(wire, [10, 3000, 6000]));
    expect(String(out.error)).toContain('4096');
  });

  it('take(n) gives back exactly the bytes after the n-th frame, whatever the cuts', () => {
    const frameArb = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }) },
      { weight: 1, arbitrary: fc.integer({ min: 300, max: 20_000 }) },
    );
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (sizes, cutSizes, k) => {
          const sent = sizes.map((size, i) => Buffer.alloc(size, i & 255));
          const wire = Buffer.concat(sent.map(framed));
          const cuts: number[] = [];
          for (let at = 0, i = 0; ; i += 1) {
            at += cutSizes[i % cutSizes.length];
            if (at >= wire.length) break;
            cuts.push(at);
          }
          const n = 1 + (k % sent.length);
          const out = feed(lengthPrefixed(), cutAt(wire, cuts), n);
          expect(out.frames.length).toBe(n);
          out.frames.forEach((f, i) => expect(f.equals(sent[i])).toBeTrue());
          const after = sent.slice(0, n).reduce((sum, p) => sum + 4 + p.length, 0);
          const rest = Buffer.concat([...out.givenBack, ...out.unfed]);
          expect(rest.equals(wire.subarray(after))).toBeTrue();
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});
