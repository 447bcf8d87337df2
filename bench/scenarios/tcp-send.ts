/** Bulk TCP send: `writeAll` in a `concatMap` against `socket.write` + `'drain'`. */
import { SOURCE_CHUNK, payload } from '../protocol';
import { closeRaw, connectRaw, rawSend } from '../raw-net';
import { connectRx, rxSend, withStream } from '../rx-net';
import { byteRate } from '../timing';
import type { BenchContext, Measurement, Scenario } from '../types';

/** The 64 KiB chunk both sides send over and over. */
export const SEND_CHUNK = payload(SOURCE_CHUNK);

async function raw(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.bulkBytes;
  const socket = await connectRaw(ctx.ports.sink);
  const seconds = await rawSend(socket, bytes / SOURCE_CHUNK, () => SEND_CHUNK, bytes);
  await closeRaw(socket);
  return byteRate(bytes, seconds, bytes);
}

async function rx(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.bulkBytes;
  const seconds = await withStream(connectRx(ctx.ports.sink), (s) =>
    rxSend(s, bytes / SOURCE_CHUNK, () => SEND_CHUNK, bytes),
  );
  return byteRate(bytes, seconds, bytes);
}

/** The scenario. */
export const tcpSend: Scenario = {
  id: 'tcp-send',
  title: 'TCP bulk send: writeAll+concatMap vs write+drain',
  unit: 'MiB/s',
  higherIsBetter: true,
  byteRate: true,
  target: () => ({ kind: 'ratio-at-least', min: 0.95 }),
  raw,
  rx,
};
