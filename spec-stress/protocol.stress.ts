/**
 * Protocol layer, stress share: the frames and writeFrom properties of
 * spec/integration/support-protocol with many runs per transport (default
 * 300, `RXSTREAM_RUNS` to change) and a random seed printed first.
 * Replay: `RXSTREAM_SEED=<seed> RXSTREAM_PATH=<path> npm run stress -- --filter=protocol`.
 */
import fc from 'fast-check';
import { pairFactories } from '../spec/reliability/support/pairs';
import {
  framesScenarioArb,
  runFramesScenario,
} from '../spec/integration/support-protocol/frames-scenario';
import {
  runWriteFromScenario,
  writeFromScenarioArb,
} from '../spec/integration/support-protocol/write-from-scenario';

const SEED = Number(process.env.RXSTREAM_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const PATH = process.env.RXSTREAM_PATH;
const RUNS = Number(process.env.RXSTREAM_RUNS ?? 300);

describe('stress: protocol layer', () => {
  beforeAll(() => {
    process.stdout.write(
      `\nprotocol stress: seed ${SEED}, ${RUNS} runs per property and transport\n`,
    );
  });

  for (const factory of pairFactories().filter((f) => ['memory', 'tcp', 'tls'].includes(f.name))) {
    describe(`over ${factory.name}`, () => {
      beforeAll(() => factory.start());
      afterAll(() => factory.stop());

      it(`frames(): every frame once, in order, in ${RUNS} random runs`, async () => {
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
          { seed: SEED, path: PATH, numRuns: RUNS, timeout: 60_000, endOnFailure: true },
        );
        process.stdout.write(`\n  ${factory.name}: frames ${frames} decoded\n`);
        expect(frames).toBeGreaterThan(0);
      }, 3_600_000);

      it(`writeFrom(): exactly the accepted bytes, in ${RUNS} random runs`, async () => {
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
          { seed: SEED, path: PATH, numRuns: RUNS, timeout: 60_000, endOnFailure: true },
        );
        expect(runs).toBe(RUNS);
      }, 3_600_000);
    });
  }
});
