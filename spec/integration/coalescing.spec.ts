import { concat, lastValueFrom } from 'rxjs';
import { Stream, StreamKind, type Transport, type TransportEvents } from '../../src';
import { SocketTransport } from '../../src/socket-transport';
import { Cleanup, receive, tcpPair } from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

/**
 * A socket transport that counts its `write` calls and the chunks of each,
 * and the bytes of each call (`sizes`). It reports `kind` (TLS here only
 * changes what the write side copies).
 */
class CountingTransport implements Transport {
  readonly writes: number[] = [];
  readonly sizes: number[] = [];
  readonly #inner: SocketTransport;
  readonly kind: StreamKind;
  constructor(inner: SocketTransport, kind: StreamKind = StreamKind.TCP) {
    this.#inner = inner;
    this.kind = kind;
  }
  get fd(): number {
    return this.#inner.fd;
  }
  get lingers(): boolean {
    return this.#inner.lingers;
  }
  get renegotiating(): boolean {
    return this.#inner.renegotiating;
  }
  start(events: TransportEvents): void {
    this.#inner.start(events);
  }
  resume(): void {
    this.#inner.resume();
  }
  pause(): void {
    this.#inner.pause();
  }
  write(chunks: readonly Buffer[], done: (error?: unknown) => void): boolean {
    this.writes.push(chunks.length);
    this.sizes.push(chunks.reduce((n, c) => n + c.length, 0));
    return this.#inner.write(chunks, done);
  }
  end(done: (error?: unknown) => void): void {
    this.#inner.end(done);
  }
  destroy(): void {
    this.#inner.destroy();
  }
  release(unread: readonly Buffer[]): void {
    this.#inner.release(unread);
  }
}

async function counted(kind: StreamKind = StreamKind.TCP): Promise<{
  stream: Stream;
  t: CountingTransport;
  peer: import('node:net').Socket;
}> {
  const { client, server } = await tcpPair(clean);
  const t = new CountingTransport(new SocketTransport(StreamKind.TCP, client), kind);
  const stream = clean.stream(new Stream(t));
  server.resume();
  return { stream, t, peer: server };
}

const bytes = (s: string): Buffer => Buffer.from(s);

describe('coalescing of small writes (no lone first write)', () => {
  it('sends three writeAll of one synchronous run in one transport write, the first included', async () => {
    const { stream, t, peer } = await counted();
    const got = receive(peer, 9);
    stream.writeAll(bytes('abc')).subscribe();
    stream.writeAll(bytes('def')).subscribe();
    stream.writeAll(bytes('ghi')).subscribe();
    expect(t.writes).toEqual([]); // nothing left alone while the run goes on
    expect((await got).toString()).toBe('abcdefghi');
    expect(t.writes).toEqual([1]);
  });

  it('completes each writeAll synchronously once accepted, so concat of three runs in one turn', async () => {
    const { stream, t, peer } = await counted();
    const got = receive(peer, 6);
    const done: number[] = [];
    concat(
      stream.writeAll(bytes('ab')),
      stream.writeAll(bytes('cd')),
      stream.writeAll(bytes('ef')),
    ).subscribe((n) => done.push(n));
    expect(done).toEqual([2, 2, 2]);
    expect((await got).toString()).toBe('abcdef');
    expect(t.writes.length).toBe(1);
  });

  it('sends writes made in separate turns separately', async () => {
    const { stream, t, peer } = await counted();
    for (const [i, s] of ['one', 'two', 'six'].entries()) {
      const got = receive(peer, 3);
      await lastValueFrom(stream.writeAll(bytes(s)));
      expect((await got).toString()).toBe(s);
      expect(t.writes.length).toBe(i + 1);
    }
  });

  it('coalesces tryWrite calls of one run too', async () => {
    const { stream, t, peer } = await counted();
    const got = receive(peer, 4);
    for (const c of 'wxyz') stream.tryWrite(bytes(c));
    expect((await got).toString()).toBe('wxyz');
    expect(t.writes).toEqual([1]);
  });

  it('sends what was accepted when destroyed in the same run (async mode)', async () => {
    const { stream, peer } = await counted();
    const got = receive(peer, 5);
    stream.writeAll(bytes('hello')).subscribe();
    stream.destroy();
    expect((await got).toString()).toBe('hello');
  });

  it('sends a large write at once, with the small ones queued before it in the same transport write', async () => {
    const { stream, t, peer } = await counted();
    const big = Buffer.alloc(256 * 1024, 7);
    const got = receive(peer, 2 + big.length);
    stream.writeAll(bytes('hi')).subscribe();
    stream.writeAll(big).subscribe();
    expect(t.writes).toEqual([2]);
    const all = await got;
    expect(all.subarray(0, 2).toString()).toBe('hi');
    expect(all.subarray(2).equals(big)).toBeTrue();
  });

  /** `count` writes of 64 KiB, each filled with its own index, in order. */
  const bulk = (count: number): Buffer[] =>
    Array.from({ length: count }, (_, i) => Buffer.alloc(64 * 1024, i));

  it("sends a run of 64 KiB writeAll in a few large transport writes, every byte in order, the callers' buffers free at once", async () => {
    const { stream, t, peer } = await counted();
    const chunks = bulk(32);
    const got = receive(peer, 32 * 64 * 1024);
    const done: number[] = [];
    concat(...chunks.map((c) => stream.writeAll(c))).subscribe((n) => done.push(n));
    // Every write that completed has let go of its buffer (the kernel took it, or it was copied);
    // in one run that is all of them unless the kernel stopped taking bytes.
    for (const c of chunks.slice(0, done.length)) c.fill(0xff);
    expect((await got).equals(Buffer.concat(bulk(32)))).toBeTrue();
    expect(done.length).toBe(32);
    // Not one syscall per 64 KiB (each costs the kernel about as much as a far larger one):
    // the first goes by reference, the rest leave in bursts of 256 KiB or more.
    expect(t.sizes[0]).toBe(64 * 1024);
    expect(t.writes.length).toBeLessThanOrEqual(9);
    expect(t.sizes.slice(1, -1).every((n) => n >= 256 * 1024)).toBeTrue();
  });

  it('sends writes of 256 KiB and more by reference, one transport write each', async () => {
    const { stream, t, peer } = await counted();
    const big = [Buffer.alloc(256 * 1024, 1), Buffer.alloc(256 * 1024, 2)];
    const got = receive(peer, 512 * 1024);
    await lastValueFrom(concat(...big.map((b) => stream.writeAll(b))));
    expect((await got).equals(Buffer.concat(big))).toBeTrue();
    expect(t.writes).toEqual([1, 1]);
  });

  it('on TLS sends 64 KiB writes by reference (no copy before the encryption copies them)', async () => {
    const { stream, t, peer } = await counted(StreamKind.TLSStream);
    const chunks = bulk(4);
    const got = receive(peer, 4 * 64 * 1024);
    await lastValueFrom(concat(...chunks.map((c) => stream.writeAll(c))));
    expect((await got).equals(Buffer.concat(bulk(4)))).toBeTrue();
    expect(t.writes).toEqual([1, 1, 1, 1]);
  });
});
