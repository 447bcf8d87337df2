/** Many 64-byte messages, each its own write call. */
import { payload } from '../protocol';
import { closeRaw, connectRaw, rawSend } from '../raw-net';
import { connectRx, rxSend, rxTrySend, withStream } from '../rx-net';
import type { BenchContext, Measurement, Scenario } from '../types';

/** Message size. */
export const MESSAGE_BYTES = 64;
const POOL = 1024;
const BACKING = payload(MESSAGE_BYTES * POOL);
/** 1,024 distinct 64-byte messages, cycled (message i is `MESSAGES[i % 1024]`). */
export const MESSAGES: readonly Buffer[] = Array.from({ length: POOL }, (_, i) =>
  BACKING.subarray(i * MESSAGE_BYTES, (i + 1) * MESSAGE_BYTES),
);

function raw(ctx: BenchContext): Promise<Measurement> {
  return rawCount(ctx, ctx.config.smallMessages);
}

async function rawCount(ctx: BenchContext, n: number): Promise<Measurement> {
  const socket = await connectRaw(ctx.ports.sink);
  const seconds = await rawSend(socket, n, (i) => MESSAGES[i % POOL], n * MESSAGE_BYTES);
  await closeRaw(socket);
  return { value: n / seconds, ok: true, detail: { seconds } };
}

/** Messages per inner `concatMap` of the batched (optimised) row (see `writeEach`). */
const BATCH = 1024;
/** The smaller count of the literal pattern, for its linearity (per-message cost 100k vs all). */
const LITERAL_SMALL = 100_000;

async function rxCount(ctx: BenchContext, n: number, batch?: number): Promise<Measurement> {
  const seconds = await withStream(connectRx(ctx.ports.sink), (s) =>
    rxSend(s, n, (i) => MESSAGES[i % POOL], n * MESSAGE_BYTES, batch),
  );
  return { value: n / seconds, ok: true, detail: { seconds, messages: n } };
}

async function rxTry(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.smallMessages;
  const seconds = await withStream(connectRx(ctx.ports.sink), (s) =>
    rxTrySend(s, n, (i) => MESSAGES[i % POOL], n * MESSAGE_BYTES),
  );
  return { value: n / seconds, ok: true, detail: { seconds } };
}

/** The scenario: `concatMap(m => s.writeAll(m))` per message, fed in batches of 1,024. */
export const smallWrites: Scenario = {
  id: 'small-writes',
  title: '64 B messages, writeAll each (concatMap)',
  unit: 'msg/s',
  higherIsBetter: true,
  target: () => ({ kind: 'ratio-at-least', min: 2.0 }),
  raw,
  rx: (ctx) => rxCount(ctx, ctx.config.smallMessages, BATCH),
};

/**
 * The literal pattern users write first: one `concatMap((m) => s.writeAll(m))`
 * over a synchronous source of every message, at the full count (1M in a full
 * run) — the row the batched one must not hide.
 */
export const smallWritesFlat: Scenario = {
  ...smallWrites,
  id: 'small-writes-flat',
  title: '64 B messages, literal concatMap(writeAll) over all',
  target: () => ({ kind: 'ratio-at-least', min: 2.0 }),
  maxRounds: 3,
  rx: (ctx) => rxCount(ctx, ctx.config.smallMessages),
};

/** The literal pattern at 100k messages: with the full-count row, shows it stays linear. */
export const smallWritesFlat100k: Scenario = {
  ...smallWritesFlat,
  id: 'small-writes-flat-100k',
  title: '64 B × 100k messages, literal concatMap(writeAll)',
  // The figure for this row is the linearity row (bench/derived.ts), not its own ratio.
  target: () => ({ kind: 'none' }),
  raw: (ctx) => rawCount(ctx, Math.min(LITERAL_SMALL, ctx.config.smallMessages)),
  rx: (ctx) => rxCount(ctx, Math.min(LITERAL_SMALL, ctx.config.smallMessages)),
};

/** The same messages through `tryWrite` + `writable$` (sync mode), for comparison. */
export const smallTryWrites: Scenario = {
  ...smallWrites,
  id: 'small-trywrites',
  title: '64 B messages, tryWrite each (+ writable$)',
  target: () => ({ kind: 'none' }),
  maxRounds: 3,
  rx: rxTry,
};
