import { ByteQueue } from '../../src/internal/byte-queue';

function queueOf(...texts: string[]): ByteQueue {
  const q = new ByteQueue();
  for (const t of texts) q.push(Buffer.from(t));
  return q;
}

function copyText(q: ByteQueue, max: number): string {
  const target = Buffer.alloc(max);
  const n = q.copyTo(target, max);
  return target.toString('latin1', 0, n);
}

describe('ByteQueue', () => {
  it('counts the bytes pushed and ignores empty chunks', () => {
    const q = queueOf('ab', '', 'cde');
    expect(q.length).toBe(5);
    expect(q.drain().map(String)).toEqual(['ab', 'cde']);
  });

  it('shifts whole chunks in order, by reference (no copy)', () => {
    const first = Buffer.from('one');
    const q = new ByteQueue();
    q.push(first);
    q.push(Buffer.from('two'));
    expect(q.shift()).toBe(first);
    expect(String(q.shift())).toBe('two');
    expect(q.shift()).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it('copies across chunk boundaries and keeps the rest', () => {
    const q = queueOf('ab', 'cde', 'f');
    expect(copyText(q, 4)).toBe('abcd');
    expect(q.length).toBe(2);
    expect(copyText(q, 10)).toBe('ef');
    expect(q.length).toBe(0);
  });

  it('copies at most max bytes even when the target is larger', () => {
    const q = queueOf('hello');
    const target = Buffer.alloc(8);
    expect(q.copyTo(target, 2)).toBe(2);
    expect(target.toString('latin1', 0, 3)).toBe('he\0');
  });

  it('returns 0 when copying from an empty queue', () => {
    expect(new ByteQueue().copyTo(Buffer.alloc(4), 4)).toBe(0);
  });

  it('shifts what remains of a partly copied chunk', () => {
    const q = queueOf('hello', 'world');
    expect(copyText(q, 3)).toBe('hel');
    expect(String(q.shift())).toBe('lo');
    expect(String(q.shift())).toBe('world');
  });

  it('drains everything in order, starting inside a partly copied chunk', () => {
    const q = queueOf('abc', 'de', 'fgh');
    copyText(q, 4);
    expect(q.drain().map(String)).toEqual(['e', 'fgh']);
    expect(q.length).toBe(0);
    expect(q.drain()).toEqual([]);
  });

  it('keeps order and length through compaction after many shifts', () => {
    const q = new ByteQueue();
    const label = (i: number): string => `${i};`;
    let next = 0;
    let expected = '';
    for (; next < 3000; next += 1) q.push(Buffer.from(label(next)));
    // Shift past the compaction point (1024+ consumed, at least half the array).
    for (let i = 0; i < 2000; i += 1) expect(String(q.shift())).toBe(label(i));
    for (; next < 3500; next += 1) q.push(Buffer.from(label(next)));
    for (let i = 2000; i < 3500; i += 1) expected += label(i);
    expect(q.length).toBe(Buffer.byteLength(expected));
    expect(copyText(q, 7)).toBe(expected.slice(0, 7));
    expect(
      q
        .drain()
        .map((c) => c.toString('latin1'))
        .join(''),
    ).toBe(expected.slice(7));
  });

  it('keeps working after being emptied by copyTo', () => {
    const q = queueOf('ab');
    copyText(q, 2);
    q.push(Buffer.from('cd'));
    expect(q.length).toBe(2);
    expect(copyText(q, 2)).toBe('cd');
  });

  describe('lent chunks (in a transport read buffer)', () => {
    const lentOf = (text: string): Buffer => Buffer.from(text);

    it('leave the buffer free once copied out whole', () => {
      const q = new ByteQueue();
      q.pushLent(lentOf('abcd'), true, 1);
      expect(copyText(q, 4)).toBe('abcd');
      expect(q.settleLent()).toBe('free');
    });

    it('are kept when handed out by shift and keeping is allowed', () => {
      const q = new ByteQueue();
      const view = lentOf('abcd');
      q.pushLent(view, true, 1000);
      expect(q.shift()).toBe(view);
      expect(q.settleLent()).toBe('kept');
    });

    it('are handed out by shift as a copy when keeping is not allowed', () => {
      const q = new ByteQueue();
      const view = lentOf('abcd');
      q.pushLent(view, false, 4);
      const out = q.shift();
      expect(out).not.toBe(view);
      expect(q.settleLent()).toBe('copied'); // large enough to have been worth keeping
      view.fill(0); // the transport reads into its buffer again
      expect(String(out)).toBe('abcd');
    });

    it('are kept while queued when allowed and at least keepMin bytes remain', () => {
      const q = queueOf('x');
      const view = lentOf('abcdef');
      q.pushLent(view, true, 5);
      expect(copyText(q, 2)).toBe('xa');
      expect(q.settleLent()).toBe('kept');
      expect(q.shift()).toEqual(Buffer.from('bcdef'));
    });

    it('have a queued rest copied out when it is small or keeping is not allowed', () => {
      for (const [mayKeep, keepMin, outcome] of [
        [true, 5, 'free'],
        [false, 5, 'free'],
        [false, 2, 'copied'],
      ] as const) {
        const q = new ByteQueue();
        const view = lentOf('abcdef');
        q.pushLent(view, mayKeep, keepMin);
        expect(copyText(q, 2)).toBe('ab');
        expect(q.settleLent()).toBe(outcome);
        view.fill(0); // the transport reads into its buffer again
        expect(q.length).toBe(4);
        expect(copyText(q, 10)).toBe('cdef');
      }
    });

    it('are settled once: a later settle finds nothing lent', () => {
      const q = new ByteQueue();
      q.pushLent(lentOf('ab'), true, 1);
      expect(q.settleLent()).toBe('kept');
      expect(q.settleLent()).toBe('free');
      expect(copyText(q, 2)).toBe('ab');
    });
  });
});

describe('ByteQueue.unshift', () => {
  it('puts a chunk before everything queued, also after part of the head was read', () => {
    const q = new ByteQueue();
    q.push(Buffer.from('abc'));
    q.push(Buffer.from('def'));
    const two = Buffer.alloc(2);
    expect(q.copyTo(two, 2)).toBe(2); // 'ab' read: 'c' left of the head
    q.unshift(Buffer.from('xy'));
    expect(q.length).toBe(6);
    expect(Buffer.concat(q.drain()).toString()).toBe('xycdef');
  });

  it('works on an empty queue and after whole chunks were shifted', () => {
    const q = new ByteQueue();
    q.unshift(Buffer.from('a'));
    q.push(Buffer.from('b'));
    q.push(Buffer.from('c'));
    expect(q.shift()?.toString()).toBe('a');
    q.unshift(Buffer.from('z'));
    q.unshift(Buffer.alloc(0));
    expect(Buffer.concat(q.drain()).toString()).toBe('zbc');
  });

  it('keeps a lent chunk settled as lent when unshifting in front of its rest', () => {
    const q = new ByteQueue();
    const lent = Buffer.from('lentbytes');
    q.pushLent(lent, false, 1024);
    const four = Buffer.alloc(4);
    q.copyTo(four, 4);
    q.unshift(Buffer.from('<'));
    expect(q.settleLent()).toBe('free'); // its rest was copied out: the read buffer is free
    lent.fill(0);
    expect(Buffer.concat(q.drain()).toString()).toBe('<bytes');
  });
});
