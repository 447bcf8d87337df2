import { concatMap } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { MemoryTransport, Status, Stream, StreamState, memoryPair } from '../src';
import { bufs, errorShape, newScheduler, streamError } from './support/stream-marbles';

const w = bufs({ h: 'hello', b: 'bye', p: 'hell', o: 'o', d: 'hello world' });
const st = {
  o: StreamState.Open,
  s: StreamState.ShutdownWr,
  c: StreamState.Closed,
  e: StreamState.Error,
};
const refused = streamError(Status.Invalid, 3);
const closed = streamError(Status.StreamClosed, 2);
const reset = streamError(Status.SysError, 1);
const v = { v: undefined };

function connReset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}

/**
 * Keeps `peer` reading, so that the end of stream a closing or failing side
 * sends is drained and the peer reaches Closed within the test (a paused
 * peer holds it; memory-transport.marble.spec.ts covers that case).
 */
function keepReading(peer: Stream): void {
  peer.reads$.subscribe({ error: () => undefined });
}

/** A pair built by hand, to reach the transports (inject); `b` keeps reading. */
function handPair(ts: TestScheduler, latency: number, sendBufferSize?: number) {
  const [ta, tb] = MemoryTransport.pair(ts, latency);
  const a = new Stream(ta, { scheduler: ts, sendBufferSize });
  const b = new Stream(tb, { scheduler: ts });
  keepReading(b);
  return { ta, tb, a, b };
}

describe('Stream state$ (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('replays the current state to a late subscriber', () => {
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts, latency: 1 });
      ts.schedule(() => a.shutdownWrite(), 2);
      expectObservable(a.state$, '----^').toBe('----s', st);
    });
  });

  it('shows Open → ShutdownWr → Closed, each once and in order', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      a.reads$.subscribe();
      b.reads$.subscribe();
      ts.schedule(() => a.shutdownWrite(), 2);
      ts.schedule(() => b.shutdownWrite(), 3);
      expectObservable(a.state$).toBe('o-s--c', st);
      expectObservable(b.state$).toBe('o--sc', st);
    });
  });

  it('moves Open → Error on a fatal transport error and keeps the error in lastError', () => {
    const injected = connReset();
    let last: unknown;
    ts.run(({ expectObservable }) => {
      const { ta, a } = handPair(ts, 1);
      ta.inject(injected, 3);
      expectObservable(a.state$).toBe('o--e', st);
      ts.schedule(() => (last = a.lastError), 4);
    });
    expect(last).toEqual(jasmine.objectContaining({ status: Status.SysError, code: 1 }));
    expect((last as Error).cause).toBe(injected);
  });

  it('completes after destroy(), showing Closed', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      keepReading(b);
      ts.schedule(() => a.destroy(), 2);
      expectObservable(a.state$).toBe('o-(c|)', st);
    });
  });

  // Was a core bug (fixed): src/stream.ts keeps state in a BehaviorSubject and completes it in destroy();
  // a BehaviorSubject that has completed replays nothing, so a subscriber that comes after
  // destroy() gets only `complete`, not the current state, which breaks the "replays the
  // current state" contract of state$. It should get (Closed|), for example with
  // `defer(() => destroyed ? of(state) : subject)`, or a ReplaySubject(1) beside the getter.
  it('replays the final state to a subscriber that comes after destroy(), then completes', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      keepReading(b);
      ts.schedule(() => a.destroy(), 2);
      expectObservable(a.state$, '----^').toBe('----(c|)', st);
    });
  });

  it('stays in Error and completes when an errored stream is destroyed', () => {
    ts.run(({ expectObservable }) => {
      const { ta, a } = handPair(ts, 1);
      ta.inject(connReset(), 1);
      ts.schedule(() => a.destroy(), 3);
      expectObservable(a.state$).toBe('oe-|', st);
    });
  });

  it('maps an injected TLS error code to TLSError', () => {
    let status = '';
    ts.run(({ expectObservable }) => {
      const { ta, a } = handPair(ts, 1);
      ta.inject(Object.assign(new Error('bad record'), { code: 'ERR_SSL_DECRYPTION_FAILED' }), 2);
      expectObservable(a.state$).toBe('o-e', st);
      ts.schedule(() => (status = a.lastError?.status ?? ''), 3);
    });
    expect(status).toBe(Status.TLSError);
  });
});

