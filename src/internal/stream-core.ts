/**
 * The inside of a {@link Stream}: its transport's events, its read and write
 * sides, its state, and the lifecycle rules between them (fatal errors,
 * destroy, half-close, attaching operations). `Stream` and its base classes
 * are thin seams over it.
 *
 * @module
 */
import { debuglog } from 'node:util';
import { asyncScheduler, type SchedulerLike, type Subscriber } from 'rxjs';
import { Status, StreamState } from '../status';
import { StreamError, invalid, toStreamError } from '../errors';
import type { LendOutcome, Transport, TransportEvents } from '../transport';
import { Activity, makeActivity } from '../connection/activity';
import { DEFAULT_CLOSE_DEADLINE } from '../connection/close-deadline';
import { timedOut } from '../connection/timeouts';
import { DEFAULT_BUFFER_SIZE, DEFAULT_CLOSE_TIMEOUT, type StreamOptions } from '../stream/options';
import { CloseSide } from './close-side';
import { deliverNow, type Host } from './host';
import { ReadSide, type ReadConsumer, type TryResult } from './read-side';
import { StateCell } from './state-cell';
import { streamOptionsProblem } from './stream-options';
import { WriteSide, type WriteOp } from './write-side';

const INVALID: TryResult = Object.freeze({ status: Status.Invalid, bytes: 0 });
export const READ_BUSY = 'a read-side operation (read, reads$ or frames) is already pending';
export const WRITE_BUSY =
  'a write-side operation (write, writeAll, writeFrom, flush, close) is already pending';

/** `NODE_DEBUG=rxstream` traces states, statuses and sizes — never payload or key material. */
export const trace = debuglog('rxstream');
/** Streams made so far: the first, made when `stream.ts` loads, is the shape keeper (id 0, see `shape-keeper.ts`). */
let streams = -1;

/**
 * The stream's side of its transport and of its read and write sides, in
 * one object with prototype methods (no per-stream closures: thousands of
 * streams stay small).
 */
export class StreamCore implements Host, TransportEvents {
  readonly transport: Transport;
  readonly direct: boolean;
  readonly scheduler: SchedulerLike | undefined;
  readonly closeDeadline: number;
  readonly id = (streams += 1);
  readonly state: StateCell;
  readonly read: ReadSide;
  readonly write: WriteSide;
  /** The close's linger and the renegotiation. */
  readonly closing: CloseSide;
  /** Why the last try-once call answered Invalid (`Stream.lastRefusal`). */
  lastRefusal: string | null = null;
  #fatal: StreamError | null = null;
  #destroyed = false;
  #async = false;
  #activity: Activity | null;
  readonly #halfOpen: boolean;
  #finishWaiting = false;

  /** @throws StreamError status Invalid when an option is out of range. */
  constructor(transport: Transport, options: StreamOptions) {
    const problem = streamOptionsProblem(options);
    if (problem !== null) throw invalid(problem);
    this.closeDeadline = options.closeDeadline ?? DEFAULT_CLOSE_DEADLINE;
    this.#activity = makeActivity(options);
    this.#halfOpen = options.allowHalfOpen !== false;
    this.scheduler = options.scheduler;
    this.direct = options.scheduler === undefined;
    this.transport = transport;
    this.closing = new CloseSide(this, options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT);
    this.read = new ReadSide(this, options.readBufferSize ?? DEFAULT_BUFFER_SIZE);
    this.write = new WriteSide(this, options.sendBufferSize ?? DEFAULT_BUFFER_SIZE);
    const onChange = trace.enabled
      ? (from: StreamState, to: StreamState) => this.traceState(from, to)
      : undefined;
    this.state = new StateCell(StreamState.Open, onChange);
  }

  /** Starts the transport and the idle timeout (the stream is fully made). */
  start(idleTimeout: number | undefined): void {
    this.transport.start(this);
    this.#activity?.arm(this.state.state$, idleTimeout, (e) => this.fail(e));
    if (trace.enabled && this.id !== 0)
      trace('stream %d: created, kind %s, fd %d', this.id, this.transport.kind, this.transport.fd);
  }

