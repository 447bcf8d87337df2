/**
 * IPC streams over Unix domain sockets (Windows named pipes where Node
 * supports them): {@link createIPC}, {@link connectIPC}, {@link listenIPC}.
 * They share the socket transport with TCP and TLS and differ only in kind.
 *
 * @module
 */
import { streamOptionsProblem } from './internal/stream-options';
import * as net from 'node:net';
import type { Observable } from 'rxjs';
import { connector, type ConnectOptions } from './connect';
import { listener } from './listen';
import type { ServerOptions } from './connection/server';
import { StreamKind } from './status';
import { Stream, type StreamOptions } from './stream';
import { connectLending } from './socket-transport';
import { sortOf, wrapSocket } from './tcp';

/**
 * Options of {@link listenIPC}.
 *
 * @example
 * ```ts
 * const options: IPCListenOptions = { backlog: 64, onListening: (path) => console.log('listening at', path) };
 * const server = listenIPC('/tmp/app.sock', options).subscribe((s) => s.close().subscribe());
 * ```
 */
export interface IPCListenOptions extends ConnectOptions, ServerOptions {
  /** Called once the server listens, with the socket path. */
  onListening?: (path: string) => void;
  /** Pending-connection backlog. */
  backlog?: number;
}

/**
 * Creates a stream over a connected Unix domain socket: a `net.Socket`, or
 * the number of a connected socket fd (inherited from a parent process, say).
 * Kind `IPC`, fd as the socket's. The socket is switched to half-open and
 * paused until the stream reads. Ownership as `createTCP`: in sync mode
 * `destroy()` hands the socket back open, in async mode the stream closes it.
 *
 * @param socketOrFd - a connected Unix-socket `net.Socket`, or a connected socket fd
 * @param options - scheduler and buffer sizes, see {@link StreamOptions}
 * @returns the stream, state Open, kind IPC
 * @throws StreamError status Invalid (code 3) when the argument is not a
 *   connected, live Unix-socket `net.Socket` or fd (a TCP or TLS socket is
 *   refused), or an option is out of range
 *
 * @example
 * ```ts runnable
 * const socket = net.connect(ipcPath, () => {
 *   const stream = createIPC(socket); // kind IPC; sync mode until an async call
 *   stream.tryWrite(Buffer.from('hi'));
 *   stream.close().subscribe(() => console.log(stream.state)); // 'Closed': socket closed
 * });
 * ```
 */
export function createIPC(socketOrFd: net.Socket | number, options?: StreamOptions): Stream {
  return wrapIPC(socketOrFd, options, false);
}

function wrapIPC(
  socketOrFd: net.Socket | number,
  options: StreamOptions | undefined,
  owned: boolean,
): Stream {
  return wrapSocket(StreamKind.IPC, 'createIPC', socketOrFd, options, owned, (socket) => {
    const sort = sortOf(socket);
    if (sort === 'tls') return 'this is a TLS socket; use createTLS';
    return sort === 'ipc' ? null : 'this is a TCP socket; use createTCP';
  });
}

/**
 * Connects to a Unix domain socket at `path`. Cold: each subscription opens
 * one connection, emits its {@link Stream} once connected, and completes; the
 * stream is then the subscriber's. Unsubscribing before that aborts the
 * attempt. Reads as {@link connectTCP}'s sockets do (through `onread`).
 *
 * Errors: `StreamError` `SysError` (code 1) when the connection fails
 * (ENOENT: nobody listens there; ECONNREFUSED: a stale socket file; EACCES);
 * `Invalid` (code 3) for a path that is not a non-empty string.
 *
 * @param path - the socket path
 * @param options - scheduler and buffer sizes
 * @returns a cold observable of one stream
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectIPC, lines } from 'rxstream';
 * import { firstValueFrom, lastValueFrom } from 'rxjs';
 *
 * const stream = await firstValueFrom(connectIPC(ipcPath)); // an echo server's socket
 * await lastValueFrom(stream.writeAll(Buffer.from('hello\n')));
 * assert.equal(await firstValueFrom(stream.frames(lines())), 'hello');
 * await lastValueFrom(stream.close());
 * ```
 */
export function connectIPC(path: string, options?: ConnectOptions): Observable<Stream> {
  return connector(
    () => connectLending({ path, allowHalfOpen: true }),
    'connect',
    (socket) => wrapIPC(socket, options, true),
    () => pathProblem(path) ?? streamOptionsProblem(options),
    options?.signal,
    options,
  );
}

/**
 * Listens on a Unix domain socket at `path` and emits a {@link Stream} for
 * each connection accepted. Cold: each subscription starts one server;
 * unsubscribing closes it and Node removes the socket file (streams already
 * emitted stay open: they are the subscriber's).
 *
 * A socket file left behind by a crashed process is not removed for you:
 * listening errors with `SysError` (EADDRINUSE) until you unlink it.
 *
 * @param path - the socket path
 * @param options - scheduler, buffer sizes, backlog, `onListening`
 * @returns a cold observable of accepted streams; never completes
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { connectIPC, listenIPC, lines } from 'rxstream';
 * import { concatMap, concatWith, firstValueFrom, lastValueFrom, mergeMap } from 'rxjs';
 *
 * // An echo server: each stream echoes until its client ends, then closes.
 * const path = join(tmpdir(), `echo-${process.pid}.sock`);
 * const server = listenIPC(path, { onListening: () => void ask() })
 *   .pipe(mergeMap((s) => s.reads$.pipe(concatMap((c) => s.writeAll(c)), concatWith(s.close()))))
 *   .subscribe();
 *
 * async function ask(): Promise<void> {
 *   const client = await firstValueFrom(connectIPC(path));
 *   await lastValueFrom(client.writeAll(Buffer.from('ping\n')));
 *   assert.equal(await firstValueFrom(client.frames(lines())), 'ping');
 *   await lastValueFrom(client.close());
 *   server.unsubscribe(); // closes the server; Node removes the socket file
 * }
 * ```
 */
export function listenIPC(path: string, options: IPCListenOptions = {}): Observable<Stream> {
  return listener(
    () => net.createServer({ allowHalfOpen: true, pauseOnConnect: true }),
    'connection',
    (socket: net.Socket) => wrapIPC(socket, options, true),
    { path, backlog: options.backlog },
    () => pathProblem(path) ?? streamOptionsProblem(options),
    () => options.onListening?.(path),
    options.signal,
    options,
  );
}

function pathProblem(path: unknown): string | null {
  return typeof path === 'string' && path.length > 0
    ? null
    : `path must be a non-empty string, got ${String(path)}`;
}
