import type { Stream } from '../stream';

/**
 * Puts a stream in async mode, so that its `destroy()` closes the socket:
 * adapters own the stream they wrap. Uses `flush()`, which completes at once
 * when nothing is pending (and is refused, harmlessly, when the write side
 * is busy — then the stream is in async mode already).
 *
 * (A core `Stream` method to take ownership would make this unnecessary.)
 */
export function own(stream: Stream): void {
  if (stream.mode === 'sync') stream.flush().subscribe({ error: () => undefined });
}
