/**
 * Hardening (issue 14): silent loss or corruption that ended as a clean end
 * of stream, and hostile buffers. Each spec is the smallest reproduction of
 * what an attack suite found; it failed before its fix.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type * as net from 'node:net';
import { firstValueFrom, of } from 'rxjs';
import { Status, StreamError, StreamState, memoryPair, type Stream } from '../../src';
import { tlsPairs } from './support/pairs';
import { versionedTlsPair } from './support/tls-pair';
import { disposeRawPeer, rawTcpPeer, turns, type RawPeer } from './support/peers';

/** Drains with tryRead until it answers OK 0 or a non-OK status; returns the bytes and that status. */
function drain(stream: Stream): { bytes: Buffer; status: Status } {
  const parts: Buffer[] = [];
  const buf = Buffer.alloc(16_384);
  for (;;) {
    const r = stream.tryRead(buf);
    if (r.status !== Status.OK) return { bytes: Buffer.concat(parts), status: r.status };
    if (r.bytes === 0) return { bytes: Buffer.concat(parts), status: Status.OK };
    parts.push(Buffer.from(buf.subarray(0, r.bytes)));
  }
}

/** Resolves once `socket` has handed every byte it was given to the kernel. */
async function flushed(socket: { writableLength: number }): Promise<void> {
  while (socket.writableLength > 0) await new Promise((r) => setTimeout(r, 5));
}

describe('hardening: no hole while close() lingers', () => {
  let p: RawPeer;
  beforeEach(async () => {
    p = await rawTcpPeer({ readBufferSize: 65_536 });
  });
  afterEach(async () => disposeRawPeer(p));

  it('delivers a prefix, then OutOfMemory, never the bytes after dropped ones as if contiguous', async () => {
    // Async mode (a subscribed close) lingers until the peer's end.
    const closing = p.stream.close().subscribe({ error: () => undefined });
    const first = randomBytes(100_000);
    const second = randomBytes(10_000);
    p.peer.write(first);
    await flushed(p.peer);
    await new Promise((r) => setTimeout(r, 100)); // let every byte reach the process (not timed)
    const head = drain(p.stream);
    p.peer.end(second);
    await once(p.peer, 'finish');
    await firstValueFrom(p.stream.readable$);
    await turns(20);
    const tail = drain(p.stream);
    const got = Buffer.concat([head.bytes, tail.bytes]);
    const sent = Buffer.concat([first, second]);
    // Whatever was delivered is exactly the start of what was sent...
    expect(got.equals(sent.subarray(0, got.length))).toBe(true);
    // ...and the 100,000 bytes overran the 64 KiB bound, so the end is not clean.
    expect(got.length).toBeLessThan(sent.length);
    expect(tail.status).toBe(Status.OutOfMemory);
    closing.unsubscribe();
  });
});

