/**
 * Raw Node peers and small event helpers for the fault matrix: a stream on
 * one end, a plain `net.Socket` (or a child process) on the other, so the
 * test can misbehave in ways a Stream never would.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as net from 'node:net';
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import { createTCP, StreamError, StreamState, type Stream, type StreamOptions } from '../../../src';
import { close, listen, portOf } from './pairs';

/** A TCP stream (client side) and the raw server-side socket of the same connection. */
export interface RawPeer {
  readonly stream: Stream;
  /** The socket under `stream`: the caller's again after a sync-mode destroy. */
  readonly client: net.Socket;
  readonly peer: net.Socket;
  readonly server: net.Server;
}

/** Opens a TCP connection: the client is wrapped in a Stream, the accepted side stays raw. */
export async function rawTcpPeer(options?: StreamOptions): Promise<RawPeer> {
  const server = net.createServer({ allowHalfOpen: true });
  await listen(server);
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect({ port: portOf(server), host: '127.0.0.1', allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const peer = await accepted;
  peer.on('error', () => undefined); // the peer's own errors are not under test
  return { stream: createTCP(client, options), client, peer, server };
}

/** Tears a raw peer down (idempotent). */
export async function disposeRawPeer(p: RawPeer): Promise<void> {
  p.stream.destroy();
  p.client.destroy(); // sync-mode destroy hands the socket back open
  p.peer.destroy();
  await close(p.server);
}

/** Resolves with the error an observable errors with, or rejects if it completes. */
export async function errorOf(source: Observable<unknown>): Promise<StreamError> {
  try {
    await lastValueFrom(source.pipe(toArray()));
  } catch (error) {
    if (StreamError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an error, the observable completed');
}

/** Resolves once the stream reaches `state`. */
export function reach(stream: Stream, state: StreamState): Promise<StreamState> {
  return firstValueFrom(stream.state$.pipe(filter((s) => s === state)));
}

/** Everything a raw socket receives until its end. */
export function collect(socket: net.Socket): Promise<Buffer> {
  const parts: Buffer[] = [];
  socket.on('data', (c: Buffer) => parts.push(c));
  return new Promise((resolve) => {
    socket.once('end', () => resolve(Buffer.concat(parts)));
    socket.once('close', () => resolve(Buffer.concat(parts)));
  });
}

/** TCP handles alive now (for leak checks). */
export function tcpHandles(): number {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
}

/**
 * Waits (event-loop turns, no clock) until the TCP handle count is back to
 * `baseline` or `turns` pass; returns the count seen last.
 */
export async function handlesBackTo(baseline: number, turns = 2000): Promise<number> {
  for (let i = 0; i < turns; i += 1) {
    const n = tcpHandles();
    if (n <= baseline) return n;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return tcpHandles();
}

/** Lets the event loop turn `n` times (lets in-flight I/O settle; no clock). */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Runs `script` (CommonJS, from the project root, the library as `./src`) in a
 * child Node with `NODE_DEBUG=rxstream`: debuglog reads it at load time.
 */
export function runWithDebugLog(script: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: join(__dirname, '..', '..', '..'),
    env: { ...process.env, NODE_DEBUG: 'rxstream' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}
