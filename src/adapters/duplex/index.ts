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
 * ```ts runnable
 * // Node's pipeline() through the echo peer: the Duplex ends its side, the peer's end ends it.
 * import assert from 'node:assert/strict';
 * import { Readable, Writable } from 'node:stream';
 * import { pipeline } from 'node:stream/promises';
 * import { connectTCP, toDuplex } from 'rxstream';
 *
 * const received: Buffer[] = [];
 * const sink = new Writable({
 *   write(chunk: Buffer, _encoding, done) {
 *     received.push(chunk);
 *     done();
 *   },
 * });
 * const source = Readable.from([Buffer.from('big '), Buffer.from('file')]);
 * await pipeline(source, toDuplex(connectTCP(port, '127.0.0.1')), sink);
 * assert.equal(Buffer.concat(received).toString(), 'big file');
 * ```
 *
 * @example
 * ```ts runnable
 * // Node's http, both ends: a server on listenTCP streams, a client on a connectTCP one.
 * import assert from 'node:assert/strict';
 * import * as http from 'node:http';
 * import type { AddressInfo } from 'node:net';
 * import { ServerInfo, connectTCP, listenTCP, toDuplex } from 'rxstream';
 * import { firstValueFrom } from 'rxjs';
 *
 * const app = http.createServer((req, res) => res.end(`hello ${req.url}`));
 * const server = new ServerInfo();
 * const accepting = listenTCP(0, '127.0.0.1', { server }).subscribe((s) =>
 *   app.emit('connection', toDuplex(s)),
 * );
 * const { port: appPort } = (await firstValueFrom(server.address$)) as AddressInfo;
 * const body = await new Promise<string>((resolve, reject) => {
 *   const createConnection = () => toDuplex(connectTCP(appPort, '127.0.0.1'));
 *   http
 *     .get({ path: '/docs', createConnection }, (res) => {
 *       let text = '';
 *       res.setEncoding('utf8').on('data', (d: string) => (text += d));
 *       res.on('end', () => resolve(text));
 *     })
 *     .on('error', reject);
 * });
 * assert.equal(body, 'hello /docs');
 * accepting.unsubscribe();
 * ```
 */
export function toDuplex(
  source: Stream | Observable<Stream>,
  options?: ToDuplexOptions,
): SocketDuplex {
  return new SocketDuplex(source, options);
}
