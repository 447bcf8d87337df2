/**
 * The rxstream side: the same jobs as `raw-net.ts`, written the way the
 * library's docs show (connect helpers, `reads$`, `writeAll` + `concatMap`).
 * Imports the real library from `../src` (compiled by ts-node at load).
 */
import { concat, concatMap, filter, firstValueFrom, lastValueFrom, range, timeout } from 'rxjs';
import { Status, connectTCP, connectTLS, type Stream } from '../src';
import { ACK, HOST, encodeRequest } from './protocol';
import { elapsedSince, now } from './timing';

/** Opens a TCP stream to the peer. */
export function connectRx(port: number): Promise<Stream> {
  return firstValueFrom(connectTCP(port, HOST));
}

/** Opens a TLS stream to the peer, verifying its certificate against `ca`. */
export function connectRxTls(port: number, ca: string): Promise<Stream> {
  return firstValueFrom(connectTLS({ port, host: HOST, ca, servername: 'localhost' }));
}

/** Asks a source for `bytes` and counts `reads$` chunks until it completes; returns [bytes, seconds]. */
export async function rxReceive(stream: Stream, bytes: number): Promise<[number, number]> {
  const t0 = now();
  let got = 0;
  const done = new Promise<void>((resolve, reject) => {
    stream.reads$.subscribe({
      next: (chunk) => (got += chunk.length),
      complete: resolve,
      error: reject,
    });
  });
  await lastValueFrom(stream.writeAll(encodeRequest(bytes)));
  await done;
  return [got, elapsedSince(t0)];
}

/** Resolves when the sink's ACK byte arrives. */
export function rxAwaitAck(stream: Stream): Promise<Buffer> {
  return firstValueFrom(stream.reads$.pipe(filter((chunk) => chunk.includes(ACK))));
}

/**
 * `writeAll(pick(i))` for i in [0, count), one after another with `concatMap`.
 * With `batch`, an outer `concatMap` feeds the inner one `batch` indices at a
 * time: a synchronous source of a million values would otherwise sit in
 * concatMap's buffer, whose `Array#shift` is O(n) per value at that size.
 */
export function writeEach(
  stream: Stream,
  count: number,
  pick: (i: number) => Buffer,
  batch?: number,
) {
  const each = (from: number, n: number) =>
    range(from, n).pipe(concatMap((i) => stream.writeAll(pick(i))));
  if (batch === undefined) return each(0, count);
  const batches = Math.ceil(count / batch);
  return range(0, batches).pipe(
    concatMap((b) => each(b * batch, Math.min(batch, count - b * batch))),
  );
}

/** Sends the header, then `count` buffers with `writeAll` in a `concatMap`; resolves on the ACK. */
export async function rxSend(
  stream: Stream,
  count: number,
  pick: (i: number) => Buffer,
  totalBytes: number,
  batch?: number,
): Promise<number> {
  const t0 = now();
  const acked = rxAwaitAck(stream);
  acked.catch(() => undefined); // awaited below; a write failure must not leave it unhandled
  const watch = stallWatch(stream);
  try {
    const sent = lastValueFrom(
      concat(stream.writeAll(encodeRequest(totalBytes)), writeEach(stream, count, pick, batch)),
    );
    await Promise.race([sent, watch.stalled]);
    await Promise.race([acked, watch.stalled]);
  } finally {
    watch.stop();
  }
  return elapsedSince(t0);
}

/**
 * Drains with `tryRead` into `buf` (each call from offset 0) while data is
 * there, or until `max` bytes: `readable$` is an edge, so a reader woken by
 * it leaves no bytes behind unless it means to (the slow consumer). Returns
 * the bytes read and whether the stream is at its end; throws on any other
 * status.
 */
export function drainTryRead(stream: Stream, buf: Uint8Array, max = Infinity): [number, boolean] {
  let got = 0;
  while (got < max) {
    const r = stream.tryRead(buf, Math.min(buf.length, max - got));
    if (r.status === Status.OK) {
      if (r.bytes === 0) return [got, false];
      got += r.bytes;
    } else if (r.status === Status.StreamClosed) {
      return [got, true];
    } else if (r.status === Status.WouldBlock) {
      return [got, false];
    } else {
      throw new Error(`tryRead: ${r.status}`);
    }
  }
  return [got, false];
}

/** Releases a stream (async mode: closes its socket). */
export function closeRx(stream: Stream): void {
  stream.destroy();
}

/**
 * Connects, runs `job`, and releases the stream whatever happens. A stream
 * still in sync mode is closed with `close()` first: its `destroy()` would
 * hand back (and so leak) the socket `connectTCP` made.
 */
export async function withStream<T>(
  connect: Promise<Stream>,
  job: (s: Stream) => Promise<T>,
): Promise<T> {
  const stream = await connect;
  try {
    return await job(stream);
  } finally {
    if (stream.mode === 'sync') {
      await lastValueFrom(stream.close().pipe(timeout(5000))).catch(() => undefined);
    }
    stream.destroy();
  }
}

/** Rejects when `stream.bytesWritten` has not moved for `ms` (a stalled write pipeline). */
export function stallWatch(stream: Stream, ms = 5000): { stalled: Promise<never>; stop(): void } {
  let last = -1;
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (stream.bytesWritten === last) {
        reject(new Error(`write pipeline stalled at bytesWritten=${last}`));
      }
      last = stream.bytesWritten;
    }, ms);
  });
  stalled.catch(() => undefined);
  return { stalled, stop: () => clearInterval(timer) };
}

/**
 * Sends the header, then `count` buffers with `tryWrite`, waiting on
 * `writable$` when the send buffer is full; resolves on the ACK.
 */
export async function rxTrySend(
  stream: Stream,
  count: number,
  pick: (i: number) => Buffer,
  totalBytes: number,
): Promise<number> {
  const t0 = now();
  const acked = rxAwaitAck(stream);
  acked.catch(() => undefined);
  stream.tryWrite(encodeRequest(totalBytes));
  await new Promise<void>((resolve, reject) => {
    let i = 0;
    let partial = 0;
    const sub = stream.writable$.subscribe(() => {
      while (i < count) {
        const buf = pick(i);
        const r = stream.tryWrite(partial ? buf.subarray(partial) : buf);
        if (r.status !== Status.OK) return reject(new Error(`tryWrite: ${r.status}`));
        if (r.bytes === 0) return;
        partial = partial + r.bytes === buf.length ? 0 : partial + r.bytes;
        if (partial === 0) i++;
      }
      resolve();
      queueMicrotask(() => sub.unsubscribe());
    });
  });
  await acked;
  return elapsedSince(t0);
}
