import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Status, StreamError, StreamState, memoryPair } from '../../src';
import { bufs, errorShape, newScheduler, streamError } from '../support/stream-marbles';

const st = {
  o: StreamState.Open,
  e: StreamState.Error,
  s: StreamState.ShutdownWr,
  c: StreamState.Closed,
};
const etimedout = streamError(Status.SysError, 1);
const w = bufs({ a: 'a', b: 'b' });

describe('idleTimeout (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('fails a stream that receives and sends nothing for idleTimeout: SysError ETIMEDOUT, state Error', () => {
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts, idleTimeout: 10 });
      expectObservable(a.state$).toBe('o---------e', st);
      ts.schedule(() => {
        expect((a.lastError?.cause as NodeJS.ErrnoException).code).toBe('ETIMEDOUT');
      }, 11);
    });
  });

  it('errors a pending read with the timeout', () => {
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts, idleTimeout: 5 });
      expectObservable(a.reads$.pipe(errorShape())).toBe('-----#', undefined, etimedout);
    });
  });

  it('counts received bytes as activity: the deadline moves to the last byte + idleTimeout', () => {
    ts.run(({ expectObservable, cold }) => {
      const [a, b] = memoryPair({ scheduler: ts, idleTimeout: 10 });
      cold('---a------b|', w).subscribe((chunk) => b.tryWrite(chunk));
      expectObservable(a.reads$.pipe(map(String), errorShape())).toBe(
        '---a------b---------#',
        { a: 'a', b: 'b' },
        etimedout,
      );
    });
  });

  it('counts sent bytes as activity too', () => {
    ts.run(({ expectObservable, cold }) => {
      const [a, b] = memoryPair({ scheduler: ts, idleTimeout: 10 });
      b.reads$.subscribe({ error: () => undefined });
      cold('--------a', w).subscribe((chunk) => a.tryWrite(chunk));
      expectObservable(a.state$).toBe('o-----------------e', st);
    });
  });

  it('stops its timer when the stream closes first', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, idleTimeout: 10 });
      b.reads$.subscribe({ error: () => undefined });
      ts.schedule(() => a.destroy(), 3);
      expectObservable(a.state$).toBe('o--(c|)', st);
    });
    expect(ts.actions.length).toBe(0); // nothing left scheduled
  });

  it('refuses a bad idleTimeout with Invalid', () => {
    for (const bad of [0, -1, Number.NaN]) {
      let error: unknown;
      try {
        memoryPair({ idleTimeout: bad });
      } catch (e) {
        error = e;
      }
      expect(StreamError.is(error) && error.status).toBe(Status.Invalid);
    }
  });
});

describe('stream.idle$ (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('emits every ms of silence from the peer, from the last byte received', () => {
    ts.run(({ expectObservable, cold }) => {
      const [a, b] = memoryPair({ scheduler: ts });
      a.reads$.subscribe();
      cold('------a', w).subscribe((chunk) => b.tryWrite(chunk));
      expectObservable(a.idle$(4).pipe(take(3))).toBe('----x-----x---(x|)', { x: undefined });
    });
  });

  it('does not count what the stream sends', () => {
    ts.run(({ expectObservable, cold }) => {
      const [a, b] = memoryPair({ scheduler: ts });
      b.reads$.subscribe();
      cold('--a-a-a', w).subscribe((chunk) => a.tryWrite(chunk));
      expectObservable(a.idle$(5).pipe(take(1))).toBe('-----(x|)', { x: undefined });
    });
  });

  it('completes when the stream is destroyed', () => {
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts });
      ts.schedule(() => a.destroy(), 7);
      expectObservable(a.idle$(3)).toBe('---x--x|', { x: undefined });
    });
  });

  it('errors Invalid for a bad ms', () => {
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts });
      expectObservable(a.idle$(-1).pipe(errorShape())).toBe(
        '#',
        undefined,
        streamError(Status.Invalid, 3),
      );
    });
  });
});
