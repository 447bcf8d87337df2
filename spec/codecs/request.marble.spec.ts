import { concatMap, from, map, timeout, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Status, lengthPrefixed, lines, request } from '../../src';
import { chunkMarbles, createTestPeer, splitAt, streamErrorLike } from '../../src/testing';

describe('request(stream, codec, frame) (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(
    () => (ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))),
  );

  it('sends the frame and emits the first reply frame', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('--r', { r: 'PONG\n' });
      expectObservable(request(peer.stream, lines(), 'PING')).toBe('--(p|)', { p: 'PONG' });
      expectObservable(peer.writtenText$).toBe('q', { q: 'PING\n' });
    });
  });

  it('keeps the bytes after the reply for the next request, even when they came in one chunk', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('-r', { r: 'ONE\nTWO\nTHR' });
      peer.script('-----e', { e: 'EE\n' });
      const all$ = from(['1', '2', '3']).pipe(
        concatMap((q) => request(peer.stream, lines(), q)),
        toArray(),
      );
      expectObservable(all$).toBe('-----(a|)', { a: ['ONE', 'TWO', 'THREE'] });
    });
  });

  it('errors with code 2 when the peer ends before replying', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('--|');
      expectObservable(request(peer.stream, lines(), 'PING')).toBe(
        '--#',
        undefined,
        streamErrorLike({ status: Status.StreamClosed, code: 2, message: /before replying/ }),
      );
    });
  });

  it('refuses a request the codec cannot encode, sending nothing', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      expectObservable(request(peer.stream, lines(), 'two\nlines')).toBe(
        '#',
        undefined,
        streamErrorLike({ status: Status.Invalid, code: 3 }),
      );
      ts.schedule(() => expect(peer.received().length).toBe(0), 1);
    });
  });

  it('leaves a late reply in the stream when a timeout unsubscribes', () => {
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('-----r', { r: 'LATE\n' });
      const timed$ = request(peer.stream, lines(), 'PING').pipe(
        timeout({ first: 3, scheduler: ts }),
      );
      expectObservable(timed$).toBe(
        '---#',
        undefined,
        jasmine.objectContaining({ name: 'TimeoutError' }),
      );
      expectObservable(peer.stream.frames(lines()), '------^').toBe('------l', { l: 'LATE' });
    });
  });
});

describe('framing test kit', () => {
  let ts: TestScheduler;
  beforeEach(
    () => (ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))),
  );

  it('splitAt cuts at the given points, ignoring repeats and points out of range', () => {
    expect(splitAt('abcdef', [4, 2, 2, 0, 9]).map(String)).toEqual(['ab', 'cd', 'ef']);
    expect(splitAt('', [1])).toEqual([]);
  });

  it('chunkMarbles scripts any number of chunks, one every gap frames', () => {
    ts.run(({ expectObservable }) => {
      const codec = lengthPrefixed({ header: 2 });
      const frames = Array.from({ length: 80 }, (_, i) => Buffer.from(`frame ${i}`));
      const bytes = Buffer.concat(frames.map((f) => codec.encode(f)));
      const chunks = splitAt(
        bytes,
        Array.from({ length: bytes.length }, (_, i) => i),
      ); // 1-byte chunks
      const { marbles, values } = chunkMarbles(chunks, { gap: 1 });
      expect(Object.keys(values).length).toBe(bytes.length);
      const peer = createTestPeer({ scheduler: ts });
      peer.script(marbles, values);
      expectObservable(peer.stream.frames(codec).pipe(map(String), toArray())).toBe(
        `${'-'.repeat(bytes.length)}(a|)`,
        { a: frames.map(String) },
      );
    });
  });

  it('streamErrorLike matches on status, code and message, and nothing else', () => {
    const e = lines({ maxLength: 1 });
    let error: unknown;
    try {
      e.encode('ab');
    } catch (caught) {
      error = caught;
    }
    expect(error).toEqual(
      streamErrorLike({ status: Status.Invalid, code: 3, message: /maxLength/ }),
    );
    expect(error).not.toEqual(streamErrorLike({ status: Status.StreamClosed }));
    expect(error).not.toEqual(streamErrorLike({ message: 'nothing like it' }));
    expect(new Error('x')).not.toEqual(streamErrorLike({}));
  });
});
