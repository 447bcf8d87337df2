/**
 * Property (fast-check, fixed seed) over memory, TCP and TLS: see
 * support-protocol/write-from-scenario.ts. Replay with RXSTREAM_SEED / RXSTREAM_PATH.
 */
import fc from 'fast-check';
import { pairFactories } from '../reliability/support/pairs';
import { runWriteFromScenario, writeFromScenarioArb } from './support-protocol/write-from-scenario';

const SEED = Number(process.env.RXSTREAM_SEED ?? 20261202);
const PATH = process.env.RXSTREAM_PATH;
const RUNS = 12;

describe('writeFrom() property over real streams', () => {
  for (const factory of pairFactories().filter((f) => ['memory', 'tcp', 'tls'].includes(f.name))) {
    describe(`over ${factory.name}`, () => {
      beforeAll(() => factory.start());
      afterAll(() => factory.stop());

      it('sends exactly the accepted bytes, in order, for every kind of source', async () => {
        let runs = 0;
        await fc.assert(
          fc.asyncProperty(writeFromScenarioArb, async (sc) => {
            const pair = await factory.open({ sendBufferSize: sc.sendBufferSize });
            try {
              await runWriteFromScenario(pair.a, pair.b, sc);
              runs += 1;
            } finally {
              pair.dispose();
            }
          }),
          { seed: SEED, path: PATH, numRuns: RUNS, timeout: 10_000, endOnFailure: true },
        );
        expect(runs).toBe(RUNS);
      }, 60_000);
    });
  }
});
