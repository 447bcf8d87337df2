/**
 * The behaviours every adapter (chunks, toWebStreams, toDuplex) must show
 * over any pair of connected streams: integrity, no loss on early exit, and
 * backpressure both ways. Registered once over memoryPair
 * (spec/adapters/adapters.spec.ts) and once over TCP
 * (spec/integration/adapters.spec.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream, WritableStream } from 'node:stream/web';
import { lastValueFrom, toArray } from 'rxjs';
import type { Stream, StreamOptions } from '../../src';
import { chunks } from '../../src/adapters/async-iterator';
import { toDuplex } from '../../src/adapters/duplex';
import { toWebStreams } from '../../src/adapters/web-streams';

/** Makes a connected [a, b] pair with these options on both ends. */
export type PairFactory = (options: StreamOptions) => Promise<[Stream, Stream]>;

export const LIMIT = 64 * 1024; // sendBufferSize and readBufferSize of the pairs below
const BIG = 32 * 1024 * 1024; // far more than the kernel and the stream buffers hold
const CHUNK = 64 * 1024;

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Event-loop turns until `ready()` holds; throws when it does not within `turns`. */
export async function until(ready: () => boolean, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns && !ready(); i += 1) await new Promise(setImmediate);
  if (!ready()) throw new Error('condition not reached');
}

