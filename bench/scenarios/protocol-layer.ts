/**
 * The protocol layer against hand-written raw Node: `frames(lines())` and
 * `frames(lengthPrefixed())` against splitters on `'data'` events (the
 * `writeFrom` rows are in writefrom-small.ts).
 */
import type * as net from 'node:net';
import { lastValueFrom, type Observable } from 'rxjs';
import { lengthPrefixed, lines, type Stream } from '../../src';
import { FRAMES_CHUNK, LINES_CHUNK, encodeRequest } from '../protocol';
import { closeRaw, connectRaw } from '../raw-net';
import { connectRx, withStream } from '../rx-net';
import { byteRate, elapsedSince, now } from '../timing';
import type { BenchContext, Scenario } from '../types';

/** Bytes asked of a framed source: whole chunks, about `bulkBytes`. */
function framedBytes(ctx: BenchContext, chunk: Buffer): number {
  return Math.max(1, Math.floor(ctx.config.bulkBytes / chunk.length)) * chunk.length;
}

/** Counts what `onData` reports until the source ends; returns [bytes, seconds]. */
function rawFramed(
  socket: net.Socket,
  bytes: number,
  onData: (data: Buffer) => number,
): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const t0 = now();
    socket.on('data', (data: Buffer) => (got += onData(data)));
    socket.once('end', () => resolve([got, elapsedSince(t0)]));
    socket.once('error', reject);
    socket.write(encodeRequest(bytes));
  });
}

/** A careful hand-written line splitter: UTF-8 strings, a partial line carried over. */
function lineSplitter(): (data: Buffer) => number {
  let carry: Buffer | null = null;
  return (data) => {
    let bytes = 0;
    let start = 0;
    if (carry !== null) {
      const nl = data.indexOf(0x0a);
      if (nl === -1) {
        carry = Buffer.concat([carry, data]);
        return 0;
      }
      bytes += Buffer.concat([carry, data.subarray(0, nl)]).toString('utf8').length + 1;
      carry = null;
      start = nl + 1;
    }
    for (let nl = data.indexOf(0x0a, start); nl !== -1; nl = data.indexOf(0x0a, start)) {
      bytes += data.toString('utf8', start, nl).length + 1;
      start = nl + 1;
    }
    if (start < data.length) carry = data.subarray(start);
    return bytes;
  };
}

/** A careful hand-written 4-byte big-endian length-prefixed splitter: payload views. */
function lengthSplitter(): (data: Buffer) => number {
  let carry: Buffer | null = null;
  return (chunk) => {
    let data = carry === null ? chunk : Buffer.concat([carry, chunk]);
    carry = null;
    let bytes = 0;
    while (data.length >= 4) {
      const size = data.readUInt32BE(0);
      if (data.length < 4 + size) break;
      bytes += data.subarray(4, 4 + size).length + 4;
      data = data.subarray(4 + size);
    }
    if (data.length > 0) carry = data;
    return bytes;
  };
}

/** Counts the bytes of every frame `frames(codec)` emits until it completes; returns [bytes, seconds]. */
async function rxFramed<T>(
  s: Stream,
  bytes: number,
  frames$: (s: Stream) => Observable<T>,
  size: (frame: T) => number,
): Promise<[number, number]> {
  const t0 = now();
  let got = 0;
  const done = new Promise<void>((resolve, reject) =>
    frames$(s).subscribe({ next: (f) => (got += size(f)), complete: resolve, error: reject }),
  );
  await lastValueFrom(s.writeAll(encodeRequest(bytes)));
  await done;
  return [got, elapsedSince(t0)];
}

function framedScenario(
  id: string,
  title: string,
  chunk: Buffer,
  port: (ctx: BenchContext) => number,
  splitter: () => (data: Buffer) => number,
  rx: (s: Stream, bytes: number) => Promise<[number, number]>,
): Scenario {
  return {
    id,
    title,
    unit: 'MiB/s',
    higherIsBetter: true,
    target: () => ({ kind: 'ratio-at-least', min: 0.8 }),
    async raw(ctx) {
      const bytes = framedBytes(ctx, chunk);
      const socket = await connectRaw(port(ctx));
      const [got, seconds] = await rawFramed(socket, bytes, splitter());
      await closeRaw(socket);
      return byteRate(got, seconds, bytes);
    },
    async rx(ctx) {
      const bytes = framedBytes(ctx, chunk);
      const [got, seconds] = await withStream(connectRx(port(ctx)), (s) => rx(s, bytes));
      return byteRate(got, seconds, bytes);
    },
  };
}

/** `frames(lines())` over 100-byte lines vs a hand-written splitter on 'data'. */
export const framesLines: Scenario = framedScenario(
  'frames-lines',
  "100 B lines: frames(lines()) vs splitter on 'data'",
  LINES_CHUNK,
  (ctx) => ctx.ports.linesSource,
  lineSplitter,
  (s, bytes) =>
    rxFramed(
      s,
      bytes,
      (st) => st.frames(lines()),
      (line) => line.length + 1,
    ),
);

/** `frames(lengthPrefixed())` over 1 KiB frames vs a hand-written splitter on 'data'. */
export const framesLengthPrefixed: Scenario = framedScenario(
  'frames-lp',
  '1 KiB frames: frames(lengthPrefixed()) vs splitter',
  FRAMES_CHUNK,
  (ctx) => ctx.ports.framesSource,
  lengthSplitter,
  (s, bytes) =>
    rxFramed(
      s,
      bytes,
      (st) => st.frames(lengthPrefixed()),
      (frame) => frame.length + 4,
    ),
);
