/**
 * {@link IdleTimer}: `net.Socket#setTimeout` for the Duplex — fires once
 * after `ms` without activity, re-armed by the next activity, and never
 * keeps the process alive.
 *
 * @module
 */

/** Fires `onIdle` after `ms` of no `touch()`; again after the next activity and `ms` more. */
export class IdleTimer {
  #ms = 0;
  #timer: NodeJS.Timeout | null = null;
  readonly #onIdle: () => void;

  constructor(onIdle: () => void) {
    this.#onIdle = onIdle;
  }

  /** The idle time in ms; 0: off. */
  get ms(): number {
    return this.#ms;
  }

  /** Sets the idle time (0 turns it off) and starts counting now. */
  set(ms: number): void {
    this.stop();
    this.#ms = ms;
    if (ms > 0) this.#timer = setTimeout(this.#onIdle, ms).unref();
  }

  /** Activity: counting starts again (also after the timer fired). */
  touch(): void {
    this.#timer?.refresh();
  }

  /** Stops the timer for good (until the next `set`). */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
