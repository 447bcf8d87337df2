/**
 * {@link monitor}: follows a changing set of streams — each one's state
 * transitions, byte counters and fatal status — as one observable of
 * {@link MonitorEvent}s. `monitor-snapshot.ts` folds those events into the
 * current picture of every stream; the dashboard is built on both.
 *
 * @module
 */
import {
  EMPTY,
  Observable,
  SchedulerLike,
  asyncScheduler,
  catchError,
  concat,
  connect,
  defer,
  endWith,
  filter,
  finalize,
  ignoreElements,
  interval,
  map,
  merge,
  mergeMap,
  of,
  takeUntil,
} from 'rxjs';
import { StreamState } from './status';
import type { Status, StreamKind } from './status';

/**
 * The members of a stream that {@link monitor} reads. Every `Stream` has them;
 * tests may pass any object that does.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { StreamKind, StreamState, monitor, type Monitorable } from 'rxstream';
 * import { firstValueFrom, of } from 'rxjs';
 *
 * // A stand-in for a stream in a dashboard test: only what monitor() reads.
 * const fake: Monitorable = {
 *   kind: StreamKind.TCP,
 *   state$: of(StreamState.Open),
 *   bytesRead: 0,
 *   bytesWritten: 0,
 *   lastError: null,
 *   remoteAddress: '10.0.0.7',
 *   remotePort: 5432,
 * };
 * const added = await firstValueFrom(monitor(of(fake)));
 * assert.equal(added.peer, '10.0.0.7:5432');
 * ```
 */
export interface Monitorable {
  /** The transport. */
  readonly kind: StreamKind;
  /**
   * Replays the current state, then every transition; completes after `destroy()`.
   *
   * @example
   * ```ts
   * declare const fake: Monitorable;
   * const closing: Monitorable = { ...fake, state$: of(StreamState.Open, StreamState.Closed) };
   * ```
   */
  readonly state$: Observable<StreamState>;
  /** Bytes delivered to the user so far. */
  readonly bytesRead: number;
  /** Bytes accepted from the user so far. */
  readonly bytesWritten: number;
  /** The fatal error that moved the state to `Error`, if any. */
  readonly lastError: {
    /** The fatal status. */
    readonly status: Status;
    /** The Node error behind it (`code: 'ETIMEDOUT'` for an idle timeout). */
    readonly cause?: unknown;
  } | null;
  /** The peer's address (a `Stream` has it; undefined on IPC and memory streams). */
  readonly remoteAddress?: string | undefined;
  /** The peer's port. */
  readonly remotePort?: number | undefined;
  /**
   * What a TLS session negotiated; null when it is not TLS.
   *
   * @example
   * ```ts
   * declare const fake: Monitorable;
   * const tls13: Monitorable = { ...fake, tlsInfo: () => ({ protocol: 'TLSv1.3' }) };
   * ```
   */
  tlsInfo?(): {
    /** The TLS protocol (`'TLSv1.3'`, …), or null once the session is gone. */
    readonly protocol: string | null;
  } | null;
}

/**
 * How {@link monitor} runs.
 *
 * @example
 * ```ts
 * const options: MonitorOptions<Stream> = {
 *   scheduler: asyncScheduler,
 *   sampleMs: 250,
 *   label: (s) => `${s.kind} ${s.remoteAddress ?? ''}`,
 * };
 * monitor(streams$, options).subscribe();
 * ```
 */
export interface MonitorOptions<S extends Monitorable = Monitorable> {
  /** Runs the sampling timers and stamps `time`; default `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** Period of the counter sampling, in milliseconds; default 1000. */
  sampleMs?: number;
  /** Names a stream for display (for example "tls client"); default its kind. */
  label?: (stream: S) => string;
}

/**
 * The kinds of {@link MonitorEvent}, one per `type`.
 *
 * @example
 * ```ts
 * const lifecycle: MonitorEventType[] = ['added', 'state', 'removed']; // no 'counters'
 * monitor(streams$).pipe(filter((e) => lifecycle.includes(e.type))).subscribe(console.log);
 * ```
 */
export type MonitorEventType = 'added' | 'state' | 'counters' | 'removed';

