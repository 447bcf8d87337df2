import { Observable, of } from 'rxjs';
import { Status, StreamError, limitConnect, timedOut } from '../../src';
import { errorShape, newScheduler, streamError } from '../support/stream-marbles';

const etimedout = streamError(Status.SysError, 1);

describe('limitConnect (marbles)', () => {
  it('errors with SysError ETIMEDOUT and unsubscribes an attempt that never connects', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt$ = cold('-');
      const limited$ = limitConnect(attempt$, { connectTimeout: 5, scheduler: ts });
      expectObservable(limited$.pipe(errorShape())).toBe('-----#', undefined, etimedout);
      expectSubscriptions(attempt$.subscriptions).toBe('^----!');
    });
  });

  it('lets a stream that comes in time through, and no longer bounds it', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt$ = cold('---a---------|');
      const limited$ = limitConnect(attempt$, { connectTimeout: 5, scheduler: ts });
      expectObservable(limited$).toBe('---a---------|');
      expectSubscriptions(attempt$.subscriptions).toBe('^------------!');
    });
  });

  it('reports the attempt’s own error when it fails before the deadline', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const limited$ = limitConnect(cold('--#', undefined, 'refused'), {
        connectTimeout: 5,
        scheduler: ts,
      });
      expectObservable(limited$).toBe('--#', undefined, 'refused');
    });
  });

  it('passes the attempt through untouched without a limit', () => {
    const attempt$ = of(1);
    expect(limitConnect(attempt$, {})).toBe(attempt$);
  });

  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`refuses connectTimeout ${bad} with Invalid at subscription`, () => {
      let subscribed = false;
      const attempt$ = new Observable(() => {
        subscribed = true;
      });
      let error: unknown;
      limitConnect(attempt$, { connectTimeout: bad }).subscribe({ error: (e) => (error = e) });
      expect(StreamError.is(error) && error.status).toBe(Status.Invalid);
      expect(subscribed).toBe(false);
    });
  }
});

describe('timedOut', () => {
  it('is a SysError whose cause has the kernel’s code ETIMEDOUT', () => {
    const e = timedOut('idle', 30);
    expect(e.status).toBe(Status.SysError);
    expect(e.code).toBe(1);
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ETIMEDOUT');
  });
});
