import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { memoryPair } from '../../src';
import { withSignal } from '../../src/adapters/abort';

describe('withSignal', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('mirrors the source, then unsubscribes and errors with signal.reason on abort', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const controller = new AbortController();
      const reason = new Error('user cancelled');
      const source = cold('-a-b-c-d|');
      const subs = '       ^--!';
      testScheduler.schedule(() => controller.abort(reason), 3);
      expectObservable(withSignal(source, controller.signal)).toBe('-a-#', undefined, reason);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('errors at once with the reason, without subscribing, when already aborted', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const controller = new AbortController();
      controller.abort();
      const source = cold('-a|');
      expectObservable(withSignal(source, controller.signal)).toBe(
        '#',
        undefined,
        controller.signal.reason,
      );
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('errors with a DOMException named AbortError by default', () => {
    const controller = new AbortController();
    let error: unknown;
    withSignal(memoryPair()[0].reads$, controller.signal).subscribe({ error: (e) => (error = e) });
    controller.abort();
    expect((error as DOMException).name).toBe('AbortError');
  });

  it('ignores an abort after the source completed', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const controller = new AbortController();
      testScheduler.schedule(() => controller.abort(), 5);
      expectObservable(withSignal(cold('-a|'), controller.signal)).toBe('-a|');
    });
  });

  it('cancels a pending read without consuming a byte: the next reader gets it', () => {
    testScheduler.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: testScheduler });
      const controller = new AbortController();
      const buf = Buffer.alloc(8);
      testScheduler.schedule(() => controller.abort('stop'), 2);
      expectObservable(withSignal(b.read(buf), controller.signal)).toBe('--#', undefined, 'stop');
      testScheduler.schedule(() => {
        a.tryWrite(Buffer.from('kept'));
        a.shutdownWrite();
      }, 4);
      expectObservable(b.reads$.pipe(map(String)), '------^').toBe('------(x|)', { x: 'kept' });
    });
  });
});
