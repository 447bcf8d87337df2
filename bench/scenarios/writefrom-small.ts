/**
 * The 64 B `writeFrom` rows: `writeFrom(from(msgs))` and
 * `writeFrom(generator)`, each against one `socket.write` per message and
 * against raw Node's best small-write pattern — `cork()`, a burst of
 * writes, `uncork()`.
 */
import type * as net from 'node:net';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Stream } from '../../src';
import { encodeRequest } from '../protocol';
import { awaitAck, closeRaw, connectRaw, rawSend } from '../raw-net';
import { connectRx, rxAwaitAck, stallWatch, withStream } from '../rx-net';
import { elapsedSince, now } from '../timing';
import type { BenchContext, Measurement, Scenario } from '../types';
import { MESSAGES, MESSAGE_BYTES } from './small-writes';

/** Messages per corked burst on the raw side: what one `writev` carries. */
export const CORK_BURST = 1024;

/** Raw Node's fastest way to send many small messages: corked bursts, waiting on `'drain'`. */
async function rawCorked(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.smallMessages;
  const socket = await connectRaw(ctx.ports.sink);
  const t0 = now();
  const acked = awaitAck(socket);
  socket.write(encodeRequest(n * MESSAGE_BYTES));
  await corkedBursts(socket, n);
  await acked;
  const seconds = elapsedSince(t0);
  await closeRaw(socket);
  return { value: n / seconds, ok: true, detail: { seconds } };
}

function corkedBursts(socket: net.Socket, n: number): Promise<void> {
  return new Promise((resolve) => {
    let i = 0;
    function pump(): void {
      while (i < n) {
        const end = Math.min(n, i + CORK_BURST);
        socket.cork();
        let room = true;
        for (; i < end; i += 1) room = socket.write(MESSAGES[i % MESSAGES.length]);
        socket.uncork();
        if (!room) {
          socket.once('drain', pump);
          return;
        }
      }
      resolve();
    }
    pump();
  });
}

/** `writeFrom` of `n` 64 B messages from `source`, timed until the peer acknowledges them all. */
async function rxWriteFrom(
  ctx: BenchContext,
  source: (n: number) => Iterable<Buffer> | Observable<Buffer>,
): Promise<Measurement> {
  const n = ctx.config.smallMessages;
  const seconds = await withStream(connectRx(ctx.ports.sink), async (s: Stream) => {
    const input = source(n);
    const t0 = now();
    const acked = rxAwaitAck(s);
    acked.catch(() => undefined);
    const watch = stallWatch(s);
    try {
      await lastValueFrom(s.writeAll(encodeRequest(n * MESSAGE_BYTES)));
      await Promise.race([lastValueFrom(s.writeFrom(input)), watch.stalled]);
      await Promise.race([acked, watch.stalled]);
    } finally {
      watch.stop();
    }
    return elapsedSince(t0);
  });
  return { value: n / seconds, ok: true, detail: { seconds, messages: n } };
}

function* messages(n: number): Generator<Buffer> {
  for (let i = 0; i < n; i += 1) yield MESSAGES[i % MESSAGES.length];
}

/** Raw Node's plain way: one `socket.write` per message, waiting on `'drain'`. */
async function rawEach(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.smallMessages;
  const socket = await connectRaw(ctx.ports.sink);
  const seconds = await rawSend(socket, n, (i) => MESSAGES[i % MESSAGES.length], n * MESSAGE_BYTES);
  await closeRaw(socket);
  return { value: n / seconds, ok: true, detail: { seconds } };
}

/** `from(msgs)` over `n` messages, made before the clock starts. */
function fromMessages(n: number): Observable<Buffer> {
  return from(Array.from({ length: n }, (_, i) => MESSAGES[i % MESSAGES.length]));
}

/** `writeFrom(from(msgs))` of 64-byte messages vs one `socket.write` per message. */
export const writeFromSmall: Scenario = {
  id: 'writefrom-small',
  title: '64 B messages: writeFrom(from(msgs)) vs write each',
  unit: 'msg/s',
  higherIsBetter: true,
  target: () => ({ kind: 'ratio-at-least', min: 5.0 }),
  raw: rawEach,
  rx: (ctx) => rxWriteFrom(ctx, fromMessages),
};

/** `writeFrom(from(msgs))` vs `cork()` + bursts of writes + `uncork()`. */
export const writeFromCorked: Scenario = {
  ...writeFromSmall,
  id: 'writefrom-cork',
  title: '64 B messages: writeFrom(from(msgs)) vs cork/write/uncork',
  target: () => ({ kind: 'ratio-at-least', min: 0.7 }),
  raw: rawCorked,
};

/** `writeFrom(generator)` vs one `socket.write` per message. */
export const writeFromGeneratorSmall: Scenario = {
  id: 'writefrom-gen-small',
  title: '64 B messages: writeFrom(generator) vs write each',
  unit: 'msg/s',
  higherIsBetter: true,
  target: () => ({ kind: 'ratio-at-least', min: 5.0 }),
  raw: rawEach,
  rx: (ctx) => rxWriteFrom(ctx, messages),
};

/** `writeFrom(generator)` vs cork/uncork bursts. */
export const writeFromGeneratorCorked: Scenario = {
  ...writeFromGeneratorSmall,
  id: 'writefrom-gen-cork',
  title: '64 B messages: writeFrom(generator) vs cork/write/uncork',
  target: () => ({ kind: 'ratio-at-least', min: 0.7 }),
  raw: rawCorked,
};
