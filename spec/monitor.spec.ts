import { BehaviorSubject, Observable, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MonitorEvent, MonitorEventType, Monitorable, monitor } from '../src/monitor';
import { MonitorSnapshot, monitorSnapshots } from '../src/monitor-snapshot';
import { MemoryTransport, Status, Stream, StreamKind, StreamState, memoryPair } from '../src';

/** A hand-made stream: states pushed by the test, counters set by the test. */
class FakeStream implements Monitorable {
  readonly #state = new BehaviorSubject<StreamState>(StreamState.Open);
  readonly state$: Observable<StreamState>;
  bytesRead = 0;
  bytesWritten = 0;
  lastError: { status: Status } | null = null;

  constructor(
    readonly kind: StreamKind = StreamKind.Memory,
    state$?: Observable<StreamState>,
  ) {
    this.state$ = state$ ?? this.#state.asObservable();
  }

  to(state: StreamState): void {
    this.#state.next(state);
  }

  destroy(): void {
    this.#state.complete();
  }
}

type Sample = Partial<Omit<MonitorEvent, 'type' | 'id'>>;

/** The event the monitor should emit, with the fake's defaults filled in. */
function ev(type: MonitorEventType, id: number, time: number, sample: Sample = {}): MonitorEvent {
  return {
    type,
    id,
    label: StreamKind.Memory,
    kind: StreamKind.Memory,
    state: StreamState.Open,
    previous: null,
    status: null,
    timedOut: false,
    bytesRead: 0,
    bytesWritten: 0,
    time,
    ...sample,
  };
}