describe('Stream fatal errors (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('errors reads$ with code 1 after delivering the bytes received before the error', () => {
    ts.run(({ cold, expectObservable }) => {
      const { ta, a, b } = handPair(ts, 1);
      cold('h', w)
        .pipe(concatMap((x) => b.writeAll(x)))
        .subscribe();
      ta.inject(connReset(), 3);
      expectObservable(a.reads$.pipe(errorShape())).toBe('-h-#', w, reset);
    });
  });

  it('lets read() and tryRead drain the queue, then answers the fatal status', () => {
    const buf = Buffer.alloc(8);
    let after = '';
    ts.run(({ cold, expectObservable }) => {
      const { ta, a, b } = handPair(ts, 1);
      a.tryRead(buf); // arm: bytes flow into the stream's queue
      cold('h', w)
        .pipe(concatMap((x) => b.writeAll(x)))
        .subscribe();
      ta.inject(connReset(), 2);
      expectObservable(a.read(buf, 2), '---^').toBe('---(n|)', { n: 2 });
      ts.schedule(() => {
        const r = a.tryRead(buf);
        const s = a.tryRead(buf);
        after = `${r.status}:${buf.toString('latin1', 0, r.bytes)} ${s.status}:${s.bytes}`;
      }, 4);
      expectObservable(a.read(buf).pipe(errorShape()), '-----^').toBe('-----#', undefined, reset);
    });
    expect(after).toBe(`OK:llo SysError:0`);
  });

  it('errors a pending writeAll with code 1 and answers later writes with the fatal status', () => {
    let tried = '';
    ts.run(({ expectObservable }) => {
      const { ta, a } = handPair(ts, 1, 4);
      ta.inject(connReset(), 2);
      expectObservable(a.writeAll(w.d).pipe(errorShape())).toBe('--#', undefined, reset);
      ts.schedule(() => (tried = a.tryWrite(w.o).status), 3);
      expectObservable(a.write(w.o).pipe(errorShape()), '----^').toBe('----#', undefined, reset);
    });
    expect(tried).toBe(Status.SysError);
  });
});

