import { concatMap, take } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { Status, memoryPair } from '../src';
import { bufs, errorShape, newScheduler, streamError } from './support/stream-marbles';

const w = bufs({ h: 'hello', s: ' ', o: 'world', a: 'ab', c: 'cd', e: 'ef', l: 'llo', r: 'lo' });
const refused = streamError(Status.Invalid, 3);
const ended = streamError(Status.StreamClosed, 2);

describe('Stream reads$ (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('emits what the peer writes, in order, and completes at the peer end after the last byte', () => {
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 2 });
      cold('h-s-o', w)
        .pipe(concatMap((buf) => a.writeAll(buf)))
        .subscribe();
      ts.schedule(() => a.shutdownWrite(), 5);
      expectObservable(b.reads$).toBe('--h-s-o-|', w);
    });
  });

  it('delivers bytes written before the subscription once it subscribes', () => {
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('h', w)
        .pipe(concatMap((buf) => a.writeAll(buf)))
        .subscribe();
      expectObservable(b.reads$, '----^').toBe('----h', w);
    });
  });

  it('completes at once when the peer has already ended and nothing is left', () => {
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      a.shutdownWrite();
      expectObservable(b.reads$, '---^').toBe('---|');
    });
  });

  it('loses nothing when unsubscribed and subscribed again mid-stream', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      const source = cold('a-c-e|', w);
      source.pipe(concatMap((buf) => a.writeAll(buf))).subscribe({
        complete: () => a.shutdownWrite(),
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
      expectObservable(b.reads$, '^-!').toBe('-a', w);
      // 'cd' arrived while nobody was reading: it waits in order for the next reader,
      // and the peer's next write and end of stream follow it.
      expectObservable(b.reads$, '-------^').toBe('-------ce|', w);
    });
  });

  it('keeps the rest of the queue when the subscriber unsubscribes from inside next (take(1))', () => {
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('a-c', w)
        .pipe(concatMap((buf) => a.writeAll(buf)))
        .subscribe();
      ts.schedule(() => a.shutdownWrite(), 3);
      expectObservable(b.reads$.pipe(take(1)), '----^').toBe('----(a|)', w);
      expectObservable(b.reads$, '-----^').toBe('-----c|', w);
    });
  });

  it('continues exactly where a partial read() stopped', () => {
    const buf = Buffer.alloc(16);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('h', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      expectObservable(b.read(buf, 3), '--^').toBe('--(n|)', { n: 3 });
      expectObservable(b.reads$, '---^').toBe('---r', w);
    });
    expect(buf.toString('latin1', 0, 3)).toBe('hel');
  });

  it('continues exactly where tryRead stopped, and tryRead where reads$ stopped', () => {
    const buf = Buffer.alloc(2);
    const seen: string[] = [];
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('h---a', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      b.tryRead(buf); // arms the read side: bytes flow into the stream
      ts.schedule(() => {
        const r = b.tryRead(buf, 2);
        seen.push(`${r.status}:${buf.toString('latin1', 0, r.bytes)}`);
      }, 2);
      expectObservable(b.reads$, '---^!').toBe('---l', w);
      ts.schedule(() => {
        const r = b.tryRead(buf);
        seen.push(`${r.status}:${buf.toString('latin1', 0, r.bytes)}`);
      }, 7);
    });
    expect(seen).toEqual(['OK:he', 'OK:ab']);
  });

  it('refuses a second concurrent reads$ with Invalid code 3 while the first keeps working', () => {
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('--a--c|', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe({ complete: () => a.shutdownWrite() });
      expectObservable(b.reads$).toBe('---a--c|', w);
      expectObservable(b.reads$.pipe(errorShape()), '-^').toBe('-#', undefined, refused);
    });
  });

  it('refuses read() and answers tryRead Invalid while reads$ is pending', () => {
    const buf = Buffer.alloc(8);
    let tried = '';
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('a', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      expectObservable(b.reads$).toBe('-a', w);
      expectObservable(b.read(buf).pipe(errorShape()), '--^').toBe('--#', undefined, refused);
      ts.schedule(() => (tried = b.tryRead(buf).status), 3);
    });
    expect(tried).toBe(Status.Invalid);
  });

  it('refuses reads$ while a read() is pending, and the read() still completes', () => {
    const buf = Buffer.alloc(8);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('---a', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      expectObservable(b.read(buf)).toBe('----(n|)', { n: 2 });
      expectObservable(b.reads$.pipe(errorShape()), '-^').toBe('-#', undefined, refused);
    });
    expect(buf.toString('latin1', 0, 2)).toBe('ab');
  });
});

