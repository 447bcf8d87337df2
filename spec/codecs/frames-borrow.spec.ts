/**
 * The frames driver's borrowed path (`FrameReader.borrow`, used for codecs
 * of `independentFrames` when the transport lends its read buffer): each
 * chunk is handed over in one reused buffer that is scribbled over right
 * after the call, as the transport reads into it again. Any frame, pending
 * byte or given-back byte that still pointed into that buffer would come out
 * as 0xEE.
 */
import fc from 'fast-check';
import * as net from 'node:net';
import { Observable, firstValueFrom, lastValueFrom, take, toArray, type Subscription } from 'rxjs';
import { connectTCP, lengthPrefixed, lines, type Codec } from '../../src';
import { FrameReader } from '../../src/codecs/frames';
import { close, listen, portOf } from '../reliability/support/pairs';

const SEED = Number(process.env.RXSTREAM_SEED ?? 20261204);
const READ_BUFFER = 64 * 1024;

interface Feed {
  /** Frames emitted. */
  frames: string[];
  /** Bytes given back, in stream order (kept as given: any reference to the lent buffer shows). */
  givenBack: Buffer[];
  /** Pieces not fed because the subscription had ended, in order. */
  unfed: Buffer[];
  ended: 'complete' | 'error' | 'open' | 'unsubscribed';
  error?: unknown;
}

/** Feeds `pieces` to one frames subscription of `codec` (take `n`, or all when undefined). */
function feed<T>(codec: Codec<T>, pieces: Buffer[], borrowed: boolean[], n?: number): Feed {
  const out: Feed = { frames: [], givenBack: [], unfed: [], ended: 'open' };
  const lend = Buffer.alloc(READ_BUFFER);
  let reader: FrameReader<T> | undefined;
  const frames$ = new Observable<T>((sub) => {
    reader = new FrameReader(sub, codec, { unshift: (chunk) => out.givenBack.unshift(chunk) });
    return () => reader?.giveBack();
  });
  const subscription: Subscription = (n === undefined ? frames$ : frames$.pipe(take(n))).subscribe({
    next: (f) => out.frames.push(String(f)),
    error: (e: unknown) => {
      out.ended = 'error';
      out.error = e;
    },
    complete: () => (out.ended = 'complete'),
  });
  const r = reader as FrameReader<T>;
  pieces.forEach((piece, i) => {
    if (subscription.closed) {
      out.unfed.push(piece);
      return;
    }
    if (borrowed[i] && r.borrow !== undefined) {
      piece.copy(lend);
      r.borrow(lend.subarray(0, piece.length));
      lend.fill(0xee); // the transport reads into it again
    } else {
      r.next(Buffer.from(piece));
    }
  });
  if (!subscription.closed && n === undefined) r.complete();
  if (out.ended === 'open' && subscription.closed) out.ended = 'unsubscribed';
  subscription.unsubscribe();
  return out;
}

/** Cuts `bytes` at the given sizes (cycled), each piece at most a read buffer. */
function cut(bytes: Buffer, sizes: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i += 1) {
    const size = Math.min(sizes[i % sizes.length], READ_BUFFER, bytes.length - at);
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

const lineArb = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
  // Lines longer than a bridge step (4 KiB) and than a read buffer (64 KiB).
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
        fc.integer({ min: 500, max: 12_000 }),
      )
      .map(([s, times]) => s.repeat(times)),
  },
);
const linesArb = fc
  .array(
    lineArb.map((s) => s.replace(/[\n\r]/g, ' ')),
    { minLength: 1, maxLength: 60 },
  )
  .filter((ls) => ls.every((l) => Buffer.byteLength(l) <= 64 * 1024));

// Piece sizes around a short line's, and up to a whole read buffer.
const sizesArb = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: READ_BUFFER })),
  { minLength: 1, maxLength: 20 },
);

