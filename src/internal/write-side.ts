import type { Subscriber } from 'rxjs';
import type { StreamError } from '../errors';
import { Status, StreamKind } from '../status';
import type { TryResult } from './read-side';
import { goneProblem } from './validate';
import { SendBuffer } from './send-buffer';
import { nextAndComplete, notifyWatcher, type Host } from './host';
import { deliverResult, goneError, noMemoryError, type DrivenOp, type WriteOp } from './write-ops';
import { hasFlag, withFlag } from './flags';
import { currentRun, inRun } from './run-clock';

export { CloseOp, DataOp, DrivenOp, FlushOp, type WriteOp } from './write-ops';

/**
 * Accepted bytes that leave at once, without waiting for the end of the run,
 * when nothing is held by Node: a burst of small writes goes to the kernel a
 * slab at a time while the kernel keeps taking it.
 */
const BURST = 256 * 1024;

/** Writes at least this large are not copied (see `WriteSide#byReference`). */
const ZERO_COPY_MIN = 64 * 1024;

/**
 * Large writes below this that follow another large write in the same
 * synchronous run (a `concatMap(writeAll)` of 64 KiB chunks), or wait behind
 * a write in flight, are copied into a burst (of {@link LARGE_BURST} bytes,
 * or all that gathered until that write's callback): a write
 * syscall costs the kernel about as much at 64 KiB as at 256 KiB and more
 * on loopback (a raw sender of 64 KiB writes reached 1.4 GB/s here, the
 * same writes corked 16 at a time 2.5-3.6 GB/s), far more than the copy.
 * The first large write of a run still goes by reference, so a stream that
 * writes one chunk per event (an echo) holds no slab. Not on TLS: Node's
 * TLS layer copies the chunks of a multi-chunk write into one buffer before
 * it encrypts, so the burst would copy every byte twice on a path the
 * cipher already makes CPU-bound.
 */
const COALESCE_BELOW = 256 * 1024;
/** How many bytes a burst of copied large writes gathers before it leaves. */
const LARGE_BURST = 256 * 1024;

/**
 * A write in flight, as two entries of `WriteSide#flights`: its byte count,
 * then the operation whose bytes it carries by reference (released at its
 * callback) or the send buffer's chunks it carries (recycled then); null once
 * settled.
 */
type Flight = number | WriteOp | readonly Buffer[] | null;

/** Where the end of stream (FIN / close_notify) is. */
type Fin = 'none' | 'wanted' | 'sending' | 'sent';

// The boolean state of a WriteSide, as bits of one field (`#flags`): one slot per stream, not one each.
const WAS_FULL = 1;
const FLUSH_PENDING = 2;
const FIN_FOR_CLOSE = 4;

/**
 * The sending half of a stream: the bounded send buffer, coalesced flushes,
 * the one write-side operation, writability watchers and the end of stream.
 */
export class WriteSide {
  /**
   * The send buffer: the shared empty {@link NO_BUFFER} until bytes are
   * copied in, and again once everything has left (an idle stream holds none).
   */
  buffer: SendBuffer = NO_BUFFER;
  /** Bytes accepted from the user so far. */
  bytes = 0;
  #inFlight = 0;
  /**
   * The writes with the transport, oldest first from `#flightHead` (their
   * `done` comes in this order), two entries each (see {@link Flight}). Writes
   * taken at once are done a tick later, so a synchronous loop of writes can
   * leave thousands here: an index, not `shift()`, walks them. Null when none.
   */
  #flights: Array<Flight> | null = null;
  #flightHead = 0;
  /**
   * The one completion callback of every write, so that Node batches the
   * completions of writes taken at once into one tick (it does so when the
   * callback is the same function each time).
   */
  readonly #onWritten: (error?: unknown) => void = this.#written.bind(this); // no closure context
  #op: WriteOp | null = null;
  #watchers: Set<Subscriber<void>> = NO_WATCHERS; // a real Set on first watch
  #fin: Fin = 'none';
  #settling = 0; // results delivered later (see #finish)
  #largeRun = -1; // the run (see run-clock.ts) of the last large write sent by reference
  #burstRun = -1; // the run in which large writes are being copied into a burst
  #flags = 0; // wasFull, flushPending, finForClose (accessors below)
  readonly #host: Host;
  readonly #cap: number;

  constructor(host: Host, cap: number) {
    this.#host = host;
    this.#cap = cap;
  }

