/**
 * Property specs of the codecs (fast-check, fixed seed): random frames are
 * encoded, the bytes cut at random points (down to single bytes), and
 * decoding gives every frame exactly once, in order, with nothing left.
 * Replay a failure with RXSTREAM_SEED=<seed> RXSTREAM_PATH=<path>.
 */
import fc from 'fast-check';
import { delimited, lengthPrefixed, lines, type Codec, type LengthHeader } from '../../src';
import { decodeFrames, splitAt } from '../../src/testing';

const SEED = Number(process.env.RXSTREAM_SEED ?? 20261202);
const PATH = process.env.RXSTREAM_PATH;
const RUNS = 200;

/** Cut points into `length` bytes: a few random ones, or every byte. */
function cutsArb(length: number): fc.Arbitrary<number[]> {
  return fc.oneof(
    fc.array(fc.integer({ min: 0, max: Math.max(0, length) }), { maxLength: 40 }),
    fc.constant(Array.from({ length }, (_, i) => i)),
  );
}

function roundTrips<T>(codec: Codec<T>, frames: readonly T[], cuts: number[]): boolean {
  const bytes = Buffer.concat(frames.map((f) => codec.encode(f)));
  const got = decodeFrames(codec, splitAt(bytes, cuts), { end: true });
  expect(got.error).toBeUndefined();
  expect(got.rest.length).toBe(0);
  expect(got.frames).toEqual([...frames]);
  return true;
}

function check<T>(arb: fc.Arbitrary<{ codec: Codec<T>; frames: T[] }>): void {
  fc.assert(
    fc.property(
      arb.chain((c) => {
        const total = c.frames.reduce((n, f) => n + c.codec.encode(f).length, 0);
        return cutsArb(total).map((cuts) => ({ ...c, cuts }));
      }),
      ({ codec, frames, cuts }) => roundTrips(codec, frames, cuts),
    ),
    { seed: SEED, path: PATH, numRuns: RUNS, endOnFailure: true },
  );
}

const text = fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ''));
const bytesArb = (max: number) => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));

describe('codec properties', () => {
  it('lines(): every line once, in order, across random splits and endings', () => {
    check(
      fc.record({
        codec: fc
          .constantFrom<'\n' | '\r\n' | 'any'>('\n', '\r\n', 'any')
          .map((ending) => lines({ ending })),
        frames: fc.array(text, { maxLength: 20 }),
      }),
    );
  });

  it('delimited(): every frame once, for random delimiters and payloads', () => {
    const arb = fc
      .uint8Array({ minLength: 1, maxLength: 4 })
      .chain((delim) =>
        fc.record({
          codec: fc.constant(delimited(delim)),
          frames: fc.array(bytesArb(40), { maxLength: 20 }),
        }),
      )
      .map(({ codec, frames }) => ({
        codec,
        // Frames the codec would refuse (holding the delimiter) are not sent.
        frames: frames.filter((f) => {
          try {
            codec.encode(f);
            return true;
          } catch {
            return false;
          }
        }),
      }));
    check(arb);
  });

  it('lengthPrefixed(): every payload once, for every header, order and adjustment', () => {
    const arb = fc
      .record({
        header: fc.constantFrom<LengthHeader>(1, 2, 4, 8, 'varint'),
        littleEndian: fc.boolean(),
        lengthIncludesHeader: fc.boolean(),
        lengthAdjustment: fc.integer({ min: -3, max: 3 }),
      })
      .chain((o) => {
        const varint = o.header === 'varint';
        const codec = lengthPrefixed({
          header: o.header,
          littleEndian: !varint && o.littleEndian,
          lengthIncludesHeader: !varint && o.lengthIncludesHeader,
          lengthAdjustment: o.lengthAdjustment,
          maxLength: 200,
        });
        const min = Math.max(
          0,
          o.lengthAdjustment - (!varint && o.lengthIncludesHeader ? (o.header as number) : 0),
        );
        return fc.record({
          codec: fc.constant(codec),
          frames: fc.array(
            fc.uint8Array({ minLength: min, maxLength: 200 }).map((u) => Buffer.from(u)),
            { maxLength: 12 },
          ),
        });
      });
    check(arb);
  });
});
