import { concat, concatMap } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { Status, StreamState, memoryPair } from '../src';
import { bufs, errorShape, newScheduler, streamError } from './support/stream-marbles';

const w = bufs({
  h: 'hello',
  d: 'hello world',
  p: 'hell',
  q: 'o wo',
  r: 'rld',
  o: 'o',
  a: 'ab',
  c: 'cd',
  j: 'abcd',
});
const refused = streamError(Status.Invalid, 3);

describe('Stream write/writeAll/flush/close (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('write() is cold: nothing is sent or accepted before subscription', () => {
    let accepted = -1;
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      const write$ = a.write(w.h);
      ts.schedule(() => (accepted = a.bytesWritten), 3);
      expectObservable(write$, '----^').toBe('----(n|)', { n: 5 });
      expectObservable(b.reads$).toBe('-----h', w);
    });
    expect(accepted).toBe(0);
  });

  it('writeAll(), flush() and close() are cold: nothing happens before subscription', () => {
    const seen: unknown[] = [];
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      const writeAll$ = a.writeAll(w.h);
      a.flush();
      a.close();
      ts.schedule(() => seen.push(a.state, a.bytesWritten), 5);
      expectObservable(writeAll$, '------^').toBe('------(n|)', { n: 5 });
      expectObservable(b.reads$).toBe('-------h', w);
    });
    expect(seen).toEqual([StreamState.Open, 0]);
  });

  it('is one operation per subscription: subscribing twice sends the bytes twice', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      const write$ = a.writeAll(w.a);
      expectObservable(concat(write$, write$)).toBe('(nn|)', { n: 2 });
      expectObservable(b.reads$).toBe('-aa', w);
    });
  });

  it('write() accepts fewer than len bytes when the send buffer is small', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      expectObservable(a.write(w.h)).toBe('(n|)', { n: 4 });
      expectObservable(b.reads$).toBe('-p', w);
    });
  });

  it('write() respects len', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      expectObservable(a.write(w.d, 4)).toBe('(n|)', { n: 4 });
      expectObservable(b.reads$).toBe('-p', w);
    });
  });

  it('write() waits for room when the send buffer is full', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      a.tryWrite(w.p);
      expectObservable(a.write(w.o)).toBe('---(n|)', { n: 1 });
      expectObservable(b.reads$, '---^').toBe('---po', w);
    });
  });

  it('writeAll() waits for room as often as needed, then emits len', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      expectObservable(a.writeAll(w.d)).toBe('--(n|)', { n: 11 });
      expectObservable(b.reads$).toBe('-pqr', w);
    });
  });

  it('writeAll() is held back by a peer that does not read, and resumes when it does', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      expectObservable(a.writeAll(w.d)).toBe('-----------(n|)', { n: 11 });
      expectObservable(b.reads$, '----------^').toBe('----------pqr', w);
    });
  });

  it('sends only the accepted prefix when writeAll() is unsubscribed mid-way', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      expectObservable(a.writeAll(w.d), '^----!').toBe('');
      ts.schedule(() => a.shutdownWrite(), 6);
      expectObservable(b.reads$, '--------^').toBe('--------p|', w);
    });
  });

  it('coalesces many small accepted writes into one delivery', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      ts.schedule(() => {
        a.tryWrite(w.a);
        a.tryWrite(w.c);
      }, 2);
      expectObservable(b.reads$).toBe('---j', w);
    });
  });

  it('flush() completes once every accepted byte has left, not before', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      a.tryWrite(w.h);
      expectObservable(a.flush()).toBe('-----(v|)', { v: undefined });
      expectObservable(b.reads$, '-----^').toBe('-----h', w);
    });
  });

  it('flush() completes at once when nothing is waiting', () => {
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts, latency: 5 });
      expectObservable(a.flush(), '--^').toBe('--(v|)', { v: undefined });
    });
  });

  it('refuses a second write-side operation while one is pending, and the first completes', () => {
    const statuses: string[] = [];
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      expectObservable(a.writeAll(w.d)).toBe('------(n|)', { n: 11 });
      expectObservable(a.write(w.o).pipe(errorShape()), '-^').toBe('-#', undefined, refused);
      expectObservable(a.writeAll(w.o).pipe(errorShape()), '--^').toBe('--#', undefined, refused);
      expectObservable(a.flush().pipe(errorShape()), '---^').toBe('---#', undefined, refused);
      expectObservable(a.close().pipe(errorShape()), '----^').toBe('----#', undefined, refused);
      ts.schedule(() => statuses.push(a.tryWrite(w.o).status, a.shutdownWrite()), 4);
      expectObservable(b.reads$, '-----^').toBe('-----pqr', w);
    });
    expect(statuses).toEqual([Status.Invalid, Status.Invalid]);
  });

  it('allows a read and a write pending together', () => {
    const buf = Buffer.alloc(8);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      cold('--a', w)
        .pipe(concatMap((x) => b.writeAll(x)))
        .subscribe();
      expectObservable(a.read(buf)).toBe('---(n|)', { n: 2 });
      expectObservable(a.writeAll(w.d)).toBe('--(n|)', { n: 11 });
      expectObservable(b.reads$).toBe('-pqr', w);
    });
    expect(buf.toString('latin1', 0, 2)).toBe('ab');
  });

  it('counts accepted bytes in bytesWritten and delivered bytes in bytesRead', () => {
    const counts: number[] = [];
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      expectObservable(a.write(w.h)).toBe('(n|)', { n: 4 });
      expectObservable(b.reads$).toBe('-p', w);
      ts.schedule(() => counts.push(a.bytesWritten, b.bytesRead), 3);
    });
    expect(counts).toEqual([4, 4]);
  });

  it('refuses bad arguments with Invalid code 3 on subscription', () => {
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts });
      expectObservable(a.write(w.h, 6).pipe(errorShape())).toBe('#', undefined, refused);
      expectObservable(a.writeAll(w.h, 0).pipe(errorShape()), '-^').toBe('-#', undefined, refused);
      expectObservable(a.writeAll(Buffer.alloc(0)).pipe(errorShape()), '--^').toBe(
        '--#',
        undefined,
        refused,
      );
    });
  });
});
