/**
 * The options of {@link createTestPeer} and what its scripts may send.
 *
 * @module
 */
import type { StreamOptions } from '../stream';
import type { TestScheduler } from 'rxjs/testing';
import type { PeerAction } from './peer-actions';

/**
 * Options of {@link createTestPeer}: the test's `scheduler`, `tls` and
 * `lingers`, and any {@link StreamOptions} of the stream under test.
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { StreamKind } from 'rxstream';
 * import { createTestPeer } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const options = { scheduler: testScheduler, tls: true, lingers: true, closeTimeout: 50 };
 *   const peer = createTestPeer(options);
 *   deepStrictEqual(peer.stream.kind, StreamKind.TLSStream);
 *   // lingers: close() waits for the peer's end, here never sent, so up to closeTimeout
 *   expectObservable(peer.stream.close()).toBe('50ms (u|)', { u: undefined });
 * });
 * ```
 */
export interface TestPeerOptions extends Omit<StreamOptions, 'scheduler'> {
  /** The `TestScheduler` of the test: it plays the script and runs the stream. */
  scheduler: TestScheduler;
  /** Make the stream kind TLSStream, with `renegotiate()` (default: kind Memory). */
  tls?: boolean;
  /** `close()` waits for the peer's end (or `closeTimeout`), as over a real socket. Default false. */
  lingers?: boolean;
}

/**
 * What a script may send: bytes (a string is UTF-8), or a {@link PeerAction}.
 *
 * @example
 * ```ts
 * const inputs: PeerInput[] = ['HELLO\n', Buffer.from([0x0a]), Uint8Array.of(0x0a), peerClosed];
 * peer.script(from(inputs)); // all at once, in the current frame
 * ```
 */
export type PeerInput = Buffer | Uint8Array | string | PeerAction;
