/**
 * Slow consumer: the peer sends as fast as it can; the consumer takes 1 MiB
 * every 10 ms. Figure: peak RSS above a settled baseline, in a fresh child.
 * The raw side keeps its own queue and pauses the socket above 1 MiB queued
 * (rxstream's default read-ahead bound), the way a careful Node user would.
 */
import type * as net from 'node:net';
import type { ChildTasks } from '../child';
import { runInChild } from '../in-child';
import { RssSampler, peakReport, resetPeak, settledRss } from '../memory';
import { encodeRequest } from '../protocol';
import { closeRaw, connectRaw } from '../raw-net';
import { connectRx, drainTryRead, withStream } from '../rx-net';
import type { Stream } from '../../src';
import { elapsedSince, now } from '../timing';
import type { BenchContext, Measurement, Scenario } from '../types';

const MiB = 1024 * 1024;
/** Bytes taken per tick. */
export const TAKE = MiB;
/** Tick interval in ms. */
export const TICK_MS = 10;

/** Starts measuring: settles the heap, resets VmHWM, starts sampling. */
export function beginPeak(): { baseline: number; hwm: boolean; sampler: RssSampler } {
  const baseline = settledRss();
  const hwm = resetPeak();
  const sampler = new RssSampler();
  sampler.start();
  return { baseline, hwm, sampler };
}

/** Ends measuring and builds the measurement (value = peak delta MiB). */
export function endPeak(
  m: { baseline: number; hwm: boolean; sampler: RssSampler },
  ok: boolean,
  extra: Record<string, number>,
): Measurement {
  const report = peakReport(m.baseline, m.sampler.stop(), m.hwm);
  return { value: report.deltaMiB, ok, detail: { ...report, ...extra } };
}

function rawConsume(socket: net.Socket, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const queue: Buffer[] = [];
    let queued = 0;
    let got = 0;
    let ended = false;
    socket.on('data', (data: Buffer) => {
      queue.push(data);
      queued += data.length;
      if (queued >= MiB) socket.pause();
    });
    socket.once('end', () => (ended = true));
    socket.once('error', reject);
    const timer = setInterval(() => {
      let quota = TAKE;
      while (quota > 0 && queue.length > 0) {
        const head = queue[0];
        const n = Math.min(quota, head.length);
        if (n === head.length) queue.shift();
        else queue[0] = head.subarray(n);
        queued -= n;
        quota -= n;
        got += n;
      }
      if (queued < MiB) socket.resume();
      if (ended && queued === 0) {
        clearInterval(timer);
        resolve(got);
      }
    }, TICK_MS);
    socket.write(encodeRequest(bytes));
  });
}

async function rawTask(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.slowBytes;
  const socket = await connectRaw(ctx.ports.source);
  const m = beginPeak();
  const t0 = now();
  const got = await rawConsume(socket, bytes);
  const seconds = elapsedSince(t0);
  await closeRaw(socket);
  return endPeak(m, got === bytes, { seconds, bytes: got });
}

function rxConsume(stream: Stream, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const buf = Buffer.allocUnsafe(TAKE);
    let got = 0;
    const timer = setInterval(() => {
      try {
        const [n, end] = drainTryRead(stream, buf, TAKE);
        got += n;
        if (!end) return;
        clearInterval(timer);
        resolve(got);
      } catch (err) {
        clearInterval(timer);
        reject(err);
      }
    }, TICK_MS);
    stream.tryWrite(encodeRequest(bytes));
  });
}

async function rxTask(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.slowBytes;
  return withStream(connectRx(ctx.ports.source), async (stream) => {
    const m = beginPeak();
    const t0 = now();
    const got = await rxConsume(stream, bytes);
    return endPeak(m, got === bytes, { seconds: elapsedSince(t0), bytes: got });
  });
}

/** The child sides. */
export const childTasks: ChildTasks = { raw: rawTask, rx: rxTask };

/** The scenario. */
export const slowConsumer: Scenario = {
  id: 'slow-consumer',
  title: 'slow consumer (1 MiB / 10 ms): peak RSS over baseline',
  unit: 'MiB',
  higherIsBetter: false,
  memory: true,
  target: () => ({ kind: 'rx-at-most', max: 64, label: '≤ +64 MiB' }),
  raw: (ctx) => runInChild('slow-consumer', 'raw', ctx),
  rx: (ctx) => runInChild('slow-consumer', 'rx', ctx),
};
