/**
 * {@link ScriptedTransport}: the transport under a {@link TestPeer}'s stream.
 * Bytes in come from the peer's script; bytes out are recorded with their
 * scheduler time. Everything it does runs on the scheduler it is given.
 *
 * @module
 */
import type { SchedulerLike } from 'rxjs';
import type { RenegotiateOptions, Transport, TransportEvents } from '../transport';
import { TransportRecord } from './transport-record';

/**
 * The error value `written$` errors with when the stream is destroyed without an end of stream.
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { STREAM_DESTROYED, createTestPeer } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createTestPeer({ scheduler: testScheduler });
 *   testScheduler.schedule(() => peer.stream.destroy(), 3);
 *   expectObservable(peer.written$).toBe('---#', undefined, STREAM_DESTROYED);
 * });
 * ```
 */
export const STREAM_DESTROYED = 'destroyed';

type Inbound = Buffer | 'end' | 'close';

/**
 * A {@link Transport} played by a script. Inbound bytes wait while the
 * stream has paused reading (and during a renegotiation window); errors are
 * reported at once, as a reset is (bytes not yet taken by the stream are
 * dropped, as the kernel drops them). Outbound writes are recorded and
 * complete on the scheduler in the same frame, unless the peer stopped
 * reading.
 *
 * {@link createTestPeer} wraps one in a {@link TestPeer}; use it directly to
 * put your own `Stream` (or a wrapper of one) over a scripted transport.
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { Stream } from 'rxstream';
 * import { ScriptedTransport } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * const t = new ScriptedTransport(testScheduler);
 * const stream = new Stream(t, { scheduler: testScheduler });
 * const got: string[] = [];
 * stream.reads$.subscribe((chunk) => got.push(String(chunk)));
 * t.arrive(Buffer.from('PING\n'));
 * stream.tryWrite(Buffer.from('PONG\n'));
 * testScheduler.flush();
 * deepStrictEqual(got, ['PING\n']);
 * deepStrictEqual(t.written.map(String), ['PONG\n']);
 * t.arrive('end'); // the peer's FIN: reads$ completes
 * stream.close().subscribe(() => deepStrictEqual(t.gone, true));
 * testScheduler.flush();
 * ```
 */
export class ScriptedTransport extends TransportRecord implements Transport {
  #events: TransportEvents | null = null;
  #inbox: Inbound[] = [];
  #paused = true;
  #renegotiating = false;
  #renegotiated: ((error?: unknown) => void) | null = null;
  #peerReading = true;
  #held: (() => void)[] = [];
  #failNextWrite: { error: unknown } | null = null;
  readonly #scheduler: SchedulerLike;

  /**
   * @param scheduler - runs every callback
   * @param tls - kind TLSStream, with renegotiation (else kind Memory, without)
   * @param lingers - `close()` waits for the peer's end (or `closeTimeout`), as over a socket
   */
  constructor(scheduler: SchedulerLike, tls = false, lingers = false) {
    super(tls, lingers);
    this.#scheduler = scheduler;
    if (!tls) this.renegotiate = undefined;
  }

  /**
   * True during a renegotiation window (the stream's `renegotiate()`, or
   * {@link ScriptedTransport.setRenegotiating}).
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler, true);
   * t.setRenegotiating(true);
   * console.log(t.renegotiating); // true: tryRead answers WouldBlock once received bytes are read
   * ```
   */
  get renegotiating(): boolean {
    return this.#renegotiating;
  }

  /**
   * Starts reporting to `events`, paused (`new Stream(t)` calls it).
   *
   * @example
   * ```ts
   * declare const events: TransportEvents; // what new Stream(t) passes
   * const t = new ScriptedTransport(testScheduler);
   * t.start(events);
   * ```
   */
  start(events: TransportEvents): void {
    this.#events = events;
  }

  /**
   * Lets arrived bytes flow to `events.data` (the stream calls it when it reads).
   *
   * @example
   * ```ts
   * declare const events: TransportEvents; // what new Stream(t) passes
   * const t = new ScriptedTransport(testScheduler);
   * t.start(events);
   * t.arrive(Buffer.from('held'));
   * t.resume(); // events.data gets 'held' now
   * ```
   */
  resume(): void {
    this.#paused = false;
    this.#drain();
  }

  /**
   * Holds arriving bytes (the stream calls it when nothing reads).
   *
   * @example
   * ```ts
   * declare const events: TransportEvents; // what new Stream(t) passes
   * const t = new ScriptedTransport(testScheduler);
   * t.start(events);
   * t.pause();
   * t.arrive(Buffer.from('waits')); // events.data is not called until resume()
   * ```
   */
  pause(): void {
    this.#paused = true;
  }

  /**
   * Records the chunks, joined, as one write; `done` on the scheduler (held
   * while the peer does not read). Returns false while the peer does not read.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * t.write([Buffer.from('a'), Buffer.from('b')], (error) => console.log(error ?? 'done'));
   * console.log(String(t.written[0])); // 'ab'
   * ```
   */
  write(chunks: readonly Buffer[], done: (error?: unknown) => void): boolean {
    if (this.#failNextWrite !== null) {
      const { error } = this.#failNextWrite;
      this.#failNextWrite = null;
      this.#later(() => done(error));
      return false;
    }
    // Copied at once (as a kernel would), so the chunks are never referenced after this.
    const data = Buffer.concat(chunks.map((c) => Buffer.from(c)));
    this.written.push(data);
    this.writes.next(data);
    this.#complete(() => done());
    return this.#peerReading;
  }

