/**
 * The {@link Reconnecting} class: the connect attempts, their backoff and
 * give-up rules, the one `state$`, and the queued writes; the reads that go
 * on from one connection to the next are in reconnect-reads.ts.
 *
 * @module
 */
import {
  BehaviorSubject,
  Observable,
  Subscription,
  asyncScheduler,
  first,
  skip,
  type SchedulerLike,
} from 'rxjs';
import { Status, StreamState } from '../status';
import { StreamError, toStreamError } from '../errors';
import type { Stream } from '../stream';
import { backoffDelay, backoffSettings, type BackoffOptions } from './backoff';
import { WriteQueue, DEFAULT_MAX_QUEUED } from './write-queue';
import { ReconnectReads, notConnected } from './reconnect-reads';
import {
  retrySysErrors,
  type ReconnectOptions,
  type ReconnectState,
  type ReconnectStatus,
} from './reconnect-state';

/**
 * One logical connection over successive streams, made by {@link reconnecting}.
 *
 * It starts connecting at the first subscription to `state$`, `reads$` or
 * `each`, or the first write, and runs until `close()` or until it gives
 * up. Unsubscribing does not stop it: `close()` does.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTCP, reconnecting, type Reconnecting } from 'rxstream';
 * import { filter, firstValueFrom } from 'rxjs';
 *
 * const conn: Reconnecting = reconnecting(() => connectTCP(port, '127.0.0.1'));
 * const up = await firstValueFrom(conn.state$.pipe(filter((s) => s.status === 'open')));
 * assert.equal(up.attempt, 1);
 * await firstValueFrom(conn.close()); // unsubscribing does not stop it: close() does
 * ```
 */
export class Reconnecting {
  readonly #connect: () => Observable<Stream>;
  readonly #backoff: Required<BackoffOptions>;
  readonly #maxAttempts: number;
  readonly #retryOn: (error: StreamError) => boolean;
  readonly #scheduler: SchedulerLike;
  readonly #random: () => number;
  readonly #state: BehaviorSubject<ReconnectState>;
  readonly #writes: WriteQueue;
  readonly #reads: ReconnectReads = new ReconnectReads(this, () => this.#start());
  #started = false;
  #attempt = 0;
  #waits = 0;
  #connections = 0;
  #pending: Subscription | null = null; // the attempt or the backoff timer
  #current: Stream | null = null;
  #watch: Subscription | null = null;

  /** Use {@link reconnecting}. */
  constructor(connect: () => Observable<Stream>, options: ReconnectOptions = {}) {
    this.#connect = connect;
    this.#backoff = backoffSettings(options.backoff);
    this.#maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
    this.#retryOn = options.retryOn ?? retrySysErrors;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#random = options.random ?? Math.random;
    this.#writes = new WriteQueue(options.maxQueued ?? DEFAULT_MAX_QUEUED, () => this.#usable());
    this.#state = new BehaviorSubject<ReconnectState>(this.#make('connecting', 0, null));
  }

  /**
   * Every state, in order, across connections (replays the current one);
   * completes after `closed` or `failed`. Subscribing starts the connection.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, reconnecting } from 'rxstream';
   * import { first, lastValueFrom, map, toArray } from 'rxjs';
   *
   * const conn = reconnecting(() => connectTCP(port, '127.0.0.1'));
   * const statuses = lastValueFrom(conn.state$.pipe(map((s) => s.status), toArray()));
   * conn.state$.pipe(first((s) => s.status === 'open')).subscribe(() => conn.close().subscribe());
   * assert.deepEqual(await statuses, ['connecting', 'open', 'closed']);
   * ```
   */
  get state$(): Observable<ReconnectState> {
    return new Observable<ReconnectState>((sub) => {
      // The first subscriber starts it and sees its first attempt; the value before that is no state.
      const states$ = this.#started ? this.#state : this.#state.pipe(skip(1));
      const inner = states$.subscribe(sub);
      this.#start();
      return inner;
    });
  }

  /**
   * The current state (before it starts: `connecting` with attempt 0; reading it does not start it).
   *
   * @example
   * ```ts
   * if (conn.state.status === 'failed') console.error('gave up:', conn.state.lastError?.message);
   * ```
   */
  get state(): ReconnectState {
    return this.#state.value;
  }

