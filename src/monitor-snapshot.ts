/**
 * {@link monitorSnapshots}: folds the {@link MonitorEvent}s of `monitor()` into
 * an immutable {@link MonitorSnapshot} of every live stream, with its latest
 * sample and its transitions so far.
 *
 * @module
 */
import { OperatorFunction, scan } from 'rxjs';
import type { MonitorEvent } from './monitor';

/**
 * One stream as {@link monitorSnapshots} sees it: its latest
 * {@link MonitorEvent}, when it appeared, and its transitions so far.
 *
 * @example
 * ```ts
 * const s: StreamSnapshot | undefined = snapshot.streams.get(1);
 * if (s !== undefined) {
 *   console.log(`up ${Date.now() - s.since} ms:`, s.history.map((h) => h.state).join(' → '), s.latest.state);
 * }
 * ```
 */
export interface StreamSnapshot {
  /** The stream's most recent event. */
  readonly latest: MonitorEvent;
  /** `time` of its `added` event. */
  readonly since: number;
  /** Its `added` and `state` events, oldest first. */
  readonly history: readonly MonitorEvent[];
}

/**
 * Every followed stream that has not been removed, by id, after the event
 * `last` (null before the first event).
 *
 * @example
 * ```ts
 * const open = [...snapshot.streams.values()].filter((s) => s.latest.state === StreamState.Open).length;
 * console.log(`${open} open; last event: ${snapshot.last?.type ?? 'none yet'}`);
 * ```
 */
export interface MonitorSnapshot {
  /** The live streams by id, in order of appearance. */
  readonly streams: ReadonlyMap<number, StreamSnapshot>;
  /** The event that produced this snapshot. */
  readonly last: MonitorEvent | null;
}

/**
 * The snapshot before any event.
 *
 * @example
 * ```ts
 * monitor(streams$).pipe(monitorSnapshots(), startWith(EMPTY_MONITOR_SNAPSHOT)).subscribe(render);
 * ```
 */
export const EMPTY_MONITOR_SNAPSHOT: MonitorSnapshot = Object.freeze({
  streams: new Map<number, StreamSnapshot>(),
  last: null,
});

/**
 * Operator that folds {@link MonitorEvent}s into a {@link MonitorSnapshot}
 * after each event. Snapshots are immutable: each one is a new object, so a
 * late subscriber can be given the latest one with `shareReplay(1)` and then
 * follow the events.
 *
 * A `removed` event drops its stream from the snapshot; events for an id that
 * was never `added` are ignored.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { memoryPair, monitor, monitorSnapshots } from 'rxstream';
 * import { lastValueFrom, map, of, toArray } from 'rxjs';
 *
 * const [a, b] = memoryPair();
 * const sizes = lastValueFrom(
 *   monitor(of(a, b)).pipe(monitorSnapshots(), map((snap) => snap.streams.size), toArray()),
 * );
 * a.destroy(); // b sees its peer go and closes too
 * b.destroy();
 * assert.deepEqual(await sizes, [1, 2, 2, 1, 1, 0]); // added, added, state, removed, state, removed
 * ```
 *
 * @see monitor
 * @returns an operator emitting one snapshot per event
 */
export function monitorSnapshots(): OperatorFunction<MonitorEvent, MonitorSnapshot> {
  return scan(applyMonitorEvent, EMPTY_MONITOR_SNAPSHOT);
}

/**
 * The pure step of {@link monitorSnapshots}: the snapshot after `event`.
 *
 * @example
 * ```ts
 * const added = await firstValueFrom(monitor(streams$)); // the first event is an 'added'
 * const next = applyMonitorEvent(EMPTY_MONITOR_SNAPSHOT, added);
 * console.log(next.streams.get(added.id)?.since === added.time); // true
 * ```
 *
 * @param snapshot - the snapshot before the event (not modified)
 * @param event - the event to apply
 * @returns a new snapshot
 */
export function applyMonitorEvent(snapshot: MonitorSnapshot, event: MonitorEvent): MonitorSnapshot {
  const streams = new Map(snapshot.streams);
  const current = streams.get(event.id);
  if (event.type === 'removed') {
    streams.delete(event.id);
  } else if (event.type === 'added') {
    streams.set(event.id, { latest: event, since: event.time, history: [event] });
  } else if (current !== undefined) {
    const history = event.type === 'state' ? [...current.history, event] : current.history;
    streams.set(event.id, { latest: event, since: current.since, history });
  }
  return { streams, last: event };
}
