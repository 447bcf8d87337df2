/**
 * **Testing** — the marble test kit, from `rxstream/testing`: a scripted
 * peer over an in-memory transport, driven by the test's `TestScheduler`.
 * Script what the peer sends and when, inject resets, TLS errors and
 * WouldBlock windows, and assert what your code wrote and how the stream's
 * state went, in marble form.
 *
 * Import from `rxstream/testing`.
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert';
 * import { TestScheduler } from 'rxjs/testing';
 * import { createTestPeer, bytes } from 'rxstream/testing';
 *
 * const scheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * scheduler.run(({ expectObservable }) => {
 *   const peer = createTestPeer({ scheduler });
 *   peer.stream.writeAll(Buffer.from('ping\n')).subscribe(() => peer.stream.shutdownWrite());
 *   expectObservable(peer.written$).toBe('(a|)', bytes({ a: 'ping\n' }));
 * });
 * ```
 *
 * @module Testing
 */
export * from '../testing';
