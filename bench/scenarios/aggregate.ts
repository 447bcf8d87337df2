/**
 * Aggregate receive throughput over N parallel streams from the peer's
 * source server, the total split evenly. One scenario per N.
 */
import type * as net from 'node:net';
import { mapLimit } from '../pool';
import { encodeRequest } from '../protocol';
import { closeRaw, connectRaw } from '../raw-net';
import { closeRx, connectRx, rxReceive } from '../rx-net';
import { byteRate, elapsedSince, now } from '../timing';
import type { BenchContext, Measurement, Scenario } from '../types';
import { CONNECT_CONCURRENCY } from './echo-streams';

/** Bytes per stream for N streams (the total rounded down to whole KiB per stream). */
export function perStreamBytes(ctx: BenchContext, n: number): number {
  return Math.floor(ctx.config.aggregateBytes / n / 1024) * 1024;
}

function receiveAll(socket: net.Socket, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let got = 0;
    socket.on('data', (data: Buffer) => (got += data.length));
    socket.once('end', () => resolve(got));
    socket.once('error', reject);
    socket.write(encodeRequest(bytes));
  });
}

async function raw(ctx: BenchContext, n: number): Promise<Measurement> {
  const each = perStreamBytes(ctx, n);
  const sockets = await mapLimit(n, CONNECT_CONCURRENCY, () => connectRaw(ctx.ports.source));
  const t0 = now();
  const got = await Promise.all(sockets.map((s) => receiveAll(s, each)));
  const seconds = elapsedSince(t0);
  await Promise.all(sockets.map(closeRaw));
  const total = got.reduce((a, b) => a + b, 0);
  return byteRate(total, seconds, each * n);
}

async function rx(ctx: BenchContext, n: number): Promise<Measurement> {
  const each = perStreamBytes(ctx, n);
  const streams = await mapLimit(n, CONNECT_CONCURRENCY, () => connectRx(ctx.ports.source));
  const t0 = now();
  const got = await Promise.all(streams.map((s) => rxReceive(s, each)));
  const seconds = elapsedSince(t0);
  streams.forEach(closeRx);
  const total = got.reduce((a, [b]) => a + b, 0);
  return byteRate(total, seconds, each * n);
}

/** The scenario for `n` streams. */
export function aggregate(n: number): Scenario {
  return {
    id: `aggregate-${n}`,
    title: `aggregate receive over ${n} stream${n === 1 ? '' : 's'}`,
    unit: 'MiB/s',
    higherIsBetter: true,
    byteRate: true,
    // issue 13: ≥ 0.95× at 10 and 100 streams; 1 and 1,000 are shown without a target
    target: () =>
      n === 10 || n === 100 ? { kind: 'ratio-at-least', min: 0.95 } : { kind: 'none' },
    raw: (ctx) => raw(ctx, n),
    rx: (ctx) => rx(ctx, n),
  };
}
