/**
 * Argument checks shared by every operation. Each returns the resolved
 * length, or a message saying what is wrong (the caller turns it into an
 * `Invalid` answer).
 */

/*
 * The built-in %TypedArray%.prototype accessors. A buffer's length and place
 * are read through them, never through its own (overridable) properties: a
 * subclass whose `length` getter lies, a Proxy, or an object that only has
 * Uint8Array.prototype in its chain cannot make the stream read or write
 * outside the memory the buffer really has.
 */
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype) as object;
function intrinsic(name: PropertyKey): (this: unknown) => unknown {
  const get = Object.getOwnPropertyDescriptor(TYPED_ARRAY, name)?.get;
  if (get === undefined) throw new Error(`no %TypedArray%.prototype.${String(name)} getter`);
  return get as (this: unknown) => unknown;
}
const tagOf = intrinsic(Symbol.toStringTag);
const lengthOf = intrinsic('length');
const offsetOf = intrinsic('byteOffset');
const bufferOf = intrinsic('buffer');

/** The real length of a real Uint8Array (Buffer included), or -1 for anything else. */
export function realLength(buf: unknown): number {
  // The tag getter returns undefined (never throws) for non-typed-arrays and Proxies.
  if (tagOf.call(buf) !== 'Uint8Array') return -1;
  return lengthOf.call(buf) as number;
}

/**
 * Why a buffer a pending operation holds can no longer be used for its first
 * `n` bytes (it was detached — transferred — or its resizable memory shrank),
 * or null while it still can.
 */
export function goneProblem(buf: Uint8Array, n: number, op: 'read' | 'write'): string | null {
  if ((lengthOf.call(buf) as number) >= n) return null;
  return `the buffer of a pending ${op} was detached (transferred) or shrank before the ${op} was done`;
}

/** Resolves `n` (default: the whole buffer) against `buf`; a string means refused. */
export function lengthFor(buf: unknown, n: unknown, name: 'max' | 'len'): number | string {
  const length = realLength(buf);
  if (length < 0) {
    if (buf instanceof Uint8Array)
      return 'buffer must be a real Buffer or Uint8Array, got a Proxy or an object that only inherits from Uint8Array.prototype';
    return `buffer must be a Buffer or Uint8Array, got ${describe(buf)}`;
  }
  if (length === 0) return 'buffer is empty (or detached)';
  if (n === undefined) return length;
  if (typeof n !== 'number' || !Number.isInteger(n))
    return `${name} must be an integer, got ${describe(n)}`;
  if (n < 1) return `${name} must be at least 1, got ${n}`;
  if (n > length) return `${name} (${n}) is past the end of the buffer (${length} bytes)`;
  return n;
}

/**
 * `buf` itself when it is a plain Buffer or Uint8Array whose `length` tells
 * the truth, else a plain Uint8Array over the same memory, so nothing later
 * calls a subclass's methods or getters. Only after {@link lengthFor} (or
 * {@link realLength}) accepted it.
 */
export function trusted(buf: Uint8Array): Uint8Array {
  const proto = Object.getPrototypeOf(buf) as unknown;
  if (
    (proto === Buffer.prototype || proto === Uint8Array.prototype) &&
    buf.length === lengthOf.call(buf)
  )
    return buf;
  return new Uint8Array(
    bufferOf.call(buf) as ArrayBuffer,
    offsetOf.call(buf) as number,
    lengthOf.call(buf) as number,
  );
}

/**
 * The largest `sendBufferSize` / `readBufferSize` accepted: 1 GiB. A bound is
 * memory the stream may really hold; past this the process dies of an
 * allocation failure long before the bound is reached.
 */
export const MAX_BUFFER_SIZE = 2 ** 30;

/** Checks a byte-size option: a positive safe integer up to `MAX_BUFFER_SIZE`, or the default when absent. */
export function sizeOption(value: unknown, name: string, fallback: number): number | string {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    return `${name} must be a positive integer, got ${describe(value)}`;
  }
  if (value > MAX_BUFFER_SIZE) {
    return `${name} must be at most ${MAX_BUFFER_SIZE} (1 GiB), got ${value}`;
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