  /**
   * The connected stream, or null while not `open`.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, reconnecting } from 'rxstream';
   * import { filter, firstValueFrom } from 'rxjs';
   *
   * const conn = reconnecting(() => connectTCP(port, '127.0.0.1'), { backoff: { initial: 50 } });
   * const opened = (n: number) => firstValueFrom(conn.state$.pipe(filter((s) => s.connections === n)));
   * await opened(1);
   * conn.stream?.destroy(); // the connection drops: after a backoff, a new one
   * const again = await opened(2);
   * assert.equal(again.stream, conn.stream);
   * await firstValueFrom(conn.close());
   * ```
   */
  get stream(): Stream | null {
    return this.#current;
  }

  /**
   * Bytes of writes waiting for a connection.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, reconnecting } from 'rxstream';
   * import { firstValueFrom } from 'rxjs';
   *
   * const conn = reconnecting(() => connectTCP(port, '127.0.0.1'));
   * conn.writeAll(Buffer.from('hi')).subscribe();
   * assert.equal(conn.queued, 2); // not connected yet: the write waits
   * await firstValueFrom(conn.reads$); // the echo of it
   * assert.equal(conn.queued, 0);
   * await firstValueFrom(conn.close());
   * ```
   */
  get queued(): number {
    return this.#writes.bytes;
  }

  /**
   * Everything every connection receives, in order, connection after
   * connection (`each((s) => s.reads$)`). A framing decoder belongs inside
   * `each`, so that a frame cut by a dropped connection is not glued to the
   * next connection's bytes.
   *
   * @example
   * ```ts
   * conn.reads$.subscribe((chunk) => process.stdout.write(chunk));
   * ```
   */
  get reads$(): Observable<Buffer> {
    return this.each((s) => s.reads$);
  }

  /**
   * `project(stream)` for each connection in turn, its values in order:
   * when one ends (completes, or errors because its connection ended) the
   * next connection's follows. Completes after `close()`, errors with the
   * last error when it gives up; other errors of `project` are passed on.
   * A read-side operation on each stream: one subscriber at a time. A
   * connection that ends with bytes nobody read yet keeps them for the next
   * subscriber (bounded by its `readBufferSize`).
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, lines, reconnecting } from 'rxstream';
   * import { firstValueFrom, take, toArray } from 'rxjs';
   *
   * const conn = reconnecting(() => connectTCP(port, '127.0.0.1'));
   * conn.writeAll(Buffer.from('one\ntwo\n')).subscribe();
   * // The decoder inside `each`: a line cut by a drop is not glued to the next connection's.
   * const got = await firstValueFrom(conn.each((s) => s.frames(lines())).pipe(take(2), toArray()));
   * assert.deepEqual(got, ['one', 'two']);
   * await firstValueFrom(conn.close());
   * ```
   */
  each<T>(project: (stream: Stream) => Observable<T>): Observable<T> {
    return this.#reads.each(project);
  }

  /**
   * Writes all of `buf` on the connection: emits `buf.length` once a stream
   * accepted it, then completes. While disconnected it waits in a queue of
   * at most `maxQueued` bytes; past that, or after `closed`/`failed`, it
   * errors with `StreamClosed` (code 2). **At most once**: each write is
   * given to one connection; if that connection ends before taking all of
   * it, the write errors with the connection's error and is not repeated
   * (part of it may have reached the peer). Bytes accepted by a connection
   * that then fails are lost, as on any stream. Unsubscribing while queued
   * removes it.
   *
   * @example
   * ```ts
   * const messages = ['hello\n', 'bye\n'].map((m) => Buffer.from(m));
   * from(messages).pipe(concatMap((m) => conn.writeAll(m))).subscribe({ error: console.error });
   * ```
   */
  writeAll(buf: Uint8Array): Observable<number> {
    return new Observable<number>((sub) => {
      this.#start();
      return this.#writes.add(sub, buf, this.#final() ? this.#notConnected() : null);
    });
  }

