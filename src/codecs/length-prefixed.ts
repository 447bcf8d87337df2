/**
 * {@link lengthPrefixed}: frames after a length header (tokio-util's
 * `LengthDelimitedCodec`, Netty's `LengthFieldBasedFrameDecoder` and
 * `LengthFieldPrepender`, `it-length-prefixed` with `'varint'`).
 *
 * @module
 */
import { invalid } from '../errors';
import {
  bufferFrame,
  frameTooLong,
  maxLengthOption,
  type Codec,
  type CodecOptions,
  type Decoded,
  type Decoder,
} from './codec';

/**
 * Default {@link LengthPrefixedOptions.maxLength}: 8 MiB (tokio-util's).
 *
 * @example
 * ```ts
 * lengthPrefixed({ maxLength: 8 * DEFAULT_MAX_FRAME_LENGTH }); // payloads up to 64 MiB
 * ```
 */
export const DEFAULT_MAX_FRAME_LENGTH = 8 * 1024 * 1024;

/**
 * Size of the length header in bytes, or `'varint'` (unsigned LEB128, as protobuf).
 *
 * @example
 * ```ts
 * const header: LengthHeader = 'varint';
 * lengthPrefixed({ header });
 * ```
 */
export type LengthHeader = 1 | 2 | 4 | 8 | 'varint';

/**
 * Options of {@link lengthPrefixed}.
 *
 * @example
 * ```ts
 * // A 2-byte little-endian length that counts itself; payloads up to 1 KiB.
 * const options: LengthPrefixedOptions = {
 *   header: 2,
 *   littleEndian: true,
 *   lengthIncludesHeader: true,
 *   maxLength: 1024,
 * };
 * stream.frames(lengthPrefixed(options)).subscribe();
 * ```
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { lengthPrefixed } from 'rxstream';
 *
 * // The length field leaves out a 1-byte type tag after the header: frames are tag + body.
 * const codec = lengthPrefixed({ header: 2, lengthAdjustment: 1 });
 * const wire = codec.encode(Buffer.from('Xhello'));
 * assert.equal(wire.readUInt16BE(0), 5); // the field counts 'hello' only
 * assert.equal(String(codec.decoder().decode(wire, 0)?.frame), 'Xhello');
 * ```
 */
export interface LengthPrefixedOptions extends CodecOptions {
  /** The length field: 1, 2, 4 (default) or 8 bytes, or `'varint'`. */
  header?: LengthHeader;
  /** Fixed-size fields are little-endian (default false: network order). Not with `'varint'`. */
  littleEndian?: boolean;
  /** The length field counts its own bytes too (default false). Not with `'varint'`. */
  lengthIncludesHeader?: boolean;
  /**
   * Added to the length field to get the payload length, as Netty's and
   * tokio's `lengthAdjustment` (an integer, default 0): payload = field +
   * lengthAdjustment − (lengthIncludesHeader ? header : 0).
   */
  lengthAdjustment?: number;
  /**
   * Longest payload in bytes, checked after the adjustment (default 8 MiB,
   * or less when the header cannot express that much).
   */
  maxLength?: number;
}

interface Layout {
  readonly size: number; // header bytes (0: varint)
  readonly littleEndian: boolean;
  readonly delta: number; // payload = field + delta
  readonly maxLength: number;
  readonly allowPartial: boolean;
}

const VARINT_MAX_BYTES = 8; // 56 bits: past 2^53 a length is refused anyway

