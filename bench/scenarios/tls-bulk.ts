/** TLS bulk receive and send against raw `tls`. */
import { SOURCE_CHUNK } from '../protocol';
import { closeRaw, connectRawTls, rawReceive, rawSend } from '../raw-net';
import { connectRxTls, rxReceive, rxSend, withStream } from '../rx-net';
import { byteRate } from '../timing';
import type { BenchContext, Measurement, Scenario } from '../types';
import { SEND_BATCH, SEND_CHUNK } from './tcp-send';

async function rawRecv(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.tlsBytes;
  const socket = await connectRawTls(ctx.ports.tlsSource, ctx.ca);
  const [got, seconds] = await rawReceive(socket, bytes);
  await closeRaw(socket);
  return byteRate(got, seconds, bytes);
}

async function rawSendTls(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.tlsBytes;
  const socket = await connectRawTls(ctx.ports.tlsSink, ctx.ca);
  const seconds = await rawSend(socket, bytes / SOURCE_CHUNK, () => SEND_CHUNK, bytes);
  await closeRaw(socket);
  return byteRate(bytes, seconds, bytes);
}

async function rxRecv(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.tlsBytes;
  const connect = connectRxTls(ctx.ports.tlsSource, ctx.ca);
  const [got, seconds] = await withStream(connect, (s) => rxReceive(s, bytes));
  return byteRate(got, seconds, bytes);
}

async function rxSendTls(ctx: BenchContext): Promise<Measurement> {
  const bytes = ctx.config.tlsBytes;
  const connect = connectRxTls(ctx.ports.tlsSink, ctx.ca);
  const seconds = await withStream(connect, (s) =>
    rxSend(s, bytes / SOURCE_CHUNK, () => SEND_CHUNK, bytes, SEND_BATCH),
  );
  return byteRate(bytes, seconds, bytes);
}

/** TLS receive. */
export const tlsRecv: Scenario = {
  id: 'tls-recv',
  title: "TLS bulk receive: reads$ vs on('data')",
  unit: 'MiB/s',
  higherIsBetter: true,
  byteRate: true,
  target: () => ({ kind: 'ratio-at-least', min: 0.95 }),
  raw: rawRecv,
  rx: rxRecv,
};

/** TLS send. */
export const tlsSend: Scenario = {
  id: 'tls-send',
  title: 'TLS bulk send: writeAll+concatMap vs write+drain',
  unit: 'MiB/s',
  higherIsBetter: true,
  byteRate: true,
  target: () => ({ kind: 'ratio-at-least', min: 1.0 }), // issue 13: TLS send ≥ 1.0×
  raw: rawSendTls,
  rx: rxSendTls,
};