describe('frames(codec) decoding out of a lent read buffer (FrameReader.borrow)', () => {
  it('is offered for text lines only: Buffer frames are views and need owned chunks', () => {
    expect(lines().independentFrames).toBe(true);
    expect(lines({ encoding: 'latin1' }).independentFrames).toBe(true);
    expect(lines({ encoding: 'buffer' }).independentFrames).toBe(false);
    expect(lengthPrefixed().independentFrames).toBeUndefined();
    const sub = new Observable<string | Buffer>((s) => {
      const back = { unshift: () => undefined };
      expect(new FrameReader<string | Buffer>(s, lines(), back).borrow).toBeDefined();
      const views = lines({ encoding: 'buffer' });
      expect(new FrameReader<string | Buffer>(s, views, back).borrow).toBeUndefined();
    }).subscribe();
    sub.unsubscribe();
  });

  it('emits every line whole and in order, whatever the cuts and whichever chunks are lent', () => {
    fc.assert(
      fc.property(
        linesArb,
        sizesArb,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        (ls, sizes, lent) => {
          const wire = Buffer.from(ls.map((l) => `${l}\n`).join(''));
          const pieces = cut(wire, sizes);
          const out = feed(
            lines({ ending: '\n' }),
            pieces,
            pieces.map((_, i) => lent[i % lent.length]),
          );
          expect(out.ended).toBe('complete');
          expect(out.frames).toEqual(ls);
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('take(n) gives back exactly the bytes after the n-th line, as copies of their own', () => {
    fc.assert(
      fc.property(
        linesArb,
        sizesArb,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        (ls, sizes, lent, k) => {
          const n = 1 + (k % ls.length);
          const wire = Buffer.from(ls.map((l) => `${l}\n`).join(''));
          const pieces = cut(wire, sizes);
          const out = feed(
            lines({ ending: '\n' }),
            pieces,
            pieces.map((_, i) => lent[i % lent.length]),
            n,
          );
          expect(out.frames).toEqual(ls.slice(0, n));
          const after = Buffer.byteLength(
            ls
              .slice(0, n)
              .map((l) => `${l}\n`)
              .join(''),
          );
          const rest = Buffer.concat([...out.givenBack, ...out.unfed]);
          expect(rest.equals(wire.subarray(after))).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('take(1) on a line begun in an earlier chunk gives back the rest of the lent one', () => {
    const second = Buffer.from(`def\n${'x'.repeat(1000)}\nyz`);
    const out = feed(lines(), [Buffer.from('abc'), second], [true, true], 1);
    expect(out.frames).toEqual(['abcdef']);
    expect(Buffer.concat(out.givenBack).toString()).toBe(`${'x'.repeat(1000)}\nyz`);
  });

  it('a line split inside a multi-byte character decodes whole', () => {
    const wire = Buffer.from('€uro\nzwölf\n');
    for (let at = 1; at < wire.length; at += 1) {
      const out = feed(lines(), [wire.subarray(0, at), wire.subarray(at)], [true, true]);
      expect(out.frames).toEqual(['€uro', 'zwölf']);
    }
  });

  it('a line past maxLength errors as on owned chunks, and gives the bytes back', () => {
    const wire = Buffer.from(`${'x'.repeat(10_000)}\nok\n`);
    const out = feed(lines({ maxLength: 100 }), cut(wire, [3000]), [true, true, true, true]);
    expect(out.ended).toBe('error');
    expect(String(out.error)).toMatch(/longer than maxLength/);
    const rest = Buffer.concat([...out.givenBack, ...out.unfed]);
    expect(rest.equals(wire)).toBe(true);
  });
});

describe('frames(lines()) over a socket the library owns (connectTCP: lent reads)', () => {
  let server: net.Server;
  afterEach(async () => close(server));

  it('decodes out of the shared read buffer; take(n) leaves the rest, intact, for reads$', async () => {
    server = net.createServer();
    await listen(server);
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const stream = await firstValueFrom(connectTCP(portOf(server), '127.0.0.1'));
    const peer = await accepted;
    const ls = Array.from(
      { length: 4000 },
      (_, i) => `${i}:${'é'.repeat(i % 97)}${'x'.repeat((i * 31) % 300)}`,
    );
    const wire = Buffer.from(ls.map((l) => `${l}\n`).join(''));
    // Decoded from which memory: the shared read buffer is one ArrayBuffer, copies are many.
    const text = lines();
    const memory = new Set<ArrayBufferLike>();
    let calls = 0;
    const watched: Codec<string> = {
      ...text,
      decoder: () => {
        const d = text.decoder();
        return {
          decode: (bytes, start) => {
            memory.add(bytes.buffer);
            calls += 1;
            return d.decode(bytes, start);
          },
        };
      },
    };
    const n = 3000;
    const framesDone = lastValueFrom(stream.frames(watched).pipe(take(n), toArray()));
    for (let at = 0, i = 0; at < wire.length; i += 1) {
      const size = [7, 1500, 40_000, 333, 65_536][i % 5];
      peer.write(wire.subarray(at, at + size));
      at += size;
      await new Promise((r) => setImmediate(r)); // mostly separate reads
    }
    const got = await framesDone;
    expect(got).toEqual(ls.slice(0, n));
    peer.end();
    const rest = Buffer.concat(await lastValueFrom(stream.reads$.pipe(toArray())));
    const after = Buffer.byteLength(
      ls
        .slice(0, n)
        .map((l) => `${l}\n`)
        .join(''),
    );
    expect(rest.equals(wire.subarray(after))).toBe(true);
    expect(calls).toBeGreaterThan(n);
    // The read buffer and one store for a line's start, not a copy per read (~50 reads).
    expect(memory.size).toBeLessThanOrEqual(3);
    await firstValueFrom(stream.close());
  });
});
