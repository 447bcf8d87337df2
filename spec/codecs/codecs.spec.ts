import { Status, StreamError, delimited, lengthPrefixed, lines, type Codec } from '../../src';
import { decodeFrames, splitAt, streamErrorLike } from '../../src/testing';

const refused = (message?: RegExp) => streamErrorLike({ status: Status.Invalid, code: 3, message });
const partial = streamErrorLike({
  status: Status.StreamClosed,
  code: 2,
  message: /inside a frame/,
});

/** Every byte-wise split of `data` decodes to the same frames as the whole. */
function bytewise<T>(codec: Codec<T>, data: string | Buffer): T[] {
  const bytes = Buffer.from(data);
  const points = Array.from({ length: bytes.length }, (_, i) => i);
  return decodeFrames(codec, splitAt(bytes, points), { end: true }).frames;
}

describe('lines()', () => {
  it('cuts lines on \\n and \\r\\n and drops the ending', () => {
    const got = decodeFrames(lines(), [Buffer.from('one\r\ntwo\n\nthree\n')]);
    expect(got.frames).toEqual(['one', 'two', '', 'three']);
    expect(got.rest.length).toBe(0);
  });

  it('joins a line split byte by byte, a multi-byte character included', () => {
    expect(bytewise(lines(), 'héllo\r\nwörld\n')).toEqual(['héllo', 'wörld']);
  });

  it("keeps a \\r with ending '\\n' and a lone \\n with ending '\\r\\n'", () => {
    expect(decodeFrames(lines({ ending: '\n' }), [Buffer.from('a\r\nb\n')]).frames).toEqual([
      'a\r',
      'b',
    ]);
    expect(decodeFrames(lines({ ending: '\r\n' }), [Buffer.from('a\nb\r\nc\r\n')]).frames).toEqual([
      'a\nb',
      'c',
    ]);
  });

  it('gives Buffer frames with encoding "buffer", views of the chunk they lie in', () => {
    const chunk = Buffer.from('ab\ncd\n');
    const got = decodeFrames(lines({ encoding: 'buffer' }), [chunk]);
    expect(got.frames).toEqual([Buffer.from('ab'), Buffer.from('cd')]);
    expect(got.frames[0].buffer).toBe(chunk.buffer);
  });

  it('leaves an unterminated line as the rest, and errors with code 2 for it at the end', () => {
    expect(decodeFrames(lines(), [Buffer.from('a\nbc')]).rest).toEqual(Buffer.from('bc'));
    const end = decodeFrames(lines(), [Buffer.from('a\nbc')], { end: true });
    expect(end.frames).toEqual(['a']);
    expect(end.error).toEqual(partial);
    expect(end.rest).toEqual(Buffer.from('bc'));
  });

  it('emits the unterminated last line with allowPartial', () => {
    const got = decodeFrames(lines({ allowPartial: true }), [Buffer.from('a\nbc')], { end: true });
    expect(got.frames).toEqual(['a', 'bc']);
    expect(got.error).toBeUndefined();
  });

  it('errors with Invalid as soon as a line passes maxLength, without its ending', () => {
    const codec = lines({ maxLength: 4 });
    expect(decodeFrames(codec, [Buffer.from('abcd\r\n')]).frames).toEqual(['abcd']);
    expect(decodeFrames(codec, [Buffer.from('abcd\r')]).error).toBeUndefined();
    const long = decodeFrames(codec, [Buffer.from('ok\nabc'), Buffer.from('de')]);
    expect(long.frames).toEqual(['ok']);
    expect(long.error).toEqual(refused(/maxLength/));
    expect(long.rest).toEqual(Buffer.from('abcde'));
  });

  it('defaults maxLength to 64 KiB', () => {
    expect(lines().maxLength).toBe(64 * 1024);
  });

  it('encodes a line with its ending and refuses one holding an ending or too long', () => {
    expect(lines().encode('hi')).toEqual(Buffer.from('hi\n'));
    expect(lines({ ending: '\r\n' }).encode('hi')).toEqual(Buffer.from('hi\r\n'));
    expect(lines({ encoding: 'buffer' }).encode(Buffer.from('x'))).toEqual(Buffer.from('x\n'));
    expect(() => lines().encode('a\nb')).toThrow(refused());
    expect(() => lines({ maxLength: 2 }).encode('abc')).toThrow(refused(/maxLength/));
  });

  it('refuses options out of range at creation', () => {
    expect(() => lines({ maxLength: 0 })).toThrow(refused());
    expect(() => lines({ maxLength: 1.5 })).toThrow(refused());
    expect(() => lines({ ending: 'x' as '\n' })).toThrow(refused());
    expect(() => lines({ encoding: 'nope' as BufferEncoding })).toThrow(refused());
  });
});

