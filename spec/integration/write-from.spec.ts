import { lastValueFrom, reduce } from 'rxjs';
import { from } from 'rxjs';
import type { Stream } from '../../src';
import { pairFactories } from '../reliability/support/pairs';

const CAP = 16 * 1024;

/** Everything `stream` reads to its end, as one Buffer. */
function readAll(stream: Stream): Promise<Buffer> {
  return lastValueFrom(
    stream.reads$.pipe(reduce((acc: Buffer[], c: Buffer) => (acc.push(c), acc), [])),
  ).then((chunks) => Buffer.concat(chunks));
}

function item(i: number, size: number): Buffer {
  return Buffer.alloc(size, i % 251);
}

describe('writeFrom over real streams', () => {
  for (const factory of pairFactories().filter((f) => ['tcp', 'tls'].includes(f.name))) {
    describe(`over ${factory.name}`, () => {
      beforeAll(() => factory.start());
      afterAll(() => factory.stop());

      it('pulls an async generator only when the send buffer has room, and writes it all in order', async () => {
        const { a, b, dispose } = await factory.open({ sendBufferSize: CAP });
        try {
          let pulls = 0;
          let roomless = 0;
          let ahead = 0; // most items pulled and not yet fully accepted, at any pull
          const size = 1000;
          async function* gen(): AsyncGenerator<Buffer> {
            for (let i = 0; i < 2000; i += 1) {
              pulls += 1;
              if (a.stats().sendBuffered >= CAP) roomless += 1;
              ahead = Math.max(ahead, pulls * size - a.bytesWritten);
              yield item(i, size);
            }
          }
          const received = readAll(b);
          const total = await lastValueFrom(a.writeFrom(gen()));
          a.shutdownWrite();
          const got = await received;
          expect(total).toBe(2000 * size);
          expect(roomless).toBe(0);
          expect(ahead).toBeLessThanOrEqual(size);
          expect(
            got.equals(Buffer.concat(Array.from({ length: 2000 }, (_, i) => item(i, size)))),
          ).toBeTrue();
        } finally {
          dispose();
        }
      });

      it('reuses the slabs the kernel took at once: 32 MiB of 64 KiB chunks allocate far fewer than 512 slabs, bytes intact', async () => {
        const { a, b, dispose } = await factory.open();
        try {
          const chunks = Array.from({ length: 4 }, (_, i) => item(i + 1, 64 * 1024));
          const count = 512;
          const real = Buffer.allocUnsafe.bind(Buffer);
          let slabs = 0;
          spyOn(Buffer, 'allocUnsafe').and.callFake((size: number) => {
            // the send buffer's slabs only (the reading side allocates read buffers too)
            if (size === 64 * 1024 && (new Error().stack ?? '').includes('send-buffer')) slabs += 1;
            return real(size);
          });
          const received = readAll(b);
          const total = await lastValueFrom(
            a.writeFrom(Array.from({ length: count }, (_, i) => chunks[i % 4])),
          );
          a.shutdownWrite();
          const got = await received;
          expect(total).toBe(count * 64 * 1024);
          // Without reuse every chunk is copied into a new slab (512); slabs written
          // asynchronously (the kernel was full) are not reused, so the count varies.
          expect(slabs).toBeLessThan(count / 2);
          for (let i = 0; i < count; i += 1) {
            const at = i * 64 * 1024;
            if (!got.subarray(at, at + 64 * 1024).equals(chunks[i % 4])) fail(`chunk ${i} differs`);
          }
        } finally {
          dispose();
        }
      });

      it('writes 100,000 small messages pushed by from() in order', async () => {
        const { a, b, dispose } = await factory.open();
        try {
          const msgs = Array.from({ length: 100_000 }, (_, i) => Buffer.from(`${i};`));
          const received = readAll(b);
          const total = await lastValueFrom(a.writeFrom(from(msgs)));
          a.shutdownWrite();
          const got = await received;
          expect(total).toBe(got.length);
          expect(got.equals(Buffer.concat(msgs))).toBeTrue();
        } finally {
          dispose();
        }
      });
    });
  }
});
