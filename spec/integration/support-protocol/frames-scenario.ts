/**
 * The frames property (used by spec/integration/frames.property.spec.ts and
 * spec-stress/protocol.stress.ts): random
 * frames are encoded and written with `writeFrom` in random pieces; the
 * reader alternates `frames(codec).pipe(take(n))` with raw reads
 * (`read`, `tryRead`, `reads$`) up to a frame boundary. Every frame is decoded
 * exactly once and in order, and every raw read gets exactly the bytes after
 * the last taken frame. Replay with RXSTREAM_SEED=<seed> RXSTREAM_PATH=<path>.
 */
import fc from 'fast-check';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import {
  Status,
  lengthPrefixed,
  lines,
  type Codec,
  type LengthHeader,
  type Stream,
} from '../../../src';
import { splitAt } from '../../../src/testing';

type Step = { kind: 'frames'; n: number } | { kind: 'read' | 'tryRead' | 'reads$'; n: number };

export interface FramesScenario {
  codec: Codec<Buffer>;
  frames: Buffer[];
  cuts: number[];
  steps: Step[];
}

/**
 * Text lines (`lines({ encoding: 'latin1' })`, independent frames: decoded
 * out of a lending socket's read buffer) with each frame turned back into
 * the Buffer of its bytes, so the scenario compares them as it does the rest.
 */
function latin1Lines(): Codec<Buffer> {
  const text = lines({ encoding: 'latin1', ending: '\n' });
  return {
    maxLength: text.maxLength,
    independentFrames: text.independentFrames,
    decoder: () => {
      const d = text.decoder();
      return {
        decode: (bytes, start) => {
          const found = d.decode(bytes, start);
          return found && { frame: Buffer.from(found.frame, 'latin1'), consumed: found.consumed };
        },
      };
    },
    encode: (frame) => text.encode(frame.toString('latin1')),
  };
}

const codecArb: fc.Arbitrary<Codec<Buffer>> = fc.oneof(
  fc.constant(lines({ encoding: 'buffer', ending: '\n' })),
  fc.constant(latin1Lines()),
  fc
    .constantFrom<LengthHeader>(1, 2, 4, 'varint')
    .map((header) => lengthPrefixed({ header, maxLength: header === 1 ? 255 : 4096 })),
);

function framesArb(codec: Codec<Buffer>): fc.Arbitrary<Buffer[]> {
  const max = Math.min(codec.maxLength, 3000);
  const payload = fc.uint8Array({ maxLength: max, size: 'medium' }).map((u) => {
    const b = Buffer.from(u);
    return codec.maxLength === 64 * 1024 ? Buffer.from(b.map((x) => (x === 0x0a ? 0x20 : x))) : b;
  });
  return fc.array(payload, { minLength: 1, maxLength: 40, size: 'medium' });
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('frames' as const), n: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constantFrom('read' as const, 'tryRead' as const, 'reads$' as const),
    n: fc.integer({ min: 1, max: 3 }),
  }),
);

export const framesScenarioArb: fc.Arbitrary<FramesScenario> = codecArb.chain((codec) =>
  framesArb(codec).chain((frames) => {
    const total = frames.reduce((n, f) => n + codec.encode(f).length, 0);
    return fc.record({
      codec: fc.constant(codec),
      frames: fc.constant(frames),
      cuts: fc.array(fc.integer({ min: 1, max: total }), { maxLength: 30 }),
      steps: fc.array(stepArb, { maxLength: 12, size: 'medium' }),
    });
  }),
);

/** Reads exactly `want` raw bytes with one kind of read. */
async function readRaw(stream: Stream, kind: Step['kind'], want: number): Promise<Buffer> {
  const got: Buffer[] = [];
  let have = 0;
  if (kind === 'reads$' && want > 0) {
    const chunk = await firstValueFrom(stream.reads$.pipe(take(1)));
    if (chunk.length > want) {
      // A chunk may run past the boundary: the surplus is checked by the caller's next reads.
      return chunk;
    }
    got.push(chunk);
    have += chunk.length;
  }
  while (have < want) {
    const buf = Buffer.alloc(want - have);
    if (kind === 'tryRead') {
      const r = stream.tryRead(buf);
      if (r.status !== Status.OK) throw new Error(`tryRead answered ${r.status}`);
      if (r.bytes === 0) {
        await firstValueFrom(stream.readable$);
        continue;
      }
      got.push(buf.subarray(0, r.bytes));
      have += r.bytes;
    } else {
      const n = await firstValueFrom(stream.read(buf));
      got.push(buf.subarray(0, n));
      have += n;
    }
  }
  return Buffer.concat(got);
}

export async function runFramesScenario(a: Stream, b: Stream, sc: FramesScenario): Promise<void> {
  const encoded = sc.frames.map((f) => sc.codec.encode(f));
  const all = Buffer.concat(encoded);
  const written = lastValueFrom(a.writeFrom(splitAt(all, sc.cuts)));
  let frame = 0; // index of the next frame to take
  let at = 0; // byte offset of the next byte to read
  const boundary = (i: number): number => encoded.slice(0, i).reduce((n, e) => n + e.length, 0);
  for (const step of sc.steps) {
    if (frame >= sc.frames.length) break;
    const n = Math.min(step.n, sc.frames.length - frame);
    if (step.kind === 'frames') {
      const got = await lastValueFrom(b.frames(sc.codec).pipe(take(n), toArray()));
      expect(got).toEqual(sc.frames.slice(frame, frame + n));
      frame += n;
      at = boundary(frame);
      continue;
    }
    const to = boundary(frame + n);
    const raw = await readRaw(b, step.kind, to - at);
    expect(raw).toEqual(all.subarray(at, at + raw.length));
    at += raw.length;
    // Past the boundary (a reads$ chunk): read on to the next frame boundary.
    while (frame < sc.frames.length && boundary(frame + 1) <= at) frame += 1;
    if (at > boundary(frame)) {
      const rest = await readRaw(b, 'read', boundary(frame + 1) - at);
      expect(rest).toEqual(all.subarray(at, at + rest.length));
      frame += 1;
      at = boundary(frame);
    }
  }
  expect(await written).toBe(all.length);
  a.shutdownWrite();
  const last = await lastValueFrom(b.frames(sc.codec).pipe(toArray()));
  expect(last).toEqual(sc.frames.slice(frame));
}
