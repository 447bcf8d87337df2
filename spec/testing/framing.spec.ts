import { TestScheduler } from 'rxjs/testing';
import { Status, lengthPrefixed, lines } from '../../src';
import { chunkMarbles, createTestPeer, decoded, splitAt, streamErrorLike } from '../../src/testing';

describe('framing test kit with a scripted peer', () => {
  // The README's example, as it is there.
  it('decodes a frame sent a byte at a time, then errors on a truncated one', () => {
    const testScheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    testScheduler.run(({ expectObservable }) => {
      const codec = lengthPrefixed({ header: 2 });
      const bytes = Buffer.concat([codec.encode(Buffer.from('hi')), Buffer.from([0, 9, 1])]);
      const { marbles, values } = chunkMarbles(splitAt(bytes, [1, 2, 3, 4, 5])); // '012345|'
      const peer = createTestPeer({ scheduler: testScheduler });
      peer.script(marbles, values);
      expectObservable(peer.stream.frames(codec)).toBe(
        '---h--#',
        { h: Buffer.from('hi') },
        streamErrorLike({ status: Status.StreamClosed, code: 2 }), // end of stream inside a frame
      );
      peer.stream.writeFrom([codec.encode(Buffer.from('ok'))]).subscribe();
      expectObservable(peer.written$.pipe(decoded(codec))).toBe('o', { o: Buffer.from('ok') });
    });
  });

  it('decoded() shows each written frame at the frame its last byte was written, and completes at FIN', () => {
    const testScheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    testScheduler.run(({ cold, expectObservable }) => {
      const peer = createTestPeer({ scheduler: testScheduler });
      cold('a-b---|', { a: 'HEL', b: 'LO\nQUIT\n' }).subscribe({
        next: (text) => peer.stream.tryWrite(Buffer.from(text)),
        complete: () => peer.stream.shutdownWrite(),
      });
      expectObservable(peer.written$.pipe(decoded(lines()))).toBe('--(hq)|', {
        h: 'HELLO',
        q: 'QUIT',
      });
    });
  });

  it('decoded() errors with code 2 when the writes end inside a frame', () => {
    const testScheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    testScheduler.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: testScheduler });
      peer.stream.tryWrite(Buffer.from('half'));
      peer.stream.shutdownWrite();
      expectObservable(peer.written$.pipe(decoded(lines()))).toBe(
        '#',
        undefined,
        streamErrorLike({ status: Status.StreamClosed, code: 2 }),
      );
    });
  });
});
