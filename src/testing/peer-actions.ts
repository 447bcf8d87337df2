/**
 * What a {@link TestPeer} script can do besides sending bytes: Node-like
 * errors (what a real socket reports, so that the stream maps them to the
 * same statuses as in production) and actions (WouldBlock windows,
 * backpressure, connection close, write failures).
 *
 * @module
 */

/**
 * An `Error` with a Node-style `code`, as sockets and TLS report them.
 *
 * @example
 * ```ts
 * const reset: CodedError = sysError(); // or Object.assign(new Error('reset'), { code: 'ECONNRESET' })
 * console.log(reset.code); // 'ECONNRESET': the stream maps it to Status.SysError
 * ```
 */
export interface CodedError extends Error {
  /** The Node error code, e.g. `ECONNRESET`; the stream maps it to a status. */
  code: string;
}

/**
 * A socket error with this Node code (default `ECONNRESET`, the RST): the
 * stream maps it to `SysError`.
 *
 * @param code - the Node error code (`ECONNRESET`, `EPIPE`, `ETIMEDOUT`, …)
 * @returns the error, to inject with `#` or {@link fail}
 *
 * @example
 * ```ts
 * peer.script('--a--#', { a: 'hi' }, sysError('ETIMEDOUT'));
 * ```
 */
export function sysError(code = 'ECONNRESET'): CodedError {
  return Object.assign(new Error(`${code} (injected by the test peer)`), { code });
}

/**
 * A TLS error with this Node code (default a bad record MAC): the stream
 * maps it to `TLSError`.
 *
 * @param code - an `ERR_SSL_*`/`ERR_TLS_*` code or an OpenSSL verification code
 * @returns the error, to inject with `#` or {@link fail}
 *
 * @example
 * ```ts
 * peer.script('--#', undefined, tlsError());
 * ```
 */
export function tlsError(code = 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC'): CodedError {
  return Object.assign(new Error(`${code} (injected by the test peer)`), { code });
}

/**
 * An allocation failure (`ENOBUFS`): the stream maps it to `OutOfMemory`.
 *
 * @returns the error, to inject with `#` or {@link fail}
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { Status } from 'rxstream';
 * import { createTestPeer, outOfMemoryError } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(() => {
 *   const peer = createTestPeer({ scheduler: testScheduler });
 *   peer.script('--#', undefined, outOfMemoryError());
 *   testScheduler.schedule(() => deepStrictEqual(peer.stream.lastError?.status, Status.OutOfMemory), 3);
 * });
 * ```
 */
export function outOfMemoryError(): CodedError {
  return Object.assign(new Error('ENOBUFS (injected by the test peer)'), { code: 'ENOBUFS' });
}

/**
 * What a script does besides sending bytes. Made by the constants and
 * functions of this module ({@link renegotiationStart}, {@link stopReading},
 * {@link fail}, …); put them in a script's value map or pass them to `TestPeer.act`.
 *
 * @example
 * ```ts
 * // { action, on?, error? }: what the helpers make, e.g. fail(sysError('EPIPE')):
 * const reset: PeerAction = { action: 'fail', error: sysError('EPIPE') };
 * peer.script('-s--g-x', { s: stopReading, g: { action: 'reading', on: true }, x: reset });
 * ```
 */
export interface PeerAction {
  /** What to do. */
  readonly action: 'renegotiation' | 'reading' | 'close' | 'fail' | 'failNextWrite';
  /** For `renegotiation` and `reading`: start (true) or stop (false). */
  readonly on?: boolean;
  /** For `fail`, `failNextWrite` and a failed renegotiation: the error to inject. */
  readonly error?: unknown;
}

/**
 * Starts a TLS-renegotiation-like window: the transport's `renegotiating`
 * flag is up, so `tryRead` answers `WouldBlock` once the bytes already
 * received are read; bytes the script sends meanwhile wait for the window's
 * end. A pending `stream.renegotiate()` completes at {@link renegotiationEnd}.
 * Needs a peer made with `tls: true` to mean anything to the code under test.
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { Status } from 'rxstream';
 * import { createTestPeer, renegotiationEnd, renegotiationStart } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(() => {
 *   const peer = createTestPeer({ scheduler: testScheduler, tls: true });
 *   peer.script('-R-a-r', { R: renegotiationStart, a: 'data', r: renegotiationEnd });
 *   const seen: string[] = [];
 *   for (const frame of [2, 4, 6]) {
 *     testScheduler.schedule(() => {
 *       const { status, bytes } = peer.stream.tryRead(Buffer.alloc(8));
 *       seen.push(status === Status.OK ? `${bytes} bytes` : status);
 *     }, frame);
 *   }
 *   const want = [Status.WouldBlock, Status.WouldBlock, '4 bytes'];
 *   testScheduler.schedule(() => deepStrictEqual(seen, want), 7);
 * });
 * ```
 */
export const renegotiationStart: PeerAction = Object.freeze({ action: 'renegotiation', on: true });

/**
 * Ends the window {@link renegotiationStart} opened (or one a
 * `stream.renegotiate()` opened); held bytes arrive, and a pending
 * `renegotiate()` completes.
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { createTestPeer, renegotiationEnd } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createTestPeer({ scheduler: testScheduler, tls: true });
 *   peer.script('---r', { r: renegotiationEnd });
 *   expectObservable(peer.stream.renegotiate({ requestCert: true })).toBe('---(u|)', { u: undefined });
 *   testScheduler.schedule(() => deepStrictEqual(peer.renegotiations, [{ requestCert: true }]), 4);
 * });
 * ```
 */
