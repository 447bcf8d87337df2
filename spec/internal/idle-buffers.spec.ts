import {
  ReadSide,
  ChunksConsumer,
  IntoConsumer,
  type ChunkSink,
} from '../../src/internal/read-side';
import { DataOp, WriteSide } from '../../src/internal/write-side';
import type { Host } from '../../src/internal/host';
import { fakeHost, recorder } from './fake-host';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('idle streams hold no buffers', () => {
  it('a read-ahead queue is given up once read empty, and made again with nothing lost', () => {
    const { host } = fakeHost();
    const side = new ReadSide(host, 1024 * 1024);
    const idle = side.queue;
    expect(new ReadSide(host, 1024).queue).toBe(idle); // one shared empty queue
    side.onData(Buffer.from('abc'));
    side.onData(Buffer.from('def'));
    expect(side.queue).not.toBe(idle);
    const buf = Buffer.alloc(16);
    expect(side.tryRead(buf, 4).bytes).toBe(4);
    expect(buf.toString('latin1', 0, 4)).toBe('abcd');
    expect(side.queue).not.toBe(idle); // 'ef' still queued
    expect(side.tryRead(buf, 16).bytes).toBe(2);
    expect(buf.toString('latin1', 0, 2)).toBe('ef');
    expect(side.queue).toBe(idle);
    expect(idle.length).toBe(0);
    side.onData(Buffer.from('ghi'));
    expect(side.tryRead(buf, 16).bytes).toBe(3);
    expect(buf.toString('latin1', 0, 3)).toBe('ghi');
    expect(side.bytes).toBe(9);
    expect(side.queue).toBe(idle);
  });

  it('a lent chunk keeps its queue until settled, and the outcome says who holds it', () => {
    const { host } = fakeHost();
    const side = new ReadSide(host, 1024 * 1024);
    const idle = side.queue;
    const lendBuffer = Buffer.alloc(64 * 1024, 0x61);
    // Queued (no reader), small: copied out, the read buffer is free again.
    expect(side.onLend(lendBuffer.subarray(0, 100), false, lendBuffer.length)).toBe('free');
    lendBuffer.fill(0x62);
    const buf = Buffer.alloc(200);
    expect(side.tryRead(buf, 200).bytes).toBe(100);
    expect(buf.subarray(0, 100).every((b) => b === 0x61)).toBeTrue();
    expect(side.queue).toBe(idle);
    // Large and keepable, no reader: kept by reference in a queue of its own.
    expect(side.onLend(lendBuffer.subarray(0, 40 * 1024), true, lendBuffer.length)).toBe('kept');
    expect(side.queue).not.toBe(idle);
    expect(side.queue.length).toBe(40 * 1024);
    expect(idle.length).toBe(0);
  });

  it('a read() that takes a lent chunk during its lend: the queue goes once the lend settles', () => {
    const { host } = fakeHost();
    const side = new ReadSide(host, 1024 * 1024);
    const idle = side.queue;
    const buf = Buffer.alloc(10);
    const { sub, results: got } = recorder();
    side.attach(new IntoConsumer(sub, buf, buf.length, side)); // waits: nothing queued
    const lendBuffer = Buffer.from('def');
    // Queued behind no one, copied into buf by the pump inside the lend: nothing kept.
    expect(side.onLend(lendBuffer, false, 64 * 1024)).toBe('free');
    lendBuffer.fill(0x21);
    expect(got).toEqual([3]);
    expect(buf.toString('latin1', 0, 3)).toBe('def');
    expect(side.queue).toBe(idle);
  });

  it('with a scheduler, a kept chunk stays queued until the reader runs, then the queue goes', () => {
    const { host } = fakeHost();
    const later: Array<() => void> = [];
    const scheduled: Host = { ...host, direct: false, deliver: (work) => later.push(work) };
    const side = new ReadSide(scheduled, 1024 * 1024);
    const idle = side.queue;
    const got: Buffer[] = [];
    const sink: ChunkSink = {
      closed: false,
      next: (chunk) => got.push(chunk),
      error: fail,
      complete: () => undefined,
    };
    side.attach(new ChunksConsumer(sink, side));
    later.splice(0).forEach((work) => work());
    const lendBuffer = Buffer.alloc(64 * 1024, 0x6b);
    const view = lendBuffer.subarray(0, 48 * 1024);
    expect(side.onLend(view, true, lendBuffer.length)).toBe('kept');
    expect(side.queue).not.toBe(idle);
    later.splice(0).forEach((work) => work());
    expect(got.length).toBe(1);
    expect(got[0].buffer).toBe(lendBuffer.buffer); // by reference, as the lend said
    expect(got[0].length).toBe(48 * 1024);
    expect(side.queue).toBe(idle);
  });

  it('a send buffer is given up once everything has left, and made again with nothing lost', async () => {
    const { host, written, complete } = fakeHost();
    const side = new WriteSide(host, 1024 * 1024);
    const idle = side.buffer;
    expect(new WriteSide(host, 1024).buffer).toBe(idle); // one shared empty buffer
    expect(side.accept(Buffer.from('hello '), 0, 6)).toBe(6);
    expect(side.buffer).not.toBe(idle);
    await tick(); // the run's flush
    expect(side.pending).toBe(6);
    expect(side.accept(Buffer.from('world'), 0, 5)).toBe(5); // gathers behind the write in flight
    complete(); // the first write is done: the gathered bytes leave
    expect(side.buffer).not.toBe(idle); // (they are with the transport, not yet done)
    complete();
    expect(side.pending).toBe(0);
    expect(side.buffer).toBe(idle);
    expect(idle.length).toBe(0);
    expect(side.accept(Buffer.from('!'), 0, 1)).toBe(1);
    await tick();
    complete();
    expect(Buffer.concat(written).toString()).toBe('hello world!');
    expect(side.bytes).toBe(12);
    expect(side.buffer).toBe(idle);
  });

  it('a stream that only writes large buffers never makes a send buffer', () => {
    const { host, written, complete } = fakeHost();
    const side = new WriteSide(host, 1024 * 1024);
    const idle = side.buffer;
    const big = Buffer.alloc(64 * 1024, 0x78);
    const { sub, results } = recorder();
    side.attach(new DataOp('all', sub, big, big.length, side));
    expect(results).toEqual([]); // by reference (the first large write of its run): done at its callback
    expect(side.buffer).toBe(idle);
    complete();
    expect(results).toEqual([big.length]);
    expect(written.length).toBe(1);
    expect(side.buffer).toBe(idle);
  });
});
