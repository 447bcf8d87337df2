/**
 * Property (fast-check, fixed seed) over memory, TCP and TLS streams: see
 * support-protocol/frames-scenario.ts. The stress run (`npm run stress`)
 * runs many more with a random seed. Replay with RXSTREAM_SEED=<seed> RXSTREAM_PATH=<path>.
 */
import fc from 'fast-check';
import { firstValueFrom, take } from 'rxjs';
import { Status, lines } from '../../src';
import { pairFactories } from '../reliability/support/pairs';
import { framesScenarioArb, runFramesScenario } from './support-protocol/frames-scenario';

const SEED = Number(process.env.RXSTREAM_SEED ?? 20261202);
const PATH = process.env.RXSTREAM_PATH;
const RUNS = 15;

describe('frames() property over real streams', () => {
  for (const factory of pairFactories().filter((f) =>
    ['memory', 'tcp', 'tcp (connectTCP)', 'tls'].includes(f.name),
  )) {
    describe(`over ${factory.name}`, () => {
      beforeAll(() => factory.start());
      afterAll(() => factory.stop());

      it('take(1) over frames already queued keeps the rest for tryRead (delivered during subscribe)', async () => {
        const pair = await factory.open();
        try {
          pair.a.tryWrite(Buffer.from('one\ntwo\nthree'));
          // Sync mode until the frames subscription: wait until every byte is queued in b.
          while (pair.b.stats().readBuffered < 13) await firstValueFrom(pair.b.readable$);
          const first = await firstValueFrom(pair.b.frames(lines()).pipe(take(1)));
          expect(first).toBe('one');
          const buf = Buffer.alloc(64);
          const r = pair.b.tryRead(buf);
          expect(r.status).toBe(Status.OK);
          expect(buf.subarray(0, r.bytes).toString()).toBe('two\nthree');
        } finally {
          pair.dispose();
        }
      });

      it('decodes every frame once, in order, with raw reads and resubscriptions in between', async () => {
        let frames = 0;
        await fc.assert(
          fc.asyncProperty(framesScenarioArb, async (sc) => {
            const pair = await factory.open();
            try {
              await runFramesScenario(pair.a, pair.b, sc);
              frames += sc.frames.length;
            } finally {
              pair.dispose();
            }
          }),
          { seed: SEED, path: PATH, numRuns: RUNS, timeout: 10_000, endOnFailure: true },
        );
        expect(frames).toBeGreaterThan(0);
      }, 60_000);
    });
  }
});
