/** Ping-pong latency: one 64-byte message in flight, echoed by the peer. */
import type * as net from 'node:net';
import { closeRaw, connectRaw } from '../raw-net';
import { connectRx, withStream } from '../rx-net';
import type { Stream } from '../../src';
import { elapsedSince, now } from '../timing';
import type { BenchContext, Measurement, Scenario } from '../types';
import { MESSAGE_BYTES, MESSAGES } from './small-writes';

/**
 * `n` round trips over a raw socket: `send(i)` writes request i, and the next
 * one leaves when a whole 64 B reply is back. Resolves with the seconds taken.
 */
export function rawRoundTrips(
  socket: net.Socket,
  n: number,
  send: (i: number) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending = 0;
    let done = 0;
    const t0 = now();
    socket.once('error', reject);
    socket.on('data', (data: Buffer) => {
      pending += data.length;
      while (pending >= MESSAGE_BYTES) {
        pending -= MESSAGE_BYTES;
        if (++done === n) return resolve(elapsedSince(t0));
        send(done);
      }
    });
    send(0);
  });
}

/**
 * {@link rawRoundTrips} over a stream: replies through `reads$`; `send(i, fail)`
 * reports a failed write through `fail`.
 */
export function rxRoundTrips(
  stream: Stream,
  n: number,
  send: (i: number, fail: (error: unknown) => void) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending = 0;
    let done = 0;
    const t0 = now();
    stream.reads$.subscribe({
      next: (chunk) => {
        pending += chunk.length;
        while (pending >= MESSAGE_BYTES) {
          pending -= MESSAGE_BYTES;
          if (++done === n) return resolve(elapsedSince(t0));
          send(done, reject);
        }
      },
      error: reject,
    });
    send(0, reject);
  });
}

async function raw(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.pingPongs;
  const socket = await connectRaw(ctx.ports.echo);
  const seconds = await rawRoundTrips(socket, n, (i) =>
    socket.write(MESSAGES[i % MESSAGES.length]),
  );
  await closeRaw(socket);
  return { value: n / seconds, ok: true, detail: { seconds, usPerRoundTrip: (seconds / n) * 1e6 } };
}

async function rx(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.pingPongs;
  const seconds = await withStream(connectRx(ctx.ports.echo), (s) =>
    rxRoundTrips(s, n, (i, fail) =>
      s.writeAll(MESSAGES[i % MESSAGES.length]).subscribe({ error: fail }),
    ),
  );
  return { value: n / seconds, ok: true, detail: { seconds, usPerRoundTrip: (seconds / n) * 1e6 } };
}

/** The scenario. */
export const pingPongScenario: Scenario = {
  id: 'ping-pong',
  title: 'ping-pong 64 B round trips',
  unit: 'rt/s',
  higherIsBetter: true,
  target: () => ({ kind: 'ratio-at-least', min: 0.9 }),
  raw,
  rx,
};
