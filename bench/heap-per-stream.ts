/**
 * Settled heap per echo stream, raw Node against rxstream: the figure the
 * `echo-streams` row's RSS swings too much to show (raw alone 2.9–9.3 KiB
 * per stream across runs). Each side runs in its own child with
 * `--expose-gc`: it opens `n` connections to the peer's echo server, each
 * sends 64 KiB and reads it back, and after two full collections reports
 * `heapUsed + external` over its baseline per stream — once connected, once
 * after the echo (streams still open, `reads$` still subscribed).
 *
 *   npm run bench:heap             # 2,000 streams per side
 *   npm run bench:heap -- 500
 */
import type * as net from 'node:net';
import type { Stream } from '../src';
import { startPeer } from './peer-client';
import { closeRaw, connectRaw } from './raw-net';
import { closeRx, connectRx } from './rx-net';
import { rawEcho, rxEcho } from './scenarios/echo-streams';
import { forkBench, nextMessage, exited } from './spawn';

type Side = 'raw' | 'rx';
interface Figures {
  connected: number;
  echoed: number;
}

function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Every echo came back whole (see `rawEcho`/`rxEcho`), or the figure means nothing. */
function allEchoed(done: boolean[]): void {
  if (!done.every(Boolean)) throw new Error('an echo did not come back whole');
}

/** One side, in this (child) process. */
async function measure(side: Side, n: number, port: number): Promise<Figures> {
  if (n > WARM_UP) await measureFrom(settledHeap(), side, WARM_UP, port); // lazy state of both paths
  return measureFrom(settledHeap(), side, n, port);
}

/** Streams opened and closed first, so that lazily made module state is not counted per stream. */
const WARM_UP = 50;

async function measureFrom(base: number, side: Side, n: number, port: number): Promise<Figures> {
  const perStream = (bytes: number): number => (bytes - base) / n;
  if (side === 'raw') {
    const sockets: net.Socket[] = [];
    for (let i = 0; i < n; i += 1) sockets.push(await connectRaw(port));
    const connected = perStream(settledHeap());
    allEchoed(await Promise.all(sockets.map(rawEcho)));
    const echoed = perStream(settledHeap());
    await Promise.all(sockets.map(closeRaw));
    return { connected, echoed };
  }
  const streams: Stream[] = [];
  for (let i = 0; i < n; i += 1) streams.push(await connectRx(port));
  const connected = perStream(settledHeap());
  allEchoed(await Promise.all(streams.map(rxEcho)));
  const echoed = perStream(settledHeap());
  streams.forEach(closeRx);
  return { connected, echoed };
}

async function parent(n: number): Promise<void> {
  // Here only: the children run the transpiled src/ and bench/, which have no tools/.
  const { testCerts } = await import('../tools/certs');
  const certs = testCerts();
  const peer = await startPeer(certs.server.key, certs.server.cert);
  try {
    const figures: Partial<Record<Side, Figures>> = {};
    for (const side of ['raw', 'rx'] as const) {
      // Plain JS (transpiled once): a ts-node child's own compiler caches move its heap.
      const child = forkBench(
        'heap-per-stream.ts',
        [side, String(n), String(peer.ports.echo)],
        ['--expose-gc'],
        'transpiled',
      );
      figures[side] = (await nextMessage<{ figures: Figures }>(child, 'result', 300_000)).figures;
      await exited(child);
    }
    const { raw, rx } = figures as Record<Side, Figures>;
    const row = (label: string, key: keyof Figures): string =>
      `${label.padEnd(34)} raw ${raw[key].toFixed(0).padStart(5)} B  rx ${rx[key].toFixed(0).padStart(5)} B  ` +
      `rx/raw ${(rx[key] / raw[key]).toFixed(2)}×`;
    console.log(`settled heap (heapUsed + external) per stream, ${n} streams per side:`);
    console.log(row('connected', 'connected'));
    console.log(row('after a 64 KiB echo (still open)', 'echoed'));
  } finally {
    await peer.stop();
  }
}

async function main(): Promise<void> {
  const [first, second, third] = process.argv.slice(2);
  if (first === 'raw' || first === 'rx') {
    const figures = await measure(first, Number(second), Number(third));
    process.send?.({ type: 'result', figures }, () => process.exit(0));
    return;
  }
  await parent(first === undefined ? 2000 : Number(first));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
