/**
 * {@link ToDuplexOptions}.
 *
 * @module
 */

/**
 * Options of `toDuplex`.
 *
 * @example
 * ```ts
 * import * as http2 from 'node:http2';
 * import { connectTCP, toDuplex } from 'rxstream';
 *
 * const socket = toDuplex(connectTCP(port, '127.0.0.1'), { allowHalfOpen: true });
 * socket.end();
 * // http2 driving the socket natively, from before the connection:
 * const h2 = http2.connect(`http://localhost:${port}`, {
 *   createConnection: () => toDuplex(connectTCP(port, '127.0.0.1'), { handOver: true }),
 * });
 * h2.request({ ':path': '/' }).on('response', () => h2.close()).end();
 * // or over a stream connected before:
 * connectTCP(port, '127.0.0.1').subscribe((stream) => {
 *   const session = http2.connect(`http://localhost:${port}`, {
 *     createConnection: () => toDuplex(stream, { handOver: true }),
 *   });
 *   session.request({ ':path': '/' }).on('response', () => session.close()).end();
 * });
 * ```
 */
export interface ToDuplexOptions {
  /**
   * Whether the writable side stays open after the peer's end of stream.
   * Default: `false` over an observable — as a `net.Socket` from
   * `net.connect`, it ends its side too once the peer's end is read, so a
   * keep-alive pool sees an idle connection the server closed go away —
   * and `true` over a stream (half-open, as the stream is, for `pipeline()`).
   */
  allowHalfOpen?: boolean;
  /**
   * Let a client that drives sockets from C++ take the kernel socket
   * itself: `http2` (h2c or TLS), `http.Server`'s parser and `tls.connect({
   * socket })` look for a native handle on the socket they are given and,
   * finding none, go through Node's `JSStreamSocket` (a copy and a
   * `setImmediate` per write; h2c downloads take 1.6–2.3× as long). With
   * `handOver: true` the Duplex shows them the socket's handle — once the
   * stream is connected, Open, and has no write pending or unsent; the
   * bytes the stream has already read are handed over first, in order.
   * Over an observable (`toDuplex(connectTCP(…), { handOver: true })`),
   * asking for the handle before the connection starts the attempt and
   * shows the handle of the socket it opens (`connectTCP`, `connectTLS` and
   * `connectIPC` open theirs at subscription; an attempt deferred by an
   * operator shows none, and the client takes the JS path); `http2` checks
   * for it then and takes the socket on `'connect'`.
   * From then on the client reads and writes the socket directly: the
   * stream's `reads$` and counters see nothing more, its `state$` stays Open
   * until the client destroys the Duplex (which destroys the stream and the
   * socket). Default `false`: every byte goes through the stream.
   */
  handOver?: boolean;
}
