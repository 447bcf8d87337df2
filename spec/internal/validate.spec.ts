import { describe as describeValue, lengthFor, sizeOption } from '../../src/internal/validate';

describe('lengthFor', () => {
  const buf = Buffer.alloc(8);

  it('defaults to the whole buffer', () => {
    expect(lengthFor(buf, undefined, 'max')).toBe(8);
  });

  it('accepts a plain Uint8Array and any length from 1 to its size', () => {
    const u8 = new Uint8Array(4);
    expect([1, 2, 4].map((n) => lengthFor(u8, n, 'len'))).toEqual([1, 2, 4]);
  });

  const notBuffers: [string, unknown][] = [
    ['a string', 'abc'],
    ['an array', [1, 2]],
    ['null', null],
    ['undefined', undefined],
    ['a number', 3],
    ['an ArrayBuffer', new ArrayBuffer(4)],
    ['a DataView', new DataView(new ArrayBuffer(4))],
  ];
  for (const [what, value] of notBuffers) {
    it(`refuses ${what} as the buffer`, () => {
      expect(typeof lengthFor(value, undefined, 'max')).toBe('string');
    });
  }

  it('refuses an empty buffer', () => {
    expect(typeof lengthFor(Buffer.alloc(0), undefined, 'len')).toBe('string');
  });

  const badLengths: unknown[] = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null, 9];
  for (const n of badLengths) {
    it(`refuses ${String(n)} (${typeof n}) as the length, naming the argument`, () => {
      const answer = lengthFor(buf, n, 'len');
      expect(typeof answer).toBe('string');
      expect(answer).toContain('len');
    });
  }
});

describe('sizeOption', () => {
  it('falls back to the default when absent', () => {
    expect(sizeOption(undefined, 'sendBufferSize', 1024)).toBe(1024);
  });

  it('accepts a positive safe integer', () => {
    expect(sizeOption(1, 'sendBufferSize', 1024)).toBe(1);
    expect(sizeOption(4096, 'sendBufferSize', 1024)).toBe(4096);
  });

  const bad: unknown[] = [0, -4, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '10', null];
  for (const value of bad) {
    it(`refuses ${String(value)} (${typeof value}), naming the option`, () => {
      const answer = sizeOption(value, 'readBufferSize', 1024);
      expect(typeof answer).toBe('string');
      expect(answer).toContain('readBufferSize');
    });
  }
});

describe('describe (value descriptions in messages)', () => {
  it('names the kind of value, never its content', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue('secret')).toBe('a string');
    expect(describeValue(new Map())).toBe('an object (Map)');
    expect(describeValue(Object.create(null))).toBe('an object (no prototype)');
    expect(describeValue(42)).toBe('42');
  });
});
