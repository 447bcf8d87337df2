import { Observable, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  DEFAULT_BACKOFF,
  Status,
  StreamError,
  backoffDelay,
  memoryPair,
  reconnecting,
  type ReconnectState,
  type Reconnecting,
  type Stream,
} from '../../src';
import { newScheduler } from '../support/stream-marbles';

const sysError = new StreamError(Status.SysError, 'connect ECONNREFUSED');
const tlsError = new StreamError(Status.TLSError, 'certificate has expired');
const invalidError = new StreamError(Status.Invalid, 'bad host');
const noJitter = { initial: 10, max: 1000, factor: 2, jitter: 0 };

/** `status:attempt` for each state: compact marble values. */
const brief = (s: ReconnectState): string => `${s.status}:${s.attempt}`;

/** A connect factory that plays `attempts` in turn (each a cold observable maker). */
function factory(attempts: Array<() => Observable<Stream>>): () => Observable<Stream> {
  let n = 0;
  return () => attempts[Math.min(n++, attempts.length - 1)]();
}

/** Every state with its frame, collected as they come. */
function story(ts: TestScheduler, conn: Reconnecting): Array<[number, string]> {
  const seen: Array<[number, string]> = [];
  conn.state$.subscribe((s) => seen.push([ts.now(), brief(s)]));
  return seen;
}

