/**
 * Concurrent echo streams: N connections to the peer's echo server (another
 * process, so each side's fds stay under the limit), each sending 64 KiB and
 * reading it back. Figure: peak RSS over baseline per stream, in a fresh child.
 */
import type * as net from 'node:net';
import type { ChildTasks } from '../child';
import { runInChild } from '../in-child';
import { mapLimit } from '../pool';
import { payload } from '../protocol';
import { closeRaw, connectRaw } from '../raw-net';
import { closeRx, connectRx } from '../rx-net';
import type { Stream } from '../../src';
import { elapsedSince, now } from '../timing';
import type { BenchContext, Measurement, Scenario } from '../types';
import { beginPeak, endPeak } from './slow-consumer';

/** Bytes each stream sends and receives. */
export const ECHO_BYTES = 64 * 1024;
/** The payload every stream sends. */
export const ECHO_PAYLOAD = payload(ECHO_BYTES);
/** Connects in flight at once (keeps the listen backlog from overflowing). */
export const CONNECT_CONCURRENCY = 256;

/** Sends the payload and reads it back over `socket`: true once every byte came back. */
export function rawEcho(socket: net.Socket): Promise<boolean> {
  return new Promise((resolve) => {
    let got = 0;
    socket.on('data', (data: Buffer) => {
      got += data.length;
      if (got >= ECHO_BYTES) resolve(got === ECHO_BYTES);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
    socket.write(ECHO_PAYLOAD);
  });
}

async function rawTask(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.echoStreams;
  const m = beginPeak();
  const t0 = now();
  const sockets = await mapLimit(n, CONNECT_CONCURRENCY, () => connectRaw(ctx.ports.echo));
  const done = await Promise.all(sockets.map(rawEcho));
  const seconds = elapsedSince(t0);
  await Promise.all(sockets.map(closeRaw));
  const completed = done.filter(Boolean).length;
  return perStream(endPeak(m, completed === n, { seconds, completed, streams: n }), n);
}

/** `rawEcho` with `writeAll` and `reads$`. */
export function rxEcho(stream: Stream): Promise<boolean> {
  return new Promise((resolve) => {
    let got = 0;
    stream.reads$.subscribe({
      next: (chunk) => {
        got += chunk.length;
        if (got >= ECHO_BYTES) resolve(got === ECHO_BYTES);
      },
      error: () => resolve(false),
      complete: () => resolve(false),
    });
    stream.writeAll(ECHO_PAYLOAD).subscribe({ error: () => resolve(false) });
  });
}

async function rxTask(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.echoStreams;
  const m = beginPeak();
  const t0 = now();
  const streams = await mapLimit(n, CONNECT_CONCURRENCY, () => connectRx(ctx.ports.echo));
  const done = await Promise.all(streams.map(rxEcho));
  const seconds = elapsedSince(t0);
  streams.forEach(closeRx);
  const completed = done.filter(Boolean).length;
  return perStream(endPeak(m, completed === n, { seconds, completed, streams: n }), n);
}

/** Converts a total peak delta (MiB) into KiB per stream. */
export function perStream(m: Measurement, n: number): Measurement {
  return { ...m, value: (m.value * 1024) / n, detail: { ...m.detail, totalDeltaMiB: m.value } };
}

/** The child sides. */
export const childTasks: ChildTasks = { raw: rawTask, rx: rxTask };

/** The scenario. */
export const echoStreams: Scenario = {
  id: 'echo-streams',
  title: 'concurrent echo streams, 64 KiB each way: RSS per stream',
  unit: 'KiB/stream',
  higherIsBetter: false,
  memory: true,
  target: () => ({ kind: 'ratio-at-most', max: 1.0 }), // issue 13: ≤ 1.0× raw per stream
  raw: (ctx) => runInChild('echo-streams', 'raw', ctx),
  rx: (ctx) => runInChild('echo-streams', 'rx', ctx),
};
