/**
 * Turns a marble value map of strings into Buffers (UTF-8), for
 * `expectObservable(...).toBe(marbles, bytes({ a: 'hello' }))` against
 * `Buffer` observables such as `reads$` and `TestPeer.written$`.
 *
 * @param values - letter → text
 * @returns letter → Buffer
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { bytes, createTestPeer } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createTestPeer({ scheduler: testScheduler });
 *   peer.stream.writeAll(Buffer.from('ping\n')).subscribe(() => peer.stream.shutdownWrite());
 *   // the write and the end of stream (FIN) leave in the same frame: '(a|)', not 'a|'
 *   expectObservable(peer.written$).toBe('(a|)', bytes({ a: 'ping\n' }));
 * });
 * ```
 */
export function bytes(values: Record<string, string>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [key, text] of Object.entries(values)) out[key] = Buffer.from(text, 'utf8');
  return out;
}
