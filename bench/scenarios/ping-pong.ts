/** Ping-pong latency: one 64-byte message in flight, echoed by the peer. */
import type * as net from 'node:net';
import { closeRaw, connectRaw } from '../raw-net';
import { connectRx, withStream } from '../rx-net';
import type { Stream } from '../../src';
import { elapsedSince, now } from '../timing';
import type { BenchContext, Measurement, Scenario } from '../types';
import { MESSAGE_BYTES, MESSAGES } from './small-writes';

function pingPong(socket: net.Socket, n: number): Promise<number> {
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
        socket.write(MESSAGES[done % MESSAGES.length]);
      }
    });
    socket.write(MESSAGES[0]);
  });
}

async function raw(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.pingPongs;
  const socket = await connectRaw(ctx.ports.echo);
  const seconds = await pingPong(socket, n);
  await closeRaw(socket);
  return { value: n / seconds, ok: true, detail: { seconds, usPerRoundTrip: (seconds / n) * 1e6 } };
}

function rxPingPong(stream: Stream, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending = 0;
    let done = 0;
    const t0 = now();
    const send = (i: number): void => {
      stream.writeAll(MESSAGES[i % MESSAGES.length]).subscribe({ error: reject });
    };
    stream.reads$.subscribe({
      next: (chunk) => {
        pending += chunk.length;
        while (pending >= MESSAGE_BYTES) {
          pending -= MESSAGE_BYTES;
          if (++done === n) return resolve(elapsedSince(t0));
          send(done);
        }
      },
      error: reject,
    });
    send(0);
  });
}

async function rx(ctx: BenchContext): Promise<Measurement> {
  const n = ctx.config.pingPongs;
  const seconds = await withStream(connectRx(ctx.ports.echo), (s) => rxPingPong(s, n));
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