describe('monitor', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** Runs `work` on the test scheduler `frame` frames after the start. */
  function at(frame: number, work: () => void): void {
    scheduler.schedule(work, frame);
  }

  it('reports a stream appearing, each transition in order, and its removal', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const s = new FakeStream();
      at(3, () => s.to(StreamState.ShutdownWr));
      at(5, () => s.to(StreamState.Closed));
      at(7, () => s.destroy());
      const events$ = monitor(cold('-a|', { a: s }), { scheduler, sampleMs: 1000 });
      expectObservable(events$).toBe('-a-b-c-(d|)', {
        a: ev('added', 1, 1),
        b: ev('state', 1, 3, { state: StreamState.ShutdownWr, previous: StreamState.Open }),
        c: ev('state', 1, 5, { state: StreamState.Closed, previous: StreamState.ShutdownWr }),
        d: ev('removed', 1, 7, { state: StreamState.Closed }),
      });
    });
  });

  it('samples the counters on the scheduler and reports only changed samples', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const s = new FakeStream();
      at(5, () => (s.bytesRead = 3));
      at(25, () => (s.bytesWritten = 7));
      at(45, () => s.destroy());
      const events$ = monitor(cold('a|', { a: s }), { scheduler, sampleMs: 10 });
      expectObservable(events$).toBe('a 9ms b 19ms c 14ms (d|)', {
        a: ev('added', 1, 0),
        b: ev('counters', 1, 10, { bytesRead: 3 }),
        c: ev('counters', 1, 30, { bytesRead: 3, bytesWritten: 7 }),
        d: ev('removed', 1, 45, { bytesRead: 3, bytesWritten: 7 }),
      });
    });
  });

  it('carries lastError.status on the Error transition that set it', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const s = new FakeStream(StreamKind.TCP);
      at(2, () => {
        s.lastError = { status: Status.SysError };
        s.to(StreamState.Error);
      });
      const events$ = monitor(cold('a', { a: s }), { scheduler, sampleMs: 1000 });
      const tcp = { kind: StreamKind.TCP, label: StreamKind.TCP };
      expectObservable(events$, '^ 10ms !').toBe('a-b', {
        a: ev('added', 1, 0, tcp),
        b: ev('state', 1, 2, {
          ...tcp,
          state: StreamState.Error,
          previous: StreamState.Open,
          status: Status.SysError,
        }),
      });
    });
  });

  it('reports a status that appears without a transition on the next sample', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const s = new FakeStream();
      at(2, () => s.to(StreamState.Error));
      at(3, () => (s.lastError = { status: Status.TLSError }));
      const events$ = monitor(cold('a', { a: s }), { scheduler, sampleMs: 5 });
      const error = { state: StreamState.Error };
      expectObservable(events$, '^ 20ms !').toBe('a-b--c', {
        a: ev('added', 1, 0),
        b: ev('state', 1, 2, { ...error, previous: StreamState.Open }),
        c: ev('counters', 1, 5, { ...error, status: Status.TLSError }),
      });
    });
  });

  it('numbers streams in order of appearance and interleaves their events', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const a = new FakeStream(StreamKind.TCP);
      const b = new FakeStream(StreamKind.TLSStream);
      at(4, () => a.destroy());
      at(5, () => b.to(StreamState.ShutdownWr));
      at(6, () => b.destroy());
      const streams$ = hot<Monitorable>('-a-b---|', { a, b });
      const events$ = monitor(streams$, { scheduler, sampleMs: 1000, label: (s) => `L${s.kind}` });
      const ka = { kind: StreamKind.TCP, label: 'LTCP' };
      const kb = { kind: StreamKind.TLSStream, label: 'LTLSStream' };
      expectObservable(events$).toBe('-a-bcde|', {
        a: ev('added', 1, 1, ka),
        b: ev('added', 2, 3, kb),
        c: ev('removed', 1, 4, ka),
        d: ev('state', 2, 5, { ...kb, state: StreamState.ShutdownWr, previous: StreamState.Open }),
        e: ev('removed', 2, 6, { ...kb, state: StreamState.ShutdownWr }),
      });
    });
  });

  it('ignores a stream emitted again while it is followed', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const s = new FakeStream();
      at(4, () => s.destroy());
      const events$ = monitor(cold('a-a-|', { a: s }), { scheduler, sampleMs: 1000 });
      expectObservable(events$).toBe('a---(b|)', {
        a: ev('added', 1, 0),
        b: ev('removed', 1, 4),
      });
    });
  });

  it('unsubscribes from state$ and stops sampling when unsubscribed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const state$ = cold<StreamState>('a 10ms b', {
        a: StreamState.Open,
        b: StreamState.Closed,
      });
      const s = new FakeStream(StreamKind.Memory, state$);
      at(1, () => (s.bytesRead = 1));
      at(6, () => (s.bytesRead = 2));
      const events$ = monitor(cold('a', { a: s }), { scheduler, sampleMs: 3 });
      expectObservable(events$, '^ 4ms !').toBe('a--b', {
        a: ev('added', 1, 0),
        b: ev('counters', 1, 3, { bytesRead: 1 }),
      });
      expectSubscriptions(state$.subscriptions).toBe('^ 4ms !');
    });
  });

  it('treats an error of state$ as the removal of the stream', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const state$ = cold<StreamState>('a-#', { a: StreamState.Open });
      const s = new FakeStream(StreamKind.Memory, state$);
      const events$ = monitor(cold('a|', { a: s }), { scheduler, sampleMs: 1000 });
      expectObservable(events$).toBe('a-(b|)', {
        a: ev('added', 1, 0),
        b: ev('removed', 1, 2),
      });
    });
  });

  it('reports nothing for a stream already destroyed when it appears', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const s = new FakeStream();
      s.destroy();
      const events$ = monitor(cold('a-|', { a: s }), { scheduler, sampleMs: 1 });
      expectObservable(events$).toBe('--|');
    });
  });

  it('passes on an error of the source', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const events$ = monitor(cold<Monitorable>('--#'), { scheduler });
      expectObservable(events$).toBe('--#');
    });
  });

  it('numbers streams from 1 again for each subscription', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const s = new FakeStream();
      at(2, () => s.destroy());
      const events$ = monitor(cold('a|', { a: s }), { scheduler, sampleMs: 1000 });
      expectObservable(events$).toBe('a-(b|)', { a: ev('added', 1, 0), b: ev('removed', 1, 2) });
      expectObservable(events$).toBe('a-(b|)', { a: ev('added', 1, 0), b: ev('removed', 1, 2) });
    });
  });
});

