/**
 * The fault-proxy property (issue 14) over TCP and TLS: 1-byte splitting,
 * pauses, RST mid-transfer, one-way FIN and a black hole between two
 * streams (see `support/fault-property.ts`). A fixed-seed share here; the
 * stress run (spec-stress/faults.stress.ts) runs more with a random seed.
 * Replay: `RXSTREAM_SEED=<seed> RXSTREAM_PATH=<path> npx jasmine --config=jasmine.json spec/reliability/fault-proxy.spec.ts`.
 */
import fc from 'fast-check';
import { FaultBed, faultRunArb, runFault } from './support/fault-property';

const SEED = Number(process.env.RXSTREAM_SEED ?? 20261202);
const PATH = process.env.RXSTREAM_PATH;
const RUNS = 24;

describe('fault proxy property', () => {
  for (const bed of [FaultBed.tcp(), FaultBed.tls()]) {
    describe(`over ${bed.name}`, () => {
      beforeAll(() => bed.start());
      afterAll(() => bed.stop());

      it(`delivers a prefix (all of it when nothing is lost), documented statuses only (${RUNS} runs)`, async () => {
        let runs = 0;
        await fc.assert(
          fc.asyncProperty(faultRunArb(256 * 1024), async (run) => {
            await runFault(bed, run);
            runs += 1;
          }),
          { seed: SEED, path: PATH, numRuns: RUNS, timeout: 15_000, endOnFailure: true },
        );
        expect(runs).toBe(RUNS);
      }, 120_000);
    });
  }
});
