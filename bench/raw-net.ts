/**
 * Raw Node baselines: plain `net`/`tls` sockets used the way a careful
 * Node programmer would, with no rxstream in the way.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ACK, HOST, encodeRequest } from './protocol';
import { elapsedSince, now } from './timing';

/** Opens a TCP connection to the peer. */
export function connectRaw(
  port: number,
  opts: Partial<net.NetConnectOpts> = {},
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ ...opts, port, host: HOST } as net.NetConnectOpts);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** Opens a TLS connection to the peer, verifying its certificate against `ca`. */
export function connectRawTls(port: number, ca: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: HOST, ca, servername: 'localhost' });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** Asks a source for `bytes` and counts them with `socket.on('data')`; returns [bytes, seconds]. */
export function rawReceive(socket: net.Socket, bytes: number): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const t0 = now();
    socket.on('data', (data: Buffer) => {
      got += data.length;
    });
    socket.once('end', () => resolve([got, elapsedSince(t0)]));
    socket.once('error', reject);
    socket.write(encodeRequest(bytes));
  });
}

/** Resolves when the sink's ACK byte arrives on `socket`. */
export function awaitAck(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (data: Buffer) => {
      if (data.includes(ACK)) resolve();
    });
  });
}

/**
 * Sends `count` buffers from `pick` with one `socket.write` each, waiting for
 * `'drain'` whenever `write` says so; resolves when the sink ACKs. Returns seconds.
 */
export async function rawSend(
  socket: net.Socket,
  count: number,
  pick: (i: number) => Buffer,
  totalBytes: number,
): Promise<number> {
  const t0 = now();
  const acked = awaitAck(socket);
  socket.write(encodeRequest(totalBytes));
  await new Promise<void>((resolve) => {
    let i = 0;
    function pump(): void {
      while (i < count) {
        if (!socket.write(pick(i++))) {
          socket.once('drain', pump);
          return;
        }
      }
      resolve();
    }
    pump();
  });
  await acked;
  return elapsedSince(t0);
}

/** Closes a raw socket and waits for it to be gone. */
export function closeRaw(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.destroy();
  });
}
