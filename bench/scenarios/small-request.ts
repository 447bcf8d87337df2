/**
 * Request/response latency for a request written as three small writes
 * (16 + 16 + 32 B, as a client writes header, fields and body), the 64 B
 * reply echoed by the peer. Raw Node sets TCP_NODELAY (what a careful
 * client does); rxstream streams have it by default and send the three
 * writes of the turn in one segment.
 */
import type * as net from 'node:net';
import { closeRaw, connectRaw } from '../raw-net';
import { connectRx, withStream } from '../rx-net';
import type { Stream } from '../../src';
import type { BenchContext, Measurement, Scenario } from '../types';
import { rawRoundTrips, rxRoundTrips } from './ping-pong';
import { MESSAGE_BYTES, MESSAGES } from './small-writes';

/** The three pieces of request `i`. */
function pieces(i: number): [Buffer, Buffer, Buffer] {
  const m = MESSAGES[i % MESSAGES.length];
  return [m.subarray(0, 16), m.subarray(16, 32), m.subarray(32, MESSAGE_BYTES)];
}

function rawRequests(socket: net.Socket, n: number): Promise<number> {
  return rawRoundTrips(socket, n, (i) => {
    for (const p of pieces(i)) socket.write(p);
  });
}

function rxRequests(stream: Stream, n: number): Promise<number> {
  return rxRoundTrips(stream, n, (i, fail) => {
    for (const p of pieces(i)) stream.writeAll(p).subscribe({ error: fail });
  });
}

async function raw(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.pingPongs;
  const socket = await connectRaw(ctx.ports.echo, { noDelay: true });
  const seconds = await rawRequests(socket, n);
  await closeRaw(socket);
  return { value: n / seconds, ok: true, detail: { seconds, usPerRoundTrip: (seconds / n) * 1e6 } };
}

async function rx(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.pingPongs;
  const seconds = await withStream(connectRx(ctx.ports.echo), (s) => rxRequests(s, n));
  return { value: n / seconds, ok: true, detail: { seconds, usPerRoundTrip: (seconds / n) * 1e6 } };
}

/** The scenario. */
export const smallRequestScenario: Scenario = {
  id: 'small-request',
  title: 'request of 3 small writes, 64 B reply (raw: noDelay)',
  unit: 'rt/s',
  higherIsBetter: true,
  target: () => ({ kind: 'ratio-at-least', min: 0.95 }),
  raw,
  rx,
};
