/**
 * A class's booleans packed as bits of one number field: one slot per
 * object instead of one each (thousands of streams each carry several).
 * The classes keep private accessors over these, so every use reads as a
 * boolean; `ReadSide`, with six, reads its bits through `#is(flag)` and
 * `#set(flag, on)` instead of six accessor pairs.
 *
 * @module
 */

/** Whether `flag` is set in `flags`. */
export function hasFlag(flags: number, flag: number): boolean {
  return (flags & flag) !== 0;
}

/** `flags` with `flag` set (`on`) or cleared. */
export function withFlag(flags: number, flag: number, on: boolean): number {
  return on ? flags | flag : flags & ~flag;
}