/**
 * What {@link monitor} reports about one stream at one moment. Every event
 * carries the whole sample, so the latest event of a stream is its picture.
 *
 * - `added` — the stream was emitted by the source; `state` is its state then.
 * - `state` — a transition, from `previous` to `state`, in `state$` order.
 * - `counters` — a periodic sample in which `bytesRead`, `bytesWritten` or
 *   `status` differ from the stream's previous event (unchanged samples are
 *   not reported).
 * - `removed` — `state$` completed (the stream was destroyed); the last event
 *   for that `id`.
 *
 * @example
 * ```ts
 * monitor(streams$).subscribe((e: MonitorEvent) => {
 *   const where = e.peer ?? e.label; // label: MonitorOptions.label, else the kind
 *   const was = e.previous === null ? '' : `${e.previous} → `;
 *   console.log(`${e.time} #${e.id} ${e.kind} ${where} ${e.type}: ${was}${e.state}`);
 *   console.log(`  in ${e.bytesRead} out ${e.bytesWritten} ${e.tlsProtocol ?? 'plain'}`);
 *   if (e.status !== null) console.log(`  failed: ${e.status}${e.timedOut ? ' (timeout)' : ''}`);
 * });
 * ```
 */
export interface MonitorEvent {
  /** What happened. */
  readonly type: MonitorEventType;
  /** Number given to the stream when it appeared: 1, 2, 3… per subscription. */
  readonly id: number;
  /** The stream's label (see {@link MonitorOptions.label}). */
  readonly label: string;
  /** The transport. */
  readonly kind: StreamKind;
  /** State after the event. */
  readonly state: StreamState;
  /** State before a `state` event; `null` for the other types. */
  readonly previous: StreamState | null;
  /** `lastError.status` — the fatal status — or `null` while there is none. */
  readonly status: Status | null;
  /**
   * True when the fatal error is a timeout (`cause.code` `'ETIMEDOUT'`):
   * the stream's `idleTimeout`, or the kernel's own retransmission limit.
   */
  readonly timedOut: boolean;
  /** `bytesRead` at the time of the event. */
  readonly bytesRead: number;
  /** `bytesWritten` at the time of the event. */
  readonly bytesWritten: number;
  /** `scheduler.now()` at the time of the event, in milliseconds. */
  readonly time: number;
  /** `address:port` of the peer; present only for streams that have one (TCP, TLS). */
  readonly peer?: string;
  /** The TLS protocol (`'TLSv1.3'`, …); present only for TLS streams. */
  readonly tlsProtocol?: string;
}

/**
 * Follows every stream that `streams$` emits and reports, per stream and in
 * order: its appearance (`added`), each `state$` transition (`state`), its
 * counters and fatal status sampled every `sampleMs` on the scheduler
 * (`counters`, only when something changed), and its disappearance when
 * `state$` completes (`removed`).
 *
 * Semantics:
 * - A stream emitted again while it is still followed is ignored.
 * - The output completes once `streams$` has completed and every followed
 *   stream has been removed; an error of `streams$` is passed on. An error of
 *   a stream's `state$` counts as its removal.
 * - Unsubscribing stops every timer and unsubscribes from every `state$`; the
 *   streams themselves are not touched.
 * - Cold: each subscription numbers its streams from 1.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTCP, monitor } from 'rxstream';
 * import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
 *
 * const stream = await firstValueFrom(connectTCP(port, '127.0.0.1'));
 * const events = lastValueFrom(monitor(of(stream), { sampleMs: 20 }).pipe(toArray()));
 * await firstValueFrom(stream.writeAll(Buffer.from('hi')));
 * await firstValueFrom(stream.reads$); // the echo
 * await firstValueFrom(stream.close());
 * stream.destroy(); // state$ completes: 'removed', and the output completes
 * const seen = (await events).filter((e) => e.type !== 'counters');
 * const story = seen.map((e) => `${e.type} ${e.state}`);
 * assert.deepEqual(story, ['added Open', 'state Closed', 'removed Closed']);
 * assert.equal(seen[2].bytesRead, 2);
 * ```
 *
 * @param streams$ - the streams to follow, as they appear
 * @param options - scheduler, sampling period, labels
 * @returns the events of all followed streams, interleaved
 */
