import { first, from, map, take, takeWhile, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Status, encode, lengthPrefixed, lines, type Codec } from '../../src';
import { bytes, createTestPeer, streamErrorLike } from '../../src/testing';

const refused = streamErrorLike({ status: Status.Invalid, code: 3 });
const partial = streamErrorLike({
  status: Status.StreamClosed,
  code: 2,
  message: /inside a frame/,
});

describe('stream.frames(codec) (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(
    () => (ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))),
  );

  it('emits whole lines across chunks and completes at the peer end after the last', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('-a-b-c---d|', { a: 'hel', b: 'lo\nwor', c: 'ld\nx\n', d: 'y\n' });
      expectObservable(peer.stream.frames(lines())).toBe('---h-(wx)y|', {
        h: 'hello',
        w: 'world',
        x: 'x',
        y: 'y',
      });
    });
  });

  it('take(1) gives every byte after the first frame back: reads$ continues right after it', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('-a--b|', { a: 'one\ntwo\nthr', b: 'ee\n' });
      expectObservable(peer.stream.frames(lines()).pipe(take(1))).toBe('-(o|)', { o: 'one' });
      expectObservable(peer.stream.reads$.pipe(map(String)), '--^').toBe('--r-b|', {
        r: 'two\nthr',
        b: 'ee\n',
      });
    });
  });

  it('first() and takeWhile() leave the next frame for the next frames()', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('-a|', { a: 'HELLO\n1\n2\nSTOP\nafter\n' });
      expectObservable(peer.stream.frames(lines()).pipe(first())).toBe('-(h|)', { h: 'HELLO' });
      const upToStop$ = peer.stream.frames(lines()).pipe(
        takeWhile((l) => l !== 'STOP'),
        toArray(),
      );
      expectObservable(upToStop$, '--^').toBe('--(n|)', { n: ['1', '2'] });
      // takeWhile saw STOP (it was emitted as a frame), so the next reader starts after it.
      expectObservable(peer.stream.frames(lines()), '---^').toBe('---(a|)', { a: 'after' });
    });
  });

  it('gives back a frame not yet whole when unsubscribed, and the next frames() completes it', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('-a---b|', { a: 'x\npart', b: 'ial\n' });
      expectObservable(peer.stream.frames(lines()), '^--!').toBe('-x', { x: 'x' });
      expectObservable(peer.stream.frames(lines()), '----^').toBe('-----p|', { p: 'partial' });
    });
  });

  it('lets tryRead continue exactly after the last emitted frame', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      const codec = lengthPrefixed({ header: 1 });
      peer.script('-a|', {
        a: Buffer.concat([codec.encode(Buffer.from('ab')), Buffer.from('raw')]),
      });
      expectObservable(peer.stream.frames(codec).pipe(take(1))).toBe('-(f|)', {
        f: Buffer.from('ab'),
      });
      ts.schedule(() => {
        const buf = Buffer.alloc(10);
        const r = peer.stream.tryRead(buf);
        expect(r).toEqual({ status: Status.OK, bytes: 3 });
        expect(buf.subarray(0, r.bytes)).toEqual(Buffer.from('raw'));
        expect(peer.stream.bytesRead).toBe(6);
      }, 2);
    });
  });

  it('errors with code 2 on a partial frame at the end, and emits it with allowPartial', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('-a|', { a: 'one\ntw' });
      expectObservable(peer.stream.frames(lines())).toBe('-o#', { o: 'one' }, partial);
      const other = createTestPeer({ scheduler: ts });
      other.script('-a|', { a: 'one\ntw' });
      expectObservable(other.stream.frames(lines({ allowPartial: true }))).toBe('-o(t|)', {
        o: 'one',
        t: 'tw',
      });
    });
  });

  it('errors with Invalid on an over-long frame and leaves its bytes in the stream', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('-a-b', { a: 'ok\nlong', b: 'er' });
      expectObservable(peer.stream.frames(lines({ maxLength: 5 }))).toBe(
        '-o-#',
        { o: 'ok' },
        refused,
      );
      expectObservable(peer.stream.reads$.pipe(map(String)), '----^').toBe('----l', {
        l: 'longer',
      });
    });
  });

  it('is one read-side operation: a second frames(), reads$ or tryRead meanwhile is refused', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('-----a', { a: 'late\n' });
      expectObservable(peer.stream.frames(lines())).toBe('-----a', { a: 'late' });
      expectObservable(peer.stream.frames(lines()), '-^').toBe('-#', undefined, refused);
      expectObservable(peer.stream.reads$, '--^').toBe('--#', undefined, refused);
      ts.schedule(
        () => expect(peer.stream.tryRead(Buffer.alloc(4)).status).toBe(Status.Invalid),
        3,
      );
    });
  });

  it('refuses something that is not a codec with Invalid', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      const notACodec = {} as unknown as Codec<string>;
      expectObservable(peer.stream.frames(notACodec)).toBe('#', undefined, refused);
    });
  });

  it('errors with the fatal error after the frames received before it', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('-a-#', { a: 'x\ny' });
      expectObservable(peer.stream.frames(lines())).toBe(
        '-x-#',
        { x: 'x' },
        streamErrorLike({ status: Status.SysError, code: 1 }),
      );
    });
  });
});

describe('encode(codec) (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(
    () => (ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))),
  );

  it('turns each frame into its bytes, in order', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-b|', { a: 'PING', b: 'QUIT' });
      expectObservable(src.pipe(encode(lines()))).toBe(
        '-a-b|',
        bytes({ a: 'PING\n', b: 'QUIT\n' }),
      );
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });

  it('errors with Invalid on a frame the codec refuses, and unsubscribes from the source', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-b-c|', { a: 'ok', b: 'no\nway', c: 'never' });
      expectObservable(src.pipe(encode(lines()))).toBe('-a-#', bytes({ a: 'ok\n' }), refused);
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('feeds writeFrom: the peer receives the frames', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      expectObservable(
        from(['a', 'b']).pipe(encode(lines()), (b$) => peer.stream.writeFrom(b$)),
      ).toBe('(n|)', { n: 4 });
      expectObservable(peer.writtenText$).toBe('w', { w: 'a\nb\n' });
    });
  });
});

describe('stream.frames(codec) with a codec whose decoder() throws', () => {
  it('errors at subscription with what it threw, and leaves the read side free', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('--a', { a: 'x\n' });
      const boom = new Error('no decoder');
      const broken: Codec<string> = {
        maxLength: 1,
        decoder: () => {
          throw boom;
        },
        encode: () => Buffer.alloc(0),
      };
      expectObservable(peer.stream.frames(broken)).toBe('#', undefined, boom);
      expectObservable(peer.stream.frames(lines()), '-^').toBe('--x', { x: 'x' });
    });
  });
});
