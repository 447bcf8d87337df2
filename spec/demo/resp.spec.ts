import { TestScheduler } from 'rxjs/testing';
import { Status, request } from '../../src';
import { createTestPeer, decodeFrames, splitAt, streamErrorLike } from '../../src/testing';
import { resp, type Resp } from '../../demo/resp';

const values: Resp[] = [
  'OK',
  new Error('ERR unknown command'),
  42,
  Buffer.from('hello\r\nworld'),
  null,
  [Buffer.from('SET'), Buffer.from('k'), [1, 'two', null]],
  [],
];

describe('demo: a RESP codec', () => {
  it('round-trips every RESP type, split byte by byte', () => {
    const codec = resp();
    const bytes = Buffer.concat(values.map((v) => codec.encode(v)));
    const points = Array.from({ length: bytes.length }, (_, i) => i);
    const got = decodeFrames(codec, splitAt(bytes, points), { end: true });
    expect(got.error).toBeUndefined();
    expect(got.frames).toEqual(values);
  });

  it('refuses what is not RESP, and a bulk string past maxLength, with Invalid', () => {
    const invalid = streamErrorLike({ status: Status.Invalid, code: 3 });
    expect(decodeFrames(resp(), [Buffer.from('?x\r\n')]).error).toEqual(invalid);
    expect(decodeFrames(resp(4), [Buffer.from('$5\r\n')]).error).toEqual(invalid);
    expect(() => resp().encode('a\r\nb')).toThrow(invalid);
  });

  it('asks a scripted Redis-like peer with request()', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    ts.run(({ expectObservable }) => {
      const peer = createTestPeer({ scheduler: ts });
      peer.script('--r', { r: '+PONG\r\n:1\r\n' });
      expectObservable(request(peer.stream, resp(), [Buffer.from('PING')])).toBe('--(p|)', {
        p: 'PONG',
      });
      expectObservable(peer.writtenText$).toBe('w---i', {
        w: '*1\r\n$4\r\nPING\r\n',
        i: '*1\r\n$4\r\nINCR\r\n',
      });
      // The second reply stays in the stream.
      expectObservable(request(peer.stream, resp(), [Buffer.from('INCR')]), '----^').toBe(
        '----(n|)',
        { n: 1 },
      );
    });
  });
});
