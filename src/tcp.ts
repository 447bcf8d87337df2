/**
 * {@link createTCP}: m2stream's CreateTCP.
 *
 * @module
 */
import * as net from 'node:net';
import { TLSSocket } from 'node:tls';
import { StreamError, invalid } from './errors';
import { StreamKind } from './status';
import { SocketTransport } from './socket-transport';
import { Stream, type StreamOptions } from './stream';
import { describe } from './internal/validate';

/**
 * Creates a stream over a connected TCP socket (m2stream's CreateTCP): a
 * `net.Socket`, or the number of a connected TCP socket fd (inherited from a
 * parent process, say). The socket is switched to half-open (a peer's FIN
 * does not end the writing side) and paused until the stream reads.
 *
 * Ownership: in sync mode `destroy()` hands the socket back open; in async
 * mode the stream closes it. For an fd, a `net.Socket` is made over it.
 *
 * @param socketOrFd - a connected `net.Socket` (not a TLS socket: see
 *   {@link createTLS}), or a connected TCP socket fd
 * @param options - scheduler and buffer sizes, see {@link StreamOptions}
 * @returns the stream, state Open, kind TCP
 * @throws StreamError status Invalid (code 3) when the argument is not a
 *   connected, live TCP socket or fd, or an option is out of range — the
 *   only throw in the library
 *
 * @example
 * ```ts runnable
 * const socket = net.connect(port, '127.0.0.1', () => {
 *   const stream = createTCP(socket); // sync mode: try-once calls, the socket stays yours
 *   stream.tryWrite(Buffer.from('hi\n'));
 *   const buf = Buffer.alloc(64);
 *   stream.readable$
 *     .pipe(map(() => stream.tryRead(buf)), first((r) => r.status !== Status.OK || r.bytes > 0))
 *     .subscribe((r) => {
 *       console.log(r.status, buf.toString('utf8', 0, r.bytes)); // OK 'hi\n' (or a part of it)
 *       stream.destroy(); // hands the socket back, open and paused
 *       socket.end(); // it is yours again: end it, and read on to its end
 *       socket.resume();
 *     });
 * });
 * ```
 */
export function createTCP(socketOrFd: net.Socket | number, options?: StreamOptions): Stream {
  return wrapTCP(socketOrFd, options, false);
}

/** createTCP, with `owned` for sockets the library made (closed by destroy in either mode). */
export function wrapTCP(
  socketOrFd: net.Socket | number,
  options: StreamOptions | undefined,
  owned: boolean,
): Stream {
  return wrapSocket(StreamKind.TCP, 'createTCP', socketOrFd, options, owned, (socket) => {
    const sort = sortOf(socket);
    if (sort === 'tls') return 'this is a TLS socket; use createTLS';
    return sort === 'tcp' ? null : 'not a TCP socket';
  });
}

/** What sort a connected socket is: TLS, TCP (an IP peer), or IPC (a Unix socket or pipe). */
export function sortOf(socket: net.Socket): 'tls' | 'tcp' | 'ipc' {
  if (socket instanceof TLSSocket) return 'tls';
  const ip = socket.remoteFamily === 'IPv4' || socket.remoteFamily === 'IPv6';
  return ip ? 'tcp' : 'ipc';
}

/**
 * The one way a stream is made over a Node socket (TCP, TLS, IPC): resolve
 * an fd, check the socket is live and connected and (unless `owned`) of the
 * right sort (`problem`), switch it to half-open, and wrap it.
 */
export function wrapSocket<S extends net.Socket>(
  kind: StreamKind,
  who: string,
  socketOrFd: S | number,
  options: StreamOptions | undefined,
  owned: boolean,
  problem: (socket: net.Socket) => string | null,
): Stream {
  const socket = typeof socketOrFd === 'number' ? socketFromFd(socketOrFd) : socketOrFd;
  checkConnected(socket, who);
  // The library made its own sockets of the right sort; asking (remoteFamily) would cache
  // a peer-name object on each, which thousands of streams pay for.
  const refused = owned ? null : problem(socket);
  if (refused !== null) throw invalid(`${who}: ${refused}`);
  socket.allowHalfOpen = true; // the stream decides what the peer's end does (allowHalfOpen)
  return new Stream(
    new SocketTransport(kind, socket, owned),
    owned ? helperOptions(options) : options,
  );
}

/**
 * The one place of the rule: streams the connect/listen helpers make finish
 * by themselves when the peer ends (`allowHalfOpen` false) unless told
 * otherwise; streams over a caller's socket keep m2stream's half-close.
 */
function helperOptions(options: StreamOptions | undefined): StreamOptions {
  return options?.allowHalfOpen === undefined ? { ...options, allowHalfOpen: false } : options;
}

/** Throws Invalid unless `socket` is a live, connected `net.Socket`. */
export function checkConnected(socket: unknown, who: string): asserts socket is net.Socket {
  if (!(socket instanceof net.Socket))
    throw invalid(`${who}: expected a socket, got ${describe(socket)}`);
  if (socket.destroyed) throw invalid(`${who}: the socket is destroyed`);
  if (socket.connecting || socket.pending) throw invalid(`${who}: the socket is not connected yet`);
  if (!socket.writable && !socket.readable) throw invalid(`${who}: the socket is closed`);
}

/** A net.Socket over an fd, or Invalid when the fd is not an open socket. */
export function socketFromFd(fd: number): net.Socket {
  if (!Number.isSafeInteger(fd) || fd < 0) throw invalid(`not a file descriptor: ${fd}`);
  try {
    return new net.Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
  } catch (error) {
    throw new StreamError('Invalid', `fd ${fd} is not an open socket`, error);
  }
}