/**
 * A codec of length-prefixed frames: a length header, then that many bytes
 * of payload. Frames are the payloads (zero-copy views where a frame lies in
 * one received chunk); encoding prepends the header.
 *
 * - Decoding: a header announcing a payload longer than `maxLength` (default
 *   8 MiB) errors with `StreamError` status Invalid (code 3) before any of it
 *   is buffered, as does one giving a negative length. At the peer's end of
 *   stream a truncated frame errors with status StreamClosed (code 2); with
 *   `allowPartial: true` its payload bytes are emitted (all the bytes left,
 *   when even the header is incomplete).
 * - Encoding: a payload longer than `maxLength`, or too short to express
 *   with a positive `lengthAdjustment`, is refused with `StreamError` Invalid.
 * - Options that cannot be satisfied together are refused at creation with
 *   `StreamError` Invalid (tokio#5080): a `maxLength` the header cannot
 *   express, `'varint'` with `littleEndian` or `lengthIncludesHeader`, an
 *   adjustment that leaves no payload length expressible.
 *
 * @param options - header, littleEndian, lengthIncludesHeader, lengthAdjustment, maxLength, allowPartial
 * @returns a `Codec<Buffer>`
 * @throws StreamError status Invalid when the options are out of range or conflict
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { encode, lengthPrefixed, memoryPair } from 'rxstream';
 * import { firstValueFrom, map, of, toArray } from 'rxjs';
 *
 * const codec = lengthPrefixed({ header: 2, maxLength: 4096 });
 * const [a, b] = memoryPair();
 * of({ op: 'ping' }, { op: 'quit' })
 *   .pipe(map((m) => Buffer.from(JSON.stringify(m))), encode(codec), (bytes$) => a.writeFrom(bytes$))
 *   .subscribe({ complete: () => a.shutdownWrite() });
 * const ops = b.frames(codec).pipe(map((payload) => JSON.parse(payload.toString()).op), toArray());
 * assert.deepEqual(await firstValueFrom(ops), ['ping', 'quit']);
 * ```
 */
export function lengthPrefixed(options: LengthPrefixedOptions = {}): Codec<Buffer> {
  const layout = layoutOf(options);
  return {
    maxLength: layout.maxLength,
    decoder: () => new LengthDecoder(layout),
    encode: (frame: Buffer) => encodeFrame(bufferFrame(frame), layout),
  };
}

function layoutOf(options: LengthPrefixedOptions): Layout {
  const header = options.header ?? 4;
  if (header !== 1 && header !== 2 && header !== 4 && header !== 8 && header !== 'varint') {
    throw invalid(`header must be 1, 2, 4, 8 or 'varint', got ${String(header)}`);
  }
  const adjust = options.lengthAdjustment ?? 0;
  if (typeof adjust !== 'number' || !Number.isSafeInteger(adjust)) {
    throw invalid(`lengthAdjustment must be an integer, got ${String(adjust)}`);
  }
  const size = header === 'varint' ? 0 : header;
  if (size === 0 && (options.littleEndian === true || options.lengthIncludesHeader === true)) {
    throw invalid("header 'varint' has no byte order and no fixed size to include");
  }
  const delta = adjust - (options.lengthIncludesHeader === true ? size : 0);
  const maxField = size === 0 || size === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * size) - 1;
  const expressible = maxField + delta; // the longest payload the header can announce
  const minPayload = Math.max(0, delta); // payloads shorter than this need a negative field
  if (expressible < 0) {
    throw invalid('lengthAdjustment and lengthIncludesHeader leave no payload length expressible');
  }
  const maxLength = maxLengthOption(
    options.maxLength,
    DEFAULT_MAX_FRAME_LENGTH,
    Math.min(expressible, Number.MAX_SAFE_INTEGER),
  );
  if (maxLength < minPayload) {
    throw invalid(`lengthAdjustment ${adjust} makes every payload up to maxLength inexpressible`);
  }
  return {
    size,
    littleEndian: options.littleEndian === true,
    delta,
    maxLength,
    allowPartial: options.allowPartial === true,
  };
}

class LengthDecoder implements Decoder<Buffer> {
  readonly #l: Layout;
  #headerBytes = -1; // of the frame at the front, once its header is parsed
  #payload = 0;
  readonly #out: Decoded<Buffer> = { frame: Buffer.alloc(0), consumed: 0 };

