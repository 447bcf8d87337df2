/**
 * Randomized integrity, stress share: ≥ 1,000 runs per transport of the
 * property in `spec/reliability/support/integrity.ts`, payloads up to 4 MiB,
 * a random seed printed first (fast-check prints seed and path on failure).
 * A concurrent share runs 4-8 pairs at once (streams share process-wide read buffers).
 * Replay: `RXSTREAM_SEED=<seed> RXSTREAM_PATH=<path> npm run stress -- --filter=integrity`.
 */
import fc from 'fast-check';
import { pairFactories } from '../spec/reliability/support/pairs';
import {
  pairsAtOnceArb,
  runAtOnce,
  runScenario,
  scenarioArb,
} from '../spec/reliability/support/integrity';

const SEED = Number(process.env.RXSTREAM_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const PATH = process.env.RXSTREAM_PATH;
const RUNS = Number(process.env.RXSTREAM_RUNS ?? 1000);
const MAX_PAYLOAD = 4 * 1024 * 1024;
/** Runs of the concurrent property (each runs 4-8 scenarios at once). */
const CONCURRENT_RUNS = Math.max(1, Math.ceil(RUNS / 10));

describe('stress: randomized integrity', () => {
  beforeAll(() => {
    process.stdout.write(`\nintegrity stress: seed ${SEED}, ${RUNS} runs per transport\n`);
  });

  for (const factory of pairFactories()) {
    describe(`over ${factory.name}`, () => {
      beforeAll(() => factory.start());
      afterAll(() => factory.stop());

      it(`delivers every byte in order in ${RUNS} random runs`, async () => {
        let bytes = 0;
        let runs = 0;
        await fc.assert(
          fc.asyncProperty(scenarioArb(MAX_PAYLOAD), async (sc) => {
            bytes += (await runScenario(factory, sc)).bytes;
            runs += 1;
          }),
          { seed: SEED, path: PATH, numRuns: RUNS, timeout: 60_000, endOnFailure: true },
        );
        process.stdout.write(`\n  ${factory.name}: ${runs} runs, ${bytes} bytes verified\n`);
        expect(runs).toBeGreaterThanOrEqual(RUNS);
      }, 3_600_000);

      it(`delivers every byte in order with 4-8 pairs at once, ${CONCURRENT_RUNS} times`, async () => {
        let bytes = 0;
        let runs = 0;
        await fc.assert(
          fc.asyncProperty(pairsAtOnceArb(MAX_PAYLOAD / 2), async (scs) => {
            bytes += (await runAtOnce(factory, scs)).bytes;
            runs += 1;
          }),
          {
            seed: SEED,
            path: PATH,
            numRuns: CONCURRENT_RUNS,
            timeout: 120_000,
            endOnFailure: true,
          },
        );
        process.stdout.write(
          `\n  ${factory.name}, pairs at once: ${runs} runs, ${bytes} bytes verified\n`,
        );
        expect(runs).toBeGreaterThanOrEqual(CONCURRENT_RUNS);
      }, 3_600_000);
    });
  }
});
