/**
 * Connections a stream the library made reads through `onread` on (see
 * `LendingReader`), each with the raw socket of its peer: over TCP, over
 * TLS, and over TLS on a connection of the caller's (`tlsOptions.socket`:
 * Node ignores `onread` there, so that one reads through `'data'`).
 */
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { firstValueFrom } from 'rxjs';
import { connectTCP, connectTLS, type Stream } from '../../src';
import { TLS_LENDS } from '../../src/socket-transport';
import { Cleanup, clientTls, listenOn, tlsServer } from './support';

/** Writes `payload` to `socket` in `sizes`, yielding to the event loop between pieces; then ends it. */
export async function writeInPieces(
  socket: net.Socket,
  payload: Buffer,
  sizes: number[],
): Promise<void> {
  let at = 0;
  for (const n of sizes) {
    const piece = payload.subarray(at, at + n);
    at += n;
    if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
    else await new Promise((resolve) => setImmediate(resolve));
  }
  socket.end();
}

/** A stream the library made, and the raw socket of its peer. */
export interface Connected {
  stream: Stream;
  peer: net.Socket;
}

/** How a case connects. */
export type Via = (clean: Cleanup, readBufferSize?: number) => Promise<Connected>;

const overTCP: Via = async (clean, readBufferSize) => {
  const server = clean.server(net.createServer({ allowHalfOpen: true }));
  const port = await listenOn(server);
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const stream = clean.stream(
    await firstValueFrom(connectTCP(port, '127.0.0.1', { readBufferSize })),
  );
  return { stream, peer: clean.socket(await accepted) };
};

function overTLS(ownSocket: boolean): Via {
  return async (clean, readBufferSize) => {
    const { server, port } = await tlsServer(clean);
    const accepted = once(server, 'secureConnection') as Promise<[tls.TLSSocket]>;
    const socket = ownSocket ? undefined : net.connect(port, '127.0.0.1');
    if (socket !== undefined) clean.socket(socket);
    const options = clientTls(port, socket === undefined ? {} : { socket });
    const stream = clean.stream(await firstValueFrom(connectTLS(options, { readBufferSize })));
    const [peer] = await accepted;
    return { stream, peer: clean.socket(peer) };
  };
}

/** [name, connect, the largest chunk a read can hand on, whether it reads through `onread`] */
export const VIAS: ReadonlyArray<[string, Via, number, boolean]> = [
  ['tcp', overTCP, 256 * 1024, true],
  ['tls', overTLS(true), 16 * 1024, TLS_LENDS], // Bun and Deno read TLS through 'data'
  ['tls over a socket of the caller', overTLS(false), 16 * 1024, false],
];