export const renegotiationEnd: PeerAction = Object.freeze({ action: 'renegotiation', on: false });

/**
 * Ends the renegotiation window with a failure: a pending
 * `stream.renegotiate()` errors with `error` (mapped: `TLSError` for
 * {@link tlsError}); the stream itself stays usable.
 *
 * @param error - the failure, default {@link tlsError}()
 * @returns the action
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { Status, StreamError, StreamState } from 'rxstream';
 * import { createTestPeer, renegotiationFailed } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(() => {
 *   const peer = createTestPeer({ scheduler: testScheduler, tls: true });
 *   peer.script('--x', { x: renegotiationFailed() });
 *   let status: Status | undefined;
 *   peer.stream.renegotiate().subscribe({ error: (e: StreamError) => (status = e.status) });
 *   testScheduler.schedule(() => {
 *     deepStrictEqual(status, Status.TLSError);
 *     deepStrictEqual(peer.stream.state, StreamState.Open); // still usable
 *   }, 3);
 * });
 * ```
 */
export function renegotiationFailed(error: unknown = tlsError()): PeerAction {
  return { action: 'renegotiation', on: false, error };
}

/**
 * The peer stops reading: the stream's writes stay in flight, its send
 * buffer fills and `write`/`writeAll` wait (backpressure) until {@link startReading}.
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { createTestPeer, startReading, stopReading } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createTestPeer({ scheduler: testScheduler, sendBufferSize: 4 });
 *   peer.script('s----g', { s: stopReading, g: startReading });
 *   const write$ = peer.stream.writeAll(Buffer.from('12345678'));
 *   expectObservable(write$, '-^').toBe('-----(n|)', { n: 8 }); // done once the peer reads again
 *   expectObservable(peer.writtenText$).toBe('-a---b', { a: '1234', b: '5678' });
 * });
 * ```
 */
export const stopReading: PeerAction = Object.freeze({ action: 'reading', on: false });

/**
 * The peer reads again: held writes complete.
 *
 * @example
 * ```ts
 * peer.script('s----g', { s: stopReading, g: startReading }); // writes wait from frame 0 to frame 5
 * ```
 */
export const startReading: PeerAction = Object.freeze({ action: 'reading', on: true });

/**
 * The connection closes cleanly without an end of stream first (the
 * transport's `close` event, after the bytes sent before it): reads end with
 * `StreamClosed` (`reads$` completes), pending writes error code 2, the
 * state becomes Closed. Like bytes, it waits while the stream is not reading.
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { map } from 'rxjs';
 * import { StreamState } from 'rxstream';
 * import { createTestPeer, peerClosed } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createTestPeer({ scheduler: testScheduler });
 *   peer.script('-a-c', { a: 'bye', c: peerClosed });
 *   expectObservable(peer.stream.reads$.pipe(map(String))).toBe('-a-|', { a: 'bye' });
 *   expectObservable(peer.stream.state$).toBe('o--c', { o: StreamState.Open, c: StreamState.Closed });
 * });
 * ```
 */
export const peerClosed: PeerAction = Object.freeze({ action: 'close' });

/**
 * Injects `error` into the stream under test now, like `#` but without
 * ending the script (so later frames still run, e.g. to show nothing more happens).
 *
 * @param error - default {@link sysError}() (ECONNRESET)
 * @returns the action
 *
 * @example
 * ```ts
 * // the stream is in Error (TLSError) from frame 1; 'late' is never read
 * peer.script('-f--a|', { f: fail(tlsError()), a: 'late' });
 * ```
 */
export function fail(error: unknown = sysError()): PeerAction {
  return { action: 'fail', error };
}

/**
 * Makes the stream's next write to the transport fail with `error` (like
 * tokio-test's `write_error`): the stream moves to Error with its status.
 *
 * @param error - default {@link sysError}('EPIPE')
 * @returns the action
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { Status } from 'rxstream';
 * import { createTestPeer, failNextWrite } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(() => {
 *   const peer = createTestPeer({ scheduler: testScheduler });
 *   peer.act(failNextWrite());
 *   peer.stream.writeAll(Buffer.from('doomed')).subscribe(); // taken into the send buffer: emits 6
 *   testScheduler.schedule(() => {
 *     deepStrictEqual(peer.stream.lastError?.status, Status.SysError); // EPIPE
 *     deepStrictEqual(peer.received().length, 0); // nothing reached the peer
 *   }, 1);
 * });
 * ```
 */
export function failNextWrite(error: unknown = sysError('EPIPE')): PeerAction {
  return { action: 'failNextWrite', error };
}

/**
 * True when `value` is a {@link PeerAction} (anything else a script gives is bytes).
 *
 * @example
 * ```ts
 * const inputs: PeerInput[] = ['hello', stopReading, fail()];
 * console.log(inputs.filter(isPeerAction).length); // 2
 * ```
 */
export function isPeerAction(value: unknown): value is PeerAction {
  return typeof value === 'object' && value !== null && 'action' in value;
}
