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

/** Options of {@link memoryPair}. */
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
 */
export class MemoryTransport implements Transport {
  readonly kind = StreamKind.Memory;
  readonly fd = -1;
  readonly renegotiating = false;
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

  /** Connects two transports to each other. */
  static pair(scheduler: SchedulerLike, latency: number): [MemoryTransport, MemoryTransport] {
    const a = new MemoryTransport(scheduler, latency);
    const b = new MemoryTransport(scheduler, latency);
    a.#peer = b;
    b.#peer = a;
    return [a, b];
  }

  start(events: TransportEvents): void {
    this.#events = events;
  }

  resume(): void {
    this.#paused = false;
    this.#drain();
  }

  pause(): void {
    this.#paused = true;
  }

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

  end(done: (error?: unknown) => void): void {
    this.#sentEnd = true;
    this.#later(() => {
      const peer = this.#peer;
      if (peer !== null) peer.#arrive('end');
      done();
      this.#maybeClose();
    });
  }

  destroy(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#events = null;
    const peer = this.#peer;
    if (peer !== null && !this.#sentEnd) this.#later(() => peer.#arrive('end'));
    if (peer !== null) this.#later(() => peer.#peerGone());
  }

  /** Memory has no socket to hand back: the same as destroy. */
  release(): void {
    this.destroy();
  }

  /**
   * Makes this side fail with `error` (as if the kernel reported it), on the
   * scheduler after `delay`. For tests of error handling.
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
 * ```ts
 * testScheduler.run(({ expectObservable }) => {
 *   const [a, b] = memoryPair({ scheduler: testScheduler });
 *   a.writeAll(Buffer.from('hi')).subscribe(() => a.shutdownWrite());
 *   expectObservable(b.reads$.pipe(map(String))).toBe('a|', { a: 'hi' });
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
