/**
 * The byte-moving half of a stream's write side: the bounded send buffer,
 * flushes, the writes in flight, the large-write policy and the end of
 * stream. {@link WriteSide} adds the operations on top (write, writeAll,
 * writeFrom, flush, close) and the writability watchers; it extends this
 * class so that both halves are one object per stream.
 *
 * @module
 */
import { Status, StreamKind } from '../status';
import type { TryResult } from './read-side';
import { SendBuffer } from './send-buffer';
import type { Host } from './host';
import { hasFlag, withFlag } from './flags';
import { currentRun } from './run-clock';
import { Flights } from './flights';

/**
 * Accepted bytes that leave at once, without waiting for the end of the run,
 * when nothing is held by Node: a burst of small writes (or of copied large
 * ones, see {@link COALESCE_BELOW}) goes to the kernel four slabs per syscall
 * while the kernel keeps taking it. At 64 KiB, `writeFrom(from(msgs))` of
 * 64 B messages ran 5.8-5.9 M msg/s; at 256 KiB 7.0-11.4 M (same runs).
 */
const BURST = 256 * 1024;

/** Writes at least this large are not copied (see `SendPath#byReference`). */
const ZERO_COPY_MIN = 64 * 1024;

/**
 * Large writes below this that follow another large write in the same
 * synchronous run (a `concatMap(writeAll)` of 64 KiB chunks), or wait behind
 * a write in flight, are copied into a burst (of {@link BURST} bytes, or all
 * that gathered until that write's callback): a write syscall costs the
 * kernel about as much at 64 KiB as at 256 KiB and more on loopback (a raw
 * sender of 64 KiB writes reached 1.4 GB/s here, the same writes corked 16
 * at a time 2.5-3.6 GB/s), far more than the copy. The first large write of
 * a run still goes by reference, so a stream that writes one chunk per event
 * (an echo) holds no slab. Not on TLS: Node's TLS layer copies the chunks of
 * a multi-chunk write into one buffer before it encrypts, so the burst would
 * copy every byte twice on a path the cipher already makes CPU-bound.
 */
const COALESCE_BELOW = 256 * 1024;

/** Where the end of stream (FIN / close_notify) is. */
type Fin = 'none' | 'wanted' | 'sending' | 'sent';

// The boolean state of a SendPath, as bits of one field (`#flags`): one slot per stream, not one each.
const WAS_FULL = 1;
const FLUSH_PENDING = 2;
const FIN_FOR_CLOSE = 4;

/**
 * The bounded send buffer and what leaves it. `Op` is what a write may
 * carry by reference (an operation of the subclass): it hears of the
 * kernel taking it through {@link SendPath.released}.
 */
export abstract class SendPath<Op extends object> extends Flights<Op | readonly Buffer[]> {
  /**
   * The send buffer: the shared empty {@link NO_BUFFER} until bytes are
   * copied in, and again once everything has left (an idle stream holds none).
   */
  buffer: SendBuffer = NO_BUFFER;
  /** Bytes accepted from the user so far. */
  bytes = 0;
  /**
   * The one completion callback of every write, so that Node batches the
   * completions of writes taken at once into one tick (it does so when the
   * callback is the same function each time).
   */
  readonly #onWritten: (error?: unknown) => void = this.#written.bind(this); // no closure context
  #fin: Fin = 'none';
  #largeRun = -1; // the run (see run-clock.ts) of the last large write sent by reference
  #flags = 0; // wasFull, flushPending, finForClose (accessors below)
  protected readonly host: Host;
  /** The send buffer's bound (bytes accepted and not yet in the kernel). */
  protected readonly cap: number;

