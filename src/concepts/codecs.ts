/**
 * **Codecs** — the protocol layer: a {@link Codec} turns bytes into frames
 * and frames into bytes. `stream.frames(codec)` decodes what arrives,
 * `stream.writeFrom(source)` writes an observable, iterable or async
 * iterable of frames with backpressure, and `request()` sends one frame and
 * takes the reply. Shipped codecs: `lines`, `delimited`, `lengthPrefixed`.
 *
 * Import from `rxstream`.
 *
 * @example
 * ```ts runnable
 * import { memoryPair, lines, encode } from 'rxstream';
 * import { of } from 'rxjs';
 *
 * const [a, b] = memoryPair();
 * b.frames(lines()).subscribe((line) => console.log(line)); // HELLO, then QUIT
 * a.writeFrom(of('HELLO', 'QUIT').pipe(encode(lines()))).subscribe({
 *   complete: () => a.close().subscribe(),
 * });
 * ```
 *
 * @module Codecs
 */
export type { Codec, Decoder, Decoded, CodecOptions } from '../codecs/codec';
export { lines, DEFAULT_MAX_LINE_LENGTH } from '../codecs/lines';
export type { LinesOptions, LineEnding } from '../codecs/lines';
export { delimited, DEFAULT_MAX_DELIMITED_LENGTH } from '../codecs/delimited';
export { lengthPrefixed, DEFAULT_MAX_FRAME_LENGTH } from '../codecs/length-prefixed';
export type { LengthPrefixedOptions, LengthHeader } from '../codecs/length-prefixed';
export { encode } from '../codecs/encode';
export { request } from '../codecs/request';
export type { RequestOptions } from '../codecs/request';
export type { WriteSource } from '../codecs/write-from';