describe('hardening: buffers that lie', () => {
  let p: RawPeer;
  beforeEach(async () => {
    p = await rawTcpPeer();
  });
  afterEach(async () => disposeRawPeer(p));

  class Liar extends Uint8Array {
    override get length(): number {
      return super.length * 3000;
    }
  }

  it('reads length through the typed-array intrinsics: a lying length getter sends only real bytes', async () => {
    const liar = new Liar(20).fill(7);
    expect(liar.length).toBe(60_000);
    const r = p.stream.tryWrite(liar);
    expect(r).toEqual({ status: Status.OK, bytes: 20 });
    // A length past the real 20 bytes is refused, whatever the getter says.
    expect(p.stream.tryWrite(liar, 21).status).toBe(Status.Invalid);
    p.stream.shutdownWrite();
    const parts: Buffer[] = [];
    p.peer.on('data', (c: Buffer) => parts.push(c));
    await once(p.peer, 'end');
    expect(Buffer.concat(parts)).toEqual(Buffer.alloc(20, 7));
  });

  it('sends only the real bytes of a lying buffer through writeAll and writeFrom (array and Observable)', async () => {
    const liar = (fill: number) => new Liar(20).fill(fill);
    const parts: Buffer[] = [];
    p.peer.on('data', (c: Buffer) => parts.push(c));
    // writeAll of a whole small buffer is copied at subscription: the length is still the real one.
    expect(await firstValueFrom(p.stream.writeAll(liar(1)))).toBe(20);
    expect(await firstValueFrom(p.stream.writeFrom([liar(2), liar(3)]))).toBe(40);
    expect(await firstValueFrom(p.stream.writeFrom(of(liar(4), liar(5))))).toBe(40);
    p.stream.close().subscribe({ error: () => undefined });
    await once(p.peer, 'end');
    const expected = Buffer.concat([1, 2, 3, 4, 5].map((b) => Buffer.alloc(20, b)));
    expect(Buffer.concat(parts)).toEqual(expected);
  });

  it('errors writeFrom with Invalid for a Proxy item, after the items before it', async () => {
    const parts: Buffer[] = [];
    p.peer.on('data', (c: Buffer) => parts.push(c));
    const items = [Buffer.from('ok'), new Proxy(new Uint8Array(8), {}) as Uint8Array];
    const e = await firstValueFrom(p.stream.writeFrom(of(...items))).catch(
      (error: unknown) => error,
    );
    expect((e as { status?: string }).status).toBe(Status.Invalid);
    p.stream.destroy();
    await once(p.peer, 'end');
    expect(Buffer.concat(parts).toString()).toBe('ok');
  });

  it('answers Invalid for a Proxy of a Uint8Array and for Object.create(Uint8Array.prototype)', async () => {
    const fakes: unknown[] = [
      new Proxy(new Uint8Array(8), {}),
      Object.create(Uint8Array.prototype) as unknown,
    ];
    for (const fake of fakes) {
      const buf = fake as Uint8Array;
      expect(() => p.stream.tryWrite(buf)).not.toThrow();
      expect(p.stream.tryWrite(buf).status).toBe(Status.Invalid);
      expect(p.stream.tryRead(buf).status).toBe(Status.Invalid);
      const e = await firstValueFrom(p.stream.writeAll(buf)).catch((error: unknown) => error);
      expect((e as { status?: string }).status).toBe(Status.Invalid);
      const r = await firstValueFrom(p.stream.read(buf)).catch((error: unknown) => error);
      expect((r as { status?: string }).status).toBe(Status.Invalid);
    }
    expect(p.stream.state).toBe(StreamState.Open);
  });

  it('reads into a subclass with a lying length only within its real bytes', async () => {
    p.peer.write(randomBytes(64));
    await firstValueFrom(p.stream.readable$);
    await turns(5);
    const backing = new ArrayBuffer(40);
    const liar = new Liar(backing, 8, 16); // 16 real bytes at offset 8
    const r = p.stream.tryRead(liar);
    expect(r.status).toBe(Status.OK);
    expect(r.bytes).toBe(16);
    expect(new Uint8Array(backing, 0, 8).every((b) => b === 0)).toBe(true);
    expect(new Uint8Array(backing, 24, 16).every((b) => b === 0)).toBe(true);
  });
});

describe('hardening: TLS half-close from inside a read callback', () => {
  const SIZE = 4 * 1024 * 1024;
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`loses no inbound byte when reads$ calls shutdownWrite() (${version})`, async () => {
      const { stream, peer, dispose } = await versionedTlsPair(version);
      const payload = randomBytes(SIZE);
      let got = 0;
      let halfClosed = false;
      const ended = new Promise<void>((resolve, reject) =>
        stream.reads$.subscribe({
          next: (chunk) => {
            got += chunk.length;
            if (!halfClosed) {
              halfClosed = true;
              expect(stream.shutdownWrite()).toBe(Status.OK);
            }
          },
          complete: resolve,
          error: reject,
        }),
      );
      const peerSawEnd = once(peer, 'end');
      peer.on('data', () => undefined);
      peer.end(payload);
      await ended;
      await peerSawEnd;
      expect(got).toBe(SIZE);
      await dispose();
    });
  }
});

describe('hardening: buffer bounds the process can hold', () => {
  it('refuses sendBufferSize / readBufferSize past 1 GiB with Invalid, naming the limit', () => {
    for (const option of ['sendBufferSize', 'readBufferSize'] as const) {
      expect(() => memoryPair({ [option]: 2 ** 40 })).toThrowMatching(
        (e: unknown) =>
          e instanceof StreamError &&
          e.status === Status.Invalid &&
          /at most 1073741824/.test(e.message),
      );
      const [a, b] = memoryPair({ [option]: 2 ** 30 });
      a.destroy();
      b.destroy();
    }
  });
});

