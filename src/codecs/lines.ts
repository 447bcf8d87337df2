/**
 * {@link lines}: the line codec (tokio-util's `LinesCodec`, Netty's
 * `LineBasedFrameDecoder`).
 *
 * @module
 */
import { invalid } from '../errors';
import {
  frameTooLong,
  maxLengthOption,
  type Codec,
  type CodecOptions,
  type Decoded,
  type Decoder,
} from './codec';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Default {@link LinesOptions.maxLength}: 64 KiB.
 *
 * @example
 * ```ts
 * lines({ maxLength: 4 * DEFAULT_MAX_LINE_LENGTH }); // lines up to 256 KiB
 * ```
 */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

/**
 * What ends a line: `'\n'`, `'\r\n'`, or `'any'` (either; the default).
 *
 * @example
 * ```ts
 * const smtp: LineEnding = '\r\n';
 * lines({ ending: smtp });
 * ```
 */
export type LineEnding = '\n' | '\r\n' | 'any';

/**
 * Options of {@link lines}.
 *
 * @example
 * ```ts
 * const options: LinesOptions = { ending: '\r\n', encoding: 'latin1', maxLength: 998 };
 * stream.frames(lines(options)).subscribe();
 * ```
 */
export interface LinesOptions extends CodecOptions {
  /**
   * What ends a line. `'any'` (default): `\n`, with a `\r` before it
   * dropped too; `'\n'`: only `\n` (a `\r` stays in the line); `'\r\n'`:
   * only `\r\n` (a lone `\n` is part of the line). Encoding appends `\r\n`
   * for `'\r\n'`, else `\n`.
   */
  ending?: LineEnding;
  /**
   * How a line's bytes become a frame: a `BufferEncoding` (default `'utf8'`;
   * a character split across chunks is decoded whole, since lines are cut on
   * bytes first), or `'buffer'` for the raw bytes (zero-copy where the line
   * lies inside one received chunk).
   */
  encoding?: BufferEncoding | 'buffer';
  /** Longest line in bytes, without its ending (default 64 KiB). */
  maxLength?: number;
}

/**
 * A line codec: frames are the lines of the stream, without their ending.
 *
 * - Decoding: a line may span any number of chunks and a chunk may hold many
 *   lines. A line longer than `maxLength` bytes (default 64 KiB) errors with
 *   `StreamError` status Invalid (code 3) as soon as that many bytes arrived
 *   without an ending — memory stays bounded. At the peer's end of stream an
 *   unterminated last line errors with status StreamClosed (code 2), or is
 *   emitted with `allowPartial: true`.
 * - Encoding: the line plus its ending. A line that holds the ending, or is
 *   longer than `maxLength`, is refused with `StreamError` Invalid.
 *
 * @param options - ending, encoding (`'buffer'` for Buffer frames), maxLength, allowPartial
 * @returns a `Codec<string>`, or `Codec<Buffer>` with `encoding: 'buffer'`
 * @throws StreamError status Invalid for options that are out of range
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTCP, encode, lines } from 'rxstream';
 * import { firstValueFrom, from, take, toArray } from 'rxjs';
 *
 * const stream = await firstValueFrom(connectTCP(port, '127.0.0.1'));
 * from(['HELLO', 'QUIT']).pipe(encode(lines()), (bytes$) => stream.writeFrom(bytes$)).subscribe();
 * const echoed = await firstValueFrom(stream.frames(lines()).pipe(take(2), toArray()));
 * assert.deepEqual(echoed, ['HELLO', 'QUIT']);
 * await firstValueFrom(stream.close());
 * ```
 */
