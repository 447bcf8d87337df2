/**
 * {@link reconnecting}: one connection that survives its sockets — backoff
 * with jitter, give-up rules, one `state$` across connections, reads that
 * go on on the next connection and writes queued while disconnected.
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
  type Subscriber,
} from 'rxjs';
import { Status, StreamState } from '../status';
import { StreamError, toStreamError } from '../errors';
import type { Stream } from '../stream';
import { backoffDelay, backoffSettings, type BackoffOptions } from './backoff';
import { WriteQueue, DEFAULT_MAX_QUEUED } from './write-queue';
import {
  retrySysErrors,
  type ReconnectOptions,
  type ReconnectState,
  type ReconnectStatus,
} from './reconnect-state';

export { retrySysErrors };
export type { ReconnectOptions, ReconnectState, ReconnectStatus };

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
  /** Streams with bytes still to read, oldest first (the current one last). */
  readonly #unread: Stream[] = [];
  readonly #readers = new Set<() => void>();
  #started = false;
  #attempt = 0;
  #waits = 0;
  #connections = 0;
  #pending: Subscription | null = null; // the attempt or the backoff timer
  #current: Stream | null = null;
  #reading: Stream | null = null;
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
    return new Observable<T>((sub) => {
      let inner: Subscription | null = null;
      const wake = (): void => {
        while (inner === null && !sub.closed) {
          this.#reading = null;
          const head = this.#unread[0];
          if (head === undefined) return this.#endReader(sub);
          this.#reading = head;
          let over = false;
          let running: Subscription | null = null;
          const end = (): void => {
            over = true;
            this.#doneReading(head);
            if (running !== null && inner === running) {
              inner = null;
              wake();
            }
          };
          running = project(head).subscribe({
            next: (value) => sub.next(value),
            error: (error: unknown) => (ended(head, error) ? end() : sub.error(error)),
            complete: end,
          });
          if (!over) inner = running; // else it ended at once: on to the next
        }
      };
      this.#readers.add(wake);
      this.#start();
      wake();
      return () => {
        this.#readers.delete(wake);
        if (inner !== null) this.#reading = null;
        inner?.unsubscribe();
      };
    });
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
    this.#unread.push(stream);
    this.#state.next(this.#make('open', this.#attempt, this.state.lastError, stream));
    this.#wakeReaders();
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
    if (stream.stats().readBuffered === 0 && this.#reading !== stream) this.#doneReading(stream);
    this.#wakeReaders();
    const error = stream.lastError;
    if (error !== null && !this.#retryOn(error)) {
      this.#finish('failed', error);
      return;
    }
    this.#attempt = 0;
    this.#waits = 0;
    this.#wait(error);
  }

  /** A reader is done with `stream`: forget it, and release it unless it is still the connection. */
  #doneReading(stream: Stream): void {
    const at = this.#unread.indexOf(stream);
    if (at >= 0) this.#unread.splice(at, 1);
    if (stream !== this.#current) stream.destroy();
  }

  #finish(status: 'closed' | 'failed', error: StreamError | null): void {
    this.#pending?.unsubscribe();
    this.#pending = null;
    this.#writes.refuseAll(error ?? this.#notConnected());
    this.#state.next(this.#make(status, this.#attempt, error));
    this.#state.complete();
    if (status === 'failed' && this.#current === null) this.#releaseUnreadLater();
    this.#wakeReaders();
  }

  #releaseUnreadLater(): void {
    for (const s of this.#unread) if (s.stats().readBuffered === 0) this.#doneReading(s);
  }

  #endReader<T>(sub: Subscriber<T>): void {
    const { status, lastError } = this.state;
    if (status === 'closed') sub.complete();
    else if (status === 'failed') sub.error(lastError ?? this.#notConnected());
  }

  #wakeReaders(): void {
    for (const wake of [...this.#readers]) wake();
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
    return new StreamError(Status.StreamClosed, `not connected (${this.state.status})`);
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

/** True when `error` from a read of `stream` means its connection ended (not a bug of the reader). */
function ended(stream: Stream, error: unknown): boolean {
  if (!StreamError.is(error)) return false;
  return error.code === 2 || stream.lastError !== null || stream.state === StreamState.Closed;
}

/**
 * One logical connection that reconnects: `connect` is a factory of a cold
 * `Observable<Stream>` (e.g. `() => connectTLS(opts, { connectTimeout: 5000 })`),
 * called for each attempt. Failed attempts are retried after a backoff with
 * jitter (`backoff`), up to `maxAttempts` in a row, for the failures
 * `retryOn` accepts (default `SysError` only: never `Invalid` or TLS
 * failures); a connection that drops is replaced the same way. One
 * `state$` covers every connection; `reads$`/`each` go on on the next
 * connection; writes while disconnected are queued up to `maxQueued` bytes
 * (at most once, see {@link Reconnecting.writeAll}). Every timer runs on
 * `scheduler`, so a `TestScheduler` drives a whole reconnect story.
 *
 * Use connect helpers with `allowHalfOpen: false` (their default), so a
 * connection whose peer ended is over once its bytes are read.
 *
 * @param connect - makes one cold connect attempt per call
 * @param options - backoff, give-up rules, scheduler, queue bound
 * @returns the connection (inert until first used)
 * @throws StreamError Invalid for a bad backoff option
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTCP, lines, reconnecting } from 'rxstream';
 * import { firstValueFrom } from 'rxjs';
 *
 * const conn = reconnecting(() => connectTCP(port, '127.0.0.1', { connectTimeout: 3000 }), {
 *   backoff: { initial: 200, max: 10_000, factor: 2, jitter: 0.5 },
 *   maxAttempts: 20,
 * });
 * conn.state$.subscribe((s) => console.log(s.status, s.attempt));
 * conn.writeAll(Buffer.from('hello\n')).subscribe();
 * assert.equal(await firstValueFrom(conn.each((s) => s.frames(lines()))), 'hello');
 * await firstValueFrom(conn.close());
 * ```
 */
export function reconnecting(
  connect: () => Observable<Stream>,
  options?: ReconnectOptions,
): Reconnecting {
  return new Reconnecting(connect, options);
}
