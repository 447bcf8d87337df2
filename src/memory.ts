/**
 * {@link memoryPair}: two connected in-memory streams driven only by a
 * scheduler, for deterministic tests (marble tests with `TestScheduler`).
 *
 * @module
 */
import { asapScheduler, type SchedulerLike } from 'rxjs';
import { StreamKind } from './status';
import { invalid } from './errors';
import { copyOf } from './internal/byte-queue';
import type { Transport, TransportEvents } from './transport';
import { Stream, type StreamOptions } from './stream';

/**
 * Options of {@link memoryPair}: the {@link StreamOptions} of both streams,
 * and the `latency` between them.
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { map } from 'rxjs';
 * import { TestScheduler } from 'rxjs/testing';
 * import { memoryPair } from 'rxstream';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const [a, b] = memoryPair({ scheduler: testScheduler, latency: 3 });
 *   a.tryWrite(Buffer.from('hi'));
 *   expectObservable(b.reads$.pipe(map(String))).toBe('---a', { a: 'hi' }); // 3 frames later
 * });
 * ```
 */
export interface MemoryPairOptions extends StreamOptions {
  /**
   * Scheduler time (ms, or frames under `TestScheduler.run`) between a
   * write leaving one side and arriving at the other. Default 0.
   */
  latency?: number;
}

type Item = { readonly chunk: Buffer; readonly done?: () => void } | 'end';

/**
 * One side of a memory pair. Bytes are copied on arrival (as a kernel
 * would), delivered in order, held while the receiver is paused (so the
 * sender's write is not done and its send buffer stays full: backpressure),
 * and the end of stream follows the last byte.
 *
 * {@link memoryPair} wraps a pair in two streams; use the transports
 * directly to test a custom {@link Stream} wrapper or to {@link MemoryTransport.inject | inject}
 * socket errors. The stream calls the {@link Transport} methods; a program
 * that drives a transport itself calls them as below.
 *
 * @example
 * ```ts runnable
 * import { strictEqual } from 'node:assert/strict';
 * import { asapScheduler } from 'rxjs';
 * import { MemoryTransport } from 'rxstream';
 *
 * const [a, b] = MemoryTransport.pair(asapScheduler, 0);
 * let got = '';
 * b.start({
 *   data: (chunk) => (got += chunk.toString()),
 *   lend: () => 'free',
 *   end: () => b.end(() => undefined), // answer the end with our own
 *   error: (e) => console.error(e),
 *   close: () => strictEqual(got, 'hello'),
 * });
 * b.resume();
 * a.write([Buffer.from('hel'), Buffer.from('lo')], () => a.end(() => undefined));
 * ```
 */
export class MemoryTransport implements Transport {
  /**
   * Always {@link StreamKind}.Memory.
   *
   * @example
   * ```ts
   * const [a] = MemoryTransport.pair(asapScheduler, 0);
   * console.log(a.kind === StreamKind.Memory); // true
   * ```
   */
  readonly kind = StreamKind.Memory;
  /**
   * Always -1: there is no file descriptor.
   *
   * @example
   * ```ts
   * const [a] = MemoryTransport.pair(asapScheduler, 0);
   * console.log(new Stream(a).fd); // -1
   * ```
   */
  readonly fd = -1;
  /**
   * Always false: memory has no TLS, so no renegotiation.
   *
   * @example
   * ```ts
   * const [a] = MemoryTransport.pair(asapScheduler, 0);
   * if (!a.renegotiating) console.log('tryRead never answers WouldBlock here');
   * ```
   */
  readonly renegotiating = false;
  /**
   * Always false: `close()` over memory destroys at once, nothing can be lost in flight.
   *
   * @example
   * ```ts
   * const [a] = MemoryTransport.pair(asapScheduler, 0);
   * console.log(a.lingers); // false: close() needs no closeTimeout
   * ```
   */
  readonly lingers = false;
  #peer: MemoryTransport | null = null;
  #events: TransportEvents | null = null;
  #inbox: Item[] = [];
  #paused = true;
  #sentEnd = false;
  #gotEnd = false;
  #gone = false;
  #peerIsGone = false;
  readonly #scheduler: SchedulerLike;
  readonly #latency: number;

  constructor(scheduler: SchedulerLike, latency: number) {
    this.#scheduler = scheduler;
    this.#latency = latency;
  }

