/**
 * The writes a {@link WriteSide} has with its transport ("in flight"), as a
 * base class so that the bookkeeping lives in the side's own object: one
 * object per stream, not two (an idle stream's memory is a target).
 *
 * @module
 */

/**
 * Writes handed to the transport and not yet called back, oldest first (their
 * callbacks come in that order), with the bytes they hold. What a write
 * carries (`C`: the operation whose bytes it holds by reference, or the send
 * buffer's chunks) is given back at its callback — or not at all when the
 * kernel took it at once (`flightTookAtOnce`), since the caller frees it then.
 */
export abstract class Flights<C extends object> {
  #bytes = 0;
  /**
   * Two entries per write: its byte count, then what it carries (null once
   * freed). Writes taken at once are called back a tick later, so a
   * synchronous loop of writes can leave thousands here: an index, not
   * `shift()`, walks them. Null when none (an idle stream keeps no array).
   */
  #list: Array<number | C | null> | null = null;
  #head = 0;
  /** How many writes have been called back, ever (numbers the writes). */
  #landed = 0;

  /** Bytes handed to the transport and still held by Node (not taken at once, not called back). */
  get inFlight(): number {
    return this.#bytes;
  }

  /** A write of `n` bytes carrying `carried` leaves; returns its number, for `flightTookAtOnce`. */
  protected flightStarted(n: number, carried: C): number {
    this.#bytes += n;
    const list = (this.#list ??= []);
    list.push(n, carried);
    return this.#landed + (list.length - this.#head) / 2 - 1;
  }

  /**
   * Write number `id` reached the kernel synchronously: its bytes stop
   * counting now, not when its callback comes a tick later, and its callback
   * will give nothing back (the caller frees what it carries). Nothing when
   * its callback already came.
   */
  protected flightTookAtOnce(id: number): void {
    const list = this.#list;
    if (list === null || id < this.#landed) return;
    const at = this.#head + 2 * (id - this.#landed);
    this.#bytes -= list[at] as number;
    list[at] = 0;
    list[at + 1] = null;
  }

  /**
   * The oldest write was called back: what it carries (null when taken at
   * once), or undefined when there was none (not a write of this side's).
   */
  protected flightLanded(): C | null | undefined {
    const list = this.#list;
    if (list === null) return undefined;
    const head = this.#head;
    this.#bytes -= list[head] as number;
    const carried = list[head + 1] as C | null;
    list[head + 1] = null;
    this.#landed += 1;
    if (head + 2 === list.length) {
      this.#list = null;
      this.#head = 0;
    } else {
      this.#head = head + 2;
    }
    return carried;
  }
}