  /**
   * Ends it: no further attempt; queued writes not yet started error with
   * `StreamClosed`; the current stream closes gracefully once the write in
   * progress is done; then `closed`, and `state$`, `reads$` and `each`
   * complete. Cold: nothing happens until subscribed; emits once and
   * completes when the stream is closed.
   *
   * @example
   * ```ts
   * conn.close().subscribe(() => console.log('closed'));
   * ```
   */
  close(): Observable<void> {
    return new Observable<void>((sub) => {
      if (!this.#final()) this.#finish('closed', this.state.lastError);
      const stream = this.#current;
      this.#current = null;
      this.#watch?.unsubscribe();
      const done = (): void => {
        sub.next();
        sub.complete();
      };
      if (stream === null || stream.state === StreamState.Closed) return done();
      this.#writes.whenIdle(() => {
        stream.close().subscribe({ complete: done, error: done });
      });
      return undefined;
    });
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#attemptNow();
  }

  #attemptNow(): void {
    this.#attempt += 1;
    this.#to('connecting', null);
    const attempt = new Subscription();
    this.#pending = attempt;
    const settle = (): boolean => {
      if (this.#pending !== attempt) return false; // cancelled, or already settled
      this.#pending = null;
      attempt.unsubscribe();
      return true;
    };
    attempt.add(
      this.#connect().subscribe({
        next: (stream) => {
          if (settle()) this.#opened(stream);
          else if (stream !== this.#current) stream.destroy();
        },
        error: (error: unknown) => {
          if (settle()) this.#attemptFailed(toStreamError(error, 'connect failed'));
        },
        complete: () => {
          if (settle())
            this.#attemptFailed(new StreamError(Status.Invalid, 'connect() gave no stream'));
        },
      }),
    );
  }

  #attemptFailed(error: StreamError): void {
    if (!this.#retryOn(error) || this.#attempt >= this.#maxAttempts) {
      this.#finish('failed', error);
      return;
    }
    this.#wait(error);
  }

  #wait(error: StreamError | null): void {
    const delay = backoffDelay(this.#waits, this.#backoff, this.#random);
    this.#waits += 1;
    this.#state.next(this.#make('waiting', this.#attempt, error));
    this.#pending = this.#scheduler.schedule(() => {
      this.#pending = null;
      this.#attemptNow();
    }, delay);
  }

  #opened(stream: Stream): void {
    if (this.#final()) {
      stream.destroy();
      return;
    }
    this.#connections += 1;
    this.#current = stream;
    this.#reads.add(stream);
    this.#state.next(this.#make('open', this.#attempt, this.state.lastError, stream));
    this.#reads.wake();
    // Read ahead (bounded) even with no reader, so the peer's end and errors are seen.
    stream.readable$.subscribe();
    this.#watch = stream.state$
      .pipe(first((s) => s === StreamState.Closed || s === StreamState.Error))
      .subscribe({ next: () => this.#dropped(stream), error: () => undefined });
    this.#writes.pump();
  }

  #dropped(stream: Stream): void {
    if (this.#current !== stream) return;
    this.#current = null;
    this.#reads.dropped(stream);
    const error = stream.lastError;
    if (error !== null && !this.#retryOn(error)) {
      this.#finish('failed', error);
      return;
    }
    this.#attempt = 0;
    this.#waits = 0;
    this.#wait(error);
  }

  #finish(status: 'closed' | 'failed', error: StreamError | null): void {
    this.#pending?.unsubscribe();
    this.#pending = null;
    this.#writes.refuseAll(error ?? this.#notConnected());
    this.#state.next(this.#make(status, this.#attempt, error));
    this.#state.complete();
    if (status === 'failed' && this.#current === null) this.#reads.releaseRead();
    this.#reads.wake();
  }

  #usable(): Stream | null {
    const s = this.#current;
    return s !== null && s.state === StreamState.Open ? s : null;
  }

  #final(): boolean {
    const { status } = this.#state.value;
    return status === 'closed' || status === 'failed';
  }

  #notConnected(): StreamError {
    return notConnected(this.state);
  }

  #to(status: ReconnectStatus, stream: Stream | null): void {
    this.#state.next(this.#make(status, this.#attempt, this.state.lastError, stream));
  }

  #make(
    status: ReconnectStatus,
    attempt: number,
    lastError: StreamError | null,
    stream: Stream | null = null,
  ): ReconnectState {
    return { status, attempt, lastError, stream, connections: this.#connections };
  }
}
