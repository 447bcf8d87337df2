/**
 * Shared pieces of the Stream marble specs: a fresh TestScheduler, Buffer
 * value maps, and error shapes that compare by status and code (never by
 * message text).
 */
import { catchError, throwError, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { StreamError, type ErrorCode, type Status } from '../../src';

/** A fresh TestScheduler whose deep equality is jasmine's (Buffer-aware). */
export function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Turns `{ a: 'hello' }` into `{ a: Buffer.from('hello') }`. */
export function bufs(texts: Record<string, string>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(texts)) out[key] = Buffer.from(value);
  return out;
}

/** What a StreamError is compared by in the marble diagrams. */
export interface ErrorShape {
  readonly name: string;
  readonly status: Status;
  readonly code: ErrorCode;
}

/** The shape of a StreamError with this status and code. */
export function streamError(status: Status, code: ErrorCode): ErrorShape {
  return { name: 'StreamError', status, code };
}

/** Replaces a StreamError by its {@link ErrorShape}; anything else errors as it is. */
export function errorShape<T>(): OperatorFunction<T, T> {
  return catchError((error: unknown) =>
    throwError(() =>
      StreamError.is(error) ? { name: error.name, status: error.status, code: error.code } : error,
    ),
  );
}
