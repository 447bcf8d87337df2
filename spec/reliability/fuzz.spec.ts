/**
 * Fuzz property over the public API (issue 14): a fixed-seed share of the
 * property in `support/fuzz.ts` per transport (≥ 50 sequences each); the
 * stress run (`npm run stress`, spec-stress/fuzz.stress.ts) runs ≥ 1,000
 * with a random seed. Replay a failure:
 * `RXSTREAM_SEED=<seed> RXSTREAM_PATH=<path> npx jasmine --config=jasmine.json spec/reliability/fuzz.spec.ts`.
 */
import fc from 'fast-check';
import { memoryPairs, tcpPairs, tlsPairs } from './support/pairs';
import { runSequence, sequenceArb } from './support/fuzz';

const SEED = Number(process.env.RXSTREAM_SEED ?? 20261202);
const PATH = process.env.RXSTREAM_PATH;
const RUNS = 50;

describe('fuzz: exotic buffers and re-entrant calls', () => {
  for (const factory of [tcpPairs(), tlsPairs(), memoryPairs()]) {
    describe(`over ${factory.name}`, () => {
      beforeAll(() => factory.start());
      afterAll(() => factory.stop());

      it(`never throws, answers documented statuses, and the peer gets exactly the accepted bytes (${RUNS} sequences)`, async () => {
        let runs = 0;
        await fc.assert(
          fc.asyncProperty(sequenceArb(), async (seq) => {
            await runSequence(factory, seq);
            runs += 1;
          }),
          { seed: SEED, path: PATH, numRuns: RUNS, timeout: 10_000, endOnFailure: true },
        );
        expect(runs).toBe(RUNS);
      }, 120_000);
    });
  }
});
