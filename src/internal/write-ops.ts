/**
 * The operations a {@link WriteSide} runs, one at a time: `write`/`writeAll`
 * (DataOp), `flush`, `close`, and the driven ones (`writeFrom`); with how
 * one ends when it cannot go on.
 *
 * @module
 */
import type { Subscriber } from 'rxjs';
import { StreamError, invalid } from '../errors';
import { Status } from '../status';
import { SelfDetaching, nextAndComplete } from './host';
import type { WriteSide } from './write-side';

/** A `write` (some) or `writeAll` (all) of `src[0, len)`. */
export class DataOp extends SelfDetaching<WriteOp> {
  off = 0;
  inKernel = 0; // bytes of a zero-copy part with the socket (0: none)
  constructor(
    readonly kind: 'some' | 'all',
    readonly sub: Subscriber<number>,
    readonly src: Uint8Array,
    readonly len: number,
    side: WriteSide,
  ) {
    super(side);
  }
}

/** A `flush()`. */
export class FlushOp extends SelfDetaching<WriteOp> {
  readonly kind = 'flush';
  constructor(
    readonly sub: Subscriber<void>,
    side: WriteSide,
  ) {
    super(side);
  }
}

/** A `close()`. */
export class CloseOp extends SelfDetaching<WriteOp> {
  readonly kind = 'close';
  closing = false;
  constructor(
    readonly sub: Subscriber<void>,
    side: WriteSide,
  ) {
    super(side);
  }
}

/**
 * An operation that drives the write side itself (`writeFrom`, in
 * src/codecs/write-from.ts): told by `progress()` whenever room may have
 * freed, it calls `accept` and ends with `WriteSide.finishDriven`.
 */
export abstract class DrivenOp extends SelfDetaching<WriteOp> {
  readonly kind = 'driven';
  abstract readonly sub: Subscriber<number>;
  /** Room may have freed (or the operation just attached): move on. */
  abstract progress(): void;
}

/** The one write-side operation. */
export type WriteOp = DataOp | FlushOp | CloseOp | DrivenOp;

/** Delivers an operation's result, then tells its side (no closure per operation). */
export function deliverResult(op: WriteOp, value: unknown): void {
  nextAndComplete(op.sub as Subscriber<unknown>, value);
  (op.side as WriteSide).resultDelivered();
}

/** A write whose buffer went away (`gone`) after `op.off` bytes were accepted. */
export function goneError(op: DataOp, gone: string): StreamError {
  return invalid(`${gone} (${op.off} of ${op.len} bytes accepted)`);
}

/** A write whose copy found no memory (`failure`) after `op.off` bytes were accepted. */
export function noMemoryError(op: DataOp, failure: unknown): StreamError {
  return new StreamError(
    Status.OutOfMemory,
    `no memory to copy the write (${op.off} of ${op.len} bytes accepted)`,
    failure,
  );
}
