/**
 * Property (fast-check, fixed seed) over memory, TCP and TLS: random items
 * from a random kind of source (array, generator, async generator,
 * synchronous or asynchronous Observable), a random send-buffer size, and
 * sometimes an unsubscribe part-way. The peer receives exactly the bytes
 * accepted — all of them, in order, when the source completes; a prefix equal
 * to `bytesWritten` when unsubscribed. Replay with RXSTREAM_SEED / RXSTREAM_PATH.
 */
import fc from 'fast-check';
import { asapScheduler, from, lastValueFrom, observeOn, reduce, type Observable } from 'rxjs';
import type { Stream, WriteSource } from '../../src';
import { pairFactories } from '../reliability/support/pairs';

const SEED = Number(process.env.RXSTREAM_SEED ?? 20261202);
const PATH = process.env.RXSTREAM_PATH;
const RUNS = 12;

type Kind = 'array' | 'generator' | 'async generator' | 'from()' | 'async Observable';

interface Scenario {
  kind: Kind;
  items: Buffer[];
  sendBufferSize: number;
  stopAfter: number | null; // unsubscribe once this many bytes were accepted
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  kind: fc.constantFrom<Kind>(
    'array',
    'generator',
    'async generator',
    'from()',
    'async Observable',
  ),
  items: fc.array(
    fc.integer({ min: 0, max: 6000 }).map((n) => Buffer.alloc(n, n % 251)),
    { maxLength: 40 },
  ),
  sendBufferSize: fc.integer({ min: 16, max: 64 * 1024 }),
  stopAfter: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: null }),
});

function sourceOf(kind: Kind, items: readonly Buffer[]): WriteSource {
  switch (kind) {
    case 'array':
      return items;
    case 'generator':
      return (function* () {
        yield* items;
      })();
    case 'async generator':
      return (async function* () {
        for (const item of items) yield item;
      })();
    case 'from()':
      return from(items);
    case 'async Observable':
      return from(items).pipe(observeOn(asapScheduler));
  }
}

function readAll(stream: Stream): Promise<Buffer> {
  const all$: Observable<Buffer[]> = stream.reads$.pipe(
    reduce((acc: Buffer[], c: Buffer) => (acc.push(c), acc), []),
  );
  return lastValueFrom(all$, { defaultValue: [] }).then((chunks) => Buffer.concat(chunks));
}

async function run(a: Stream, b: Stream, sc: Scenario): Promise<void> {
  const all = Buffer.concat(sc.items);
  const received = readAll(b);
  await new Promise<void>((resolve, reject) => {
    const sub = a.writeFrom(sourceOf(sc.kind, sc.items)).subscribe({
      next: (total) => expect(total).toBe(all.length),
      complete: resolve,
      error: reject,
    });
    if (sc.stopAfter === null) return;
    const stop = sc.stopAfter;
    const check = (): void => {
      if (sub.closed) return;
      if (a.bytesWritten >= stop) {
        sub.unsubscribe();
        resolve();
      } else setImmediate(check);
    };
    check();
  });
  await lastValueFrom(a.flush());
  a.shutdownWrite();
  const got = await received;
  expect(got.length).toBe(a.bytesWritten);
  expect(got.equals(all.subarray(0, got.length))).toBeTrue();
  if (sc.stopAfter === null) expect(got.length).toBe(all.length);
}

describe('writeFrom() property over real streams', () => {
  for (const factory of pairFactories().filter((f) => ['memory', 'tcp', 'tls'].includes(f.name))) {
    describe(`over ${factory.name}`, () => {
      beforeAll(() => factory.start());
      afterAll(() => factory.stop());

      it('sends exactly the accepted bytes, in order, for every kind of source', async () => {
        let runs = 0;
        await fc.assert(
          fc.asyncProperty(scenarioArb, async (sc) => {
            const pair = await factory.open({ sendBufferSize: sc.sendBufferSize });
            try {
              await run(pair.a, pair.b, sc);
              runs += 1;
            } finally {
              pair.dispose();
            }
          }),
          { seed: SEED, path: PATH, numRuns: RUNS, timeout: 10_000, endOnFailure: true },
        );
        expect(runs).toBe(RUNS);
      }, 60_000);
    });
  }
});
