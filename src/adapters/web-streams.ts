/**
 * {@link toWebStreams}: a stream as a WHATWG `{ readable, writable }` pair.
 *
 * @module
 */
import { ReadableStream, WritableStream } from 'node:stream/web';
import { lastValueFrom, take, type Subscription } from 'rxjs';
import { own } from './own';
import { StreamState } from '../status';
import type { Stream } from '../stream';

/**
 * The two halves of {@link toWebStreams}, shaped like a `TransformStream` / WebSocketStream pair.
 *
 * @example
 * ```ts
 * const pair: WebStreamPair = toWebStreams(stream);
 * const reader = pair.readable.getReader(); // each read() takes one chunk from the stream
 * const writer = pair.writable.getWriter(); // write() waits while the send buffer is full
 * ```
 */
export interface WebStreamPair {
  /** What the peer sends. Ends at the peer's end of stream; errors with the `StreamError`. */
  readonly readable: ReadableStream<Uint8Array>;
  /** What to send. `close()` half-closes (shutdownWrite), `abort()` destroys the stream. */
  readonly writable: WritableStream<Uint8Array>;
}

/**
 * Web Streams over a stream, with backpressure both ways and no hidden
 * buffer.
 *
 * **readable**: pull-based with `highWaterMark` 0: each read request takes
 * exactly one chunk from `stream.reads$` (zero-copy), so nothing is read
 * before someone asks, a slow consumer leaves bytes in the stream (bounded by
 * its `readBufferSize`) and a reader that releases its lock loses nothing.
 * It closes at the peer's end of stream and errors with the `StreamError`
 * (code 1) on a fatal error. `cancel()` stops reading and leaves the stream
 * open with its unread bytes (the writable may still be in use).
 *
 * **writable**: each chunk is written with `writeAll`, so `write()` (and
 * `writer.ready`) waits while the send buffer is full — a peer that does not
 * read holds the writer back. `close()` calls `shutdownWrite()` (FIN after
 * every accepted byte; reads go on) and resolves once those bytes reached
 * the kernel; when the peer has ended too, the stream moves to Closed by
 * itself. `abort()` calls `destroy()`. A refused or failed write errors the
 * writable with the `StreamError`.
 *
 * The pair owns the stream: it is put in async mode at once (so `abort()`
 * closes the socket). While the readable has a pending read the stream's read side is busy, and
 * while a chunk is being written its write side is (one operation per direction).
 *
 * @param stream - the stream to wrap
 * @returns `{ readable, writable }`
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { TextDecoderStream } from 'node:stream/web';
 * import { connectTCP, toWebStreams } from 'rxstream';
 * import { firstValueFrom } from 'rxjs';
 *
 * const { readable, writable } = toWebStreams(await firstValueFrom(connectTCP(port, '127.0.0.1')));
 * const writer = writable.getWriter();
 * await writer.write(new TextEncoder().encode('hello'));
 * await writer.close(); // half-close: the echo server answers, then ends its side
 * let text = '';
 * for await (const part of readable.pipeThrough(new TextDecoderStream())) text += part;
 * assert.equal(text, 'hello');
 * ```
 */
export function toWebStreams(stream: Stream): WebStreamPair {
  own(stream);
  return { readable: readableOf(stream), writable: writableOf(stream) };
}

function readableOf(stream: Stream): ReadableStream<Uint8Array> {
  let reading: { sub: Subscription; done: () => void } | null = null;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        return new Promise<void>((resolve) => {
          let got = false;
          let over = false;
          const end = (): void => {
            over = true;
            reading = null;
            resolve();
          };
          const sub = stream.reads$.pipe(take(1)).subscribe({
            next: (chunk) => {
              got = true;
              controller.enqueue(chunk);
            },
            complete: () => {
              if (!got) controller.close();
              end();
            },
            error: (error: unknown) => {
              controller.error(error);
              end();
            },
          });
          if (!over) reading = { sub, done: resolve };
        });
      },
      cancel() {
        const r = reading;
        reading = null;
        r?.sub.unsubscribe();
        r?.done();
      },
    },
    { highWaterMark: 0 },
  );
}

function writableOf(stream: Stream): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      await lastValueFrom(stream.writeAll(chunk));
    },
    async close() {
      if (stream.state === StreamState.Error && stream.lastError !== null) throw stream.lastError;
      if (stream.state !== StreamState.Open) return;
      stream.shutdownWrite();
      await lastValueFrom(stream.flush(), { defaultValue: undefined });
    },
    abort() {
      stream.destroy();
    },
  });
}
