/** Bulk TCP send: `writeAll` in a `concatMap` (1,024 chunks per inner) against `socket.write` + `'drain'`. */
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

/**
 * Chunks per inner `concatMap`, as in the 64 B row: one synchronous source
 * of 16,384 chunks sits in concatMap's buffer, whose `Array#shift` costs
 * O(n) per chunk inside RxJS (the flat row below shows what that costs).
 */
export const SEND_BATCH = 1024;

async function rx(ctx: BenchContext, batch: number | undefined): Promise<Measurement> {
  const bytes = ctx.config.bulkBytes;
  const seconds = await withStream(connectRx(ctx.ports.sink), (s) =>
    rxSend(s, bytes / SOURCE_CHUNK, () => SEND_CHUNK, bytes, batch),
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
  target: () => ({ kind: 'ratio-at-least', min: 1.0 }), // issue 13: bulk TCP send ≥ 1.0×
  raw,
  rx: (ctx) => rx(ctx, SEND_BATCH),
};

/** The literal `range(0, 16384).pipe(concatMap(…))` over every chunk at once, for comparison. */
export const tcpSendFlat: Scenario = {
  ...tcpSend,
  id: 'tcp-send-flat',
  title: 'TCP bulk send, one flat concatMap of every chunk',
  target: () => ({ kind: 'none' }),
  maxRounds: 3,
  rx: (ctx) => rx(ctx, undefined),
};