describe('delimited()', () => {
  it('cuts Buffers between delimiters of any length, split byte by byte', () => {
    expect(bytewise(delimited('\r\n\r\n'), 'a\r\nb\r\n\r\n\r\n\r\nc\r\n\r\n')).toEqual([
      Buffer.from('a\r\nb'),
      Buffer.alloc(0),
      Buffer.from('c'),
    ]);
  });

  it('takes a Uint8Array delimiter', () => {
    const got = decodeFrames(delimited(new Uint8Array([0])), [Buffer.from('a\0b\0')]);
    expect(got.frames).toEqual([Buffer.from('a'), Buffer.from('b')]);
  });

  it('errors with Invalid past maxLength, and code 2 or a last frame at the end', () => {
    const codec = delimited('||', { maxLength: 3 });
    expect(decodeFrames(codec, [Buffer.from('abc|')]).error).toBeUndefined();
    expect(decodeFrames(codec, [Buffer.from('abcd|')]).error).toEqual(refused(/maxLength/));
    expect(decodeFrames(codec, [Buffer.from('ab')], { end: true }).error).toEqual(partial);
    const last = delimited('||', { allowPartial: true });
    expect(decodeFrames(last, [Buffer.from('x||ab')], { end: true }).frames).toEqual([
      Buffer.from('x'),
      Buffer.from('ab'),
    ]);
  });

  it('encodes with the delimiter and refuses a frame holding it', () => {
    expect(delimited(';').encode(Buffer.from('ab'))).toEqual(Buffer.from('ab;'));
    expect(() => delimited(';').encode(Buffer.from('a;b'))).toThrow(refused());
    expect(() => delimited(';').encode('ab' as unknown as Buffer)).toThrow(refused());
  });

  it('refuses an empty delimiter', () => {
    expect(() => delimited('')).toThrow(refused());
    expect(() => delimited(new Uint8Array(0))).toThrow(refused());
  });
});

