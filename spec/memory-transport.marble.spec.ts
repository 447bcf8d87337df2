import { TestScheduler } from 'rxjs/testing';
import {
  MemoryTransport,
  Status,
  Stream,
  StreamError,
  StreamKind,
  StreamState,
  memoryPair,
} from '../src';
import { newScheduler } from './support/stream-marbles';

describe('memoryPair', () => {
  it('makes two Memory streams without a file descriptor', () => {
    const [a, b] = memoryPair({ scheduler: newScheduler() });
    expect([a.kind, b.kind, a.fd, b.fd]).toEqual([StreamKind.Memory, StreamKind.Memory, -1, -1]);
    expect([a.state, b.state]).toEqual([StreamState.Open, StreamState.Open]);
  });

  for (const latency of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`refuses latency ${latency} with StreamError Invalid`, () => {
      let caught: unknown;
      try {
        memoryPair({ latency });
      } catch (e) {
        caught = e;
      }
      expect(StreamError.is(caught) && caught.status).toBe(Status.Invalid);
    });
  }

  it('refuses a sendBufferSize or readBufferSize that is not a positive integer', () => {
    const [t] = MemoryTransport.pair(newScheduler(), 0);
    for (const options of [{ sendBufferSize: 0 }, { readBufferSize: 1.5 }]) {
      expect(() => new Stream(t, options)).toThrowMatching(
        (e) => StreamError.is(e) && e.code === 3,
      );
    }
  });

  it('lets a paused peer of a destroyed side see the end once it reads, then go Closed', () => {
    const ts = newScheduler();
    const states: string[] = [];
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      a.destroy();
      ts.schedule(() => states.push(b.state), 4);
      expectObservable(b.reads$, '-----^').toBe('-----|');
      ts.schedule(() => states.push(b.state), 10);
    });
    expect(states).toEqual([StreamState.Open, StreamState.Closed]);
  });

  // Was a core bug (fixed): src/memory.ts #closeIfDone (line 147-152). When one side is destroyed (or
  // fails: Stream#fail destroys the transport) while its peer is paused (nobody reading it),
  // destroy() puts 'end' in the peer's inbox and schedules peer.#closeIfDone(true); that
  // finds the inbox not empty and reschedules itself every `latency`, forever. Under
  // TestScheduler.run() flush() never returns (the spec hangs); with the default
  // asapScheduler it is an endless microtask chain that starves the process (a script that
  // does `memoryPair()[0].destroy()` never runs its timers). It should wait without polling:
  // e.g. remember "peer gone" and close from #drain once the inbox is empty.
  // Bounded by maxFrames (no run()), so this fails instead of hanging when enabled.
  it('does not keep rescheduling work while the peer of a destroyed side is paused', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    ts.maxFrames = 200;
    const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
    a.destroy();
    ts.flush();
    expect(ts.actions.length).withContext('actions still scheduled').toBe(0);
    expect(b.state).toBe(StreamState.Open);
  });
});
