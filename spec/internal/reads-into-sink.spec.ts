/**
 * `ReadsIntoSink`, the consumer of `readsInto(buf)`, on its own: what the
 * subscriber sees in the buffer at each count, and what goes back to the
 * stream when the subscription ends inside a chunk.
 */
import { Subscriber } from 'rxjs';
import { ReadsIntoSink } from '../../src/internal/reads-into';

/** A sink over `buf` whose subscriber records what `buf` holds at each count. */
function sinkOver(buf: Uint8Array, stopAfter = Infinity) {
  const seen: string[] = [];
  const back: Buffer[] = [];
  const sub = new Subscriber<number>({
    next: (n: number) => {
      seen.push(Buffer.from(buf.buffer, buf.byteOffset, n).toString('latin1'));
      if (seen.length >= stopAfter) sub.unsubscribe();
    },
    error: fail,
    complete: () => undefined,
  });
  const side = { unshift: (chunk: Buffer) => back.push(chunk), lost: fail };
  return { sink: new ReadsIntoSink(sub, buf, side), seen, back };
}

describe('ReadsIntoSink', () => {
  it('emits a chunk larger than the buffer a buffer at a time', () => {
    const { sink, seen } = sinkOver(new Uint8Array(4));
    sink.next(Buffer.from('abcdefghij'));
    expect(seen).toEqual(['abcd', 'efgh', 'ij']);
  });

  it("moves the rest of a chunk read into the caller's memory to the buffer's front", () => {
    // A read landed in memory whose front is the (smaller) buffer of this subscription.
    const memory = Buffer.from('abcdefghijklmnop');
    const { sink, seen } = sinkOver(memory.subarray(0, 4));
    sink.borrow(memory);
    expect(seen).toEqual(['abcd', 'efgh', 'ijkl', 'mnop']);
  });

  it('gives back, as a copy, the rest of a lent chunk when the subscriber stops inside it', () => {
    const lent = Buffer.from('abcdefghij');
    const { sink, seen, back } = sinkOver(new Uint8Array(3), 2);
    sink.borrow(lent);
    lent.fill(0); // the transport reuses its buffer once borrow returns
    expect(seen).toEqual(['abc', 'def']);
    expect(back.map(String)).toEqual(['ghij']);
  });
});