describe('Stream read() (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('is cold: nothing is consumed before subscription', () => {
    const buf = Buffer.alloc(8);
    const before: number[] = [];
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      const read$ = b.read(buf);
      cold('h', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      ts.schedule(() => before.push(b.bytesRead, b.stats().readBuffered), 4);
      expectObservable(read$, '-----^').toBe('-----(n|)', { n: 5 });
    });
    expect(before).toEqual([0, 0]);
    expect(buf.toString('latin1', 0, 5)).toBe('hello');
  });

  it('emits the count once the bytes arrive and completes', () => {
    const buf = Buffer.alloc(8);
    let after = -1;
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 3 });
      cold('-h', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      expectObservable(b.read(buf)).toBe('----(n|)', { n: 5 });
      ts.schedule(() => (after = b.bytesRead), 5);
    });
    expect(after).toBe(5);
  });

  it('copies at most max bytes and leaves the rest for the next read', () => {
    const buf = Buffer.alloc(8);
    const got: string[] = [];
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('h', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      const take = (): void => void got.push(buf.toString('latin1', 0, 3));
      expectObservable(b.read(buf, 3), '^').toBe('-(n|)', { n: 3 });
      ts.schedule(take, 2);
      expectObservable(b.read(buf, 3), '---^').toBe('---(n|)', { n: 2 });
    });
    expect(got[0]).toBe('hel');
    expect(buf.toString('latin1', 0, 2)).toBe('lo');
  });

  it('errors with StreamClosed code 2 at the end of stream', () => {
    const buf = Buffer.alloc(8);
    ts.run(({ expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 2 });
      a.shutdownWrite();
      expectObservable(b.read(buf).pipe(errorShape())).toBe('--#', undefined, ended);
    });
  });

  it('delivers the last bytes first, then errors code 2 on the next read', () => {
    const buf = Buffer.alloc(8);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('a|', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe({ complete: () => a.shutdownWrite() });
      expectObservable(b.read(buf), '--^').toBe('--(n|)', { n: 2 });
      expectObservable(b.read(buf).pipe(errorShape()), '---^').toBe('---#', undefined, ended);
    });
  });

  it('consumes nothing when unsubscribed before it emits', () => {
    const buf = Buffer.alloc(8);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('--h', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      expectObservable(b.read(buf), '^-!').toBe('--');
      expectObservable(b.reads$, '-----^').toBe('-----h', w);
    });
    expect(buf.every((byte) => byte === 0)).toBeTrue();
  });

  it('is one operation per subscription: subscribing twice reads twice', () => {
    const buf = Buffer.alloc(2);
    ts.run(({ cold, expectObservable }) => {
      const [a, b] = memoryPair({ scheduler: ts, latency: 1 });
      cold('h', w)
        .pipe(concatMap((x) => a.writeAll(x)))
        .subscribe();
      const read$ = b.read(buf);
      expectObservable(read$, '--^').toBe('--(n|)', { n: 2 });
      expectObservable(read$, '---^').toBe('---(n|)', { n: 2 });
      expectObservable(read$, '----^').toBe('----(n|)', { n: 1 });
    });
    expect(buf.toString('latin1', 0, 1)).toBe('o');
  });

  it('refuses bad arguments with Invalid code 3 on subscription', () => {
    ts.run(({ expectObservable }) => {
      const [, b] = memoryPair({ scheduler: ts });
      const buf = Buffer.alloc(4);
      expectObservable(b.read(buf, 0).pipe(errorShape())).toBe('#', undefined, refused);
      expectObservable(b.read(buf, 5).pipe(errorShape()), '-^').toBe('-#', undefined, refused);
      expectObservable(b.read(Buffer.alloc(0)).pipe(errorShape()), '--^').toBe(
        '--#',
        undefined,
        refused,
      );
    });
  });
});
