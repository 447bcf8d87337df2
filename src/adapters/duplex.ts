/**
 * {@link toDuplex}: a stream as a Node `Duplex`, for `pipeline()`.
 *
 * @module
 */
import { Duplex } from 'node:stream';
import { take, type Subscription } from 'rxjs';
import { own } from './own';
import { StreamState } from '../status';
import type { Stream } from '../stream';

/**
 * A Node `Duplex` over a stream, for `stream.pipeline()` and libraries that
 * want Node streams. Backpressure both ways:
 *
 * - reading: `_read()` takes one chunk from `stream.reads$` (zero-copy) and
 *   only when Node asks for more, so a slow consumer leaves bytes in the
 *   stream (bounded by its `readBufferSize` plus the Duplex's
 *   `readableHighWaterMark`); the Duplex ends at the peer's end of stream;
 * - writing: `_write()` uses `writeAll`, so Node buffers no more than
 *   `writableHighWaterMark` above a full send buffer and `write()` returns
 *   false while the peer does not read;
 * - `end()` half-closes (`shutdownWrite()` once the bytes reached the
 *   kernel); the Duplex is half-open (`allowHalfOpen`), as the stream is.
 *
 * The Duplex owns the stream (it is put in async mode at once, so the
 * socket is the stream's): destroying the Duplex — explicitly, on error,
 * or automatically once both sides are done — calls `stream.destroy()`. A
 * fatal stream error destroys the Duplex with the `StreamError`.
 *
 * @param stream - the stream to wrap
 * @returns a Node `Duplex` of Buffers
 *
 * @example
 * ```ts
 * await pipeline(fs.createReadStream('big.bin'), toDuplex(stream), fs.createWriteStream('echo.bin'));
 * ```
 */
export function toDuplex(stream: Stream): Duplex {
  own(stream);
  let reading: Subscription | null = null;
  return new Duplex({
    allowHalfOpen: true,
    read(this: Duplex) {
      if (reading !== null) return;
      let ended = false;
      let got: Buffer | null = null;
      const sub = stream.reads$.pipe(take(1)).subscribe({
        next: (chunk) => (got = chunk),
        complete: () => (ended = true),
        error: (error: Error) => {
          reading = null;
          this.destroy(error);
        },
      });
      // Pushed from a finalizer, run once take(1) has let go of reads$: a push may call read() again.
      sub.add(() => {
        if (!ended) return;
        reading = null;
        this.push(got);
      });
      if (!sub.closed) reading = sub;
    },
    write(chunk: Buffer, _encoding, callback) {
      stream.writeAll(chunk).subscribe({ complete: () => callback(), error: callback });
    },
    final(callback) {
      stream.flush().subscribe({
        complete: () => {
          if (stream.state === StreamState.Open) stream.shutdownWrite();
          callback();
        },
        error: callback,
      });
    },
    destroy(error, callback) {
      reading?.unsubscribe();
      reading = null;
      stream.destroy();
      callback(error);
    },
  });
}
