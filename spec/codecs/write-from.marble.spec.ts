import { Subject, from, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Status, type Stream } from '../../src';
import {
  createTestPeer,
  startReading,
  stopReading,
  streamErrorLike,
  sysError,
} from '../../src/testing';

const refused = streamErrorLike({ status: Status.Invalid, code: 3 });

/** A generator of `count` items of `size` bytes that records each pull and the room at it. */
function counted(stream: Stream, count: number, size: number, cap: number) {
  const log = { pulls: 0, roomless: 0, returned: false };
  function* gen(): Generator<Buffer> {
    try {
      for (let i = 0; i < count; i += 1) {
        log.pulls += 1;
        if (stream.stats().sendBuffered >= cap) log.roomless += 1;
        yield Buffer.alloc(size, 97 + (i % 26));
      }
    } finally {
      log.returned = true;
    }
  }
  return { log, source: gen() };
}

describe('stream.writeFrom(source) (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(
    () => (ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))),
  );

  it('pulls an iterable only when the send buffer has room', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts, sendBufferSize: 8 });
      peer.act(stopReading);
      const { log, source } = counted(peer.stream, 50, 4, 8);
      expectObservable(peer.stream.writeFrom(source)).toBe('-----(n|)', { n: 200 });
      ts.schedule(() => {
        // The peer is not reading: two items fill the 8-byte buffer, none is pulled past that.
        expect(log.pulls).toBe(2);
        expect(peer.stream.bytesWritten).toBe(8);
        peer.act(startReading);
      }, 5);
      ts.schedule(() => {
        expect(log.roomless).toBe(0);
        expect(log.pulls).toBe(50);
        expect(peer.received().length).toBe(200);
      }, 20);
    });
  });

  it('writes an array, in order, and emits the total', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      const items = ['a', 'bc', '', 'def'].map((s) => Buffer.from(s));
      expectObservable(peer.stream.writeFrom(items)).toBe('(n|)', { n: 6 });
      expectObservable(peer.writtenText$).toBe('w', { w: 'abcdef' });
    });
  });

  it('queues an observable that pushes faster than the socket drains, and writes it all', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const peer = createTestPeer({ scheduler: ts, sendBufferSize: 4 });
      peer.script('---a', { a: startReading });
      peer.act(stopReading);
      const src = cold('(abc)|', {
        a: Buffer.from('1234'),
        b: Buffer.from('5678'),
        c: Buffer.from('9'),
      });
      expectObservable(peer.stream.writeFrom(src)).toBe('-----(n|)', { n: 9 });
      expectSubscriptions(src.subscriptions).toBe('^----!');
      ts.schedule(() => expect(peer.receivedText()).toBe('123456789'), 10);
    });
  });

  it('coalesces small items written in one run into one transport write', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      const items = Array.from({ length: 100 }, (_, i) => Buffer.from(String(i % 10)));
      peer.stream.writeFrom(from(items)).subscribe();
      expectObservable(peer.written$).toBe('w', { w: Buffer.concat(items) });
    });
  });

  it('errors with the source error after accepting every item before it', () => {
    ts.run(({ cold, expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      const boom = new Error('boom');
      const src = cold('-a-b-#', { a: Buffer.from('x'), b: Buffer.from('y') }, boom);
      expectObservable(peer.stream.writeFrom(src)).toBe('-----#', undefined, boom);
      expectObservable(peer.writtenText$).toBe('-x-y--z', { x: 'x', y: 'y', z: 'z' });
      // The write side is free again after the error.
      ts.schedule(() => expect(peer.stream.tryWrite(Buffer.from('z')).bytes).toBe(1), 6);
    });
  });

  it('stops taking from the source on unsubscribe; accepted bytes are still sent', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const peer = createTestPeer({ scheduler: ts });
      const src = cold('-a-b-c|', {
        a: Buffer.from('x'),
        b: Buffer.from('y'),
        c: Buffer.from('z'),
      });
      expectObservable(peer.stream.writeFrom(src), '^--!').toBe('---');
      expectSubscriptions(src.subscriptions).toBe('^--!');
      expectObservable(peer.writtenText$).toBe('-x', { x: 'x' });
    });
  });

  it('returns an iterator it stops early (its finally runs)', () => {
    ts.run(() => {
      const peer = createTestPeer({ scheduler: ts, sendBufferSize: 4 });
      peer.act(stopReading);
      const { log, source } = counted(peer.stream, 10, 4, 4);
      const sub = peer.stream.writeFrom(source).subscribe();
      ts.schedule(() => sub.unsubscribe(), 2);
      ts.schedule(() => {
        expect(log.returned).toBeTrue();
        expect(log.pulls).toBe(1);
      }, 3);
    });
  });

  it('errors with code 1 on a fatal error and returns the iterator', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts, sendBufferSize: 4 });
      peer.act(stopReading);
      peer.script('--a', { a: { action: 'fail', error: sysError() } });
      const { log, source } = counted(peer.stream, 10, 4, 4);
      expectObservable(peer.stream.writeFrom(source)).toBe(
        '--#',
        undefined,
        streamErrorLike({ status: Status.SysError, code: 1 }),
      );
      ts.schedule(() => expect(log.returned).toBeTrue(), 3);
    });
  });

  it('is one write-side operation: write, writeAll and a second writeFrom meanwhile are refused', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      const never$ = new Subject<Buffer>();
      expectObservable(peer.stream.writeFrom(never$)).toBe('-');
      expectObservable(peer.stream.writeFrom([Buffer.from('x')]), '-^').toBe(
        '-#',
        undefined,
        refused,
      );
      expectObservable(peer.stream.write(Buffer.from('x')), '--^').toBe('--#', undefined, refused);
      ts.schedule(
        () => expect(peer.stream.tryWrite(Buffer.from('x')).status).toBe(Status.Invalid),
        3,
      );
    });
  });

  it('refuses a bare Buffer, a non-source and items that are not Uint8Arrays with Invalid', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      expectObservable(peer.stream.writeFrom(Buffer.from('x') as unknown as Buffer[])).toBe(
        '#',
        undefined,
        refused,
      );
      expectObservable(peer.stream.writeFrom(42 as unknown as Buffer[])).toBe(
        '#',
        undefined,
        refused,
      );
      const mixed = [Buffer.from('ok'), 'nope'] as unknown as Buffer[];
      expectObservable(peer.stream.writeFrom(mixed), '-^').toBe('-#', undefined, refused);
      expectObservable(peer.writtenText$).toBe('-o', { o: 'ok' });
    });
  });

  it('is refused after shutdownWrite', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.stream.shutdownWrite();
      const src: Observable<Buffer> = from([Buffer.from('x')]);
      expectObservable(peer.stream.writeFrom(src)).toBe('#', undefined, refused);
    });
  });
});
