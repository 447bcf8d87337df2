/**
 * Hardening (issue 14, item 5): allocation failure. `Buffer.allocUnsafe` is
 * made to throw the RangeError V8 throws when an ArrayBuffer cannot be
 * allocated (every copy the library makes goes through it). Nothing may
 * throw, no byte may leave that was not counted, and what a reader gets is
 * a prefix of what was sent, then `OutOfMemory`.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { firstValueFrom, lastValueFrom, tap } from 'rxjs';
import {
  Status,
  StreamError,
  StreamState,
  connectTCP,
  lengthPrefixed,
  lines,
  memoryPair,
  type Stream,
} from '../../src';
import { close, listen, portOf } from './support/pairs';
import { collect, disposeRawPeer, rawTcpPeer, turns, type RawPeer } from './support/peers';
import * as net from 'node:net';
import { dropSpareSlabs, reuseSlabs } from '../../src/internal/send-buffer';

const realAllocUnsafe = Buffer.allocUnsafe.bind(Buffer);

/** What V8 throws when it cannot allocate an ArrayBuffer. */
function v8AllocationFailure(): RangeError {
  return new RangeError('Array buffer allocation failed');
}

/** Makes Buffer.allocUnsafe throw after `allowed` more calls (jasmine restores it after the spec). */
function failAllocationsAfter(allowed: number): jasmine.Spy {
  let left = allowed;
  return spyOn(Buffer, 'allocUnsafe').and.callFake((size: number) => {
    if (left <= 0) throw v8AllocationFailure();
    left -= 1;
    return realAllocUnsafe(size);
  });
}

describe('hardening: allocation failure on the write path', () => {
  let p: RawPeer;
  afterEach(async () => {
    reuseSlabs(true); // dropSpareSlabs() turned it off
    await disposeRawPeer(p);
  });

  it('tryWrite never throws, counts exactly what it copied, and the peer gets exactly that', async () => {
    p = await rawTcpPeer({ sendBufferSize: 16 * 1024 * 1024 });
    const payload = randomBytes(8 * 1024 * 1024); // more than the shared spare slabs hold
    const received = collect(p.peer);
    dropSpareSlabs(); // every slab from here on is allocated
    const first = p.stream.tryWrite(payload.subarray(0, 1000));
    expect(first).toEqual({ status: Status.OK, bytes: 1000 });
    const spy = failAllocationsAfter(0);
    let r = { status: Status.OK as Status, bytes: -1 };
    expect(() => (r = p.stream.tryWrite(payload.subarray(1000)))).not.toThrow();
    // The rest of the first 64 KiB slab was filled; the next slab could not be allocated.
    expect(r).toEqual({ status: Status.OK, bytes: 64 * 1024 - 1000 });
    expect(p.stream.tryWrite(payload.subarray(64 * 1024))).toEqual({
      status: Status.OutOfMemory,
      bytes: 0,
    });
    spy.and.callThrough();
    const accepted = 1000 + r.bytes;
    expect(p.stream.bytesWritten).toBe(accepted);
    // The stream is unharmed: a retry of the rest goes through, once.
    const again = p.stream.tryWrite(payload.subarray(accepted, accepted + 10));
    expect(again).toEqual({ status: Status.OK, bytes: 10 });
    expect(p.stream.shutdownWrite()).toBe(Status.OK);
    const got = await received;
    expect(got.length).toBe(accepted + 10);
    expect(got.equals(payload.subarray(0, accepted + 10))).toBe(true);
  });

  it('a write() waiting for room errors with StreamError OutOfMemory, after the bytes it had accepted', async () => {
    dropSpareSlabs(); // every slab from here on is allocated
    const [a, b] = memoryPair({ sendBufferSize: 65_536 });
    const payload = randomBytes(100_000);
    expect(a.tryWrite(payload.subarray(0, 65_536)).bytes).toBe(65_536); // full: one whole slab
    const result = firstValueFrom(a.writeAll(payload.subarray(65_536))).catch((e: unknown) => e);
    await turns(2);
    const spy = failAllocationsAfter(0);
    const sink = Buffer.alloc(4096);
    const got: Buffer[] = [];
    for (let i = 0; i < 100; i += 1) {
      const r = b.tryRead(sink);
      if (r.bytes > 0) got.push(Buffer.from(sink.subarray(0, r.bytes)));
      await turns(1);
    }
    const e = await result;
    spy.and.callThrough();
    expect(StreamError.is(e)).toBe(true);
    expect((e as StreamError).status).toBe(Status.OutOfMemory);
    expect((e as StreamError).message).toMatch(/bytes accepted/);
    expect(a.state).toBe(StreamState.Open);
    const all = Buffer.concat(got);
    expect(all.equals(payload.subarray(0, all.length))).toBe(true);
    expect(all.length).toBe(a.bytesWritten);
    a.destroy();
    b.destroy();
  });
});

