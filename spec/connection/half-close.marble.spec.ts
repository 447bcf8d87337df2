import { concatMap, from, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MemoryTransport, Status, Stream, StreamState, memoryPair } from '../../src';
import { bufs, newScheduler } from '../support/stream-marbles';

const st = { o: StreamState.Open, s: StreamState.ShutdownWr, c: StreamState.Closed };
const w = bufs({ a: 'a', b: 'b' });

describe('allowHalfOpen: false (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('finishes by itself once the peer ended and every byte was read', () => {
    ts.run(({ expectObservable, cold }) => {
      const [a, b] = memoryPair({ scheduler: ts, allowHalfOpen: false });
      b.reads$.subscribe();
      cold('--a|', w).subscribe({ next: (c) => b.tryWrite(c), complete: () => b.shutdownWrite() });
      expectObservable(a.reads$.pipe(map(String))).toBe('--a|', { a: 'a' });
      expectObservable(a.state$).toBe('o--(sc)', st);
    });
  });

  it('waits while bytes are unread and finishes after the last one', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, allowHalfOpen: false });
      b.reads$.subscribe();
      b.tryWrite(w.a);
      b.shutdownWrite();
      ts.schedule(() => a.read(Buffer.alloc(4)).subscribe((n) => expect(n).toBe(1)), 5);
      expectObservable(a.state$).toBe('o----(sc)', st);
    });
  });

  it('lets a pending write-side operation (an echo in concatMap) complete before its end', () => {
    ts.run(({ expectObservable, cold }) => {
      const [a, b] = memoryPair({ scheduler: ts, allowHalfOpen: false, latency: 1 });
      a.reads$.pipe(concatMap((c) => a.writeAll(Buffer.concat([c, c])))).subscribe();
      cold('-a-b|', w).subscribe({ next: (c) => b.tryWrite(c), complete: () => b.shutdownWrite() });
      expectObservable(b.reads$.pipe(map(String))).toBe('---x-y|', { x: 'aa', y: 'bb' });
      expectObservable(a.state$).toBe('o----s-c', st);
    });
  });

  it('lets a synchronous concatMap echo finish every chunk without a scheduler (direct delivery)', () => {
    ts.run(() => {
      const [ta, tb] = MemoryTransport.pair(ts, 0);
      const a = new Stream(ta, { allowHalfOpen: false, sendBufferSize: 3 }); // no scheduler: direct delivery
      const b = new Stream(tb, { scheduler: ts });
      const echoed: string[] = [];
      let failure: unknown = null;
      b.reads$.subscribe((c) => echoed.push(c.toString()));
      a.reads$
        .pipe(
          concatMap((c) => from(c.toString()).pipe(concatMap((ch) => a.writeAll(Buffer.from(ch))))),
        )
        .subscribe({ error: (e) => (failure = e) });
      b.tryWrite(Buffer.from('abcdefghijklmnop'));
      b.shutdownWrite();
      ts.schedule(() => {
        expect(failure).toBeNull();
        expect(echoed.join('')).toBe('abcdefghijklmnop');
        expect(a.state).toBe(StreamState.Closed);
      }, 10);
    });
  });

  it('refuses writes once it finished (Invalid), as after shutdownWrite', () => {
    ts.run(() => {
      const [a, b] = memoryPair({ scheduler: ts, allowHalfOpen: false });
      b.shutdownWrite();
      a.reads$.subscribe();
      ts.schedule(() => expect(a.tryWrite(w.a).status).toBe(Status.Invalid), 1);
    });
  });
});

describe('allowHalfOpen: true, the default of streams over your own transport (marbles)', () => {
  it('stays Open after the peer ended; writes go on', () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts });
      b.shutdownWrite();
      expectObservable(a.reads$).toBe('|');
      expectObservable(a.state$).toBe('o', st);
      ts.schedule(() => expect(a.tryWrite(w.b).status).toBe(Status.OK), 2);
    });
  });
});
