/**
 * {@link delimited}: frames between delimiters (tokio-util's
 * `AnyDelimiterCodec`, Netty's `DelimiterBasedFrameDecoder`, one delimiter).
 *
 * @module
 */
import { invalid } from '../errors';
import {
  bufferFrame,
  bytesOption,
  frameTooLong,
  maxLengthOption,
  type Codec,
  type CodecOptions,
  type Decoded,
  type Decoder,
} from './codec';

/**
 * Default {@link CodecOptions.maxLength} of {@link delimited}: 64 KiB.
 *
 * @example
 * ```ts
 * delimited('\0', { maxLength: 16 * DEFAULT_MAX_DELIMITED_LENGTH }); // frames up to 1 MiB
 * ```
 */
export const DEFAULT_MAX_DELIMITED_LENGTH = 64 * 1024;

/**
 * A codec of the Buffers between delimiters (the delimiter is not part of
 * a frame; a string delimiter is UTF-8).
 *
 * - Decoding: frames are zero-copy views where they lie inside one received
 *   chunk. A frame longer than `maxLength` bytes (default 64 KiB) errors with
 *   `StreamError` status Invalid (code 3) as soon as that many bytes arrived
 *   without a delimiter. At the peer's end of stream, bytes after the last
 *   delimiter error with status StreamClosed (code 2), or are emitted as a
 *   last frame with `allowPartial: true`.
 * - Encoding: the frame plus the delimiter. A frame holding the delimiter,
 *   or longer than `maxLength`, is refused with `StreamError` Invalid.
 *
 * @param delimiter - the bytes that end a frame (non-empty)
 * @param options - maxLength, allowPartial
 * @returns a `Codec<Buffer>`
 * @throws StreamError status Invalid for an empty delimiter or options out of range
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { delimited, memoryPair } from 'rxstream';
 * import { firstValueFrom, map, toArray } from 'rxjs';
 *
 * const [a, b] = memoryPair();
 * a.writeAll(Buffer.from('one\0two\0')).subscribe({ complete: () => a.shutdownWrite() });
 * const frames = b.frames(delimited('\0')).pipe(map(String), toArray());
 * assert.deepEqual(await firstValueFrom(frames), ['one', 'two']);
 * ```
 */
export function delimited(
  delimiter: Uint8Array | string,
  options: CodecOptions = {},
): Codec<Buffer> {
  const delim = Buffer.from(bytesOption(delimiter, 'delimiter')); // our own copy
  const maxLength = maxLengthOption(options.maxLength, DEFAULT_MAX_DELIMITED_LENGTH);
  const allowPartial = options.allowPartial === true;
  return {
    maxLength,
    decoder: () => new DelimitedDecoder(delim, maxLength, allowPartial),
    encode(frame: Buffer): Buffer {
      const body = bufferFrame(frame);
      if (body.length > maxLength) throw frameTooLong(body.length, maxLength);
      const out = Buffer.allocUnsafe(body.length + delim.length);
      body.copy(out, 0);
      delim.copy(out, body.length);
      // Also a delimiter that would straddle the frame's end ('xa' + 'aa'): it would cut early.
      if (out.indexOf(delim) !== body.length) {
        throw invalid('a frame to encode holds the delimiter');
      }
      return out;
    },
  };
}

class DelimitedDecoder implements Decoder<Buffer> {
  #scanned = 0;
  readonly #out: Decoded<Buffer> = { frame: Buffer.alloc(0), consumed: 0 };

  constructor(
    readonly delim: Buffer,
    readonly maxLength: number,
    readonly allowPartial: boolean,
  ) {}

  decode(bytes: Buffer, start: number): Decoded<Buffer> | null {
    const dlen = this.delim.length;
    const at = bytes.indexOf(this.delim, start + Math.max(0, this.#scanned - dlen + 1));
    if (at === -1) {
      this.#scanned = bytes.length - start;
      // Up to delimiter length - 1 trailing bytes may be the start of a delimiter.
      const soFar = this.#scanned - dlen + 1;
      if (soFar > this.maxLength) throw frameTooLong(`at least ${soFar}`, this.maxLength);
      return null;
    }
    if (at - start > this.maxLength) throw frameTooLong(at - start, this.maxLength);
    this.#scanned = 0;
    this.#out.frame = bytes.subarray(start, at);
    this.#out.consumed = at + dlen - start;
    return this.#out;
  }

  finish(bytes: Buffer, start: number): Decoded<Buffer> | null {
    if (!this.allowPartial) return null;
    this.#out.frame = bytes.subarray(start);
    this.#out.consumed = bytes.length - start;
    return this.#out;
  }
}
