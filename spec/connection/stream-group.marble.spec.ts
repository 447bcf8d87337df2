import { TestScheduler } from 'rxjs/testing';
import { Status, StreamError, StreamGroup, StreamState, memoryPair, type Stream } from '../../src';
import { newScheduler } from '../support/stream-marbles';

/** Keeps `peer` reading and collects what it gets as text. */
function reader(peer: Stream): string[] {
  const got: string[] = [];
  peer.reads$.subscribe({ next: (c) => got.push(c.toString()), error: () => undefined });
  return got;
}

describe('StreamGroup (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('writes a broadcast to every member, and members leave when they close', () => {
    ts.run(({ expectObservable }) => {
      const group = new StreamGroup({ scheduler: ts });
      const [a, pa] = memoryPair({ scheduler: ts });
      const [b, pb] = memoryPair({ scheduler: ts });
      const gotA = reader(pa);
      const gotB = reader(pb);
      expect(group.add(a)).toBe(true);
      expect(group.add(b)).toBe(true);
      expect(group.add(a)).toBe(false);
      expectObservable(group.size$).toBe('a--b', { a: 2, b: 1 });
      group
        .writeAll(Buffer.from('hi'))
        .subscribe((r) => expect(r).toEqual({ queued: 2, skipped: 0 }));
      ts.schedule(() => b.destroy(), 3);
      ts.schedule(() => {
        expect(gotA.join('')).toBe('hi');
        expect(gotB.join('')).toBe('hi');
        expect(group.has(b)).toBe(false);
        expect(group.stats()).toEqual({ size: 1, added: 2, left: 1, skipped: 0, queuedBytes: 0 });
      }, 5);
    });
  });

  it('does not let a slow member stall the others: past its bound it skips messages, counted', () => {
    ts.run(() => {
      const group = new StreamGroup({ scheduler: ts, maxQueuedPerMember: 8 });
      const [fast, pf] = memoryPair({ scheduler: ts });
      const [slow] = memoryPair({ scheduler: ts, sendBufferSize: 4 }); // its peer never reads
      const gotFast = reader(pf);
      group.add(fast);
      group.add(slow);
      const results: Array<[number, number]> = [];
      for (let i = 0; i < 6; i++) {
        ts.schedule(() => {
          group
            .writeAll(Buffer.from(`m${i}::`))
            .subscribe((r) => results.push([r.queued, r.skipped]));
        }, i);
      }
      ts.schedule(() => {
        expect(gotFast.join('')).toBe('m0::m1::m2::m3::m4::m5::');
        expect(results.slice(0, 2)).toEqual([
          [2, 0],
          [2, 0],
        ]);
        expect(results.slice(3)).toEqual([
          [1, 1],
          [1, 1],
          [1, 1],
        ]);
        expect(group.stats().skipped).toBe(3 + (results[2][1] === 1 ? 1 : 0));
      }, 10);
    });
  });

  it('close() closes every member gracefully after their queued broadcasts', () => {
    ts.run(({ expectObservable }) => {
      const group = new StreamGroup({ scheduler: ts });
      const [a, pa] = memoryPair({ scheduler: ts });
      const [b, pb] = memoryPair({ scheduler: ts });
      const got = [reader(pa), reader(pb)];
      group.add(a);
      group.add(b);
      group.writeAll(Buffer.from('last words')).subscribe();
      expectObservable(group.close()).toBe('(x|)', { x: undefined });
      ts.schedule(() => {
        expect(got.map((g) => g.join(''))).toEqual(['last words', 'last words']);
        expect([a.state, b.state]).toEqual([StreamState.Closed, StreamState.Closed]);
      }, 1);
    });
  });

  it('close({ timeout }) destroys the members still open at the deadline', () => {
    ts.run(({ expectObservable }) => {
      const group = new StreamGroup({ scheduler: ts });
      const [ok, pok] = memoryPair({ scheduler: ts });
      const [stuck] = memoryPair({ scheduler: ts, sendBufferSize: 4 });
      reader(pok);
      group.add(ok);
      group.add(stuck);
      group.writeAll(Buffer.from('never read')).subscribe(); // the stuck member's peer never reads
      ts.schedule(() => {
        expectObservable(group.close({ timeout: 20 })).toBe('20ms (x|)', { x: undefined });
      }, 0);
      ts.schedule(() => expect(ok.state).toBe(StreamState.Closed), 5);
      ts.schedule(() => expect(stuck.state).toBe(StreamState.Closed), 21);
    });
  });

  it('refuses a non-buffer broadcast with Invalid', () => {
    const group = new StreamGroup();
    let error: unknown;
    group.writeAll('text' as unknown as Uint8Array).subscribe({ error: (e) => (error = e) });
    expect(StreamError.is(error) && error.status).toBe(Status.Invalid);
  });
});