  /**
   * Records the end of stream (`ended`; `writes` completes); `done` on the scheduler.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * t.end(() => console.log('FIN has left'));
   * console.log(t.ended); // true
   * ```
   */
  end(done: (error?: unknown) => void): void {
    this.ended = true;
    this.writes.complete();
    this.#complete(() => done());
  }

  /**
   * Lets go at once (`gone`); no event follows. `writes` errors with
   * {@link STREAM_DESTROYED} unless the end was sent.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * t.writes.subscribe({ error: (e: unknown) => console.log(e === STREAM_DESTROYED) }); // true
   * t.destroy();
   * ```
   */
  destroy(): void {
    if (this.gone) return;
    this.gone = true;
    this.#events = null;
    this.#held = [];
    if (!this.ended) this.writes.error(STREAM_DESTROYED);
  }

  /**
   * Records `unread` in `released`, then destroys (what a sync-mode `stream.destroy()` calls).
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * t.release([Buffer.from('unread')]);
   * console.log(String(t.released?.[0]), t.gone); // 'unread' true
   * ```
   */
  release(unread: readonly Buffer[]): void {
    this.released = [...unread];
    this.destroy();
  }

  /**
   * Records `options` and opens a renegotiation window; `done` when
   * {@link ScriptedTransport.setRenegotiating} closes it. Absent without `tls`.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler, true);
   * t.renegotiate?.({ requestCert: true }, (error) => console.log(error ?? 'renegotiated'));
   * t.setRenegotiating(false); // ends the window: done, on the scheduler
   * ```
   */
  renegotiate?(options: RenegotiateOptions, done: (error?: unknown) => void): void {
    this.renegotiations.push(options);
    this.#renegotiating = true;
    this.#renegotiated = done;
  }

  // ---- driven by the peer ----

  /**
   * Bytes from the peer (they wait while the stream is paused or a
   * renegotiation runs), its end of stream (`'end'`), or a clean close of the
   * connection (`'close'`).
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * const stream = new Stream(t, { scheduler: testScheduler });
   * t.arrive(Buffer.from('bye'));
   * t.arrive('end');
   * stream.reads$.subscribe({ complete: () => console.log('peer ended') });
   * ```
   */
  arrive(item: Buffer | 'end' | 'close'): void {
    if (this.gone) return;
    this.#inbox.push(item);
    this.#drain();
  }

  /**
   * Reports `error` to the stream now (a reset: undelivered bytes are dropped).
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * const stream = new Stream(t, { scheduler: testScheduler });
   * t.fail(sysError('ECONNRESET'));
   * console.log(stream.lastError?.status); // 'SysError'
   * ```
   */
  fail(error: unknown): void {
    const events = this.#events;
    if (this.gone || events === null) return;
    this.#inbox = [];
    events.error(error);
  }

  /**
   * Opens or closes a renegotiation window; a failure ends a pending `renegotiate()` with it.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler, true);
   * t.setRenegotiating(true);
   * t.arrive(Buffer.from('held')); // waits for the window's end
   * t.setRenegotiating(false, tlsError()); // a pending renegotiate() errors TLSError
   * ```
   */
  setRenegotiating(on: boolean, error?: unknown): void {
    this.#renegotiating = on;
    if (on) return;
    const done = this.#renegotiated;
    this.#renegotiated = null;
    if (done !== null) this.#later(() => done(error));
    this.#drain();
  }

  /**
   * The peer stops or starts reading: write completions are held meanwhile.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * const stream = new Stream(t, { scheduler: testScheduler, sendBufferSize: 4 });
   * t.setPeerReading(false);
   * stream.writeAll(Buffer.from('12345678')).subscribe(() => console.log('written')); // 4 wait
   * testScheduler.schedule(() => t.setPeerReading(true), 5); // logs at frame 5
   * ```
   */
  setPeerReading(on: boolean): void {
    this.#peerReading = on;
    if (!on) return;
    const held = this.#held;
    this.#held = [];
    for (const work of held) this.#later(work);
  }

  /**
   * Makes the next write fail with `error`.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * const stream = new Stream(t, { scheduler: testScheduler });
   * t.failNextWrite(sysError('EPIPE'));
   * stream.tryWrite(Buffer.from('doomed'));
   * testScheduler.flush();
   * console.log(stream.state, stream.lastError?.status); // 'Error' 'SysError'
   * ```
   */
  failNextWrite(error: unknown): void {
    this.#failNextWrite = { error };
  }

  #complete(work: () => void): void {
    if (this.#peerReading) this.#later(work);
    else this.#held.push(work);
  }

  #later(work: () => void): void {
    this.#scheduler.schedule(() => {
      if (!this.gone) work();
    });
  }

  #drain(): void {
    while (!this.#paused && !this.#renegotiating && this.#inbox.length > 0) {
      const events = this.#events;
      if (events === null) return;
      const item = this.#inbox.shift() as Inbound;
      if (item === 'end') events.end();
      else if (item === 'close') {
        this.gone = true;
        this.#events = null;
        events.close();
      } else events.data(item);
    }
  }
}
