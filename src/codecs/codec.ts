/**
 * {@link Codec}: the interface of the protocol layer, and the option and
 * error helpers every built-in codec shares.
 *
 * @module
 */
import { Status } from '../status';
import { StreamError, invalid } from '../errors';

/**
 * One frame found by a {@link Decoder}: the frame, and how many bytes from
 * `start` it used (its header, payload and delimiter).
 *
 * @example
 * ```ts
 * const found: Decoded<string> = { frame: 'PING', consumed: 5 }; // "PING\n"
 * ```
 */
export interface Decoded<T> {
  /** The decoded frame. */
  frame: T;
  /** Bytes used from `start`: at least 1, at most `bytes.length - start`. */
  consumed: number;
}

/**
 * An incremental decoder: bytes in, frames out, one at a time. Made fresh
 * by {@link Codec.decoder} for each `frames()` subscription.
 *
 * The driver (`stream.frames`) calls `decode(bytes, start)` where
 * `bytes[start..]` is every byte received and not yet used by a frame (the
 * bytes before `start` are not the decoder's to read). Passing an offset
 * rather than a fresh view per frame keeps many small frames cheap. The
 * contract:
 *
 * - Return `null` when `bytes[start..]` holds no whole frame yet. The next
 *   call's `bytes[start..]` holds the same bytes with more appended (maybe in
 *   another Buffer, at another `start`), so a decoder may keep state about
 *   what it has already scanned, counted from `start`.
 * - Return a {@link Decoded} for the frame at `start`; the next call's
 *   `start` is right after its `consumed` bytes. The driver reads the result
 *   before calling again, so the same object may be returned each time.
 * - Throw (a `StreamError`, by convention status `Invalid`) when the bytes
 *   cannot be a frame, or a frame would be longer than `maxLength`: the
 *   subscription errors with what was thrown, and the bytes stay in the
 *   stream.
 *
 * `bytes` may be a view of received memory: copy what a frame must keep
 * past the next call only if it is not a view of `bytes` (views are fine:
 * the driver never writes over bytes it has passed to `decode`).
 *
 * @example
 * ```ts
 * // Frames of one length byte, then that many bytes.
 * const tiny: Decoder<Buffer> = {
 *   decode(bytes, start) {
 *     if (bytes.length - start < 1 || bytes.length - start < 1 + bytes[start]) return null;
 *     return { frame: bytes.subarray(start + 1, start + 1 + bytes[start]), consumed: 1 + bytes[start] };
 *   },
 * };
 * ```
 */
export interface Decoder<T> {
  /**
   * The next frame at `bytes[start]`, or null when more bytes are needed.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { delimited } from 'rxstream';
   *
   * const decoder = delimited(';').decoder();
   * const wire = Buffer.from('a;bc;d');
   * const first = decoder.decode(wire, 0);
   * assert.equal(String(first?.frame), 'a');
   * const second = decoder.decode(wire, first?.consumed ?? 0); // start right after it
   * assert.equal(String(second?.frame), 'bc');
   * assert.equal(decoder.decode(wire, 5), null); // 'd' is no whole frame yet
   * ```
   */
  decode(bytes: Buffer, start: number): Decoded<T> | null;
  /**
   * At the end of stream, with the bytes left over (`bytes[start..]`, never empty): a last
   * frame made of them, or null. Called again while bytes remain and it
   * returns frames. When it is absent or returns null with bytes left, the
   * subscription errors with a partial-frame `StreamError` (status
   * StreamClosed, code 2). Built-in codecs emit the rest here only with
   * `allowPartial`.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { lines } from 'rxstream';
   *
   * const left = Buffer.from('last line, no ending');
   * assert.equal(lines().decoder().finish?.(left, 0), null); // the stream would error: partial frame
   * assert.equal(lines({ allowPartial: true }).decoder().finish?.(left, 0)?.frame, 'last line, no ending');
   * ```
   */
  finish?(bytes: Buffer, start: number): Decoded<T> | null;
}

/**
 * A framing codec: how frames of type `T` are cut from a byte stream and
 * turned back into bytes. Built-in: {@link lines}, {@link delimited},
 * {@link lengthPrefixed}; use one with `stream.frames(codec)`,
 * {@link encode}, {@link request}.
 *
 * Writing one: `decoder()` returns a fresh {@link Decoder} (state of one
 * subscription), `encode(frame)` returns the bytes of one frame (throw a
 * `StreamError` Invalid for a frame that cannot be encoded), and
 * `maxLength` bounds what the driver buffers for one frame (it errors, status
 * Invalid, when more than `maxLength` + 64 KiB bytes are left without a
 * frame, even if the decoder forgot to check). See the README's "Writing a
 * codec" for a worked RESP example.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { encode, memoryPair, type Codec } from 'rxstream';
 * import { firstValueFrom, map, of, toArray } from 'rxjs';
 *
 * // Frames of exactly 4 bytes (a fixed-size codec).
 * const fixed4: Codec<Buffer> = {
 *   maxLength: 4,
 *   decoder: () => ({
 *     decode: (bytes, start) =>
 *       bytes.length - start < 4 ? null : { frame: bytes.subarray(start, start + 4), consumed: 4 },
 *   }),
 *   encode: (frame) => Buffer.from(frame),
 * };
 * const [a, b] = memoryPair();
 * of(Buffer.from('abcd'), Buffer.from('efgh'))
 *   .pipe(encode(fixed4), (bytes$) => a.writeFrom(bytes$))
 *   .subscribe({ complete: () => a.shutdownWrite() });
 * const frames = await firstValueFrom(b.frames(fixed4).pipe(map(String), toArray()));
 * assert.deepEqual(frames, ['abcd', 'efgh']);
 * ```
 */
