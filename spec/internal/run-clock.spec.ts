import { currentRun, inRun } from '../../src/internal/run-clock';

describe('run clock', () => {
  it('gives one number for the whole synchronous run and a new one after it', async () => {
    const a = currentRun();
    expect(currentRun()).toBe(a);
    expect(inRun(a)).toBeTrue();
    await Promise.resolve(); // the run ended at the microtask checkpoint
    expect(inRun(a)).toBeFalse();
    const b = currentRun();
    expect(b).not.toBe(a);
    expect(inRun(b)).toBeTrue();
  });

  it('is never in a run nobody asked for (an id of an old run)', async () => {
    const a = currentRun();
    await Promise.resolve();
    await Promise.resolve();
    expect(inRun(a)).toBeFalse();
    expect(inRun(-1)).toBeFalse();
  });
});
