/**
 * Argument checks shared by every operation. Each returns the resolved
 * length, or a message saying what is wrong (the caller turns it into an
 * `Invalid` answer).
 */

/** Resolves `n` (default: the whole buffer) against `buf`; a string means refused. */
export function lengthFor(buf: unknown, n: unknown, name: 'max' | 'len'): number | string {
  if (!(buf instanceof Uint8Array))
    return `buffer must be a Buffer or Uint8Array, got ${describe(buf)}`;
  if (buf.length === 0) return 'buffer is empty (or detached)';
  if (n === undefined) return buf.length;
  if (typeof n !== 'number' || !Number.isInteger(n))
    return `${name} must be an integer, got ${describe(n)}`;
  if (n < 1) return `${name} must be at least 1, got ${n}`;
  if (n > buf.length) return `${name} (${n}) is past the end of the buffer (${buf.length} bytes)`;
  return n;
}

/** Checks a byte-size option: a positive safe integer, or the default when absent. */
export function sizeOption(value: unknown, name: string, fallback: number): number | string {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    return `${name} must be a positive integer, got ${describe(value)}`;
  }
  return value;
}

/** A short description of a value for error messages (never its content). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  if (typeof value === 'string') return 'a string';
  return String(value);
}