describe('reconnecting (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('retries SysError attempts with exponential backoff and opens: every state in order', () => {
    ts.run(({ cold, expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts, allowHalfOpen: false });
      const conn = reconnecting(
        factory([
          () => cold<Stream>('-#', undefined, sysError),
          () => cold<Stream>('-#', undefined, sysError),
          () => cold('--s', { s: a }),
        ]),
        { backoff: noJitter, scheduler: ts },
      );
      expectObservable(conn.state$.pipe(map(brief))).toBe('ab 9ms cd 19ms e-f', {
        a: 'connecting:1',
        b: 'waiting:1',
        c: 'connecting:2',
        d: 'waiting:2',
        e: 'connecting:3',
        f: 'open:3',
      });
      ts.schedule(() => {
        expect(conn.stream).toBe(a);
        expect(conn.state.lastError).toBe(sysError);
        expect(conn.state.connections).toBe(1);
      }, 35);
    });
  });

  it('reconnects after a dropped connection, reads$ going on, writes made meanwhile delivered', () => {
    ts.run(({ expectObservable }) => {
      const [a, peerA] = memoryPair({ scheduler: ts, allowHalfOpen: false });
      const [b, peerB] = memoryPair({ scheduler: ts, allowHalfOpen: false });
      const conn = reconnecting(
        factory([() => of(a), () => new Observable<Stream>((s) => s.error(sysError)), () => of(b)]),
        { backoff: noJitter, scheduler: ts },
      );
      ts.schedule(() => peerA.writeAll(Buffer.from('one')).subscribe(), 2);
      ts.schedule(() => peerA.shutdownWrite(), 3); // the first server goes away cleanly
      ts.schedule(() => conn.writeAll(Buffer.from('queued')).subscribe(), 6);
      ts.schedule(() => peerB.writeAll(Buffer.from('two')).subscribe(), 40);
      const wrote: string[] = [];
      peerB.reads$.subscribe((c) => wrote.push(c.toString()));
      const states = story(ts, conn);
      ts.schedule(
        () =>
          expect(states).toEqual([
            [0, 'connecting:1'],
            [0, 'open:1'],
            [3, 'waiting:0'], // dropped: the peer ended and every byte was read
            [13, 'connecting:1'], // after backoff.initial
            [13, 'waiting:1'],
            [33, 'connecting:2'], // after initial × factor
            [33, 'open:2'],
          ]),
        60,
      );
      expectObservable(conn.reads$.pipe(map(String))).toBe('--a 37ms b', { a: 'one', b: 'two' });
      ts.schedule(() => expect(wrote).toEqual(['queued']), 39);
    });
  });

  for (const [name, error] of [
    ['Invalid', invalidError],
    ['TLSError', tlsError],
  ] as const) {
    it(`gives up at once on ${name} (never retried by default)`, () => {
      ts.run(({ cold }) => {
        const conn = reconnecting(() => cold<Stream>('--#', undefined, error), {
          backoff: noJitter,
          scheduler: ts,
        });
        const states = story(ts, conn);
        let failure: unknown;
        conn.reads$.subscribe({ error: (e) => (failure = e) });
        ts.schedule(() => {
          expect(states).toEqual([
            [0, 'connecting:1'],
            [2, 'failed:1'],
          ]);
          expect(conn.state.lastError).toBe(error);
          expect(failure).toBe(error);
        }, 50);
      });
    });
  }

  it('gives up after maxAttempts failed attempts in a row', () => {
    ts.run(({ cold }) => {
      const conn = reconnecting(() => cold<Stream>('-#', undefined, sysError), {
        backoff: noJitter,
        maxAttempts: 3,
        scheduler: ts,
      });
      const states = story(ts, conn);
      ts.schedule(
        () =>
          expect(states).toEqual([
            [0, 'connecting:1'],
            [1, 'waiting:1'],
            [11, 'connecting:2'],
            [12, 'waiting:2'],
            [32, 'connecting:3'],
            [33, 'failed:3'],
          ]),
        100,
      );
    });
  });

  it('retries what retryOn accepts', () => {
    ts.run(({ cold }) => {
      let calls = 0;
      const conn = reconnecting(
        () => {
          calls += 1;
          return cold<Stream>('-#', undefined, tlsError);
        },
        { backoff: noJitter, maxAttempts: 2, retryOn: () => true, scheduler: ts },
      );
      conn.state$.subscribe();
      ts.schedule(() => expect([calls, conn.state.status]).toEqual([2, 'failed']), 100);
    });
  });

  it('caps waits at backoff.max and jitters each within [d × (1 − jitter), d]', () => {
    ts.run(({ cold }) => {
      const rolls = [0, 0.999, 0.5, 0.25];
      const conn = reconnecting(() => cold<Stream>('#', undefined, sysError), {
        backoff: { initial: 100, max: 300, factor: 2, jitter: 0.5 },
        maxAttempts: 5,
        scheduler: ts,
        random: () => rolls.shift() ?? 0,
      });
      const states = story(ts, conn);
      ts.schedule(() => {
        const connecting = states.filter(([, s]) => s.startsWith('connecting')).map(([t]) => t);
        const waits = connecting.slice(1).map((t, i) => t - connecting[i]);
        // 100 × (1 − 0), 200 × (1 − 0.4995), 300 (capped) × (1 − 0.25), 300 × (1 − 0.125)
        const expected = [100, 200 * (1 - 0.5 * 0.999), 300 * 0.75, 300 * 0.875];
        expect(waits.length).toBe(expected.length);
        waits.forEach((wait, i) => expect(wait).toBeCloseTo(expected[i], 6));
      }, 5000);
    });
  });

  it('refuses writes past maxQueued while disconnected, and after it failed', () => {
    ts.run(({ cold }) => {
      const conn = reconnecting(() => cold<Stream>('-----#', undefined, invalidError), {
        scheduler: ts,
        maxQueued: 4,
      });
      const errors: Array<Status | undefined> = [];
      const note = (e: unknown) => errors.push(StreamError.is(e) ? e.status : undefined);
      conn.writeAll(Buffer.from('abc')).subscribe({ error: note });
      conn.writeAll(Buffer.from('de')).subscribe({ error: note }); // 5 > 4: refused
      expect(conn.queued).toBe(3);
      ts.schedule(() => conn.writeAll(Buffer.from('x')).subscribe({ error: note }), 10);
      ts.schedule(() => {
        // the refused one, the queued one when it gave up (its error), the late one
        expect(errors).toEqual([Status.StreamClosed, Status.Invalid, Status.StreamClosed]);
      }, 20);
    });
  });

  it('close() stops the backoff, closes the stream gracefully and completes reads$ and state$', () => {
    ts.run(({ expectObservable }) => {
      const [a, peer] = memoryPair({ scheduler: ts, allowHalfOpen: false });
      peer.reads$.subscribe();
      const conn = reconnecting(() => of(a), { scheduler: ts });
      expectObservable(conn.state$.pipe(map(brief))).toBe('(ab)-(c|)', {
        a: 'connecting:1',
        b: 'open:1',
        c: 'closed:1',
      });
      expectObservable(conn.reads$).toBe('-----|');
      ts.schedule(() => conn.close().subscribe(), 5);
      ts.schedule(() => expect(a.state).toBe('Closed'), 10);
    });
  });

  it('errors a write its connection dropped half-way (at most once) and sends the next on the new one', () => {
    ts.run(() => {
      const [a] = memoryPair({ scheduler: ts, sendBufferSize: 4 }); // its peer never reads
      const [b, peerB] = memoryPair({ scheduler: ts, allowHalfOpen: false });
      const conn = reconnecting(factory([() => of(a), () => of(b)]), {
        backoff: noJitter,
        scheduler: ts,
      });
      const got: string[] = [];
      peerB.reads$.subscribe((c) => got.push(c.toString()));
      const outcomes: string[] = [];
      const note = (name: string) => ({
        next: () => outcomes.push(`${name} ok`),
        error: (e: unknown) => outcomes.push(`${name} ${StreamError.is(e) ? e.status : '?'}`),
      });
      conn.writeAll(Buffer.from('0123456789')).subscribe(note('big'));
      conn.writeAll(Buffer.from('next')).subscribe(note('next'));
      ts.schedule(() => a.destroy(), 3); // the connection goes away mid-write
      ts.schedule(() => {
        expect(outcomes).toEqual(['big StreamClosed', 'next ok']);
        expect(got.join('')).toBe('next');
        expect(conn.state.connections).toBe(2);
      }, 30);
    });
  });

  it('loses nothing when reads$ is unsubscribed and subscribed again', () => {
    ts.run(() => {
      const [a, peer] = memoryPair({ scheduler: ts });
      const conn = reconnecting(() => of(a), { scheduler: ts });
      const got: string[] = [];
      const first = conn.reads$.subscribe((c) => got.push(c.toString()));
      ts.schedule(() => peer.tryWrite(Buffer.from('one')), 1);
      ts.schedule(() => first.unsubscribe(), 2);
      ts.schedule(() => peer.tryWrite(Buffer.from('two')), 3);
      ts.schedule(() => conn.reads$.subscribe((c) => got.push(c.toString())), 5);
      ts.schedule(() => expect(got.join('')).toBe('onetwo'), 10);
    });
  });

  it('follows every connection of a long story: three drops, three reconnects', () => {
    ts.run(() => {
      const pairs = [0, 1, 2, 3].map(() => memoryPair({ scheduler: ts, allowHalfOpen: false }));
      let n = 0;
      const conn = reconnecting(() => of(pairs[n++][0]), { backoff: noJitter, scheduler: ts });
      conn.reads$.subscribe();
      const states = story(ts, conn);
      // Each server leaves 5 frames after its connection opened (at 0, 15, 30, 45).
      for (const [i, at] of [0, 15, 30].entries())
        ts.schedule(() => pairs[i][1].shutdownWrite(), at + 5);
      ts.schedule(() => {
        expect(states.filter(([, s]) => s.startsWith('open')).map(([t]) => t)).toEqual([
          0, 15, 30, 45,
        ]);
        expect(conn.state.connections).toBe(4);
      }, 60);
    });
  });

  it('passes on errors of its own projection (a bug, not a dropped connection)', () => {
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts });
      const conn = reconnecting(() => of(a), { scheduler: ts });
      expectObservable(conn.each(() => new Observable<number>((s) => s.error('decode')))).toBe(
        '#',
        undefined,
        'decode',
      );
    });
  });
});

describe('backoffDelay', () => {
  it('grows by factor from initial, capped at max, without jitter', () => {
    const b = { initial: 100, max: 1000, factor: 3, jitter: 0 };
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, b, () => 0.7))).toEqual([100, 300, 900, 1000]);
  });

  it('defaults to 250 ms doubling to 30 s, half random', () => {
    expect(DEFAULT_BACKOFF).toEqual({ initial: 250, max: 30_000, factor: 2, jitter: 0.5 });
  });

  it('refuses a bad backoff with Invalid at creation', () => {
    for (const backoff of [
      { initial: -1 },
      { factor: 0.5 },
      { jitter: 2 },
      { max: 1, initial: 5 },
    ]) {
      expect(() => reconnecting(() => of(), { backoff })).toThrowMatching(
        (e: unknown) => StreamError.is(e) && e.status === Status.Invalid,
      );
    }
  });
});