export function monitor<S extends Monitorable>(
  streams$: Observable<S>,
  options: MonitorOptions<S> = {},
): Observable<MonitorEvent> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const sampleMs = options.sampleMs ?? 1000;
  const label = options.label ?? ((s: S) => s.kind);
  return defer(() => {
    let nextId = 1;
    const followed = new WeakSet<S>();
    return streams$.pipe(
      filter((stream) => !followed.has(stream)),
      mergeMap((stream) => {
        followed.add(stream);
        const tracker = new Tracker(stream, nextId++, label(stream), scheduler);
        return follow(tracker, sampleMs, scheduler).pipe(finalize(() => followed.delete(stream)));
      }),
    );
  });
}

/** The events of one stream: its state$ stream with a sampler that stops at its end. */
function follow(
  tracker: Tracker,
  sampleMs: number,
  scheduler: SchedulerLike,
): Observable<MonitorEvent> {
  return tracker.stream.state$.pipe(
    connect((states$) => {
      const transitions$ = concat(
        states$.pipe(map((state) => tracker.onState(state))),
        defer(() => tracker.removal()),
      );
      const end$ = states$.pipe(ignoreElements(), endWith(true));
      const samples$ = interval(sampleMs, scheduler).pipe(
        takeUntil(end$),
        map(() => tracker.changedSample()),
        filter((event): event is MonitorEvent => event !== null),
      );
      return merge(transitions$, samples$);
    }),
    // A failing state$ ends the stream's life like a completing one.
    catchError(() => tracker.removal()),
  );
}

/** Per-stream bookkeeping: the last reported state and counters. */
class Tracker {
  #state: StreamState | null = null;
  #lastKey = '';
  #whereCache: { peer?: string; tlsProtocol?: string } | null = null;

  constructor(
    readonly stream: Monitorable,
    readonly id: number,
    readonly label: string,
    readonly scheduler: SchedulerLike,
  ) {}

  /** The `added` event for the first state, `state` events after it. */
  onState(state: StreamState): MonitorEvent {
    const previous = this.#state;
    this.#state = state;
    if (previous === null) return this.sample('added');
    return { ...this.sample('state'), previous };
  }

  /** The `removed` event, or nothing for a stream that never showed a state. */
  removal(): Observable<MonitorEvent> {
    return this.#state === null ? EMPTY : of(this.sample('removed'));
  }

  /** A `counters` event, or null when nothing changed since the last event. */
  changedSample(): MonitorEvent | null {
    if (this.#state === null) return null;
    const event = this.sample('counters', false);
    return keyOf(event) === this.#lastKey ? null : this.#remember(event);
  }

  /** An event of `type` with the stream's current sample. */
  sample(type: MonitorEventType, remember = true): MonitorEvent {
    const { stream } = this;
    const event: MonitorEvent = {
      type,
      id: this.id,
      label: this.label,
      kind: stream.kind,
      // Only null before the first state, when no event is ever built.
      state: this.#state ?? StreamState.Closed,
      previous: null,
      status: stream.lastError?.status ?? null,
      timedOut: isTimeout(stream.lastError?.cause),
      bytesRead: stream.bytesRead,
      bytesWritten: stream.bytesWritten,
      time: this.scheduler.now(),
      ...this.#where(),
    };
    return remember ? this.#remember(event) : event;
  }

  /** `peer` and `tlsProtocol`, read once (they do not change) and only where there are some. */
  #where(): { peer?: string; tlsProtocol?: string } {
    if (this.#whereCache !== null) return this.#whereCache;
    const { stream } = this;
    const where: { peer?: string; tlsProtocol?: string } = {};
    if (stream.remoteAddress !== undefined) {
      where.peer = `${stream.remoteAddress}:${stream.remotePort ?? ''}`;
    }
    const protocol = stream.tlsInfo?.()?.protocol;
    if (typeof protocol === 'string') where.tlsProtocol = protocol;
    return (this.#whereCache = where);
  }

  #remember(event: MonitorEvent): MonitorEvent {
    this.#lastKey = keyOf(event);
    return event;
  }
}

function isTimeout(cause: unknown): boolean {
  return (
    typeof cause === 'object' && cause !== null && 'code' in cause && cause.code === 'ETIMEDOUT'
  );
}

function keyOf(event: MonitorEvent): string {
  return `${event.bytesRead}/${event.bytesWritten}/${event.status ?? ''}`;
}
