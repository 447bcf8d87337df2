import type { Subscriber } from 'rxjs';
import type { StreamError } from '../errors';
import { goneProblem } from './validate';
import { nextAndComplete, notifyWatcher } from './host';
import { deliverResult, goneError, noMemoryError, type DrivenOp, type WriteOp } from './write-ops';
import { SendPath } from './send-path';

export { CloseOp, DataOp, DrivenOp, FlushOp, type WriteOp } from './write-ops';

/**
 * The sending half of a stream: on top of its {@link SendPath} (the bounded
 * send buffer, flushes, writes in flight, the end of stream), the one
 * write-side operation and the writability watchers.
 */
export class WriteSide extends SendPath<WriteOp> {
  #op: WriteOp | null = null;
  #watchers: Set<Subscriber<void>> = NO_WATCHERS; // a real Set on first watch
  #settling = 0; // results delivered later (see #finish)

  /** True while a write-side operation is pending. */
  get busy(): boolean {
    return this.#op !== null;
  }

  /**
   * The fast path of a small `write`/`writeAll` of a whole buffer on a
   * stream without a scheduler: when no operation is attached and all `n`
   * bytes (`src`'s real length) fit in the room and the open slab, copies
   * them in and delivers `n` to `sub` (at once, or right after the delivery
   * running now) without making an operation. False when the path does not
   * apply (nothing done): the caller attaches an operation.
   */
  acceptWhole(sub: Subscriber<number>, src: Uint8Array, n: number): boolean {
    if (this.#op !== null || !this.host.direct || !this.acceptSmall(src, n)) return false;
    this.host.useAsync();
    this.#settling += 1;
    this.host.deliverTo(accepted, this, sub, n);
    return true;
  }

  /** Becomes the one operation; false when one is already there. */
  attach(op: WriteOp): boolean {
    if (this.#op !== null) return false;
    this.#op = op;
    this.host.useAsync();
    this.progress();
    return true;
  }

  /** Cancels the operation (unsubscribe): what was accepted stays and is sent. */
  detach(op: WriteOp): void {
    if (this.#op !== op) return;
    this.#op = null;
    if (this.#settling === 0) this.host.writeSettled();
    // A close not yet begun is cancelled; once its end of stream is leaving it completes unheard.
    if (op.kind === 'close' && this.finForClose && this.finUnsent) {
      this.cancelFin();
      this.finForClose = false;
    }
  }

  /** Adds a writability watcher; it hears at once when there is room now. */
  watch(sub: Subscriber<void>): () => void {
    if (this.#watchers === NO_WATCHERS) this.#watchers = new Set();
    this.#watchers.add(sub);
    if (this.room() > 0) this.host.deliverTo(notifyWatcher, sub, undefined);
    return () => this.#watchers.delete(sub);
  }

  /** Errors the operation and completes the watchers (fatal error or destroy). */
  shutdown(reason: StreamError, completeWatchers: boolean): void {
    const op = this.#op;
    this.#op = null;
    op?.sub.error(reason);
    for (const sub of this.#watchers) {
      if (completeWatchers) sub.complete();
      else this.host.deliverTo(notifyWatcher, sub, undefined);
    }
    if (completeWatchers) this.#watchers.clear();
  }

  protected roomFreed(): void {
    for (const sub of this.#watchers) this.host.deliverTo(notifyWatcher, sub, undefined);
  }

  protected finSent(): void {
    if (this.#op?.kind === 'close') this.progress();
    else if (this.finForClose) this.host.closeNow(ignore);
  }

  protected progress(): void {
    const op = this.#op;
    if (op === null || this.host.fatal !== null) return;
    if (op.kind === 'flush') {
      if (this.pending === 0) this.#finish(op, undefined);
      else this.flushNow();
    } else if (op.kind === 'close') {
      this.#progressClose(op);
    } else if (op.kind === 'driven') {
      op.progress();
    } else {
      this.#progressWrite(op);
    }
  }

  #progressClose(op: Extract<WriteOp, { kind: 'close' }>): void {
    if (!this.finDone) {
      this.finForClose = true;
      this.requestFin();
      return;
    }
    if (op.closing) return;
    op.closing = true;
    this.host.closeNow(() => {
      if (this.#op === op) this.#finish(op, undefined);
    });
  }

  #progressWrite(op: Extract<WriteOp, { kind: 'some' | 'all' }>): void {
    while (op === this.#op && op.inKernel === 0) {
      const remaining = op.len - op.off;
      const gone = remaining > 0 ? goneProblem(op.src, op.len, 'write') : null;
      if (gone !== null) {
        // What was accepted before stays accepted and is sent; the rest cannot be read.
        this.#op = null;
        this.host.deliver(() => op.sub.error(goneError(op, gone)));
        this.host.writeSettled();
        return;
      }
      if (remaining === 0) {
        this.#finish(op, op.len);
        return;
      }
      if (this.byReference(remaining)) {
        const n = Math.min(remaining, this.cap);
        const src = op.src;
        const view =
          n === src.length && Buffer.isBuffer(src)
            ? src // the whole caller's Buffer: no view to make
            : Buffer.from(src.buffer, src.byteOffset + op.off, n);
        // Bytes queued before it leave first, in the same write (Node keeps writes in order).
        const queued = this.buffer.length;
        const chunks = queued > 0 ? [...this.buffer.take(), view] : [view];
        op.inKernel = n;
        this.bytes += n;
        // Written into the kernel at once: the caller's buffer is free now, not a tick later.
        if (this.send(chunks, queued + n, op)) {
          this.released(op);
        }
        if (op.inKernel > 0 || op.kind === 'some') return;
        continue;
      }
      const n = this.accept(op.src, op.off, remaining);
      if (n === 0 && this.buffer.failure !== null) {
        // No memory for the copy: what was accepted before stays accepted and is sent.
        this.#op = null;
        const failure = this.buffer.failure;
        this.host.deliver(() => op.sub.error(noMemoryError(op, failure)));
        this.host.writeSettled();
        return;
      }
      if (n === 0) return;
      op.off += n;
      if (op.kind === 'some') {
        this.#finish(op, n);
        return;
      }
    }
  }

  /** The kernel has taken the part of `op` it held by reference (once; later calls do nothing). */
  protected released(op: WriteOp): void {
    if (op.kind === 'flush' || op.kind === 'close' || op.kind === 'driven') return;
    if (op.inKernel === 0) return;
    const n = op.inKernel;
    op.inKernel = 0;
    op.off += n;
    if (op.kind === 'some' && op === this.#op) this.#finish(op, n);
  }

  /** A driven operation is done: emits `value` and completes it, and frees the side. */
  finishDriven(op: DrivenOp, value: number): void {
    if (this.#op === op) this.#finish(op, value);
  }

  /** A driven operation failed: frees the side and errors it with `error` (delivered). */
  failDriven(op: DrivenOp, error: unknown): void {
    if (this.#op !== op) return;
    this.#op = null;
    this.host.deliver(() => op.sub.error(error));
  }

  #finish<T>(op: WriteOp, value: T): void {
    this.#op = null;
    this.#settling += 1;
    this.host.deliverTo(deliverResult, op, value as unknown);
  }

  /** True when no operation is attached and no result is on its way to a subscriber. */
  get idle(): boolean {
    return this.#op === null && this.#settling === 0;
  }

  /** A result reached its subscriber (who may have attached the next operation meanwhile). */
  resultDelivered(): void {
    this.#settling -= 1;
    if (this.idle) this.host.writeSettled();
  }
}

/** Delivers the result of a write `acceptWhole` took (one function for every stream). */
function accepted(side: WriteSide, sub: Subscriber<number>, n: number): void {
  nextAndComplete(sub, n);
  side.resultDelivered();
}

function ignore(): void {}

/** Shared empty set of the streams nobody watches (never added to). */
const NO_WATCHERS: Set<Subscriber<void>> = new Set();
