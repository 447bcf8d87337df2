/**
 * The writes of a {@link Reconnecting} connection: a bounded queue of whole
 * messages, handed one at a time to whatever stream is connected.
 *
 * @module
 */
import type { Subscriber, Subscription, TeardownLogic } from 'rxjs';
import { Status } from '../status';
import { StreamError, invalid } from '../errors';
import type { Stream } from '../stream';

/**
 * Default `maxQueued` of `reconnecting()`: 1 MiB of writes waiting for a connection.
 *
 * @example
 * ```ts
 * reconnecting(() => connectTCP(port, '127.0.0.1'), { maxQueued: DEFAULT_MAX_QUEUED * 4 });
 * ```
 */
export const DEFAULT_MAX_QUEUED = 1024 * 1024;

interface Item {
  readonly sub: Subscriber<number>;
  readonly buf: Uint8Array;
  inner: Subscription | null;
}

/** Internal to {@link Reconnecting}. */
export class WriteQueue {
  /** Bytes waiting (not yet handed to a stream). */
  bytes = 0;
  readonly #items: Item[] = [];
  #active: Item | null = null;
  #pumping = false;
  #again = false;
  #idle: Array<() => void> = [];

  constructor(
    readonly max: number,
    readonly usable: () => Stream | null,
  ) {
    if (!(max >= 0) || !Number.isFinite(max)) throw invalid(`maxQueued out of range: ${max}`);
  }

  /** Queues `buf` for `sub` (or refuses it with `refusal`); returns the teardown. */
  add(sub: Subscriber<number>, buf: Uint8Array, refusal: StreamError | null): TeardownLogic {
    if (refusal !== null) return sub.error(refusal);
    if (!(buf instanceof Uint8Array)) return sub.error(invalid('writeAll needs a Uint8Array'));
    if (this.bytes > 0 && this.bytes + buf.length > this.max) {
      return sub.error(
        new StreamError(Status.StreamClosed, `write queue full (${this.bytes} bytes waiting)`),
      );
    }
    const item: Item = { sub, buf, inner: null };
    this.#items.push(item);
    this.bytes += buf.length;
    this.pump();
    return () => this.#cancel(item);
  }

  /** Hands waiting writes, one at a time, to the usable stream. */
  pump(): void {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        this.#startNext();
      } while (this.#again);
    } finally {
      this.#pumping = false;
    }
    if (this.#active === null) this.#runIdle();
  }

  #runIdle(): void {
    for (const run of this.#idle.splice(0)) run();
  }

  /** Errors every write not yet started (close or give up). */
  refuseAll(error: StreamError): void {
    for (const item of this.#items.splice(0)) item.sub.error(error);
    this.bytes = 0;
  }

  /** Runs `run` once no write is in progress. */
  whenIdle(run: () => void): void {
    if (this.#active === null) run();
    else this.#idle.push(run);
  }

  #startNext(): void {
    if (this.#active !== null) return;
    const stream = this.usable();
    const item = stream === null ? undefined : this.#items.shift();
    if (stream === null || item === undefined) return;
    this.bytes -= item.buf.length;
    this.#active = item;
    // The write is settled before its subscriber hears (whose teardown would cancel it).
    const settle = (error?: unknown): void => {
      if (this.#active === item) this.#active = null;
      if (error === undefined) item.sub.complete();
      else item.sub.error(error);
      // A stream that failed or closed under the write is going: the next connection pumps.
      const gone = StreamError.is(error) && error.code !== 3;
      if (gone) this.#runIdle();
      else this.pump();
    };
    item.inner = stream.writeAll(item.buf).subscribe({
      next: (n) => item.sub.next(n),
      complete: () => settle(),
      error: (error: unknown) => settle(error),
    });
  }

  #cancel(item: Item): void {
    const at = this.#items.indexOf(item);
    if (at >= 0) {
      this.#items.splice(at, 1);
      this.bytes -= item.buf.length;
      return;
    }
    if (this.#active !== item) return;
    this.#active = null;
    item.inner?.unsubscribe(); // what the stream accepted is sent all the same
    this.pump();
  }
}
