/**
 * Test kit for framed protocols: bytes split at chosen points, scripted as
 * marbles, decoded without a stream, and a `StreamError` matcher for
 * marble expectations.
 *
 * @module
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { ErrorCode } from '../errors';
import { StreamError } from '../errors';
import type { Status } from '../status';
import type { Codec } from '../codecs/codec';
import { FrameReader } from '../codecs/frames';

/**
 * Cuts `data` at the given offsets (sorted, duplicates and out-of-range
 * ones ignored) into consecutive Buffers, as a peer's bytes might arrive.
 *
 * @param data - the bytes (a string is UTF-8)
 * @param points - offsets to cut at, e.g. `[1, 5]` → `[0,1) [1,5) [5,end)`
 * @returns the pieces, whose concatenation is `data`
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { splitAt } from 'rxstream/testing';
 *
 * deepStrictEqual(splitAt('PING\nPONG\n', [2, 7]).map(String), ['PI', 'NG\nPO', 'NG\n']);
 * ```
 */
export function splitAt(data: Uint8Array | string, points: readonly number[]): Buffer[] {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  const cuts = [...new Set(points)]
    .filter((p) => Number.isInteger(p) && p > 0 && p < bytes.length)
    .sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > start) out.push(bytes.subarray(start, cut));
    start = cut;
  }
  return out;
}

/**
 * Options of {@link chunkMarbles}: `gap` frames per chunk, and whether the
 * script `end`s with the peer's end of stream.
 *
 * @example
 * ```ts
 * const { marbles, values } = chunkMarbles(splitAt('ab', [1]), { gap: 3, end: false });
 * peer.script(marbles, values); // 'a' at frame 0, 'b' at frame 3, no end of stream
 * ```
 */
export interface ChunkMarblesOptions {
  /** Frames between two chunks (default 1: one chunk per frame). */
  gap?: number;
  /** End the script with `|` (the peer's end of stream; default true). */
  end?: boolean;
}

/**
 * Turns chunks into a marble script for `TestPeer.script(marbles, values)`:
 * one chunk every `gap` frames, then `|` unless `end: false`. Values are
 * keyed by generated letters (any number of chunks).
 *
 * @param chunks - what the peer sends, in order (e.g. from {@link splitAt})
 * @param options - gap, end
 * @returns `{ marbles, values }`
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { lines } from 'rxstream';
 * import { chunkMarbles, createTestPeer, splitAt } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createTestPeer({ scheduler: testScheduler });
 *   // 'PI' at frame 0, 'NG\nPO' at 1, 'NG\n' at 2, the end at 3 (the letters are generated)
 *   const { marbles, values } = chunkMarbles(splitAt('PING\nPONG\n', [2, 7]));
 *   peer.script(marbles, values);
 *   expectObservable(peer.stream.frames(lines())).toBe('-ab|', { a: 'PING', b: 'PONG' });
 * });
 * ```
 */
export function chunkMarbles(
  chunks: readonly Uint8Array[],
  options: ChunkMarblesOptions = {},
): {
  /** The marble script: one letter per chunk, `gap` frames apart, then the end unless told not to. */
  marbles: string;
  /** The chunk of each letter of `marbles`. */
  values: Record<string, Buffer>;
} {
  const gap = Math.max(1, Math.floor(options.gap ?? 1));
  const values: Record<string, Buffer> = {};
  let marbles = '';
  chunks.forEach((chunk, i) => {
    const key = String.fromCharCode(0x100 + i);
    values[key] = Buffer.from(chunk);
    marbles += key + '-'.repeat(gap - 1);
  });
  if (options.end !== false) marbles += '|';
  return { marbles, values };
}

/**
 * What {@link decodeFrames} found: the `frames`, the `rest` of the bytes,
 * and the `error` the frames would end with.
 *
 * @example
 * ```ts
 * const { frames, rest, error } = decodeFrames(lines(), [peer.received()], { end: true });
 * if (error !== undefined) console.log(`after ${frames.length} lines, ${rest.length} bytes left`);
 * ```
 */