describe('monitor with memoryPair streams', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** Reads everything `stream` receives, so that its bytesRead and end of stream move. */
  function drain(stream: Stream): void {
    stream.reads$.subscribe({ error: () => undefined });
  }

  it('follows a pair through data, half-close, close and destroy', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler, latency: 1 });
      drain(a);
      drain(b);
      scheduler.schedule(() => a.writeAll(Buffer.from('hello')).subscribe(), 2);
      scheduler.schedule(() => expect(a.shutdownWrite()).toBe(Status.OK), 10);
      scheduler.schedule(() => b.writeAll(Buffer.from('bye')).subscribe(), 12);
      scheduler.schedule(() => b.close().subscribe(), 20);
      scheduler.schedule(() => [a, b].forEach((s) => s.destroy()), 30);
      const events$ = monitor(cold('(ab|)', { a, b }), { scheduler, sampleMs: 5 });
      const { ShutdownWr, Closed, Open } = StreamState;
      // b closes at 20 (done at 21, latency 1); its FIN reaches half-closed a at 22: both ended.
      expectObservable(events$).toBe('(ab) 1ms (cd) 1ms e 4ms (fg) 2ms h i 7ms (jk|)', {
        a: ev('added', 1, 0),
        b: ev('added', 2, 0),
        c: ev('counters', 1, 5, { bytesWritten: 5 }),
        d: ev('counters', 2, 5, { bytesRead: 5 }),
        e: ev('state', 1, 10, { state: ShutdownWr, previous: Open, bytesWritten: 5 }),
        f: ev('counters', 1, 15, { state: ShutdownWr, bytesRead: 3, bytesWritten: 5 }),
        g: ev('counters', 2, 15, { bytesRead: 5, bytesWritten: 3 }),
        h: ev('state', 2, 21, { state: Closed, previous: Open, bytesRead: 5, bytesWritten: 3 }),
        i: ev('state', 1, 22, {
          state: Closed,
          previous: ShutdownWr,
          bytesRead: 3,
          bytesWritten: 5,
        }),
        j: ev('removed', 1, 30, { state: Closed, bytesRead: 3, bytesWritten: 5 }),
        k: ev('removed', 2, 30, { state: Closed, bytesRead: 5, bytesWritten: 3 }),
      });
    });
  });

  it('reports the Error transition with its SysError status when the transport fails', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const [ta, tb] = MemoryTransport.pair(scheduler, 1);
      const a = new Stream(ta, { scheduler });
      const b = new Stream(tb, { scheduler });
      drain(a);
      ta.inject(Object.assign(new Error('reset by peer'), { code: 'ECONNRESET' }), 4);
      scheduler.schedule(() => [a, b].forEach((s) => s.destroy()), 9);
      const events$ = monitor(cold('(ab|)', { a, b }), { scheduler, sampleMs: 5 });
      const failed = { state: StreamState.Error, status: Status.SysError };
      expectObservable(events$).toBe('(ab) c 4ms (def|)', {
        a: ev('added', 1, 0),
        b: ev('added', 2, 0),
        c: ev('state', 1, 4, { ...failed, previous: StreamState.Open }),
        d: ev('removed', 1, 9, failed),
        e: ev('state', 2, 9, { state: StreamState.Closed, previous: StreamState.Open }),
        f: ev('removed', 2, 9, { state: StreamState.Closed }),
      });
    });
  });
});

describe('monitorSnapshots', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** A readable digest of a snapshot: id → state/bytes/history. */
  function digest(snap: MonitorSnapshot): string {
    return [...snap.streams]
      .map(([id, s]) => {
        const path = s.history.map((h) => h.state).join('>');
        return `${id}:${s.latest.state}:${s.latest.bytesRead}:${path}@${s.since}`;
      })
      .join(' ');
  }

  it('keeps each live stream with its latest sample and its transitions', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const open = { state: StreamState.Open };
      const events$ = cold<MonitorEvent>('a-b-c-d-e', {
        a: ev('added', 1, 0, open),
        b: ev('added', 2, 2, open),
        c: ev('counters', 1, 4, { ...open, bytesRead: 9 }),
        d: ev('state', 1, 6, { state: StreamState.Closed, bytesRead: 9 }),
        e: ev('removed', 2, 8),
      });
      const digests$ = events$.pipe(monitorSnapshots(), map(digest));
      expectObservable(digests$).toBe('a-b-c-d-e', {
        a: '1:Open:0:Open@0',
        b: '1:Open:0:Open@0 2:Open:0:Open@2',
        c: '1:Open:9:Open@0 2:Open:0:Open@2',
        d: '1:Closed:9:Open>Closed@0 2:Open:0:Open@2',
        e: '1:Closed:9:Open>Closed@0',
      });
    });
  });

  it('ignores events for an id it never saw added', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const events$ = cold<MonitorEvent>('a', { a: ev('counters', 5, 0, { bytesRead: 1 }) });
      const sizes$ = events$.pipe(
        monitorSnapshots(),
        map((s) => s.streams.size),
      );
      expectObservable(sizes$).toBe('a', { a: 0 });
    });
  });
});
