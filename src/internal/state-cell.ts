import { BehaviorSubject, Observable } from 'rxjs';
import type { StreamState } from '../status';
import { hasFlag, withFlag } from './flags';

// The boolean state of a StateCell, as bits of one field (`#flags`): one slot per stream, not one each.
const DELIVERING = 1;
const ENDED = 2;

/**
 * A stream's state: the current value at once (`value`), and `state$`, a
 * read-only view of a BehaviorSubject that replays the current state and
 * then every transition once and in order — also when a subscriber changes
 * the state while a transition is being delivered (those changes queue up
 * behind it), and also after the end (a late subscriber gets the final
 * state, then complete).
 */
export class StateCell {
  #state$: Observable<StreamState> | null = null; // made on first use
  #value: StreamState;
  #subject: BehaviorSubject<StreamState> | null = null; // made for the first subscriber
  #queue: Array<StreamState | 'end'> | null = null; // transitions raised while one is delivered
  #flags = 0; // delivering, ended (accessors below)
  get #delivering(): boolean {
    return hasFlag(this.#flags, DELIVERING);
  }
  set #delivering(on: boolean) {
    this.#flags = withFlag(this.#flags, DELIVERING, on);
  }
  get #ended(): boolean {
    return hasFlag(this.#flags, ENDED);
  }
  set #ended(on: boolean) {
    this.#flags = withFlag(this.#flags, ENDED, on);
  }

  constructor(initial: StreamState, onChange?: (from: StreamState, to: StreamState) => void) {
    this.#value = initial;
    this.#onChange = onChange;
  }

  /** The states, as described on the class. */
  get state$(): Observable<StreamState> {
    return (this.#state$ ??= new Observable<StreamState>((sub) => {
      if (this.#ended && !this.#delivering) {
        sub.next(this.#value);
        sub.complete();
        return undefined;
      }
      this.#subject ??= new BehaviorSubject(this.#value);
      return this.#subject.subscribe(sub);
    }));
  }

  readonly #onChange: ((from: StreamState, to: StreamState) => void) | undefined;

  /** The current state (already the newest, even while older transitions are being delivered). */
  get value(): StreamState {
    return this.#value;
  }

  /** Moves to `state` (no-op when it is already there or after the end). */
  set(state: StreamState): void {
    if (this.#ended || state === this.#value) return;
    this.#onChange?.(this.#value, state);
    this.#value = state;
    this.#push(state);
  }

  /** Ends `state$` after every queued transition. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#push('end');
  }

  #push(item: StreamState | 'end'): void {
    if (this.#delivering) {
      (this.#queue ??= []).push(item);
      return;
    }
    this.#delivering = true;
    try {
      for (let next = item; ;) {
        if (next === 'end') this.#subject?.complete();
        else this.#subject?.next(next);
        const queued = this.#queue?.shift();
        if (queued === undefined) break;
        next = queued;
      }
    } finally {
      this.#queue = null;
      this.#delivering = false;
    }
  }
}
