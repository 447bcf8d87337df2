/**
 * The reading half of a {@link Reconnecting} connection: the readers of
 * `each` (and so `reads$`) and the streams that still have bytes for them,
 * oldest first, so that reading goes on from one connection to the next.
 *
 * @module
 */
import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { Status, StreamState } from '../status';
import { StreamError } from '../errors';
import type { Stream } from '../stream';
import type { ReconnectState } from './reconnect-state';

/** What the reads need from their connection (a `Reconnecting`). */
export interface ReadsOwner {
  /** The connected stream, or null while not open. */
  readonly stream: Stream | null;
  /** The current state. */
  readonly state: ReconnectState;
}

/** The error of an operation that needs a connection when there is none. */
export function notConnected(state: ReconnectState): StreamError {
  return new StreamError(Status.StreamClosed, `not connected (${state.status})`);
}

/** The readers of one reconnecting connection and the streams they read, in order. */
export class ReconnectReads {
  readonly #owner: ReadsOwner;
  readonly #start: () => void;
  /** Streams with bytes still to read, oldest first (the current one last). */
  readonly #unread: Stream[] = [];
  readonly #readers = new Set<() => void>();
  #reading: Stream | null = null;

  /** `start` starts the connection (the first reader does). */
  constructor(owner: ReadsOwner, start: () => void) {
    this.#owner = owner;
    this.#start = start;
  }

  /** `Reconnecting.each`. */
  each<T>(project: (stream: Stream) => Observable<T>): Observable<T> {
    return new Observable<T>((sub) => {
      let inner: Subscription | null = null;
      const wake = (): void => {
        while (inner === null && !sub.closed) {
          this.#reading = null;
          const head = this.#unread[0];
          if (head === undefined) return this.#endReader(sub);
          this.#reading = head;
          let over = false;
          let running: Subscription | null = null;
          const end = (): void => {
            over = true;
            this.#doneReading(head);
            if (running !== null && inner === running) {
              inner = null;
              wake();
            }
          };
          running = project(head).subscribe({
            next: (value) => sub.next(value),
            error: (error: unknown) => (ended(head, error) ? end() : sub.error(error)),
            complete: end,
          });
          if (!over) inner = running; // else it ended at once: on to the next
        }
      };
      this.#readers.add(wake);
      this.#start();
      wake();
      return () => {
        this.#readers.delete(wake);
        if (inner !== null) this.#reading = null;
        inner?.unsubscribe();
      };
    });
  }

  /** A new connection: its bytes come after those of the ones before. */
  add(stream: Stream): void {
    this.#unread.push(stream);
  }

  /** The connection of `stream` dropped (it is no longer the owner's stream). */
  dropped(stream: Stream): void {
    if (stream.stats().readBuffered === 0 && this.#reading !== stream) this.#doneReading(stream);
    this.wake();
  }

  /** It gave up: release the streams that have nothing left to read. */
  releaseRead(): void {
    // Over a copy: #doneReading removes from #unread, which would skip the stream after each.
    for (const s of [...this.#unread]) if (s.stats().readBuffered === 0) this.#doneReading(s);
  }

  /** Lets every reader move on (a new stream, a drop, the end). */
  wake(): void {
    for (const wake of [...this.#readers]) wake();
  }

  /** A reader is done with `stream`: forget it, and release it unless it is still the connection. */
  #doneReading(stream: Stream): void {
    const at = this.#unread.indexOf(stream);
    if (at >= 0) this.#unread.splice(at, 1);
    if (stream !== this.#owner.stream) stream.destroy();
  }

  #endReader<T>(sub: Subscriber<T>): void {
    const { status, lastError } = this.#owner.state;
    if (status === 'closed') sub.complete();
    else if (status === 'failed') sub.error(lastError ?? notConnected(this.#owner.state));
  }
}

/** True when `error` from a read of `stream` means its connection ended (not a bug of the reader). */
function ended(stream: Stream, error: unknown): boolean {
  if (!StreamError.is(error)) return false;
  return error.code === 2 || stream.lastError !== null || stream.state === StreamState.Closed;
}