export function lines(options?: LinesOptions & { encoding?: BufferEncoding }): Codec<string>;
export function lines(options: LinesOptions & { encoding: 'buffer' }): Codec<Buffer>;
export function lines(options?: LinesOptions): Codec<string | Buffer>;
export function lines(options: LinesOptions = {}): Codec<string | Buffer> {
  const maxLength = maxLengthOption(options.maxLength, DEFAULT_MAX_LINE_LENGTH);
  const ending = options.ending ?? 'any';
  if (ending !== '\n' && ending !== '\r\n' && ending !== 'any') {
    throw invalid(`ending must be '\\n', '\\r\\n' or 'any', got ${String(ending)}`);
  }
  const encoding = options.encoding ?? 'utf8';
  if (encoding !== 'buffer' && !Buffer.isEncoding(encoding)) {
    throw invalid(`encoding must be a Buffer encoding or 'buffer', got ${String(encoding)}`);
  }
  const config: LineConfig = {
    maxLength,
    ending,
    allowPartial: options.allowPartial === true,
    toFrame:
      encoding === 'buffer'
        ? (bytes, start, end) => bytes.subarray(start, end)
        : (bytes, start, end) => bytes.toString(encoding, start, end),
  };
  const suffix = Buffer.from(ending === '\r\n' ? '\r\n' : '\n', 'latin1');
  return {
    maxLength,
    independentFrames: encoding !== 'buffer', // text lines are copies; 'buffer' lines are views
    decoder: () => new LineDecoder<string | Buffer>(config),
    encode: (line: string | Buffer) => encodeLine(line, encoding, suffix, config),
  };
}

interface LineConfig {
  readonly maxLength: number;
  readonly ending: LineEnding;
  readonly allowPartial: boolean;
  readonly toFrame: (bytes: Buffer, start: number, end: number) => string | Buffer;
}

class LineDecoder<T> implements Decoder<T> {
  readonly #c: LineConfig;
  #scanned = 0; // bytes already searched for an ending
  readonly #out: Decoded<T> = { frame: undefined as T, consumed: 0 };

  constructor(config: LineConfig) {
    this.#c = config;
  }

  decode(bytes: Buffer, start: number): Decoded<T> | null {
    const c = this.#c;
    let lf = bytes.indexOf(LF, start + this.#scanned);
    for (; lf !== -1; lf = bytes.indexOf(LF, lf + 1)) {
      const cr = lf > start && bytes[lf - 1] === CR;
      if (c.ending === '\r\n' && !cr) continue; // a lone \n is part of the line
      const end = cr && c.ending !== '\n' ? lf - 1 : lf;
      if (end - start > c.maxLength) throw frameTooLong(end - start, c.maxLength);
      this.#scanned = 0;
      return this.#frame(bytes, start, end, lf + 1 - start);
    }
    this.#scanned = bytes.length - start;
    // A trailing \r may be the start of an ending: it does not count yet.
    const last = bytes.length - 1;
    const soFar =
      this.#scanned - (c.ending !== '\n' && last >= start && bytes[last] === CR ? 1 : 0);
    if (soFar > c.maxLength) throw frameTooLong(`at least ${soFar}`, c.maxLength);
    return null;
  }

  finish(bytes: Buffer, start: number): Decoded<T> | null {
    if (!this.#c.allowPartial) return null;
    return this.#frame(bytes, start, bytes.length, bytes.length - start);
  }

  #frame(bytes: Buffer, start: number, end: number, consumed: number): Decoded<T> {
    this.#out.frame = this.#c.toFrame(bytes, start, end) as T;
    this.#out.consumed = consumed;
    return this.#out;
  }
}

function encodeLine(
  line: unknown,
  encoding: BufferEncoding | 'buffer',
  suffix: Buffer,
  c: LineConfig,
): Buffer {
  let body: Buffer;
  if (encoding === 'buffer') {
    if (!(line instanceof Uint8Array))
      throw invalid('lines({ encoding: "buffer" }) encodes Buffers');
    body = Buffer.from(line.buffer, line.byteOffset, line.length);
  } else {
    if (typeof line !== 'string') throw invalid('lines() encodes strings');
    body = Buffer.from(line, encoding);
  }
  if (body.length > c.maxLength) throw frameTooLong(body.length, c.maxLength);
  if (holdsEnding(body, c.ending)) throw invalid('a line to encode holds a line ending');
  const out = Buffer.allocUnsafe(body.length + suffix.length);
  body.copy(out, 0);
  suffix.copy(out, body.length);
  return out;
}

/** Whether `body` would not decode back as one line (a trailing \r reads as part of \r\n). */
function holdsEnding(body: Buffer, ending: LineEnding): boolean {
  if (ending === '\n') return body.includes(LF);
  if (ending === 'any') return body.includes(LF) || body[body.length - 1] === CR;
  return body.includes('\r\n', 0, 'latin1'); // "x\r" + "\r\n" decodes back as "x\r"
}