export interface DecodedFrames<T> {
  /** The frames, in order. */
  readonly frames: T[];
  /** The bytes left that make no whole frame (what `frames()` gives back to the stream). */
  readonly rest: Buffer;
  /** The error the frames would end with (over-long, partial at end, …), or undefined. */
  readonly error?: unknown;
}

/**
 * Decodes chunks with `codec` exactly as `stream.frames(codec)` does, without
 * a stream: for expectations about what code under test wrote
 * (`decodeFrames(codec, [peer.received()])`) and for unit tests of a codec.
 *
 * @param codec - the codec
 * @param chunks - the bytes, in the pieces they arrive in
 * @param options - `end: true` (default false) decodes as at the peer's end of stream
 * @returns the frames, the bytes left, and the error if any
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { lines, Status, StreamError } from 'rxstream';
 * import { decodeFrames, splitAt } from 'rxstream/testing';
 *
 * const pieces = splitAt('HELLO\nQU', [3]); // 'HEL', 'LO\nQU'
 * const open = decodeFrames(lines(), pieces);
 * deepStrictEqual([open.frames, String(open.rest), open.error], [['HELLO'], 'QU', undefined]);
 * const ended = decodeFrames(lines(), pieces, { end: true }); // as if the peer ended here
 * deepStrictEqual(StreamError.is(ended.error) && ended.error.status, Status.StreamClosed);
 * ```
 */