describe('hardening: allocation failure on the read path (connectTCP)', () => {
  let server: net.Server;
  afterEach(async () => close(server));

  it('no uncaught exception; the reader gets a prefix of what was sent, then OutOfMemory', async () => {
    server = net.createServer({ allowHalfOpen: true });
    await listen(server);
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const stream: Stream = await firstValueFrom(
      connectTCP(portOf(server), '127.0.0.1', { readBufferSize: 4 * 1024 * 1024 }),
    );
    const peer = await accepted;
    peer.on('error', () => undefined);
    const payload = randomBytes(2 * 1024 * 1024);
    // Nobody reads: what arrives is queued, and queueing a lent read needs a copy.
    let status: Status = Status.OK;
    const buf = Buffer.alloc(1);
    status = stream.tryRead(buf).status; // starts reading
    expect(status).toBe(Status.OK);
    const spy = failAllocationsAfter(3);
    peer.write(payload);
    await once(peer, 'drain').catch(() => undefined);
    await turns(50);
    spy.and.callThrough();
    const got: Buffer[] = [];
    let end: unknown = 'complete';
    await lastValueFrom(stream.reads$.pipe(tap((c) => got.push(Buffer.from(c)))), {
      defaultValue: null,
    }).catch((e: unknown) => (end = e));
    const all = Buffer.concat(got);
    expect(all.equals(payload.subarray(0, all.length))).toBe(true);
    expect(all.length).toBeLessThan(payload.length);
    expect(StreamError.is(end) && end.status === Status.OutOfMemory).toBe(true);
    expect(stream.state).toBe(StreamState.Error);
    stream.destroy();
    peer.destroy();
  });
});

describe('hardening: allocation failure while decoding frames', () => {
  it('a partial frame that cannot be kept errors frames() with OutOfMemory; its bytes stay readable', async () => {
    const p = await rawTcpPeer();
    try {
      const frames: Buffer[] = [];
      const ended = new Promise<unknown>((resolve) =>
        p.stream.frames(lengthPrefixed()).subscribe({
          next: (f) => frames.push(Buffer.from(f)),
          error: resolve,
          complete: () => resolve('complete'),
        }),
      );
      const frame = Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.alloc(10, 7)]);
      p.peer.write(frame.subarray(0, 7)); // a partial frame
      for (let i = 0; i < 500 && p.stream.bytesRead < 7; i += 1) {
        await new Promise((r) => setTimeout(r, 2)); // loopback; only waits out a loaded machine
      }
      expect(p.stream.bytesRead).toBe(7);
      const spy = failAllocationsAfter(0);
      p.peer.write(frame.subarray(7));
      let e: unknown;
      for (let i = 0; i < 200 && e === undefined; i += 1) {
        await new Promise((r) => setTimeout(r, 2)); // loopback; only waits out a loaded machine
        e = await Promise.race([ended, Promise.resolve(undefined)]);
      }
      spy.and.callThrough();
      expect(StreamError.is(e) && e.status === Status.OutOfMemory).toBe(true);
      expect(frames.length).toBe(0);
      expect(p.stream.state).toBe(StreamState.Open);
      // No byte lost: the unfinished frame went back to the front of the stream.
      const again = await firstValueFrom(p.stream.frames(lengthPrefixed()));
      expect(again).toEqual(Buffer.alloc(10, 7));
    } finally {
      await disposeRawPeer(p);
    }
  });
});

describe('hardening: allocation failure while decoding lines out of a lent read buffer', () => {
  let server: net.Server;
  afterEach(async () => close(server));

  it('no memory to join a line begun earlier: frames() and then the stream fail with OutOfMemory', async () => {
    server = net.createServer();
    await listen(server);
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const stream: Stream = await firstValueFrom(connectTCP(portOf(server), '127.0.0.1'));
    const peer = await accepted;
    peer.on('error', () => undefined);
    const got: string[] = [];
    const ended = new Promise<unknown>((resolve) =>
      stream.frames(lines()).subscribe({ next: (l) => got.push(l), error: resolve }),
    );
    peer.write('first\nabc'); // 'abc' is copied out of the read buffer into a 4 KiB store
    for (let i = 0; i < 500 && stream.bytesRead < 9; i += 1) {
      await new Promise((r) => setTimeout(r, 2)); // loopback; only waits out a loaded machine
    }
    expect(got).toEqual(['first']);
    const spy = failAllocationsAfter(0);
    // The line goes on past the store: joining it needs memory, and so does giving it back.
    peer.write(`${'x'.repeat(10_000)}\nnext\n`);
    let e: unknown;
    for (let i = 0; i < 500 && e === undefined; i += 1) {
      await new Promise((r) => setTimeout(r, 2)); // loopback; only waits out a loaded machine
      e = await Promise.race([ended, Promise.resolve(undefined)]);
    }
    spy.and.callThrough();
    expect(StreamError.is(e) && e.status === Status.OutOfMemory).toBe(true);
    expect(got).toEqual(['first']); // nothing after the hole
    expect(stream.state).toBe(StreamState.Error);
    await expectAsync(firstValueFrom(stream.reads$)).toBeRejectedWith(
      jasmine.objectContaining({ status: Status.OutOfMemory }),
    );
    stream.destroy();
    peer.destroy();
  });
});
