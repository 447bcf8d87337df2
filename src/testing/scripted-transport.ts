/**
 * {@link ScriptedTransport}: the transport under a {@link TestPeer}'s stream.
 * Bytes in come from the peer's script; bytes out are recorded with their
 * scheduler time. Everything it does runs on the scheduler it is given.
 *
 * @module
 */
import { ReplaySubject, type SchedulerLike } from 'rxjs';
import { StreamKind } from '../status';
import type { RenegotiateOptions, Transport, TransportEvents } from '../transport';

/** The error value `written$` errors with when the stream is destroyed without an end of stream. */
export const STREAM_DESTROYED = 'destroyed';

type Inbound = Buffer | 'end' | 'close';

/**
 * A {@link Transport} played by a script. Inbound bytes wait while the
 * stream has paused reading (and during a renegotiation window); errors are
 * reported at once, as a reset is (bytes not yet taken by the stream are
 * dropped, as the kernel drops them). Outbound writes are recorded and
 * complete on the scheduler in the same frame, unless the peer stopped
 * reading.
 */
export class ScriptedTransport implements Transport {
  readonly kind: StreamKind;
  readonly fd = -1;
  readonly lingers: boolean;
  /**
   * Each write of the stream (its chunks joined), at the frame it happened;
   * completes at the end of stream. Replays to late subscribers, so a
   * subscription made in frame 0 sees the writes of frame 0.
   */
  readonly writes = new ReplaySubject<Buffer>();
  /** Every byte written so far, in order. */
  readonly written: Buffer[] = [];
  /** True once the stream sent its end of stream. */
  ended = false;
  /** True once the stream destroyed (or released) the transport. */
  gone = false;
  /** What a sync-mode `destroy()` handed back unread, or null. */
  released: Buffer[] | null = null;
  /** The options of each `renegotiate()` call the stream made. */
  readonly renegotiations: RenegotiateOptions[] = [];
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
    this.#scheduler = scheduler;
    this.lingers = lingers;
    this.kind = tls ? StreamKind.TLSStream : StreamKind.Memory;
    if (!tls) this.renegotiate = undefined;
  }

  get renegotiating(): boolean {
    return this.#renegotiating;
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

  end(done: (error?: unknown) => void): void {
    this.ended = true;
    this.writes.complete();
    this.#complete(() => done());
  }

  destroy(): void {
    if (this.gone) return;
    this.gone = true;
    this.#events = null;
    this.#held = [];
    if (!this.ended) this.writes.error(STREAM_DESTROYED);
  }

  release(unread: readonly Buffer[]): void {
    this.released = [...unread];
    this.destroy();
  }

  renegotiate?(options: RenegotiateOptions, done: (error?: unknown) => void): void {
    this.renegotiations.push(options);
    this.#renegotiating = true;
    this.#renegotiated = done;
  }

  // ---- driven by the peer ----

  /** Bytes from the peer (they wait while the stream is paused or a renegotiation runs). */
  arrive(item: Buffer | 'end' | 'close'): void {
    if (this.gone) return;
    this.#inbox.push(item);
    this.#drain();
  }

  /** Reports `error` to the stream now (a reset: undelivered bytes are dropped). */
  fail(error: unknown): void {
    const events = this.#events;
    if (this.gone || events === null) return;
    this.#inbox = [];
    events.error(error);
  }

  /** Opens or closes a renegotiation window; a failure ends a pending `renegotiate()` with it. */
  setRenegotiating(on: boolean, error?: unknown): void {
    this.#renegotiating = on;
    if (on) return;
    const done = this.#renegotiated;
    this.#renegotiated = null;
    if (done !== null) this.#later(() => done(error));
    this.#drain();
  }

  /** The peer stops or starts reading: write completions are held meanwhile. */
  setPeerReading(on: boolean): void {
    this.#peerReading = on;
    if (!on) return;
    const held = this.#held;
    this.#held = [];
    for (const work of held) this.#later(work);
  }

  /** Makes the next write fail with `error`. */
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
