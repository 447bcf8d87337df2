import { concatMap, map, take } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { Status, memoryPair } from '../src';
import { bufs, errorShape, newScheduler, streamError } from './support/stream-marbles';

const w = bufs({ h: 'hello', o: 'world', x: 'abcdefg' });
const refused = streamError(Status.Invalid, 3);

/** What `buf` holds for a count: the emission as the subscriber sees it inside `next`. */
const shown = (buf: Buffer) => map((n: number) => buf.toString('latin1', 0, n));

describe('Stream readsInto (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('emits each chunk as a count of bytes in the buffer, on the scheduler, and completes at the end', () => {
    const buf = Buffer.alloc(16);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 2 });
      cold('h-o', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      ts.schedule(() => a.shutdownWrite(), 3);
      expectObservable(b.readsInto(buf).pipe(shown(buf))).toBe('--h-o-|', {
        h: 'hello',
        o: 'world',
      });
    });
  });

  it('splits a chunk larger than the buffer into buffer-sized emissions, in order', () => {
    const buf = Buffer.alloc(3);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('x----|', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe({ complete: () => a.shutdownWrite() });
      expectObservable(b.readsInto(buf).pipe(shown(buf))).toBe('-(abc)|', {
        a: 'abc',
        b: 'def',
        c: 'g',
      });
    });
  });

  it('gives the rest of a chunk back when take() ends it inside the chunk', () => {
    const buf = Buffer.alloc(2);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('x|', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe({ complete: () => a.shutdownWrite() });
      expectObservable(b.readsInto(buf).pipe(shown(buf), take(2))).toBe('-(ab|)', {
        a: 'ab',
        b: 'cd',
      });
      expectObservable(b.reads$.pipe(map(String)), '--^').toBe('--(r|)', { r: 'efg' });
    });
  });

  it('refuses a second read-side operation while it is subscribed, and keeps reading', () => {
    const buf = Buffer.alloc(16);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('h--o|', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe({ complete: () => a.shutdownWrite() });
      expectObservable(b.readsInto(buf).pipe(shown(buf))).toBe('-h--o|', {
        h: 'hello',
        o: 'world',
      });
      expectObservable(b.reads$.pipe(errorShape()), '--^').toBe('--#', undefined, refused);
      expectObservable(b.readsInto(buf).pipe(errorShape()), '--^').toBe('--#', undefined, refused);
    });
  });

  it('errors Invalid when the buffer is detached while subscribed, consuming nothing', () => {
    const memory = new ArrayBuffer(8);
    const buf = new Uint8Array(memory);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('-h|', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe({ complete: () => a.shutdownWrite() });
      ts.schedule(() => structuredClone(memory, { transfer: [memory] }), 1);
      expectObservable(b.readsInto(buf).pipe(errorShape())).toBe('--#', undefined, refused);
      expectObservable(b.reads$.pipe(map(String)), '---^').toBe('---(h|)', { h: 'hello' });
    });
  });
});