describe('hardening: re-entrant and late calls', () => {
  it('a destroy() from a state$ observer during shutdownWrite() gets the socket back with nothing more sent', async () => {
    const p = await rawTcpPeer();
    try {
      let handedBack = false;
      let endAfterHandback = false;
      const end = p.client.end.bind(p.client) as (...args: unknown[]) => net.Socket;
      p.client.end = ((...args: unknown[]) => {
        if (handedBack) endAfterHandback = true;
        return end(...args);
      }) as typeof p.client.end;
      p.stream.state$.subscribe((state) => {
        if (state === StreamState.ShutdownWr && !handedBack) {
          expect(p.stream.destroy()).toBe(Status.OK);
          handedBack = true;
        }
      });
      expect(p.stream.shutdownWrite()).toBe(Status.OK);
      expect(handedBack).toBe(true);
      expect(endAfterHandback).toBe(false);
      expect(p.stream.state).toBe(StreamState.Closed);
    } finally {
      await disposeRawPeer(p);
    }
  });

  it('renegotiate() while close() waits for the peer answers Invalid', async () => {
    const factory = tlsPairs();
    await factory.start();
    const pair = await factory.open();
    try {
      pair.b.reads$.subscribe({ error: () => undefined }); // b reads but never ends
      const closing = pair.a.close().subscribe({ error: () => undefined });
      await turns(20);
      const e = await firstValueFrom(pair.a.renegotiate()).catch((error: unknown) => error);
      expect(StreamError.is(e) && e.status === Status.Invalid).toBe(true);
      closing.unsubscribe();
    } finally {
      pair.dispose();
      await factory.stop();
    }
  });
});

describe('hardening: buffers detached while an operation is pending', () => {
  let p: RawPeer;
  beforeEach(async () => {
    p = await rawTcpPeer();
  });
  afterEach(async () => disposeRawPeer(p));

  const detach = (buf: Uint8Array): void => {
    structuredClone(buf.buffer, { transfer: [buf.buffer as ArrayBuffer] });
  };

  it('errors a pending read() with Invalid and consumes nothing', async () => {
    const buf = new Uint8Array(new ArrayBuffer(64));
    const result = firstValueFrom(p.stream.read(buf)).catch((error: unknown) => error);
    detach(buf);
    expect(buf.length).toBe(0);
    p.peer.write('hello');
    const e = await result;
    expect(StreamError.is(e) && e.status === Status.Invalid).toBe(true);
    const next = Buffer.alloc(16);
    const n = await firstValueFrom(p.stream.read(next));
    expect(next.subarray(0, n).toString()).toBe('hello');
  });

  /** Fills the kernel and the send buffer while the peer does not read; returns the bytes accepted. */
  async function fill(): Promise<number> {
    p.peer.pause();
    let accepted = 0;
    for (let idle = 0; idle < 20;) {
      const r = p.stream.tryWrite(Buffer.alloc(16_384, 0));
      if (r.bytes > 0) {
        accepted += r.bytes;
        idle = 0;
      } else {
        idle += 1;
        await turns(2);
      }
    }
    return accepted;
  }

  /** Resumes the peer and resolves with every byte it gets until the stream's end. */
  function receiveAll(): Promise<Buffer> {
    const received: Buffer[] = [];
    p.peer.on('data', (c: Buffer) => received.push(c));
    p.peer.resume();
    return once(p.peer, 'end').then(() => Buffer.concat(received));
  }

  it('errors a pending writeAll() (copied path) with Invalid; the stream stays usable, nothing reordered', async () => {
    const before = await fill();
    const src = new Uint8Array(new ArrayBuffer(32_768)).fill(1);
    const result = firstValueFrom(p.stream.writeAll(src)).catch((error: unknown) => error);
    await turns(5);
    detach(src);
    const all = receiveAll();
    const e = await result;
    expect(StreamError.is(e) && e.status === Status.Invalid).toBe(true);
    expect((e as Error).message).toMatch(/detached/);
    expect(p.stream.state).toBe(StreamState.Open);
    await firstValueFrom(p.stream.writeAll(Buffer.from([2, 2, 2])));
    p.stream.shutdownWrite();
    const bytes = await all;
    // The filler, then a prefix of the ones accepted before the detach, then the next write.
    expect(bytes.subarray(0, before).every((b) => b === 0)).toBe(true);
    const ones = bytes.subarray(before, bytes.length - 3);
    expect(ones.length).toBeLessThan(src.byteLength + 32_768);
    expect(ones.every((b) => b === 1)).toBe(true);
    expect([...bytes.subarray(bytes.length - 3)]).toEqual([2, 2, 2]);
  });

  it('a large write the kernel reads from the caller memory: detaching it fails the stream, never the process', async () => {
    await fill();
    const src = new Uint8Array(new ArrayBuffer(8 * 1024 * 1024)).fill(1);
    const result = firstValueFrom(p.stream.writeAll(src)).catch((error: unknown) => error);
    await turns(5);
    detach(src);
    void receiveAll();
    const e = await result;
    // Either the stream saw the detach first (Invalid) or the kernel did (EFAULT → SysError).
    expect(StreamError.is(e)).toBe(true);
    expect<Status[]>([Status.Invalid, Status.SysError]).toContain((e as StreamError).status);
  });
});
