import {
  asapScheduler,
  concatMap,
  filter,
  firstValueFrom,
  from,
  lastValueFrom,
  map,
  toArray,
} from 'rxjs';
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

describe('allowHalfOpen: false without a scheduler (direct delivery)', () => {
  it('lets a synchronous concatMap echo finish every chunk before its end', async () => {
    const [ta, tb] = MemoryTransport.pair(asapScheduler, 0);
    const a = new Stream(ta, { allowHalfOpen: false, sendBufferSize: 3 }); // results delivered at once
    const b = new Stream(tb, { scheduler: asapScheduler });
    let failure: unknown = null;
    const text = 'abcdefghijklmnopqrstuvwxyz';
    a.reads$
      .pipe(
        concatMap((c) =>
          from(c.toString().match(/.{1,2}/g) ?? []).pipe(
            concatMap((pair) => a.writeAll(Buffer.from(pair))),
          ),
        ),
      )
      .subscribe({ error: (e: unknown) => (failure = e) });
    const echoed = lastValueFrom(b.reads$.pipe(toArray()));
    b.tryWrite(Buffer.from(text));
    b.shutdownWrite();
    expect(Buffer.concat(await echoed).toString()).toBe(text);
    await firstValueFrom(a.state$.pipe(filter((s) => s === StreamState.Closed)));
    expect(failure).toBeNull();
  });
});
