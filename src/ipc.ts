/**
 * IPC streams over Unix domain sockets (Windows named pipes where Node
 * supports them): {@link createIPC}, {@link connectIPC}, {@link listenIPC}.
 * They share the socket transport with TCP and TLS and differ only in kind.
 *
 * @module
 */
import * as net from 'node:net';
import { TLSSocket } from 'node:tls';
import { Observable } from 'rxjs';
import { invalid, toStreamError } from './errors';
import { StreamKind } from './status';
import { SocketTransport } from './socket-transport';
import { Stream, type StreamOptions } from './stream';
import { checkConnected, socketFromFd } from './tcp';

/** Options of {@link listenIPC}. */
export interface IPCListenOptions extends StreamOptions {
  /** Called once the server listens, with the socket path. */
  onListening?: (path: string) => void;
  /** Pending-connection backlog. */
  backlog?: number;
}

/**
 * Creates a stream over a connected Unix domain socket: a `net.Socket`, or
 * the number of a connected socket fd (inherited from a parent process, say).
 * Kind `IPC`, fd as the socket's. The socket is switched to half-open and
 * paused until the stream reads. Ownership as {@link createTCP}: in sync mode
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
 * ```ts
 * const socket = net.connect('/tmp/app.sock', () => {
 *   const stream = createIPC(socket);
 *   stream.tryWrite(Buffer.from('hi'));
 * });
 * ```
 */
export function createIPC(socketOrFd: net.Socket | number, options?: StreamOptions): Stream {
  const socket = typeof socketOrFd === 'number' ? socketFromFd(socketOrFd) : socketOrFd;
  checkConnected(socket, 'createIPC');
  if (socket instanceof TLSSocket) throw invalid('createIPC: this is a TLS socket; use createTLS');
  if (socket.remoteFamily === 'IPv4' || socket.remoteFamily === 'IPv6') {
    throw invalid('createIPC: this is a TCP socket; use createTCP');
  }
  socket.allowHalfOpen = true;
  return new Stream(new SocketTransport(StreamKind.IPC, socket), options);
}

/**
 * Connects to a Unix domain socket at `path`. Cold: each subscription opens
 * one connection, emits its {@link Stream} once connected, and completes; the
 * stream is then the subscriber's. Unsubscribing before that aborts the
 * attempt.
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
 * ```ts
 * connectIPC('/tmp/app.sock').pipe(switchMap((s) => s.reads$)).subscribe(console.log);
 * ```
 */
export function connectIPC(path: string, options?: StreamOptions): Observable<Stream> {
  return new Observable<Stream>((sub) => {
    if (!isPath(path)) {
      sub.error(invalid(`path must be a non-empty string, got ${String(path)}`));
      return undefined;
    }
    // TODO(lead): use connect.ts connector (export it) instead of this copy.
    const socket = net.connect({ path, allowHalfOpen: true });
    let handed = false;
    const onError = (error: unknown): void => sub.error(toStreamError(error, 'connect failed'));
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      handed = true;
      let stream: Stream;
      try {
        stream = createIPC(socket, options);
      } catch (error) {
        sub.error(toStreamError(error, 'connect failed'));
        return;
      }
      sub.next(stream);
      sub.complete();
    });
    return () => {
      if (!handed) socket.destroy();
    };
  });
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
 * ```ts
 * listenIPC('/tmp/app.sock')
 *   .pipe(mergeMap((s) => s.reads$.pipe(concatMap((c) => s.writeAll(c)))))
 *   .subscribe(); // an echo server
 * ```
 */
export function listenIPC(path: string, options: IPCListenOptions = {}): Observable<Stream> {
  return new Observable<Stream>((sub) => {
    if (!isPath(path)) {
      sub.error(invalid(`path must be a non-empty string, got ${String(path)}`));
      return undefined;
    }
    // TODO(lead): use connect.ts listener (export it, generalised to a path) instead of this copy.
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    server.on('connection', (socket: net.Socket) => {
      try {
        sub.next(createIPC(socket, options));
      } catch {
        socket.destroy(); // closed before it could be wrapped
      }
    });
    server.once('error', (error) => sub.error(toStreamError(error, 'listen failed')));
    server.listen({ path, backlog: options.backlog }, () => options.onListening?.(path));
    return () => {
      server.close();
    };
  });
}

function isPath(path: unknown): path is string {
  return typeof path === 'string' && path.length > 0;
}
