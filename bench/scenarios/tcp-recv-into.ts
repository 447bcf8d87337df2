/**
 * Bulk TCP receive into a caller buffer: a `tryRead` loop, and `readsInto`,
 * against `net` `onread` buffer reuse, and against `socket.on('data')`.
 */
import * as net from 'node:net';
import { HOST, encodeRequest } from '../protocol';
import { closeRaw } from '../raw-net';
import { connectRx, drainTryRead, withStream } from '../rx-net';
import type { Subscription } from 'rxjs';
import type { Stream } from '../../src';
import { byteRate, elapsedSince, now } from '../timing';
import { rawDataReceive } from './tcp-recv';
import type { BenchContext, Measurement, Scenario } from '../types';

/** Size of the caller's buffer on both sides. */
export const INTO_BUFFER = 64 * 1024;

function raw(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.bulkBytes;
  return new Promise((resolve, reject) => {
    let got = 0;
    let t0 = 0;
    const socket = net.connect({
      port: ctx.ports.source,
      host: HOST,
      onread: {
        buffer: Buffer.allocUnsafe(INTO_BUFFER),
        callback: (n: number) => {
          got += n;
          return true;
        },
      },
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      t0 = now();
      socket.write(encodeRequest(bytes));
    });
    socket.once('end', () => {
      const seconds = elapsedSince(t0);
      closeRaw(socket).then(() => resolve(byteRate(got, seconds, bytes)), reject);
    });
  });
}

function tryReadAll(stream: Stream, buf: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    let got = 0;
    let sub: Subscription | undefined = undefined;
    sub = stream.readable$.subscribe(() => {
      try {
        const [n, end] = drainTryRead(stream, buf);
        got += n;
        if (!end) return;
        sub?.unsubscribe();
        resolve(got);
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** `readsInto(buf)`: the count of each read, the bytes in `buf` (Node's `onread` as an observable). */
function readsIntoAll(stream: Stream, buf: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    let got = 0;
    stream
      .readsInto(buf)
      .subscribe({ next: (n) => (got += n), complete: () => resolve(got), error: reject });
  });
}

/** Connects, asks for the bulk payload and times `receive` reading all of it into one buffer. */
function rxInto(
  receive: (stream: Stream, buf: Buffer) => Promise<number>,
): (ctx: BenchContext) => Promise<Measurement> {
  return (ctx) => {
    const bytes = ctx.config.bulkBytes;
    const buf = Buffer.allocUnsafe(INTO_BUFFER);
    return withStream(connectRx(ctx.ports.source), async (stream) => {
      const t0 = now();
      stream.tryWrite(encodeRequest(bytes));
      const got = await receive(stream, buf);
      return byteRate(got, elapsedSince(t0), bytes);
    });
  };
}

const rx = rxInto(tryReadAll);
const rxReadsInto = rxInto(readsIntoAll);

/** The scenario. */
export const tcpRecvInto: Scenario = {
  id: 'tcp-recv-into',
  title: 'TCP receive into caller buffer: tryRead loop vs onread',
  unit: 'MiB/s',
  higherIsBetter: true,
  byteRate: true,
  target: () => ({ kind: 'ratio-at-least', min: 0.9 }),
  raw,
  rx,
};

/** The same `tryRead` loop against the `'data'` event path (what most Node code uses). */
export const tcpRecvIntoData: Scenario = {
  id: 'tcp-recv-into-data',
  title: "TCP receive into caller buffer: tryRead loop vs on('data')",
  unit: 'MiB/s',
  higherIsBetter: true,
  byteRate: true,
  target: () => ({ kind: 'ratio-at-least', min: 1.5 }),
  raw: rawDataReceive,
  rx,
};

/** `readsInto` (the caller's buffer lent to the socket) against the same raw `onread`. */
export const tcpReadsInto: Scenario = {
  id: 'tcp-readsinto',
  title: 'TCP receive into caller buffer: readsInto vs onread',
  unit: 'MiB/s',
  higherIsBetter: true,
  byteRate: true,
  target: () => ({ kind: 'ratio-at-least', min: 0.9 }),
  raw,
  rx: rxReadsInto,
};
