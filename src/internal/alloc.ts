/**
 * Allocation failure: what V8 throws when it cannot allocate an
 * ArrayBuffer (`RangeError: Array buffer allocation failed`). The library's
 * copies go through `Buffer.allocUnsafe`; wherever one can fail, the caller
 * catches this and answers `Status.OutOfMemory` with its byte counts still
 * exact (see README, "Allocation failure").
 *
 * @module
 */
import { StreamError } from '../errors';
import { Status } from '../status';

/** True for the RangeError of a failed ArrayBuffer/Buffer allocation. */
export function isAllocationFailure(error: unknown): boolean {
  return error instanceof RangeError && /allocat/i.test(error.message);
}

/** `error` as a StreamError `OutOfMemory` when it is an allocation failure, else as it is. */
export function asOutOfMemory(error: unknown, what: string): unknown {
  if (!isAllocationFailure(error)) return error;
  return new StreamError(Status.OutOfMemory, `${what}: ${(error as Error).message}`, error);
}
