/** Bulk TCP receive: `reads$` against `socket.on('data')`. */
import { closeRaw, connectRaw, rawReceive } from '../raw-net';
import { connectRx, rxReceive, withStream } from '../rx-net';
import { byteRate } from '../timing';
import type { BenchContext, Measurement, Scenario } from '../types';

/** Raw Node's `'data'` receive of the bulk transfer (also tcp-recv-into's baseline). */
export async function rawDataReceive(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.bulkBytes;
  const socket = await connectRaw(ctx.ports.source);
  const [got, seconds] = await rawReceive(socket, bytes);
  await closeRaw(socket);
  return byteRate(got, seconds, bytes);
}

async function rx(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.bulkBytes;
  const [got, seconds] = await withStream(connectRx(ctx.ports.source), (s) => rxReceive(s, bytes));
  return byteRate(got, seconds, bytes);
}

/** The scenario. */
export const tcpRecv: Scenario = {
  id: 'tcp-recv',
  title: "TCP bulk receive: reads$ vs on('data')",
  unit: 'MiB/s',
  higherIsBetter: true,
  byteRate: true,
  target: () => ({ kind: 'ratio-at-least', min: 1.1 }),
  raw: rawDataReceive,
  rx,
};