export interface Codec<T> {
  /** Longest frame accepted, in bytes (as the codec counts them). */
  readonly maxLength: number;
  /**
   * A fresh decoder for one subscription.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { lines } from 'rxstream';
   *
   * const d = lines().decoder(); // one per subscription: it may keep state
   * const wire = Buffer.from('PING\nPO');
   * assert.deepEqual(d.decode(wire, 0), { frame: 'PING', consumed: 5 });
   * assert.equal(d.decode(wire, 5), null); // 'PO' needs more bytes
   * ```
   */
  decoder(): Decoder<T>;
  /**
   * The bytes of one frame. Throws `StreamError` Invalid when `frame` cannot be encoded.
   *
   * @example
   * ```ts
   * stream.writeAll(lengthPrefixed({ header: 2 }).encode(Buffer.from('{"op":"ping"}'))).subscribe();
   * ```
   */
  encode(frame: T): Buffer;
  /**
   * True when no frame and no decoder state refers to the bytes `decode`
   * and `finish` were given once they return: frames are strings, numbers,
   * parsed objects or copies (`lines()` with a text encoding). The stream may
   * then decode straight out of its socket's read buffer and copy only the
   * bytes of an unfinished frame, instead of copying every received chunk
   * into memory of its own first. Default false: frames may be views of the
   * received bytes (zero-copy), which therefore must outlive the call.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { lines, type Codec } from 'rxstream';
   *
   * assert.equal(lines().independentFrames, true); // string lines copy their bytes
   * assert.equal(lines({ encoding: 'buffer' }).independentFrames, false); // views
   * // A codec whose frames are numbers keeps nothing of the bytes it read:
   * const u32: Codec<number> = {
   *   maxLength: 4,
   *   independentFrames: true,
   *   decoder: () => ({
   *     decode: (bytes, start) =>
   *       bytes.length - start < 4 ? null : { frame: bytes.readUInt32BE(start), consumed: 4 },
   *   }),
   *   encode: (n) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]),
   * };
   * assert.equal(u32.decoder().decode(Buffer.from([0, 0, 1, 0]), 0)?.frame, 256);
   * ```
   */
  readonly independentFrames?: boolean;
}

/**
 * Options every built-in codec takes.
 *
 * @example
 * ```ts
 * const options: CodecOptions = { maxLength: 4096, allowPartial: true };
 * stream.frames(delimited('\0', options)).subscribe();
 * ```
 */
export interface CodecOptions {
  /**
   * Longest frame accepted (decoding) and produced (encoding), in bytes of
   * payload (without delimiter or header). A longer frame errors with
   * `StreamError` status Invalid (code 3); memory stays bounded by it.
   */
  maxLength?: number;
  /**
   * Emit the bytes left at the peer's end of stream as one last frame,
   * instead of erroring with status StreamClosed (code 2). Default false.
   */
  allowPartial?: boolean;
}

/** Slack the frames driver allows past `maxLength` for headers and delimiters. */
export const FRAME_OVERHEAD = 64 * 1024;

/** Checks a `maxLength` option; throws Invalid. */
export function maxLengthOption(value: unknown, fallback: number, limit = 2 ** 53 - 1): number {
  if (value === undefined) return Math.min(fallback, limit);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(`maxLength must be a positive integer, got ${String(value)}`);
  }
  if (value > limit) {
    throw invalid(`maxLength ${value} is more than the header can express (${limit})`);
  }
  return value;
}

/** The error of a frame longer than `maxLength` (status Invalid, code 3). */
export function frameTooLong(length: number | string, maxLength: number): StreamError {
  return invalid(`frame of ${length} bytes is longer than maxLength (${maxLength})`);
}

/** The error of bytes left at the end of stream that make no whole frame (code 2). */
export function partialFrame(left: number): StreamError {
  return new StreamError(
    Status.StreamClosed,
    `end of stream inside a frame: ${left} bytes make no whole frame`,
  );
}

/** Bytes of a string or Uint8Array option; throws Invalid for anything else or empty. */
export function bytesOption(value: unknown, what: string): Buffer {
  if (typeof value === 'string') {
    if (value.length > 0) return Buffer.from(value, 'utf8');
  } else if (value instanceof Uint8Array) {
    if (value.length > 0) return Buffer.from(value.buffer, value.byteOffset, value.length);
  }
  throw invalid(`${what} must be a non-empty string or Uint8Array`);
}

/** Throws Invalid when `frame` is not a Uint8Array. */
export function bufferFrame(frame: unknown): Buffer {
  if (!(frame instanceof Uint8Array)) throw invalid('a frame to encode must be a Uint8Array');
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.length);
}

/** True when `value` looks like a {@link Codec} (has `decoder` and `encode` functions). */
export function isCodec(value: unknown): value is Codec<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<Codec<unknown>>;
  return typeof c.decoder === 'function' && typeof c.encode === 'function';
}