describe('Stream half-close and close (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('completes the peer reads$ after shutdownWrite, while the peer can still write back', () => {
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      ts.schedule(() => a.shutdownWrite(), 1);
      cold('----h', w)
        .pipe(concatMap((x) => b.writeAll(x)))
        .subscribe();
      expectObservable(b.reads$).toBe('--|');
      expectObservable(a.reads$).toBe('-----h', w);
      expectObservable(b.state$).toBe('o', st);
    });
  });

  it('answers writes on the shut-down side with Invalid', () => {
    const answers: string[] = [];
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts, latency: 1 });
      ts.schedule(() => {
        answers.push(a.shutdownWrite(), a.tryWrite(w.o).status, a.shutdownWrite());
      }, 1);
      expectObservable(a.write(w.o).pipe(errorShape()), '--^').toBe('--#', undefined, refused);
      expectObservable(a.writeAll(w.o).pipe(errorShape()), '---^').toBe('---#', undefined, refused);
    });
    expect(answers).toEqual([Status.OK, Status.Invalid, Status.Invalid]);
  });

  it('sends the accepted bytes before the end of stream', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      a.tryWrite(w.h);
      a.shutdownWrite();
      expectObservable(b.reads$).toBe('-h|', w);
    });
  });

  it('close() sends the accepted bytes, then ends, and the state goes Closed', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      a.tryWrite(w.b);
      expectObservable(a.close()).toBe('--(v|)', v);
      expectObservable(b.reads$).toBe('-b|', w);
      expectObservable(a.state$).toBe('o-c', st);
    });
  });

  it('close() waits for a peer that does not read', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      a.tryWrite(w.b);
      expectObservable(a.close()).toBe('------(v|)', v);
      expectObservable(b.reads$, '-----^').toBe('-----b|', w);
    });
  });

  it('close() on a Closed stream completes at once; writes after it are refused', () => {
    let tried = '';
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      keepReading(b);
      expectObservable(a.close()).toBe('-(v|)', v);
      expectObservable(a.close(), '---^').toBe('---(v|)', v);
      ts.schedule(() => (tried = a.tryWrite(w.o).status), 4);
      expectObservable(a.write(w.o).pipe(errorShape()), '-----^').toBe(
        '-----#',
        undefined,
        refused,
      );
    });
    expect(tried).toBe(Status.Invalid);
  });

  it('ends reads$ on the closing side after close()', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      keepReading(b);
      expectObservable(a.reads$).toBe('-|');
      expectObservable(a.close()).toBe('-(v|)', v);
    });
  });

  it('cancels a close() unsubscribed before its end of stream left: the stream stays usable', () => {
    const answers: string[] = [];
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      a.tryWrite(w.p);
      expectObservable(a.close(), '^-!').toBe('');
      ts.schedule(() => answers.push(a.state, a.tryWrite(w.o).status), 3);
      expectObservable(b.reads$, '----^').toBe('----po', w);
    });
    expect(answers).toEqual([StreamState.Open, Status.OK]);
  });
});

describe('Stream destroy() (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('errors pending read and write operations with StreamClosed code 2', () => {
    const buf = Buffer.alloc(8);
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      keepReading(b);
      ts.schedule(() => a.destroy(), 1); // writeAll needs 3 rounds of room: still pending
      expectObservable(a.read(buf).pipe(errorShape())).toBe('-#', undefined, closed);
      expectObservable(a.writeAll(w.d).pipe(errorShape())).toBe('-#', undefined, closed);
    });
  });

  it('completes a pending reads$ (as a destroyed net.Socket emits no error) and readiness watchers', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1, sendBufferSize: 4 });
      keepReading(b);
      a.tryWrite(w.h); // fills the send buffer: no writable$ emission before it drains
      ts.schedule(() => a.destroy(), 1);
      expectObservable(a.reads$.pipe(errorShape())).toBe('-|');
      expectObservable(a.readable$).toBe('-|');
      expectObservable(a.writable$).toBe('-|');
    });
  });

  it('answers every later call with Invalid', () => {
    const buf = Buffer.alloc(8);
    const answers: string[] = [];
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      keepReading(b);
      ts.schedule(() => {
        a.destroy();
        answers.push(a.tryRead(buf).status, a.tryWrite(buf).status);
        answers.push(a.shutdownWrite(), a.destroy());
      }, 1);
      const later = '--^';
      expectObservable(a.read(buf).pipe(errorShape()), later).toBe('--#', undefined, refused);
      expectObservable(a.reads$.pipe(errorShape()), later).toBe('--#', undefined, refused);
      expectObservable(a.write(buf).pipe(errorShape()), later).toBe('--#', undefined, refused);
      expectObservable(a.writeAll(buf).pipe(errorShape()), later).toBe('--#', undefined, refused);
      expectObservable(a.flush().pipe(errorShape()), later).toBe('--#', undefined, refused);
      expectObservable(a.close().pipe(errorShape()), later).toBe('--#', undefined, refused);
      expectObservable(a.readable$, later).toBe('--|');
      expectObservable(a.writable$, later).toBe('--|');
    });
    expect(answers).toEqual(Array(4).fill(Status.Invalid));
  });

  it('ends the peer: its reads$ completes and it goes Closed', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 2 });
      ts.schedule(() => a.destroy(), 1);
      expectObservable(b.reads$).toBe('---|');
      expectObservable(b.state$).toBe('o--c', st);
    });
  });
});
