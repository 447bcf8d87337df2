/**
 * Many streams the library connects, all busy at once: they share
 * process-wide buffers (the lending sockets' shared read buffer, the send
 * buffers' spare slabs), which one stream at a time never exercises. Each
 * case checks every stream's bytes (or frames) against what its own peer
 * sent or received. See also lending.spec.ts's many-readers case.
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { connectTCP, lengthPrefixed, lines, type Stream } from '../../src';
import { Cleanup, MiB, chunkSizes, listenOn, prng, randomBytes, runSeed, sha256 } from './support';
import { writeInPieces } from './library-sockets';

const STREAMS = 32;

interface Link {
  stream: Stream;
  peer: net.Socket;
}

describe('many streams the library connects, busy at once', () => {
  const clean = new Cleanup();
  afterEach(() => clean.run());

  async function links(n: number): Promise<Link[]> {
    const server = clean.server(net.createServer({ allowHalfOpen: true }));
    const port = await listenOn(server);
    const peers: net.Socket[] = [];
    server.on('connection', (socket: net.Socket) => peers.push(clean.socket(socket)));
    const streams: Stream[] = [];
    for (let i = 0; i < n; i++) {
      streams.push(clean.stream(await firstValueFrom(connectTCP(port, '127.0.0.1'))));
      while (peers.length <= i) await new Promise((resolve) => setImmediate(resolve));
    }
    return streams.map((stream, i) => ({ stream, peer: peers[i] }));
  }

  /** The length and sha256 of what `socket` receives until its end, read only after `delay` ms. */
  function receiveHashed(socket: net.Socket, delay: number): Promise<[number, string]> {
    const hash = createHash('sha256');
    let length = 0;
    socket.pause();
    setTimeout(() => socket.resume(), delay);
    socket.on('data', (d: Buffer) => {
      length += d.length;
      hash.update(d);
    });
    return new Promise((resolve) =>
      socket.once('end', () => resolve([length, hash.digest('hex')])),
    );
  }

  it('writes copied into shared spare slabs and held by Node behind a full kernel buffer reach each peer unchanged', async () => {
    // Every peer reads only after 300 ms: the kernel's buffers (a few MiB) fill, and the rest of
    // each stream's writes wait in Node by reference to its slabs, which go back to a pool all
    // streams take from once written. A slab taken back too early is overwritten before it
    // leaves (treating every write as taken at once made all 8 streams arrive corrupted).
    const seed = runSeed();
    const rand = prng(seed);
    const size = 12 * MiB;
    const all = await links(8);
    const payloads = all.map(() => randomBytes(rand, size));
    const received = all.map(({ peer }) => receiveHashed(peer, 300));
    await Promise.all(
      all.map(async ({ stream }, i) => {
        const pieces: Buffer[] = [];
        let at = 0;
        for (const n of chunkSizes(rand, size, i % 2 === 0 ? 2048 : 96 * 1024)) {
          pieces.push(payloads[i].subarray(at, at + n));
          at += n;
        }
        await lastValueFrom(stream.writeFrom(from(pieces)));
        await lastValueFrom(stream.close());
      }),
    );
    const got = await Promise.all(received);
    got.forEach(([length, sha], i) => {
      expect(length).withContext(`seed ${seed}, stream ${i}`).toBe(size);
      expect(sha).withContext(`seed ${seed}, stream ${i}`).toBe(sha256(payloads[i]));
    });
  }, 60_000);

  it('frames decoded out of the read buffers, length-prefixed and lines, are each stream’s own', async () => {
    const seed = runSeed();
    const rand = prng(seed);
    const all = await links(STREAMS);
    const sent = all.map((_, i) => {
      const frames: Buffer[] = [];
      for (let total = 0; total < MiB / 2;) {
        const body = randomBytes(rand, 1 + Math.floor(rand() * (i % 2 === 0 ? 200 : 20_000)));
        frames.push(i % 2 === 0 ? Buffer.from(body.toString('hex') + '\n') : body);
        total += body.length;
      }
      return frames;
    });
    const decoded = all.map(({ stream }, i) =>
      i % 2 === 0
        ? lastValueFrom(stream.frames(lines()).pipe(toArray()))
        : lastValueFrom(stream.frames(lengthPrefixed()).pipe(toArray())),
    );
    await Promise.all(
      all.map(({ peer }, i) => {
        const wire = Buffer.concat(
          i % 2 === 0
            ? sent[i]
            : sent[i].flatMap((body) => {
                const head = Buffer.alloc(4);
                head.writeUInt32BE(body.length);
                return [head, body];
              }),
        );
        return writeInPieces(peer, wire, chunkSizes(rand, wire.length, 128 * 1024));
      }),
    );
    const got = await Promise.all(decoded);
    got.forEach((frames, i) => {
      const want = i % 2 === 0 ? sent[i].map((line) => line.toString().slice(0, -1)) : sent[i];
      expect(frames.length).withContext(`seed ${seed}, stream ${i}`).toBe(want.length);
      const same = frames.every((f, k) =>
        typeof f === 'string' ? f === want[k] : Buffer.compare(f, want[k] as Buffer) === 0,
      );
      expect(same).withContext(`seed ${seed}, stream ${i}`).toBeTrue();
    });
  }, 60_000);
});