  constructor(layout: Layout) {
    this.#l = layout;
  }

  decode(bytes: Buffer, start: number): Decoded<Buffer> | null {
    if (this.#headerBytes < 0 && !this.#parseHeader(bytes, start)) return null;
    const total = this.#headerBytes + this.#payload;
    if (bytes.length - start < total) return null;
    this.#out.frame = bytes.subarray(start + this.#headerBytes, start + total);
    this.#out.consumed = total;
    this.#headerBytes = -1;
    return this.#out;
  }

  finish(bytes: Buffer, start: number): Decoded<Buffer> | null {
    if (!this.#l.allowPartial) return null;
    const skip = this.#headerBytes < 0 ? 0 : this.#headerBytes;
    this.#headerBytes = -1;
    this.#out.frame = bytes.subarray(start + skip);
    this.#out.consumed = bytes.length - start;
    return this.#out;
  }

  /** Reads the header at `bytes[start]`; false when it is not all there yet. */
  #parseHeader(bytes: Buffer, start: number): boolean {
    const l = this.#l;
    let field: number;
    let size = l.size;
    if (size === 0) {
      const v = readVarint(bytes, start);
      if (v === null) return false;
      [field, size] = v;
    } else {
      if (bytes.length - start < size) return false;
      field = readFixed(bytes, start, size, l.littleEndian);
    }
    const payload = field + l.delta;
    if (payload < 0) throw invalid(`length field ${field} gives a negative payload length`);
    if (payload > l.maxLength) throw frameTooLong(payload, l.maxLength);
    this.#headerBytes = size;
    this.#payload = payload;
    return true;
  }
}

function readFixed(bytes: Buffer, at: number, size: number, le: boolean): number {
  switch (size) {
    case 1:
      return bytes[at];
    case 2:
      return le ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at);
    case 4:
      return le ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
    default: {
      const big = le ? bytes.readBigUInt64LE(at) : bytes.readBigUInt64BE(at);
      return big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(big);
    }
  }
}

/** An unsigned LEB128 at `bytes[at]`: [value, bytes used], or null when incomplete. */
function readVarint(bytes: Buffer, at: number): [number, number] | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; at + i < bytes.length; i += 1) {
    const b = bytes[at + i];
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, i + 1];
    scale *= 128;
    if (i + 1 >= VARINT_MAX_BYTES) throw invalid('varint length header longer than 8 bytes');
  }
  return null;
}

function encodeFrame(payload: Buffer, l: Layout): Buffer {
  if (payload.length > l.maxLength) throw frameTooLong(payload.length, l.maxLength);
  const field = payload.length - l.delta;
  if (field < 0) throw invalid(`a payload of ${payload.length} bytes cannot be expressed`);
  const size = l.size === 0 ? varintSize(field) : l.size;
  const out = Buffer.allocUnsafe(size + payload.length);
  writeHeader(out, field, size, l);
  payload.copy(out, size);
  return out;
}

function writeHeader(out: Buffer, field: number, size: number, l: Layout): void {
  if (l.size === 0) {
    let v = field;
    for (let i = 0; i < size; i += 1) {
      const low = v % 128;
      v = Math.floor(v / 128);
      out[i] = i + 1 < size ? low | 0x80 : low;
    }
    return;
  }
  if (size === 1) out[0] = field;
  else if (size === 2 && l.littleEndian) out.writeUInt16LE(field, 0);
  else if (size === 2) out.writeUInt16BE(field, 0);
  else if (size === 4 && l.littleEndian) out.writeUInt32LE(field, 0);
  else if (size === 4) out.writeUInt32BE(field, 0);
  else if (l.littleEndian) out.writeBigUInt64LE(BigInt(field), 0);
  else out.writeBigUInt64BE(BigInt(field), 0);
}

function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 128; v = Math.floor(v / 128)) size += 1;
  return size;
}
