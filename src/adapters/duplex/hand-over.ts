/**
 * The hand-over of `ToDuplexOptions.handOver`: a connected stream's native
 * socket handle given to a client that drives sockets from C++ (`http2`,
 * `http.Server`'s parser, `tls.connect({ socket })`), with the bytes the
 * stream already read moved ahead of it.
 *
 * @module
 */
import { Status } from '../../status';
import type { Stream } from '../../stream';

/** A chunk the size of one socket read: what a drain copies at a time. */
const DRAIN_CHUNK = 64 * 1024;

/**
 * The stream's native handle, or null when it cannot be handed over now
 * (not a Node socket, not Open, a write pending or unsent, or another
 * consumer reading it). Before it
 * returns the handle, every byte the stream holds is given to `push` in
 * order: the client reads those from the Duplex (Node's `http2` and
 * `http.Server` read what a socket has buffered before they consume its
 * handle) and the rest from the kernel.
 */
export function handOverHandle(stream: Stream, push: (chunk: Buffer) => void): object | null {
  const handle = stream.nativeHandle();
  if (handle === null) return null;
  for (;;) {
    const buf = Buffer.allocUnsafe(DRAIN_CHUNK);
    const r = stream.tryRead(buf);
    if (r.status === Status.Invalid) return null; // someone else reads the stream: keep it
    if (r.status !== Status.OK || r.bytes === 0) break;
    push(buf.subarray(0, r.bytes));
  }
  return handle;
}
