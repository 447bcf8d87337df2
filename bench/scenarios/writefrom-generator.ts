/**
 * `writeFrom` of a generator: 64 KiB chunks made on demand, `slowBytes` in
 * all (1 GiB in the full run), to the sink. Figure: peak RSS above a settled
 * baseline, in a fresh child. The raw side pulls the same generator and
 * waits for `'drain'` whenever `write` says so, as a careful Node user would.
 */
import { lastValueFrom } from 'rxjs';
import type { ChildTasks } from '../child';
import { runInChild } from '../in-child';
import { encodeRequest, payload } from '../protocol';
import { awaitAck, closeRaw, connectRaw } from '../raw-net';
import { connectRx, rxAwaitAck, withStream } from '../rx-net';
import { elapsedSince, now } from '../timing';
import type { BenchContext, Measurement, Scenario } from '../types';
import { beginPeak, endPeak } from './slow-consumer';

const CHUNK = 64 * 1024;
const TEMPLATE = payload(CHUNK);

/** A fresh 64 KiB chunk per step (as a producer that makes its data would). */
function* chunks(total: number): Generator<Buffer> {
  for (let left = total; left > 0; left -= CHUNK) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, left));
    TEMPLATE.copy(chunk, 0, 0, chunk.length);
    yield chunk;
  }
}

async function rawTask(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.slowBytes;
  const socket = await connectRaw(ctx.ports.sink);
  const m = beginPeak();
  const t0 = now();
  const acked = awaitAck(socket);
  socket.write(encodeRequest(bytes));
  const it = chunks(bytes);
  await new Promise<void>((resolve) => {
    function pump(): void {
      for (let r = it.next(); r.done !== true; r = it.next()) {
        if (!socket.write(r.value)) {
          socket.once('drain', pump);
          return;
        }
      }
      resolve();
    }
    pump();
  });
  await acked;
  const seconds = elapsedSince(t0);
  await closeRaw(socket);
  return endPeak(m, true, { seconds, bytes });
}

async function rxTask(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.slowBytes;
  return withStream(connectRx(ctx.ports.sink), async (stream) => {
    const m = beginPeak();
    const t0 = now();
    const acked = rxAwaitAck(stream);
    await lastValueFrom(stream.writeAll(encodeRequest(bytes)));
    const total = await lastValueFrom(stream.writeFrom(chunks(bytes)));
    await acked;
    return endPeak(m, total === bytes, { seconds: elapsedSince(t0), bytes: total });
  });
}

/** The child sides. */
export const childTasks: ChildTasks = { raw: rawTask, rx: rxTask };

/** The scenario. */
export const writeFromGenerator: Scenario = {
  id: 'writefrom-generator',
  title: 'writeFrom(generator of 64 KiB chunks): peak RSS over baseline',
  unit: 'MiB',
  higherIsBetter: false,
  memory: true,
  target: () => ({ kind: 'rx-at-most', max: 64, label: '≤ +64 MiB' }),
  raw: (ctx) => runInChild('writefrom-generator', 'raw', ctx),
  rx: (ctx) => runInChild('writefrom-generator', 'rx', ctx),
};
