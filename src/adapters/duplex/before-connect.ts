/**
 * {@link BeforeConnect}: what a `SocketDuplex` over an observable is asked
 * to do before its connection exists — writes waiting for it, and socket
 * settings to apply once it does.
 *
 * @module
 */
import type { Stream } from '../../stream';

/** Work that needs the stream. */
export type Work = (stream: Stream) => void;
/** A Node write/final callback. */
export type Callback = (error?: Error | null) => void;

/** The queue and settings of a Duplex that is not connected yet. */
export class BeforeConnect {
  #waiting: Array<[Work, Callback]> = [];
  #noDelay: boolean | undefined = undefined;
  #keepAlive: [boolean, number] | undefined = undefined;
  #ref: boolean | undefined = undefined;

  /** Queues `work` for the connection; `fail` hears why if it never comes. */
  queue(work: Work, fail: Callback): void {
    this.#waiting.push([work, fail]);
  }

  /** `setNoDelay` before the connection. */
  noDelay(noDelay: boolean): void {
    this.#noDelay = noDelay;
  }

  /** `setKeepAlive` before the connection. */
  keepAlive(enable: boolean, initialDelay: number): void {
    this.#keepAlive = [enable, initialDelay];
  }

  /** `ref`/`unref` before the connection (the last one counts). */
  ref(ref: boolean): void {
    this.#ref = ref;
  }

  /** The connection is there: applies the settings. */
  apply(stream: Stream): void {
    if (this.#noDelay !== undefined) stream.setNoDelay(this.#noDelay);
    if (this.#keepAlive !== undefined) stream.setKeepAlive(...this.#keepAlive);
    if (this.#ref === false) stream.unref();
  }

  /** Runs the queued work in order, while `alive()` (the Duplex may be destroyed meanwhile). */
  run(stream: Stream, alive: () => boolean): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const [work] of waiting) if (alive()) work(stream);
  }

  /** The connection will never come: every queued callback hears `error`. */
  fail(error: Error): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const [, fail] of waiting) fail(error);
  }
}

/** Why queued writes fail when the Duplex is destroyed before it connected. */
export function destroyedBeforeConnect(): Error {
  return Object.assign(new Error('the socket was destroyed before it connected'), {
    code: 'ERR_STREAM_DESTROYED',
  });
}

/** The error of a connection observable that completed without a stream. */
export function noStream(): Error {
  return Object.assign(new Error('the connection observable completed without a stream'), {
    code: 'ECONNREFUSED',
  });
}