  get #wasFull(): boolean {
    return hasFlag(this.#flags, WAS_FULL);
  }
  set #wasFull(on: boolean) {
    this.#flags = withFlag(this.#flags, WAS_FULL, on);
  }
  get #flushPending(): boolean {
    return hasFlag(this.#flags, FLUSH_PENDING);
  }
  set #flushPending(on: boolean) {
    this.#flags = withFlag(this.#flags, FLUSH_PENDING, on);
  }
  get #finForClose(): boolean {
    return hasFlag(this.#flags, FIN_FOR_CLOSE);
  }
  set #finForClose(on: boolean) {
    this.#flags = withFlag(this.#flags, FIN_FOR_CLOSE, on);
  }

  /** True while a write-side operation is pending. */
  get busy(): boolean {
    return this.#op !== null;
  }

  /** True once an end of stream has been asked for (shutdownWrite or close). */
  get finishing(): boolean {
    return this.#fin !== 'none';
  }

  /** Bytes not yet handed to the kernel. */
  get pending(): number {
    return this.buffer.length + this.#inFlight;
  }

  /** Room left in the send buffer. */
  room(): number {
    return Math.max(0, this.#cap - this.buffer.length - this.#inFlight);
  }

  /**
   * Copies up to `len` bytes of `src` from `start` into the buffer; returns
   * how many (fewer when memory for the copy ran out: see `buffer.failure`).
   */
  accept(src: Uint8Array, start: number, len: number): number {
    const n = Math.min(len, this.room());
    if (n > 0 && this.buffer === NO_BUFFER) this.buffer = new SendBuffer();
    const copied = n > 0 ? this.buffer.append(src, start, n) : 0;
    if (copied > 0) this.#took(copied);
    else if (this.room() === 0) this.#wasFull = true;
    return copied;
  }

  /** `n` bytes were copied into the buffer: they leave now (a full burst) or at the run's end. */
  #took(n: number): void {
    this.bytes += n;
    // A burst leaves a slab at a time while the kernel takes it, not all at the run's end.
    const burst = inRun(this.#burstRun) ? LARGE_BURST : BURST;
    if (this.buffer.length >= burst && this.#inFlight === 0) this.#flushNow();
    else this.#scheduleFlush();
    if (this.room() === 0) this.#wasFull = true;
  }

  /**
   * `tryWrite`'s accept: OK with the bytes copied, or `OutOfMemory`, 0 when
   * none could be (nothing accepted, the stream unharmed: a retry may work).
   */
  tryAccept(src: Uint8Array, len: number): TryResult {
    const n = this.accept(src, 0, len);
    if (n === 0 && len > 0 && this.buffer.failure !== null) return OUT_OF_MEMORY;
    return { status: Status.OK, bytes: n };
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
    if (this.#op !== null || !this.#host.direct || !this.acceptSmall(src, n)) return false;
    this.#host.useAsync();
    this.#settling += 1;
    this.#host.deliverTo((this.#onAccepted ??= this.#accepted.bind(this)), sub, n);
    return true;
  }

  /**
   * Copies all of a small `src` (`n` bytes, its real length) in when it fits
   * in the room and the open slab (see `SendBuffer.appendWhole`); false,
   * nothing done, otherwise (then `accept` takes it the general way).
   */
  acceptSmall(src: Uint8Array, n: number): boolean {
    if (n === 0 || n >= ZERO_COPY_MIN || n > this.room()) return false;
    if (!this.buffer.appendWhole(src, n)) return false;
    this.#took(n);
    return true;
  }

  /** Made on the first write taken by `acceptWhole`. */
  #onAccepted: ((sub: Subscriber<number>, n: number) => void) | null = null;

  #accepted(sub: Subscriber<number>, n: number): void {
    nextAndComplete(sub, n);
    this.resultDelivered();
  }

  /** Becomes the one operation; false when one is already there. */
  attach(op: WriteOp): boolean {
    if (this.#op !== null) return false;
    this.#op = op;
    this.#host.useAsync();
    this.#progress();
    return true;
  }

  /** Cancels the operation (unsubscribe): what was accepted stays and is sent. */
  detach(op: WriteOp): void {
    if (this.#op !== op) return;
    this.#op = null;
    if (this.#settling === 0) this.#host.writeSettled();
    // A close not yet begun is cancelled; once its end of stream is leaving it completes unheard.
    if (op.kind === 'close' && this.#finForClose && this.#fin === 'wanted') {
      this.#fin = 'none';
      this.#finForClose = false;
    }
  }

  /** True once the end of stream was asked for and has not left yet. */
  get finUnsent(): boolean {
    return this.#fin === 'wanted';
  }

  /** Asks for the end of stream after every accepted byte. */
  requestFin(): void {
    if (this.#fin === 'none') this.#fin = 'wanted';
    this.#flushNow();
  }

  /** Adds a writability watcher; it hears at once when there is room now. */
  watch(sub: Subscriber<void>): () => void {
    if (this.#watchers === NO_WATCHERS) this.#watchers = new Set();
    this.#watchers.add(sub);
    if (this.room() > 0) this.#host.deliverTo(notifyWatcher, sub, undefined);
    return () => this.#watchers.delete(sub);
  }

  /** Errors the operation and completes the watchers (fatal error or destroy). */
  shutdown(reason: StreamError, completeWatchers: boolean): void {
    const op = this.#op;
    this.#op = null;
    op?.sub.error(reason);
    for (const sub of this.#watchers) {
      if (completeWatchers) sub.complete();
      else this.#host.deliverTo(notifyWatcher, sub, undefined);
    }
    if (completeWatchers) this.#watchers.clear();
  }

  /** Everything still queued (sync-mode destroy hands it to the socket). */
  takeAll(): Buffer[] {
    return this.buffer.take();
  }

  /**
   * Sends what was accepted at the end of the current synchronous run (a
   * microtask without a scheduler, else on the scheduler): every write of
   * one run leaves in one transport write, the first included, and no
   * later than the run ends (no Nagle-like wait). While a write is in
   * flight, later ones gather and leave together when it is done.
   */
  #scheduleFlush(): void {
    if (this.#flushPending || this.#inFlight > 0) return;
    this.#flushPending = true;
    this.#host.defer((this.#onFlushDue ??= this.#flushDue.bind(this)));
  }

  /** Made on the first copied write: streams that only write large buffers (by reference) need none. */
  #onFlushDue: (() => void) | null = null;

  #flushDue(): void {
    this.#flushPending = false;
    this.#flushNow();
  }

  /** Hands what is accepted to the transport now (a destroy in async mode: what was accepted leaves). */
  flushAccepted(): void {
    this.#flushNow();
  }

  #flushNow(): void {
    if (this.#inFlight > 0 || this.#host.fatal !== null) return;
    if (this.buffer.length === 0) {
      this.#maybeFin();
      return;
    }
    const n = this.buffer.length;
    const chunks = this.buffer.take();
    // All ours: once the kernel has them (now, or at their callback), their slabs are free.
    if (this.#send(chunks, n, chunks)) this.#recycle(chunks);
  }

  /**
   * Hands chunks to the transport; true when they reached the kernel at
   * once. `carries` is the operation whose bytes are among them by reference.
   */
  #send(chunks: readonly Buffer[], n: number, carries: WriteOp | readonly Buffer[]): boolean {
    this.#inFlight += n;
    const flights = (this.#flights ??= []);
    const at = flights.length;
    flights.push(n, carries);
    let atOnce: boolean;
    try {
      atOnce = this.#host.transport.write(chunks, this.#onWritten);
    } catch (error) {
      // Node could not take them (its own allocation failed): the stream cannot go on.
      this.#host.fail(error);
      return false;
    }
    // Bytes the kernel took synchronously are not held by Node: they stop counting against
    // the bound (and for flush) now, not when their callback comes a tick later.
    if (atOnce && this.#flights === flights && this.#flightHead <= at) {
      flights[at] = 0;
      flights[at + 1] = null; // the caller releases or recycles them now
      this.#inFlight -= n;
    }
    return atOnce;
  }

  #written(error: unknown): void {
    const flights = this.#flights;
    if (flights === null) return; // not a write of this side's (cannot happen)
    const head = this.#flightHead;
    this.#inFlight -= flights[head] as number;
    const carried = flights[head + 1] as WriteOp | readonly Buffer[] | null;
    flights[head + 1] = null;
    if (head + 2 === flights.length) {
      this.#flights = null; // an idle stream keeps no array
      this.#flightHead = 0;
    } else {
      this.#flightHead = head + 2;
    }
    if (error !== undefined && error !== null) {
      this.#host.fail(error);
      return;
    }
    this.#host.sent();
    if (Array.isArray(carried)) this.#recycle(carried);
    else if (carried !== null) this.#release(carried as WriteOp);
    this.#progress();
    this.#flushNow();
    if (this.pending === 0) this.#trim();
    if (this.#wasFull && this.room() > 0) {
      this.#wasFull = false;
      for (const sub of this.#watchers) this.#host.deliverTo(notifyWatcher, sub, undefined);
    }
  }

  /** Slabs the transport is done with go back to the send buffer that made them (never the shared empty one). */
  #recycle(chunks: readonly Buffer[]): void {
    if (this.buffer !== NO_BUFFER) this.buffer.recycle(chunks);
  }

  /** Nothing pending: the send buffer gives its slab back and the stream its send buffer. */
  #trim(): void {
    this.buffer.trim();
    if (this.buffer.length === 0) this.buffer = NO_BUFFER;
  }

  #maybeFin(): void {
    if (this.#fin !== 'wanted' || this.#inFlight > 0 || this.buffer.length > 0) return;
    this.#fin = 'sending';
    this.#host.transport.end((error) => {
      if (error !== undefined && error !== null) {
        this.#host.fail(error);
        return;
      }
      this.#fin = 'sent';
      if (this.#op?.kind === 'close') this.#progress();
      else if (this.#finForClose) this.#host.closeNow(ignore);
    });
  }

  #progress(): void {
    const op = this.#op;
    if (op === null || this.#host.fatal !== null) return;
    if (op.kind === 'flush') {
      if (this.pending === 0) this.#finish(op, undefined);
      else this.#flushNow();
    } else if (op.kind === 'close') {
      this.#progressClose(op);
    } else if (op.kind === 'driven') {
      op.progress();
    } else {
      this.#progressWrite(op);
    }
  }

  #progressClose(op: Extract<WriteOp, { kind: 'close' }>): void {
    if (this.#fin !== 'sent') {
      this.#finForClose = true;
      this.requestFin();
      return;
    }
    if (op.closing) return;
    op.closing = true;
    this.#host.closeNow(() => {
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
        this.#host.deliver(() => op.sub.error(goneError(op, gone)));
        this.#host.writeSettled();
        return;
      }
      if (remaining === 0) {
        this.#finish(op, op.len);
        return;
      }
      if (this.#byReference(remaining)) {
        const n = Math.min(remaining, this.#cap);
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
        if (this.#send(chunks, queued + n, op)) {
          this.#release(op);
        }
        if (op.inKernel > 0 || op.kind === 'some') return;
        continue;
      }
      const n = this.accept(op.src, op.off, remaining);
      if (n === 0 && this.buffer.failure !== null) {
        // No memory for the copy: what was accepted before stays accepted and is sent.
        this.#op = null;
        const failure = this.buffer.failure;
        this.#host.deliver(() => op.sub.error(noMemoryError(op, failure)));
        this.#host.writeSettled();
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
  #release(op: WriteOp): void {
    if (op.kind === 'flush' || op.kind === 'close' || op.kind === 'driven') return;
    if (op.inKernel === 0) return;
    const n = op.inKernel;
    op.inKernel = 0;
    op.off += n;
    if (op.kind === 'some' && op === this.#op) this.#finish(op, n);
  }

  /**
   * Whether the next `remaining` bytes of a write go to the transport by
   * reference rather than copied: large writes always on sockets (even
   * behind queued bytes, which then go first), and when nothing is pending;
   * except that on a non-TLS socket a write below {@link COALESCE_BELOW}
   * is copied into a burst when a write is in flight or another large one
   * left in the same synchronous run.
   * With a scheduler (memory, marble tests), only large writes on an idle
   * stream. Small writes are always copied and leave with the rest of their
   * run (see `#scheduleFlush`).
   */
  #byReference(remaining: number): boolean {
    if (remaining < ZERO_COPY_MIN) return false;
    if (!this.#host.direct) return this.pending === 0;
    if (remaining >= COALESCE_BELOW || this.#host.transport.kind === StreamKind.TLSStream)
      return true;
    // Behind a write still in flight it could not leave now anyway: copied, it lets the
    // writer go on, and leaves with the rest at that write's callback, in one syscall.
    if (this.#inFlight > 0) return false;
    const run = currentRun();
    if (this.#largeRun !== run) {
      this.#largeRun = run; // the first large write of this run
      return true;
    }
    this.#burstRun = run; // another one: it and those after it in this run join a burst
    return false;
  }

  /** A driven operation is done: emits `value` and completes it, and frees the side. */
  finishDriven(op: DrivenOp, value: number): void {
    if (this.#op === op) this.#finish(op, value);
  }

  /** A driven operation failed: frees the side and errors it with `error` (delivered). */
  failDriven(op: DrivenOp, error: unknown): void {
    if (this.#op !== op) return;
    this.#op = null;
    this.#host.deliver(() => op.sub.error(error));
  }

  #finish<T>(op: WriteOp, value: T): void {
    this.#op = null;
    this.#settling += 1;
    this.#host.deliverTo(deliverResult, op, value as unknown);
  }

  /** True when no operation is attached and no result is on its way to a subscriber. */
  get idle(): boolean {
    return this.#op === null && this.#settling === 0;
  }

  /** A result reached its subscriber (who may have attached the next operation meanwhile). */
  resultDelivered(): void {
    this.#settling -= 1;
    if (this.idle) this.#host.writeSettled();
  }
}

function ignore(): void {}

const OUT_OF_MEMORY: TryResult = Object.freeze({ status: Status.OutOfMemory, bytes: 0 });

/** The send buffer of every stream with nothing copied in (never appended to: see `accept`). */
const NO_BUFFER = new SendBuffer();

/** Shared empty set of the streams nobody watches (never added to). */
const NO_WATCHERS: Set<Subscriber<void>> = new Set();