  get fatal(): StreamError | null {
    return this.#fatal;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** True once an async operation or `reads$` was used. */
  get async(): boolean {
    return this.#async;
  }

  deliver(work: () => void): void {
    if (this.scheduler === undefined) deliverNow(work);
    else this.scheduler.schedule(work);
  }

  deliverTo<A, B>(work: (a: A, b: B) => void, a: A, b: B): void;
  deliverTo<A, B, C>(work: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void;
  deliverTo(
    work: (a: unknown, b: unknown, c: unknown) => void,
    a: unknown,
    b: unknown,
    c?: unknown,
  ): void {
    if (this.scheduler === undefined) deliverNow(work, a, b, c);
    else this.scheduler.schedule(() => work(a, b, c));
  }

  defer(work: () => void): void {
    if (this.scheduler === undefined) queueMicrotask(work);
    else this.scheduler.schedule(work);
  }

  useAsync(): void {
    this.#async = true;
  }

  closeNow(done: () => void): void {
    this.closing.closeNow(done);
  }

  data(chunk: Buffer): void {
    this.#activity?.received();
    this.read.onData(chunk);
  }

  lend(view: Buffer, mayKeep: boolean): LendOutcome {
    this.#activity?.received();
    return this.read.onLend(view, mayKeep, view.buffer.byteLength);
  }

  readBuffer(): Buffer | null {
    return this.read.intoBuffer();
  }

  sent(): void {
    this.#activity?.sent();
  }

  drained(): void {
    if (!this.#halfOpen) this.deliver(() => this.#finishAfterPeer());
  }

  writeSettled(): void {
    if (this.#finishWaiting) this.#finishAfterPeer();
  }

  end(): void {
    this.read.onEnd();
    if (this.closing.lingering) this.closing.finish();
  }

  error(error: unknown): void {
    this.fail(error);
  }

  close(): void {
    if (this.#destroyed || this.#fatal !== null) return;
    if (this.closing.lingering) {
      this.closing.finish();
      return;
    }
    const closed = new StreamError(Status.StreamClosed, 'the connection closed');
    if (!this.read.eof) this.read.closeLocally(closed);
    this.write.shutdown(closed, false);
    this.closing.failRenegotiation(closed);
    this.to(StreamState.Closed);
  }

  fail(error: unknown): void {
    if (this.#destroyed || this.#fatal !== null) return;
    const fatal = toStreamError(error, 'stream failed');
    this.#fatal = fatal;
    if (trace.enabled)
      trace('stream %d: fatal %s (code %d): %s', this.id, fatal.status, fatal.code, fatal.message);
    this.closing.stop();
    this.transport.destroy();
    // Pending operations hear the error before state$ shows Error.
    this.read.wake();
    this.write.shutdown(fatal, false);
    this.closing.failRenegotiation(fatal);
    this.to(StreamState.Error);
  }

  to(state: StreamState): void {
    this.state.set(state);
  }

  /** The activity record, made on first use by `idle$` when no `idleTimeout` made one. */
  idleActivity(): Activity {
    if (this.#activity === null) {
      this.#activity = new Activity(this.scheduler ?? asyncScheduler);
      this.#activity.follow(this.state.state$);
    }
    return this.#activity;
  }

  /** `Stream.shutdownWrite`. */
  shutdownWrite(): Status {
    const state = this.state.value;
    if (this.#destroyed || state !== StreamState.Open)
      return this.refused('shutdownWrite', `the stream is not Open (${state})`).status;
    if (this.write.busy || this.write.finishing)
      return this.refused('shutdownWrite', `${WRITE_BUSY}, or an end was already asked for`).status;
    // The end is asked for while the stream still holds the socket: a state$ observer that
    // destroys the stream on ShutdownWr gets the socket back with nothing more to come.
    this.write.requestFin();
    if (!this.#destroyed && this.state.value === StreamState.Open) this.to(StreamState.ShutdownWr);
    return Status.OK;
  }

  /** `Stream.destroy`. */
  destroy(): Status {
    if (this.#destroyed) return Status.Invalid;
    this.#destroyed = true;
    const t = this.transport;
    if (this.#async) {
      if (this.#fatal === null) this.write.flushNow(); // a destroy in async mode: what was accepted leaves
      t.destroy();
    } else {
      const queued = this.write.takeAll();
      if (queued.length > 0) t.write(queued, ignore);
      if (this.write.finUnsent) t.end(ignore);
      t.release(this.read.queue.drain());
    }
    const reason = new StreamError(Status.StreamClosed, 'the stream was destroyed');
    this.closing.stop();
    this.read.shutdown(reason);
    this.write.shutdown(reason, true);
    this.closing.failRenegotiation(reason);
    if (this.state.value !== StreamState.Error) this.to(StreamState.Closed);
    this.state.end();
    return Status.OK;
  }

  /** A `close()` outlived its deadline: fail the stream; the error `close()` then gives. */
  closeDeadlinePassed(): StreamError {
    const undelivered = this.write.pending;
    const error = timedOut('close', this.closeDeadline);
    error.message += `: ${undelivered} accepted bytes were not delivered; the stream was destroyed`;
    this.fail(error);
    return this.#fatal ?? error;
  }

  /** Attaches `consumer`; it is then the subscription's teardown. */
  attachRead(consumer: ReadConsumer): ReadConsumer | undefined {
    if (this.#destroyed) return this.refuse(consumer.sub, 'the stream is destroyed');
    if (!this.read.attach(consumer)) {
      return this.refuse(consumer.sub, READ_BUSY);
    }
    return consumer;
  }

  /**
   * A small write of a whole buffer taken at subscription (see
   * `WriteSide.acceptWhole`); false when the stream cannot take it that way.
   */
  writeNow(sub: Subscriber<number>, src: Uint8Array, n: number): boolean {
    if (this.#destroyed || this.#fatal !== null || this.write.finishing) return false;
    return this.state.value === StreamState.Open && this.write.acceptWhole(sub, src, n);
  }

  /** Attaches `op`; it is then the subscription's teardown. */
  attachWrite<T>(sub: Subscriber<T>, op: WriteOp, closing: boolean): WriteOp | undefined {
    if (this.#destroyed) return this.refuse(sub, 'the stream is destroyed');
    if (this.#fatal !== null) {
      const fatal = this.#fatal;
      this.deliver(() => sub.error(fatal));
      return undefined;
    }
    const state = this.state.value;
    if (closing && state === StreamState.Closed) {
      this.deliver(() => {
        sub.next(undefined as T);
        sub.complete();
      });
      return undefined;
    }
    const writing = op.kind === 'some' || op.kind === 'all' || op.kind === 'driven';
    if (writing && (state !== StreamState.Open || this.write.finishing)) {
      return this.refuse(sub, `cannot write in state ${state}`);
    }
    if (!closing && !writing && state === StreamState.Closed) {
      return this.refuse(sub, 'the stream is closed');
    }
    if (!this.write.attach(op)) {
      return this.refuse(sub, WRITE_BUSY);
    }
    return op;
  }

  /** Errors `sub` with Invalid (an operation refused at subscription). */
  refuse(sub: { error(e: unknown): void }, message: string): undefined {
    const error = invalid(message);
    if (trace.enabled) trace('stream %d: refused: %s', this.id, message);
    this.deliver(() => sub.error(error));
    return undefined;
  }

  /** Records (and traces) why a try-once call answers Invalid. */
  refused(call: string, reason: string): TryResult {
    this.lastRefusal = `${call}: ${reason}`;
    if (trace.enabled) trace('stream %d: refused %s: %s', this.id, call, reason);
    return INVALID;
  }

  /** NODE_DEBUG=rxstream: a `write` that took fewer bytes than asked says so (writeAll was likely meant). */
  tracePartial(n: number, buf: Uint8Array, len: number | undefined): void {
    const asked = len ?? buf.length;
    if (n < asked)
      trace(
        'stream %d: write accepted %d of %d bytes (writeAll sends them all)',
        this.id,
        n,
        asked,
      );
  }

  traceState(from: StreamState, to: StreamState): void {
    trace(
      'stream %d: %s -> %s (read %d, written %d)',
      this.id,
      from,
      to,
      this.read.bytes,
      this.write.bytes,
    );
  }

  /** The peer ended and everything was read: finish, unless half-open (see `allowHalfOpen`). */
  #finishAfterPeer(): void {
    if (this.#destroyed || this.#fatal !== null || this.state.value !== StreamState.Open) return;
    this.#finishWaiting = !this.write.idle;
    if (!this.#finishWaiting) this.shutdownWrite();
  }
}

function ignore(): void {}
