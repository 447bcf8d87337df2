/**
 * {@link toDuplex}: a stream as a Node `Duplex` that clients take for a
 * `net.Socket`, for `pipeline()` and Node clients (`pg`, `http`, `http2`,
 * `undici`, `ws`, …).
 *
 * @module
 */
import type { Observable } from 'rxjs';
import type { Stream } from '../../stream';
import { SocketDuplex } from './socket-duplex';
import type { ToDuplexOptions } from './options';

export { SocketDuplex } from './socket-duplex';
export type { ToDuplexOptions } from './options';
export { toNodeError } from './node-error';
export type { SocketStyleError, ErrorSide } from './node-error';

/**
 * A Node `Duplex` over a stream — or over a cold `Observable<Stream>` such
 * as `connectTCP(port, host)`, connected on first use — that follows
 * `net.Socket`'s contract (see {@link SocketDuplex} for the socket members).
 *
 * - **Reading:** `_read()` takes one chunk from `stream.reads$` (zero-copy)
 *   and only when Node asks for more, so a slow consumer leaves bytes in the
 *   stream (bounded by its `readBufferSize` plus `readableHighWaterMark`);
 *   the Duplex ends at the peer's end of stream.
 * - **Writing:** `_write()` uses `writeAll` (Node buffers no more than
 *   `writableHighWaterMark` above a full send buffer); `_writev()` hands
 *   corked chunks to the stream as one write (joined when they are 64 KiB
 *   or less in all), so `cork()`…`uncork()` leaves in one syscall; a
 *   zero-length write calls back at once and sends nothing (Node's
 *   `http.Server` ends every response with one).
 * - **`end()`** half-closes (`shutdownWrite()` once the bytes reached the
 *   kernel). Over a stream the Duplex is half-open (`allowHalfOpen`), as the
 *   stream is; over an observable it is not, as a `net.connect` socket: it
 *   ends its side once the peer's end is read (see {@link ToDuplexOptions}).
 * - **Errors** carry Node's string `code` (`ECONNRESET`, `EPIPE`,
 *   `ECONNREFUSED`, `ERR_SSL_…`) and the `StreamError` as `cause`
 *   (see {@link SocketStyleError}).
 * - **Ownership:** the Duplex owns the stream (in async mode at once):
 *   destroying the Duplex — explicitly, on error, or once both sides are
 *   done — destroys the stream.
 * - **Over an observable:** returns at once with `connecting === true`;
 *   subscribes (once) when the Duplex is first read, written or ended,
 *   when `connect()` is called, or when a `'connect'`/`'secureConnect'`/
 *   `'ready'` listener is added; then emits `'connect'` (+ `'secureConnect'`
 *   for TLS) and `'ready'`. A failed connection destroys the Duplex with the
 *   Node-style error (`ECONNREFUSED`, …); destroying it before cancels the attempt.
 *
 * @param source - the stream to wrap, or a cold observable that connects one
 * @param options - `allowHalfOpen`, see {@link ToDuplexOptions}
 * @returns a {@link SocketDuplex} of Buffers
 *
 * @example
 * ```ts
 * await pipeline(fs.createReadStream('big.bin'), toDuplex(stream), fs.createWriteStream('echo.bin'));
 * const agent = new http.Agent({ keepAlive: true });
 * agent.createConnection = () => toDuplex(connectTCP(8080, '127.0.0.1'));
 * ```
 */
export function toDuplex(
  source: Stream | Observable<Stream>,
  options?: ToDuplexOptions,
): SocketDuplex {
  return new SocketDuplex(source, options);
}