export function decodeFrames<T>(
  codec: Codec<T>,
  chunks: readonly Uint8Array[],
  options: { end?: boolean } = {},
): DecodedFrames<T> {
  const frames: T[] = [];
  const rest: Buffer[] = [];
  let error: unknown;
  let failed = false;
  new Observable<T>((sub) => {
    const reader = new FrameReader(sub, codec, { unshift: (chunk) => rest.unshift(chunk) });
    let i = 0;
    for (; i < chunks.length && !sub.closed; i += 1) {
      const chunk = chunks[i];
      if (chunk.length > 0) reader.next(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    }
    for (; i < chunks.length; i += 1) rest.push(Buffer.from(chunks[i])); // never fed: kept as they are
    if (options.end === true && !sub.closed) reader.complete();
    return () => reader.giveBack();
  })
    .subscribe({
      next: (frame) => frames.push(frame),
      error: (e: unknown) => {
        failed = true;
        error = e;
      },
    })
    .unsubscribe();
  const out = { frames, rest: Buffer.concat(rest) };
  return failed ? { ...out, error } : out;
}

/**
 * Decodes a stream of byte chunks into frames, for marble expectations of
 * what code under test wrote: `expectObservable(peer.written$.pipe(decoded(codec)))`
 * shows each frame at the frame its last byte was written. It completes when
 * the source completes (the stream's end of stream), erroring as
 * `stream.frames` does when bytes are left that make no whole frame.
 *
 * A test helper: bytes left when unsubscribed are dropped (there is no
 * stream to give them back to; `stream.frames` loses nothing).
 *
 * @param codec - the codec
 * @returns an operator `Observable<Uint8Array>` → `Observable<T>`
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { lines } from 'rxstream';
 * import { createTestPeer, decoded } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createTestPeer({ scheduler: testScheduler });
 *   testScheduler.schedule(() => peer.stream.tryWrite(Buffer.from('HEL')), 0);
 *   testScheduler.schedule(() => peer.stream.tryWrite(Buffer.from('LO\nQUIT\n')), 2);
 *   testScheduler.schedule(() => peer.stream.shutdownWrite(), 6);
 *   const want = { h: 'HELLO', q: 'QUIT' };
 *   expectObservable(peer.written$.pipe(decoded(lines()))).toBe('--(hq)|', want);
 * });
 * ```
 */
export function decoded<T>(codec: Codec<T>): OperatorFunction<Uint8Array, T> {
  return (source) =>
    new Observable<T>((sub) => {
      const reader = new FrameReader(sub, codec, { unshift: ignore });
      return source.subscribe({
        next: (chunk) => {
          if (chunk.length > 0)
            reader.next(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
        },
        error: (error: unknown) => sub.error(error),
        complete: () => reader.complete(),
      });
    });
}

function ignore(): void {}

/**
 * What {@link streamErrorLike} compares: `status`, `code` and a `message`
 * pattern, each optional (an empty pattern matches any `StreamError`).
 *
 * @example
 * ```ts
 * // in a jasmine or Jest spec: the peer ends inside a line, so frames() errors StreamClosed (code 2)
 * const pattern: StreamErrorPattern = { status: Status.StreamClosed, code: 2, message: /inside/ };
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createTestPeer({ scheduler: testScheduler });
 *   peer.script('-a-|', { a: 'no newline' });
 *   expectObservable(peer.stream.frames(lines())).toBe('---#', undefined, streamErrorLike(pattern));
 * });
 * ```
 */
export interface StreamErrorPattern {
  /** The status it must have. */
  status?: Status;
  /** The code it must have (1 I/O, 2 closed, 3 refused). */
  code?: ErrorCode;
  /** A pattern its message must match (a string: must contain it). */
  message?: RegExp | string;
}

/**
 * An asymmetric matcher (jasmine and Jest both call `asymmetricMatch`).
 *
 * @example
 * ```ts
 * const closed: StreamErrorMatcher = streamErrorLike({ status: Status.StreamClosed });
 * peer.stream.reads$.subscribe({ error: (e: unknown) => console.log(closed.asymmetricMatch(e)) });
 * ```
 */
export interface StreamErrorMatcher {
  /**
   * True when `actual` is a `StreamError` with the pattern's status, code
   * and message; what `toEqual` calls. Usable without a test framework too.
   *
   * @example
   * ```ts
   * const refused = streamErrorLike({ code: 3 });
   * if (refused.asymmetricMatch(stream.lastError)) console.log('refused, not failed');
   * ```
   */
  asymmetricMatch(actual: unknown): boolean;
  /**
   * How jasmine shows the matcher in a failure message.
   *
   * @example
   * ```ts
   * streamErrorLike({ code: 2 }).jasmineToString(); // '<StreamError like {"code":2}>'
   * ```
   */
  jasmineToString(): string;
  /**
   * The pattern as text (what Jest and a `String()` show).
   *
   * @example
   * ```ts
   * console.log(String(streamErrorLike({ status: Status.Invalid, message: /maxLength/ })));
   * // StreamError like {"status":"Invalid","message":"/maxLength/"}
   * ```
   */
  toString(): string;
}

/**
 * A matcher for a `StreamError` by status, code and message pattern, for
 * marble expectations: `expectObservable(x$).toBe('--#', undefined,
 * streamErrorLike({ status: Status.StreamClosed }))` compares the error by
 * what matters, not by its stack. Works with jasmine's and Jest's `toEqual`.
 *
 * @param pattern - status, code and message pattern (each optional)
 * @returns an asymmetric matcher
 *
 * @example
 * ```ts runnable
 * import { ok } from 'node:assert/strict';
 * import { lines, Status } from 'rxstream';
 * import { decodeFrames, streamErrorLike } from 'rxstream/testing';
 *
 * const { error } = decodeFrames(lines({ maxLength: 4 }), [Buffer.from('TOO LONG\n')]);
 * // in a jasmine or Jest spec: expect(error).toEqual(streamErrorLike({ … }))
 * ok(streamErrorLike({ status: Status.Invalid, code: 3, message: /maxLength/ }).asymmetricMatch(error));
 * ```
 */
export function streamErrorLike(pattern: StreamErrorPattern): StreamErrorMatcher {
  const text = `StreamError like ${JSON.stringify({
    status: pattern.status,
    code: pattern.code,
    message: pattern.message === undefined ? undefined : String(pattern.message),
  })}`;
  return {
    asymmetricMatch(actual: unknown): boolean {
      if (!StreamError.is(actual)) return false;
      if (pattern.status !== undefined && actual.status !== pattern.status) return false;
      if (pattern.code !== undefined && actual.code !== pattern.code) return false;
      const m = pattern.message;
      if (m === undefined) return true;
      return typeof m === 'string' ? actual.message.includes(m) : m.test(actual.message);
    },
    jasmineToString: () => `<${text}>`,
    toString: () => text,
  };
}