  /**
   * Two transports connected to each other, running on `scheduler`, each
   * write arriving `latency` (scheduler time) after it left.
   *
   * @example
   * ```ts
   * const [ta, tb] = MemoryTransport.pair(testScheduler, 2);
   * const a = new Stream(ta, { scheduler: testScheduler });
   * const b = new Stream(tb, { scheduler: testScheduler }); // b reads what a wrote 2 frames later
   * ```
   */
  static pair(scheduler: SchedulerLike, latency: number): [MemoryTransport, MemoryTransport] {
    const a = new MemoryTransport(scheduler, latency);
    const b = new MemoryTransport(scheduler, latency);
    a.#peer = b;
    b.#peer = a;
    return [a, b];
  }

  /**
   * Starts reporting to `events`, paused (`new Stream(transport)` calls it).
   *
   * @example
   * ```ts
   * const [a] = MemoryTransport.pair(asapScheduler, 0);
   * a.start({
   *   data: (chunk) => console.log(String(chunk)),
   *   lend: () => 'free', // memory never lends: it hands over copies with data()
   *   end: () => console.log('end of stream'),
   *   error: (e) => console.error(e),
   *   close: () => console.log('closed'),
   * });
   * ```
   */
  start(events: TransportEvents): void {
    this.#events = events;
  }

  /**
   * Lets bytes that arrived (and those that arrive later) flow to `events.data`;
   * their senders' writes are done once delivered.
   *
   * @example
   * ```ts
   * declare const events: TransportEvents;
   * const [a] = MemoryTransport.pair(asapScheduler, 0);
   * a.start(events);
   * a.resume(); // until resumed, the peer's bytes wait and its writes are not done
   * ```
   */
  resume(): void {
    this.#paused = false;
    this.#drain();
  }

  /**
   * Holds arriving bytes (the peer's writes stay not done: backpressure).
   *
   * @example
   * ```ts
   * const [a, b] = MemoryTransport.pair(asapScheduler, 0);
   * a.pause();
   * b.write([Buffer.from('waits')], () => console.log('delivered only after a.resume()'));
   * ```
   */
  pause(): void {
    this.#paused = true;
  }

