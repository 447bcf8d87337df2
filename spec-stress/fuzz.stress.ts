/**
 * Fuzz property, stress share: ≥ 1,000 sequences per transport of the
 * property in `spec/reliability/support/fuzz.ts` (exotic buffers, re-entrant
 * observers), a random seed printed first. Replay:
 * `RXSTREAM_SEED=<seed> RXSTREAM_PATH=<path> npm run stress -- --filter=fuzz`.
 */
import fc from 'fast-check';
import { memoryPairs, tcpPairs, tlsPairs } from '../spec/reliability/support/pairs';
import { runSequence, sequenceArb } from '../spec/reliability/support/fuzz';

const SEED = Number(process.env.RXSTREAM_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const PATH = process.env.RXSTREAM_PATH;
const RUNS = Number(process.env.RXSTREAM_RUNS ?? 1000);

describe('stress: fuzz of the public API', () => {
  beforeAll(() => {
    process.stdout.write(`\nfuzz stress: seed ${SEED}, ${RUNS} sequences per transport\n`);
  });

  for (const factory of [tcpPairs(), tlsPairs(), memoryPairs()]) {
    describe(`over ${factory.name}`, () => {
      beforeAll(() => factory.start());
      afterAll(() => factory.stop());

      it(`holds for ${RUNS} random sequences`, async () => {
        let runs = 0;
        let bytes = 0;
        await fc.assert(
          fc.asyncProperty(sequenceArb(), async (seq) => {
            bytes += await runSequence(factory, seq);
            runs += 1;
          }),
          { seed: SEED, path: PATH, numRuns: RUNS, timeout: 60_000, endOnFailure: true },
        );
        process.stdout.write(`\n  ${factory.name}: ${runs} sequences, ${bytes} bytes verified\n`);
        expect(runs).toBeGreaterThanOrEqual(RUNS);
      }, 3_600_000);
    });
  }
});