/** Event-loop turns until `value()` has not changed for `still` turns in a row. */
export async function settled(value: () => number, still = 30): Promise<number> {
  let last = value();
  for (let same = 0, i = 0; same < still && i < 20_000; i += 1) {
    await new Promise(setImmediate);
    const now = value();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

/** Writes `data` from `stream` in CHUNK pieces, then half-closes. */
async function send(stream: Stream, data: Buffer): Promise<void> {
  for (let off = 0; off < data.length; off += CHUNK) {
    await lastValueFrom(stream.writeAll(data.subarray(off, off + CHUNK)));
  }
  stream.shutdownWrite();
}

async function readAll(stream: Stream): Promise<Buffer> {
  return Buffer.concat(await lastValueFrom(stream.reads$.pipe(toArray())));
}

/** A 32 MiB source in CHUNK pieces, made lazily (fresh bytes, one hash). */
function bigSource(): { chunks: Buffer[]; hash: string } {
  const block = randomBytes(CHUNK);
  const list: Buffer[] = [];
  const hash = createHash('sha256');
  for (let off = 0; off < BIG; off += CHUNK) {
    const c = Buffer.from(block);
    c.writeUInt32BE(off / CHUNK, 0);
    list.push(c);
    hash.update(c);
  }
  return { chunks: list, hash: hash.digest('hex') };
}

export function adapterCases(transport: string, makePair: PairFactory): void {
  const options: StreamOptions = { sendBufferSize: LIMIT, readBufferSize: LIMIT };
  let a: Stream;
  let b: Stream;

  beforeEach(async () => {
    [a, b] = await makePair(options);
  });

  afterEach(() => {
    a.destroy();
    b.destroy();
  });

  describe(`chunks() over ${transport}`, () => {
    it('yields every byte in order (sha256) and ends at the peer end', async () => {
      const data = randomBytes(2 * 1024 * 1024);
      const sending = send(a, data);
      const got: Buffer[] = [];
      for await (const chunk of chunks(b)) got.push(chunk);
      await sending;
      expect(sha256(Buffer.concat(got))).toBe(sha256(data));
    });

    it('leaves the unread bytes in the stream when the loop breaks', async () => {
      const data = randomBytes(1024 * 1024);
      const sending = send(a, data);
      let first: Buffer = Buffer.alloc(0);
      for await (const chunk of chunks(b)) {
        first = chunk;
        break;
      }
      const rest = await readAll(b);
      await sending;
      expect(first.length).toBeGreaterThan(0);
      expect(sha256(Buffer.concat([first, rest]))).toBe(sha256(data));
    });

    it('does not read ahead while the loop body is slow: memory stays bounded', async () => {
      const source = bigSource();
      const sending = lastValueFrom(a.writeAll(Buffer.concat(source.chunks.slice(0, 256))));
      const it = chunks(b);
      const first = await it.next();
      await settled(() => b.stats().readBuffered + a.bytesWritten);
      expect(b.stats().readBuffered).toBeLessThanOrEqual(2 * LIMIT);
      expect(a.bytesWritten).toBeLessThan(256 * CHUNK);
      await it.return?.();
      const rest = readAll(b);
      await sending;
      a.shutdownWrite();
      const all = Buffer.concat([first.value ?? Buffer.alloc(0), await rest]);
      expect(sha256(all)).toBe(sha256(Buffer.concat(source.chunks.slice(0, 256))));
    });
  });

  describe(`toWebStreams() over ${transport}`, () => {
    it('carries 2 MiB each way intact (sha256); close() half-closes', async () => {
      const up = randomBytes(2 * 1024 * 1024);
      const down = randomBytes(2 * 1024 * 1024);
      const wa = toWebStreams(a);
      const wb = toWebStreams(b);
      const collect = async (r: ReadableStream<Uint8Array>): Promise<Buffer> => {
        const got: Uint8Array[] = [];
        for await (const c of r) got.push(c);
        return Buffer.concat(got);
      };
      const write = async (w: WritableStream<Uint8Array>, data: Buffer): Promise<void> => {
        const writer = w.getWriter();
        for (let off = 0; off < data.length; off += CHUNK) {
          await writer.ready;
          void writer.write(data.subarray(off, off + CHUNK));
        }
        await writer.close();
      };
      const [atB, atA] = await Promise.all([
        collect(wb.readable),
        collect(wa.readable),
        write(wa.writable, up),
        write(wb.writable, down),
      ]);
      expect(sha256(atB)).toBe(sha256(up));
      expect(sha256(atA)).toBe(sha256(down));
    });

    it('makes the writer wait while the peer does not read, and loses nothing', async () => {
      const source = bigSource();
      const writer = toWebStreams(a).writable.getWriter();
      let written = 0;
      const writing = (async () => {
        for (const c of source.chunks) {
          await writer.ready;
          await writer.write(c);
          written += c.length;
        }
        await writer.close();
      })();
      const stalled = await settled(() => written);
      expect(stalled).toBeLessThan(BIG);
      expect(a.stats().sendBuffered).toBeLessThanOrEqual(LIMIT);
      const received = readAll(b);
      await writing;
      expect(sha256(await received)).toBe(source.hash);
    });

    it('reads only on demand: a slow reader keeps memory bounded', async () => {
      const source = bigSource();
      const sending = send(a, Buffer.concat(source.chunks.slice(0, 256)));
      const reader = toWebStreams(b).readable.getReader();
      const first = await reader.read();
      await settled(() => b.stats().readBuffered + a.bytesWritten);
      expect(b.stats().readBuffered).toBeLessThanOrEqual(2 * LIMIT);
      expect(a.bytesWritten).toBeLessThan(256 * CHUNK);
      reader.releaseLock(); // nothing is lost: the rest is still in the stream
      const rest = await readAll(b);
      await sending;
      const all = Buffer.concat([first.value ?? Buffer.alloc(0), rest]);
      expect(sha256(all)).toBe(sha256(Buffer.concat(source.chunks.slice(0, 256))));
    });

    it('abort() destroys the stream: the peer sees the end', async () => {
      await toWebStreams(a).writable.abort(new Error('stop'));
      expect(a.tryWrite(Buffer.from('x')).status).toBe('Invalid');
      expect(a.destroy()).toBe('Invalid'); // already destroyed
      expect((await readAll(b)).length).toBe(0);
    });
  });

  describe(`toDuplex() over ${transport}`, () => {
    it('carries 32 MiB through pipeline() intact (sha256) with both ends as Duplexes', async () => {
      const source = bigSource();
      const hash = createHash('sha256');
      const sink = new Writable({
        write(chunk: Buffer, _e, done) {
          hash.update(chunk);
          done();
        },
      });
      await Promise.all([
        pipeline(Readable.from(source.chunks), toDuplex(a)),
        pipeline(toDuplex(b), sink),
      ]);
      expect(hash.digest('hex')).toBe(source.hash);
    });

    it('write() returns false and the writes wait while the peer does not read', async () => {
      const source = bigSource();
      const duplex = toDuplex(a);
      let handed = 0;
      let refused = false;
      for (const c of source.chunks) {
        handed += c.length;
        if (!duplex.write(c)) {
          refused = true;
          break;
        }
      }
      expect(refused).toBe(true);
      expect(handed).toBeLessThan(BIG);
      await settled(() => a.bytesWritten);
      expect(duplex.writableLength).toBeLessThanOrEqual(duplex.writableHighWaterMark + CHUNK);
      const received = readAll(b);
      duplex.end();
      const got = await received;
      expect(sha256(got)).toBe(sha256(Buffer.concat(source.chunks).subarray(0, handed)));
    });

    it('pauses reading when the consumer is slow: memory stays bounded', async () => {
      const data = Buffer.concat(bigSource().chunks.slice(0, 256));
      const sending = send(a, data);
      const duplex = toDuplex(b);
      const first = await new Promise<Buffer>((resolve) => duplex.once('data', resolve));
      duplex.pause();
      await settled(() => b.stats().readBuffered + a.bytesWritten + duplex.readableLength);
      expect(b.stats().readBuffered).toBeLessThanOrEqual(2 * LIMIT);
      expect(duplex.readableLength).toBeLessThanOrEqual(duplex.readableHighWaterMark + LIMIT);
      expect(a.bytesWritten).toBeLessThan(data.length);
      const rest: Buffer[] = [];
      duplex.on('data', (c: Buffer) => rest.push(c));
      duplex.resume();
      await new Promise((resolve) => duplex.once('end', resolve));
      await sending;
      expect(sha256(Buffer.concat([first, ...rest]))).toBe(sha256(data));
    });

    it('destroys the stream when the Duplex is destroyed', async () => {
      const received = readAll(b);
      const duplex = toDuplex(a);
      duplex.destroy();
      await new Promise((resolve) => duplex.once('close', resolve));
      expect(a.destroy()).toBe('Invalid'); // already destroyed
      expect((await received).length).toBe(0);
    });
  });
}