  /**
   * Sends copies of `chunks` to the peer after the latency; `done` once the
   * peer has delivered the last one (an `EPIPE` error if the peer is gone).
   * Always returns false: delivery is later, on the scheduler.
   *
   * @example
   * ```ts
   * const [a] = MemoryTransport.pair(asapScheduler, 0);
   * a.write([Buffer.from('PING\n')], (error) => console.log(error === undefined ? 'delivered' : error));
   * ```
   */
  write(chunks: readonly Buffer[], done: (error?: unknown) => void): boolean {
    const copies = chunks.map(copyOf);
    this.#later(() => {
      const peer = this.#peer;
      if (peer === null || peer.#gone) {
        done(Object.assign(new Error('peer is gone'), { code: 'EPIPE' }));
        return;
      }
      copies.forEach((chunk, i) =>
        peer.#arrive({ chunk, done: i === copies.length - 1 ? done : undefined }),
      );
    });
    return false; // delivered later, on the scheduler
  }

  /**
   * Sends the end of stream after everything written; `done` once it has
   * left. Closes this side once the peer's end has arrived too.
   *
   * @example
   * ```ts
   * const [a] = MemoryTransport.pair(asapScheduler, 0);
   * a.write([Buffer.from('bye')], () => undefined);
   * a.end(() => console.log('FIN sent'));
   * ```
   */
  end(done: (error?: unknown) => void): void {
    this.#sentEnd = true;
    this.#later(() => {
      const peer = this.#peer;
      if (peer !== null) peer.#arrive('end');
      done();
      this.#maybeClose();
    });
  }

  /**
   * Closes this side at once, with no event to it; the peer gets an end of
   * stream (if none was sent) and closes once it has delivered what it holds.
   *
   * @example
   * ```ts
   * declare const events: TransportEvents;
   * const [a, b] = MemoryTransport.pair(asapScheduler, 0);
   * b.start(events);
   * b.resume();
   * a.destroy(); // b gets events.end(), then events.close()
   * ```
   */
  destroy(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#events = null;
    const peer = this.#peer;
    if (peer !== null && !this.#sentEnd) this.#later(() => peer.#arrive('end'));
    if (peer !== null) this.#later(() => peer.#peerGone());
  }

  /**
   * Memory has no socket to hand back: the same as {@link MemoryTransport.destroy}
   * (bytes not yet read are dropped).
   *
   * @example
   * ```ts
   * const [a] = MemoryTransport.pair(asapScheduler, 0);
   * a.release(); // what a sync-mode stream.destroy() calls; the peer sees an end
   * ```
   */
  release(): void {
    this.destroy();
  }

  /**
   * Makes this side fail with `error` (as if the kernel reported it), on the
   * scheduler after `delay`. For tests of error handling: the stream maps
   * the error's `code` to a status as it would a socket's.
   *
   * @example
   * ```ts runnable
   * import { deepStrictEqual } from 'node:assert/strict';
   * import { TestScheduler } from 'rxjs/testing';
   * import { MemoryTransport, Status, Stream, StreamState } from 'rxstream';
   *
   * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
   * testScheduler.run(({ expectObservable }) => {
   *   const [ta] = MemoryTransport.pair(testScheduler, 0);
   *   const a = new Stream(ta, { scheduler: testScheduler });
   *   ta.inject(Object.assign(new Error('reset by peer'), { code: 'ECONNRESET' }), 3);
   *   expectObservable(a.state$).toBe('o--e', { o: StreamState.Open, e: StreamState.Error });
   *   testScheduler.schedule(() => deepStrictEqual(a.lastError?.status, Status.SysError), 4);
   * });
   * ```
   */
  inject(error: Error, delay = 0): void {
    this.#scheduler.schedule(() => {
      if (!this.#gone) this.#events?.error(error);
    }, delay);
  }

  #later(work: () => void): void {
    this.#scheduler.schedule(work, this.#latency);
  }

  #arrive(item: Item): void {
    if (this.#gone) return;
    this.#inbox.push(item);
    this.#drain();
  }

  #drain(): void {
    while (!this.#paused && this.#inbox.length > 0 && this.#events !== null) {
      const item = this.#inbox.shift() as Item;
      if (item === 'end') {
        this.#gotEnd = true;
        this.#events.end();
        this.#maybeClose();
      } else {
        this.#events.data(item.chunk);
        item.done?.();
      }
    }
    if (this.#peerIsGone && this.#inbox.length === 0) this.#closeIfDone(true);
  }

  #maybeClose(): void {
    if (this.#sentEnd && this.#gotEnd) this.#later(() => this.#closeIfDone(false));
  }

  /** The peer was destroyed: close once everything it sent has been delivered. */
  #peerGone(): void {
    this.#peerIsGone = true;
    this.#drain();
    this.#closeIfDone(true);
  }

  #closeIfDone(peerGone: boolean): void {
    if (this.#gone || this.#events === null) return;
    if (!peerGone && !(this.#sentEnd && this.#gotEnd)) return;
    if (peerGone && this.#inbox.length > 0) return; // #drain closes when the inbox empties
    this.#gone = true;
    const events = this.#events;
    this.#events = null;
    events.close();
  }
}

/**
 * Two connected in-memory streams (kind Memory). Everything they do runs
 * on `options.scheduler` (default `asapScheduler`): pass the `TestScheduler`
 * inside `run()` to marble-test protocol code without sockets.
 *
 * @param options - scheduler, latency and buffer sizes
 * @returns `[a, b]`: what `a` writes, `b` reads, and the other way round
 * @throws StreamError status Invalid for a negative or non-finite latency
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { map } from 'rxjs';
 * import { TestScheduler } from 'rxjs/testing';
 * import { memoryPair } from 'rxstream';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const [a, b] = memoryPair({ scheduler: testScheduler });
 *   a.writeAll(Buffer.from('hi')).subscribe(() => a.shutdownWrite());
 *   // the bytes and the end of stream arrive in the same frame: '(a|)', not 'a|'
 *   expectObservable(b.reads$.pipe(map(String))).toBe('(a|)', { a: 'hi' });
 * });
 * ```
 */
export function memoryPair(options: MemoryPairOptions = {}): [Stream, Stream] {
  const latency = options.latency ?? 0;
  if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0) {
    throw invalid(`latency must be a finite number >= 0, got ${String(latency)}`);
  }
  const scheduler = options.scheduler ?? asapScheduler;
  const [ta, tb] = MemoryTransport.pair(scheduler, latency);
  const streamOptions: StreamOptions = { ...options, scheduler };
  return [new Stream(ta, streamOptions), new Stream(tb, streamOptions)];
}
