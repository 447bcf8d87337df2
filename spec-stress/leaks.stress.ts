/**
 * Leaks: 10,000 open/use/close cycles per transport (half in async mode,
 * half in sync mode with the sockets handed back), then: active handles back
 * to the baseline, no stream listener left on any socket, heap growth under
 * 5 MiB after GC. Needs `node --expose-gc` (`npm run stress`).
 */
import type * as net from 'node:net';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { Status } from '../src';
import { pairFactories, type Pair, type PairFactory } from '../spec/reliability/support/pairs';

const CYCLES = Number(process.env.RXSTREAM_CYCLES ?? 10_000);
const CONCURRENCY = 16;
const MiB = 1024 * 1024;
const PAYLOAD = Buffer.from('ping '.repeat(100));

const gc = (globalThis as { gc?: () => void }).gc;

function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

function handleCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r.endsWith('Wrap')).length;
}

async function settle(baseline: number): Promise<number> {
  for (let i = 0; i < 20_000 && handleCount() > baseline; i += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return handleCount();
}

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 4; i += 1) {
    gc?.();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/**
 * The stream's listeners still on its sockets after it let go of them. Node's
 * own listeners (onReadableStreamEnd, onSocketCloseDestroySSL, …) stay; the
 * transport's are its named `#on…` handlers.
 */
function streamListeners(sockets: readonly net.Socket[]): number {
  let n = 0;
  for (const s of sockets) {
    for (const event of ['data', 'end', 'close', 'error']) {
      n += s
        .listeners(event)
        .filter((l) => (l as { name?: string }).name?.startsWith('#on')).length;
    }
  }
  return n;
}

/** Async mode: writeAll, read to the end, close both. */
async function asyncCycle(pair: Pair): Promise<void> {
  const { a, b } = pair;
  const got = lastValueFrom(b.reads$.pipe(toArray()));
  await lastValueFrom(a.writeAll(PAYLOAD));
  const closing = lastValueFrom(a.close());
  if (Buffer.concat(await got).length !== PAYLOAD.length) throw new Error('bytes lost');
  await Promise.all([closing, lastValueFrom(b.close())]);
  a.destroy();
  b.destroy();
}

/** Sync mode: tryWrite, tryRead driven by readable$, destroy (sockets handed back), close them. */
async function syncCycle(pair: Pair): Promise<number> {
  const { a, b } = pair;
  if (a.tryWrite(PAYLOAD).bytes !== PAYLOAD.length) throw new Error('tryWrite short');
  const buf = Buffer.alloc(PAYLOAD.length);
  for (let got = 0; got < PAYLOAD.length;) {
    const r = b.tryRead(buf.subarray(got));
    if (r.status !== Status.OK) throw new Error(`tryRead ${r.status}`);
    if (r.bytes === 0) await firstValueFrom(b.readable$);
    got += r.bytes;
  }
  a.destroy();
  b.destroy();
  const left = streamListeners(pair.sockets);
  pair.dispose();
  return left;
}

describe('stress: open/use/close cycles leak nothing', () => {
  beforeAll(() => {
    if (gc === undefined) throw new Error('run with node --expose-gc (npm run stress)');
  });

  for (const factory of pairFactories()) {
    it(`returns handles, listeners and heap to the baseline after ${CYCLES} cycles over ${factory.name}`, async () => {
      await factory.start();
      await runCycles(factory, 200); // warm-up: code paths compiled, pools filled
      const handles0 = await settle(0);
      const before = resources();
      const heap0 = await heapAfterGc();
      const leftListeners = await runCycles(factory, CYCLES);
      const handles1 = await settle(handles0);
      const heap1 = await heapAfterGc();
      const after = resources();
      await factory.stop();
      const growth = (heap1 - heap0) / MiB;
      process.stdout.write(
        `\n  ${factory.name}: ${CYCLES} cycles, handles ${handles0} -> ${handles1}, ` +
          `heap ${(heap0 / MiB).toFixed(1)} -> ${(heap1 / MiB).toFixed(1)} MiB (${growth.toFixed(2)}), ` +
          `listeners left ${leftListeners}, resources ${JSON.stringify([...after])} (before ${JSON.stringify([...before])})\n`,
      );
      expect(handles1).toBe(handles0);
      expect(leftListeners).toBe(0);
      expect(growth).toBeLessThan(5);
    }, 1_800_000);
  }
});

/** Runs `n` cycles, `CONCURRENCY` at a time, alternating async and sync mode. */
async function runCycles(factory: PairFactory, n: number): Promise<number> {
  let next = 0;
  let listeners = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next;
      next += 1;
      const pair = await factory.open();
      try {
        if (i % 2 === 0) {
          await asyncCycle(pair);
          listeners += streamListeners(pair.sockets);
        } else listeners += await syncCycle(pair);
      } finally {
        pair.dispose();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return listeners;
}
