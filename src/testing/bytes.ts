/**
 * Turns a marble value map of strings into Buffers (UTF-8), for
 * `expectObservable(...).toBe(marbles, bytes({ a: 'hello' }))` against
 * `Buffer` observables such as `reads$` and `TestPeer.written$`.
 *
 * @param values - letter → text
 * @returns letter → Buffer
 *
 * @example
 * ```ts
 * expectObservable(peer.written$).toBe('a|', bytes({ a: 'ping\n' }));
 * ```
 */
export function bytes(values: Record<string, string>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [key, text] of Object.entries(values)) out[key] = Buffer.from(text, 'utf8');
  return out;
}
