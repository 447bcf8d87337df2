/**
 * A first-in first-out queue in a ring that doubles when full: `push` and
 * `shift` are O(1) (amortized for `push`), with no `Array#shift` and no
 * per-item allocation. Slots are cleared when taken, so it holds no
 * reference to an item it has handed out.
 */
export class Fifo<T> {
  #ring: Array<T | undefined> = new Array<T | undefined>(16);
  #head = 0;
  #length = 0;

  /** Items waiting. */
  get length(): number {
    return this.#length;
  }

  /** Adds `item` at the back. */
  push(item: T): void {
    if (this.#length === this.#ring.length) this.#grow();
    this.#ring[(this.#head + this.#length) & (this.#ring.length - 1)] = item;
    this.#length += 1;
  }

  /** Removes and returns the front item, or undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#ring[this.#head];
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#ring.length - 1);
    this.#length -= 1;
    return item;
  }

  /** Drops every item. */
  clear(): void {
    this.#ring = new Array<T | undefined>(16);
    this.#head = 0;
    this.#length = 0;
  }

  #grow(): void {
    const old = this.#ring;
    const ring = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#length; i += 1) ring[i] = old[(this.#head + i) & (old.length - 1)];
    this.#ring = ring;
    this.#head = 0;
  }
}
