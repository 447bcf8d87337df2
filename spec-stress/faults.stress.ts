/**
 * Fault-proxy property, stress share: RXSTREAM_FAULT_RUNS (default 1,000)
 * runs per transport of `spec/reliability/support/fault-property.ts`
 * (1-byte splitting, pauses, RST mid-transfer, one-way FIN, black hole),
 * a random seed printed first. Replay:
 * `RXSTREAM_SEED=<seed> RXSTREAM_PATH=<path> npm run stress -- --filter=fault`.
 */
import fc from 'fast-check';
import { FaultBed, faultRunArb, runFault } from '../spec/reliability/support/fault-property';

const SEED = Number(process.env.RXSTREAM_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const PATH = process.env.RXSTREAM_PATH;
const RUNS = Number(process.env.RXSTREAM_FAULT_RUNS ?? 1000);

describe('stress: fault proxy property', () => {
  beforeAll(() => {
    process.stdout.write(`\nfault-proxy stress: seed ${SEED}, ${RUNS} runs per transport\n`);
  });

  for (const bed of [FaultBed.tcp(), FaultBed.tls()]) {
    describe(`over ${bed.name}`, () => {
      beforeAll(() => bed.start());
      afterAll(() => bed.stop());

      it(`holds for ${RUNS} random faults`, async () => {
        let runs = 0;
        let bytes = 0;
        await fc.assert(
          fc.asyncProperty(faultRunArb(1024 * 1024), async (run) => {
            bytes += await runFault(bed, run);
            runs += 1;
          }),
          { seed: SEED, path: PATH, numRuns: RUNS, timeout: 60_000, endOnFailure: true },
        );
        process.stdout.write(
          `\n  ${bed.name}: ${runs} faults, ${bytes} bytes delivered as prefixes\n`,
        );
        expect(runs).toBeGreaterThanOrEqual(RUNS);
      }, 3_600_000);
    });
  }
});
