import { currentRun } from '../../src/internal/run-clock';

describe('run clock', () => {
  it('gives one number for the whole synchronous run and a new one after it', async () => {
    const a = currentRun();
    expect(currentRun()).toBe(a);
    await Promise.resolve(); // the run ended at the microtask checkpoint
    const b = currentRun();
    expect(b).not.toBe(a);
    expect(currentRun()).toBe(b);
  });

  it('never gives the number of an old run again, also after runs nobody asked about', async () => {
    const a = currentRun();
    await Promise.resolve();
    await Promise.resolve();
    const b = currentRun();
    expect(b).not.toBe(a);
    await Promise.resolve();
    expect(currentRun()).not.toBe(b);
    expect(currentRun()).not.toBe(a);
  });
});
