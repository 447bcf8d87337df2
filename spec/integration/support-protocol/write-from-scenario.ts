/**
 * The writeFrom property (used by spec/integration/write-from.property.spec.ts
 * and spec-stress/protocol.stress.ts): random items
 * from a random kind of source (array, generator, async generator,
 * synchronous or asynchronous Observable), a random send-buffer size, and
 * sometimes an unsubscribe part-way. The peer receives exactly the bytes
 * accepted — all of them, in order, when the source completes; a prefix equal
 * to `bytesWritten` when unsubscribed. Replay with RXSTREAM_SEED / RXSTREAM_PATH.
 */
import fc from 'fast-check';
import { asapScheduler, from, lastValueFrom, observeOn, reduce, type Observable } from 'rxjs';
import type { Stream, WriteSource } from '../../../src';

type Kind = 'array' | 'generator' | 'async generator' | 'from()' | 'async Observable';

export interface WriteFromScenario {
  kind: Kind;
  items: Buffer[];
  sendBufferSize: number;
  stopAfter: number | null; // unsubscribe once this many bytes were accepted
}

export const writeFromScenarioArb: fc.Arbitrary<WriteFromScenario> = fc.record({
  kind: fc.constantFrom<Kind>(
    'array',
    'generator',
    'async generator',
    'from()',
    'async Observable',
  ),
  items: fc.array(
    fc.integer({ min: 0, max: 6000 }).map((n) => Buffer.alloc(n, n % 251)),
    { maxLength: 40, size: 'medium' },
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

export async function runWriteFromScenario(
  a: Stream,
  b: Stream,
  sc: WriteFromScenario,
): Promise<void> {
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