describe('lengthPrefixed()', () => {
  const payloads = [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(300, 7)];

  for (const header of [1, 2, 4, 8, 'varint'] as const) {
    for (const littleEndian of header === 'varint' ? [false] : [false, true]) {
      it(`round-trips header ${header}${littleEndian ? ' little-endian' : ''} split byte by byte`, () => {
        const codec = lengthPrefixed({ header, littleEndian, maxLength: header === 1 ? 255 : 300 });
        const sent = header === 1 ? payloads.slice(0, 2) : payloads;
        const bytes = Buffer.concat(sent.map((p) => codec.encode(p)));
        expect(bytewise(codec, bytes)).toEqual(sent);
      });
    }
  }

  it('writes the header as asked: big-endian by default, little-endian, varint', () => {
    expect(lengthPrefixed().encode(Buffer.from('ab'))).toEqual(Buffer.from([0, 0, 0, 2, 97, 98]));
    expect(lengthPrefixed({ header: 2, littleEndian: true }).encode(Buffer.from('a'))).toEqual(
      Buffer.from([1, 0, 97]),
    );
    expect(lengthPrefixed({ header: 'varint' }).encode(Buffer.alloc(300)).subarray(0, 2)).toEqual(
      Buffer.from([0xac, 0x02]),
    );
  });

  it('counts the header with lengthIncludesHeader, and applies lengthAdjustment as Netty', () => {
    const inc = lengthPrefixed({ header: 2, lengthIncludesHeader: true });
    expect(inc.encode(Buffer.from('abc')).subarray(0, 2)).toEqual(Buffer.from([0, 5]));
    expect(decodeFrames(inc, [Buffer.from([0, 5, 1, 2, 3])]).frames).toEqual([
      Buffer.from([1, 2, 3]),
    ]);
    // The field counts 2 trailing bytes the payload does not have: adjustment -2.
    const adj = lengthPrefixed({ header: 1, lengthAdjustment: -2 });
    expect(adj.encode(Buffer.from('x'))).toEqual(Buffer.from([3, 120]));
    expect(decodeFrames(adj, [Buffer.from([3, 120])]).frames).toEqual([Buffer.from('x')]);
    expect(decodeFrames(adj, [Buffer.from([1])]).error).toEqual(refused(/negative/));
  });

  it('checks maxLength after the adjustment (tokio#4815) and before buffering the payload', () => {
    const codec = lengthPrefixed({ header: 4, maxLength: 10, lengthAdjustment: -4 });
    const max = codec.encode(Buffer.alloc(10));
    expect(decodeFrames(codec, [max]).frames.length).toBe(1);
    const huge = decodeFrames(lengthPrefixed({ maxLength: 10 }), [Buffer.from([0, 0, 0, 11])]);
    expect(huge.error).toEqual(refused(/maxLength/));
    expect(huge.rest).toEqual(Buffer.from([0, 0, 0, 11]));
    const big8 = decodeFrames(lengthPrefixed({ header: 8 }), [Buffer.alloc(8, 0xff)]);
    expect(big8.error).toEqual(refused(/maxLength/));
  });

  it('defaults maxLength to 8 MiB, or to what a small header can express', () => {
    expect(lengthPrefixed().maxLength).toBe(8 * 1024 * 1024);
    expect(lengthPrefixed({ header: 2 }).maxLength).toBe(65535);
    expect(lengthPrefixed({ header: 1, lengthIncludesHeader: true }).maxLength).toBe(254);
    expect(lengthPrefixed({ header: 1, lengthAdjustment: 10 }).maxLength).toBe(265);
  });

  it('refuses options that cannot be satisfied together (tokio#5080)', () => {
    expect(() => lengthPrefixed({ header: 2, maxLength: 70000 })).toThrow(refused(/express/));
    expect(() => lengthPrefixed({ header: 'varint', littleEndian: true })).toThrow(refused());
    expect(() => lengthPrefixed({ header: 'varint', lengthIncludesHeader: true })).toThrow(
      refused(),
    );
    expect(() => lengthPrefixed({ header: 1, lengthAdjustment: -256 })).toThrow(refused());
    expect(() => lengthPrefixed({ header: 1, lengthAdjustment: 20, maxLength: 10 })).toThrow(
      refused(),
    );
    expect(() => lengthPrefixed({ header: 3 as 4 })).toThrow(refused());
    expect(() => lengthPrefixed({ lengthAdjustment: 0.5 })).toThrow(refused());
  });

  it('refuses to encode what the header cannot say', () => {
    expect(() => lengthPrefixed({ maxLength: 3 }).encode(Buffer.alloc(4))).toThrow(refused());
    expect(() =>
      lengthPrefixed({ header: 1, lengthAdjustment: 2 }).encode(Buffer.alloc(1)),
    ).toThrow(refused());
  });

  it('errors with code 2 on a truncated frame, and emits its payload with allowPartial', () => {
    const bytes = Buffer.from([0, 0, 0, 5, 1, 2]);
    expect(decodeFrames(lengthPrefixed(), [bytes], { end: true }).error).toEqual(partial);
    const got = decodeFrames(lengthPrefixed({ allowPartial: true }), [bytes], { end: true });
    expect(got.frames).toEqual([Buffer.from([1, 2])]);
    expect(
      decodeFrames(lengthPrefixed({ allowPartial: true }), [bytes.subarray(0, 2)], { end: true })
        .frames,
    ).toEqual([Buffer.from([0, 0])]);
  });

  it('gives zero-copy payloads of the chunk a frame lies in', () => {
    const chunk = Buffer.concat([lengthPrefixed().encode(Buffer.from('abc'))]);
    expect(decodeFrames(lengthPrefixed(), [chunk]).frames[0].buffer).toBe(chunk.buffer);
  });
});

describe('the frames driver', () => {
  it('errors with Invalid when a custom decoder reports a bad consumed count', () => {
    const bad: Codec<number> = {
      maxLength: 10,
      decoder: () => ({ decode: () => ({ frame: 1, consumed: 0 }) }),
      encode: () => Buffer.alloc(0),
    };
    const got = decodeFrames(bad, [Buffer.from('abc')]);
    expect(got.error).toEqual(refused(/consumed/));
    expect(got.rest).toEqual(Buffer.from('abc'));
  });

  it('bounds what a decoder that never finds a frame may make it buffer', () => {
    const never: Codec<number> = {
      maxLength: 1,
      decoder: () => ({ decode: () => null }),
      encode: () => Buffer.alloc(0),
    };
    const chunks = Array.from({ length: 70 }, () => Buffer.alloc(1024));
    const got = decodeFrames(never, chunks);
    expect(got.error).toEqual(refused(/maxLength/));
    expect(got.rest.length).toBe(70 * 1024);
  });

  it('passes a decoder error through as it is, and keeps the bytes', () => {
    const boom = new StreamError(Status.Invalid, 'not RESP');
    const codec: Codec<number> = {
      maxLength: 10,
      decoder: () => ({
        decode: () => {
          throw boom;
        },
      }),
      encode: () => Buffer.alloc(0),
    };
    const got = decodeFrames(codec, [Buffer.from('x'), Buffer.from('y')]);
    expect(got.error).toBe(boom);
    expect(got.rest).toEqual(Buffer.from('xy'));
  });
});
