/**
 * {@link createTLS}: m2stream's CreateTLS.
 *
 * @module
 */
import { TLSSocket } from 'node:tls';
import { StreamKind } from './status';
import { Stream, type StreamOptions } from './stream';
import { wrapSocket } from './tcp';

/**
 * Creates a stream over a TLS session whose handshake has completed
 * (m2stream's CreateTLS). The stream owns the TLS socket with its session and
 * secure context: `destroy()` releases them. In Node the session and the
 * socket are one object, so a sync-mode `destroy()` hands the TLS socket
 * back open (paused, unread bytes put back) rather than a bare fd.
 *
 * `shutdownWrite()` sends close_notify and FIN and reads go on (TLS
 * half-close); `close()` sends close_notify, then closes.
 *
 * @param tlsSocket - a `tls.TLSSocket` after `secureConnect` (client) or
 *   `secureConnection` (server)
 * @param options - scheduler and buffer sizes, see {@link StreamOptions}
 * @returns the stream, state Open, kind TLSStream
 * @throws StreamError status Invalid when it is not a TLS socket, is not
 *   connected, is destroyed, or its handshake is not complete
 *
 * @example
 * ```ts runnable
 * const socket = tls.connect({ port: tlsPort, host: 'localhost', ca }, () => {
 *   const stream = createTLS(socket); // after secureConnect: the handshake is done
 *   stream.writeAll(Buffer.from('hello')).pipe(concatWith(stream.close())).subscribe();
 * });
 * ```
 */
export function createTLS(tlsSocket: TLSSocket, options?: StreamOptions): Stream {
  return wrapTLS(tlsSocket, options, false);
}

/** createTLS, with `owned` for sockets the library made (closed by destroy in either mode). */
export function wrapTLS(
  tlsSocket: TLSSocket,
  options: StreamOptions | undefined,
  owned: boolean,
): Stream {
  return wrapSocket(StreamKind.TLSStream, 'createTLS', tlsSocket, options, owned, (socket) => {
    if (!(socket instanceof TLSSocket)) return 'expected a tls.TLSSocket';
    return handshakeDone(socket) ? null : 'the TLS handshake has not completed';
  });
}

/**
 * Whether both Finished messages have been exchanged. Bun's TLSSocket has no
 * `getFinished` (it returns undefined always); there a negotiated protocol
 * version is the best sign the handshake is over.
 */
function handshakeDone(socket: TLSSocket): boolean {
  if (socket.getFinished() !== undefined) return socket.getPeerFinished() !== undefined;
  if (process.versions.bun === undefined) return false;
  return /^TLSv/.test(socket.getProtocol() ?? '');
}