  constructor(host: Host, cap: number) {
    super();
    this.host = host;
    this.cap = cap;
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
  /** The end of stream was asked for by a close, which closes the transport after it (a flag here: one slot). */
  protected get finForClose(): boolean {
    return hasFlag(this.#flags, FIN_FOR_CLOSE);
  }
  protected set finForClose(on: boolean) {
    this.#flags = withFlag(this.#flags, FIN_FOR_CLOSE, on);
  }

  /** The kernel has taken `op`'s bytes that a write carried by reference. */
  protected abstract released(op: Op): void;
  /** A write was called back (room may have freed): the operation moves on. */
  protected abstract progress(): void;
  /** The buffer had been full and has room again. */
  protected abstract roomFreed(): void;
  /** The end of stream has left. */
  protected abstract finSent(): void;

  /** True once an end of stream has been asked for (shutdownWrite or close). */
  get finishing(): boolean {
    return this.#fin !== 'none';
  }

  /** True once the end of stream was asked for and has not left yet. */
  get finUnsent(): boolean {
    return this.#fin === 'wanted';
  }

  /** True once the end of stream has left. */
  protected get finDone(): boolean {
    return this.#fin === 'sent';
  }

  /** An end of stream asked for and not yet leaving is called off. */
  protected cancelFin(): void {
    if (this.#fin === 'wanted') this.#fin = 'none';
  }

  /** Bytes not yet handed to the kernel. */
  get pending(): number {
    return this.buffer.length + this.inFlight;
  }

  /** Room left in the send buffer. */
  room(): number {
    return Math.max(0, this.cap - this.buffer.length - this.inFlight);
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

  /** `n` bytes were copied into the buffer: they leave now (a full burst) or at the run's end. */
  #took(n: number): void {
    this.bytes += n;
    // A burst leaves while the kernel takes it, not all at the run's end.
    if (this.buffer.length >= BURST && this.inFlight === 0) this.flushNow();
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

  /** Asks for the end of stream after every accepted byte. */
  requestFin(): void {
    if (this.#fin === 'none') this.#fin = 'wanted';
    this.flushNow();
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
    if (this.#flushPending || this.inFlight > 0) return;
    this.#flushPending = true;
    this.host.defer((this.#onFlushDue ??= this.#flushDue.bind(this)));
  }

  /** Made on the first copied write: streams that only write large buffers (by reference) need none. */
  #onFlushDue: (() => void) | null = null;

  #flushDue(): void {
    this.#flushPending = false;
    this.flushNow();
  }

  /** Hands what is accepted to the transport now, unless a write is in flight (then at its callback). */
  flushNow(): void {
    if (this.inFlight > 0 || this.host.fatal !== null) return;
    if (this.buffer.length === 0) {
      this.#maybeFin();
      return;
    }
    const n = this.buffer.length;
    const chunks = this.buffer.take();
    // All ours: once the kernel has them (now, or at their callback), their slabs are free.
    if (this.send(chunks, n, chunks)) this.#recycle(chunks);
  }

  /**
   * Hands chunks to the transport; true when they reached the kernel at
   * once. `carries` is the operation whose bytes are among them by
   * reference, or the chunks themselves.
   */
  protected send(chunks: readonly Buffer[], n: number, carries: Op | readonly Buffer[]): boolean {
    const id = this.flightStarted(n, carries);
    let atOnce: boolean;
    try {
      atOnce = this.host.transport.write(chunks, this.#onWritten);
    } catch (error) {
      // Node could not take them (its own allocation failed): the stream cannot go on.
      this.host.fail(error);
      return false;
    }
    // Bytes the kernel took synchronously are not held by Node: they stop counting against
    // the bound (and for flush) now, not when their callback comes a tick later.
    if (atOnce) this.flightTookAtOnce(id); // the caller releases or recycles them now
    return atOnce;
  }

  #written(error: unknown): void {
    const carried = this.flightLanded();
    if (carried === undefined) return; // not a write of this side's (cannot happen)
    if (error !== undefined && error !== null) {
      this.host.fail(error);
      return;
    }
    this.host.sent();
    if (Array.isArray(carried)) this.#recycle(carried);
    else if (carried !== null) this.released(carried as Op);
    this.progress();
    this.flushNow();
    if (this.pending === 0) this.#trim();
    if (this.#wasFull && this.room() > 0) {
      this.#wasFull = false;
      this.roomFreed();
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
    if (this.#fin !== 'wanted' || this.inFlight > 0 || this.buffer.length > 0) return;
    this.#fin = 'sending';
    this.host.transport.end((error) => {
      if (error !== undefined && error !== null) {
        this.host.fail(error);
        return;
      }
      this.#fin = 'sent';
      this.finSent();
    });
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
  protected byReference(remaining: number): boolean {
    if (remaining < ZERO_COPY_MIN) return false;
    if (!this.host.direct) return this.pending === 0;
    if (remaining >= COALESCE_BELOW || this.host.transport.kind === StreamKind.TLSStream)
      return true;
    // Behind a write still in flight it could not leave now anyway: copied, it lets the
    // writer go on, and leaves with the rest at that write's callback, in one syscall.
    if (this.inFlight > 0) return false;
    const run = currentRun();
    if (this.#largeRun !== run) {
      this.#largeRun = run; // the first large write of this run
      return true;
    }
    return false; // another one: it and those after it in this run join a burst
  }
}

const OUT_OF_MEMORY: TryResult = Object.freeze({ status: Status.OutOfMemory, bytes: 0 });

/** The send buffer of every stream with nothing copied in (never appended to: see `accept`). */
const NO_BUFFER = new SendBuffer();
