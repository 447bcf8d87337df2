import { concatMap, map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { Status, memoryPair } from '../src';
import { bufs, newScheduler } from './support/stream-marbles';

const w = bufs({ h: 'hello', b: 'bye', p: 'hell', o: 'o' });

describe('Stream readable$/writable$ (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('emits readable$ when data arrives, and tryRead then returns it', () => {
    const buf = Buffer.alloc(16);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('--h--b', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      const tried$ = b.readable$.pipe(
        map(() => {
          const r = b.tryRead(buf);
          return `${r.status}:${buf.toString('latin1', 0, r.bytes)}`;
        }),
      );
      expectObservable(tried$).toBe('---x--y', { x: 'OK:hello', y: 'OK:bye' });
    });
  });

  it('answers tryRead OK 0 when nothing is there, and emits readable$ at subscription once data waits', () => {
    const buf = Buffer.alloc(16);
    let first = '';
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      const r = b.tryRead(buf);
      first = `${r.status}:${r.bytes}`;
      cold('h', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      expectObservable(b.readable$.pipe(map(() => b.tryRead(buf).bytes)), '----^').toBe('----n', {
        n: 5,
      });
    });
    expect(first).toBe('OK:0');
  });

  it('emits readable$ at the end of stream, and tryRead answers StreamClosed after the last byte', () => {
    const buf = Buffer.alloc(3);
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      a.tryWrite(w.h);
      ts.schedule(() => a.shutdownWrite(), 3);
      const tried$ = b.readable$.pipe(
        map(() => {
          const out: string[] = [];
          for (let r = b.tryRead(buf); ; r = b.tryRead(buf)) {
            out.push(r.bytes > 0 ? buf.toString('latin1', 0, r.bytes) : r.status);
            if (r.status !== Status.OK || r.bytes === 0) return out.join(',');
          }
        }),
      );
      expectObservable(tried$).toBe('-x--y', { x: 'hel,lo,OK', y: 'StreamClosed' });
    });
  });

  it('emits writable$ when room frees after tryWrite accepted 0', () => {
    const accepted: number[] = [];
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      accepted.push(a.tryWrite(w.h).bytes, a.tryWrite(w.o).bytes);
      const retried$ = a.writable$.pipe(map(() => a.tryWrite(w.o).bytes));
      expectObservable(retried$).toBe('---n', { n: 1 });
      expectObservable(b.reads$, '---^').toBe('---po', w);
    });
    expect(accepted).toEqual([4, 0]);
  });

  it('emits writable$ at subscription when there is room', () => {
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts, latency: 1 });
      expectObservable(a.writable$, '--^').toBe('--x', { x: undefined });
    });
  });
});
