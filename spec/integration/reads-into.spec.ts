/**
 * `readsInto(buf)` over the streams the library connects: every byte in
 * order, one buffer's worth at most per emission; the socket reads straight
 * into the caller's buffer where it reads through `onread` (and only
 * there); and a subscription that ends inside a chunk gives the rest back.
 */
import { firstValueFrom, lastValueFrom, map, take, toArray } from 'rxjs';
import { ErrorCode, Status, type StreamError } from '../../src';
import { Cleanup, MiB, chunkSizes, errorOf, prng, randomBytes, runSeed, sha256 } from './support';
import { VIAS, writeInPieces } from './library-sockets';

/** Resolves after `ms` milliseconds. */
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

for (const [name, via, , lends] of VIAS) {
  describe(`readsInto over streams the library connects: ${name}`, () => {
    const clean = new Cleanup();
    afterEach(() => clean.run());

    it('emits every byte in order, never more than the buffer holds, and completes at the end', async () => {
      const seed = runSeed();
      const rand = prng(seed);
      const payload = randomBytes(rand, 3 * MiB);
      const buf = Buffer.alloc(1 + Math.floor(rand() * 96 * 1024));
      const { stream, peer } = await via(clean);
      const parts: Buffer[] = [];
      let largest = 0;
      const done = new Promise<void>((resolve, reject) => {
        stream.readsInto(buf).subscribe({
          next: (n) => {
            largest = Math.max(largest, n);
            parts.push(Buffer.from(buf.subarray(0, n))); // valid until next returns
          },
          complete: resolve,
          error: reject,
        });
      });
      await writeInPieces(peer, payload, chunkSizes(rand, payload.length, 200 * 1024));
      await done;
      const received = Buffer.concat(parts);
      expect(received.length).withContext(`seed ${seed}`).toBe(payload.length);
      expect(sha256(received)).withContext(`seed ${seed}`).toBe(sha256(payload));
      expect(largest).withContext(`seed ${seed}`).toBeLessThanOrEqual(buf.length);
    });

    it(`${lends ? 'reads' : 'never reads'} straight into the caller's buffer, and the read after unsubscribing loses nothing`, async () => {
      const { stream, peer } = await via(clean);
      const buf = Buffer.alloc(4096);
      const first = firstValueFrom(stream.readsInto(buf));
      peer.write('first');
      const busy = (await errorOf(stream.readsInto(buf))) as StreamError; // one read-side op at a time
      expect([busy.status, busy.code]).toEqual([Status.Invalid, ErrorCode.Invalid]);
      expect(await first).toBe(5); // first() ended it inside next: nothing was lent after it
      const seen: string[] = [];
      const reading = stream
        .readsInto(buf)
        .subscribe((n) => seen.push(buf.toString('latin1', 0, n)));
      peer.write('second');
      while (seen.length === 0) await pause(1);
      // The read after 'second' was aimed at `buf` (lending sockets) when this unsubscribes.
      reading.unsubscribe();
      buf.fill(0);
      peer.write('third');
      await pause(20);
      const rest = lastValueFrom(stream.reads$.pipe(take(1), toArray()));
      expect(Buffer.concat(await rest).toString()).toBe('third'); // copied out for the next reader
      expect(seen).toEqual(['second']);
      // Where the socket reads through onread, 'third' landed in the caller's buffer itself.
      expect(buf.toString('latin1', 0, 5)).toBe(lends ? 'third' : '\0\0\0\0\0');
    });

    it('gives back the rest of a chunk when the subscription ends inside it', async () => {
      const seed = runSeed();
      const payload = randomBytes(prng(seed), 40 * 1024);
      const { stream, peer } = await via(clean);
      const buf = Buffer.alloc(1000);
      peer.end(payload); // one write: its first read holds many buffers' worth
      const pieces = await lastValueFrom(
        stream.readsInto(buf).pipe(
          map((n) => Buffer.from(buf.subarray(0, n))),
          take(3),
          toArray(),
        ),
      );
      const rest = await lastValueFrom(stream.reads$.pipe(toArray()));
      const received = Buffer.concat([...pieces, ...rest]);
      expect(pieces.length).toBe(3);
      expect(sha256(received)).withContext(`seed ${seed}`).toBe(sha256(payload));
    });
  });
}
