/**
 * {@link monitorConnections}: the connection-management picture for
 * dashboards — reconnecting connections (status, attempt, connections),
 * stream groups (sizes) and servers (open, accepted, refused) — sampled on
 * a scheduler. `monitor()` covers the streams themselves (its events carry
 * `timedOut` for idle timeouts).
 *
 * @module
 */
import {
  Observable,
  asyncScheduler,
  distinctUntilChanged,
  interval,
  map,
  startWith,
  type SchedulerLike,
} from 'rxjs';
import type { Status } from '../status';
import type { Reconnecting, ReconnectStatus } from './reconnecting';
import type { StreamGroup, StreamGroupStats } from './stream-group';
import type { ServerCounts, ServerInfo } from './server';

/**
 * What {@link monitorConnections} follows, by display name.
 *
 * @example
 * ```ts
 * const sources: ConnectionSources = { reconnecting: { db: conn }, groups: { chat: group } };
 * ```
 */
export interface ConnectionSources {
  /** Connections made by `reconnecting()`. */
  readonly reconnecting?: Readonly<Record<string, Reconnecting>>;
  /** Stream groups. */
  readonly groups?: Readonly<Record<string, StreamGroup>>;
  /** Listeners' `ServerInfo`s. */
  readonly servers?: Readonly<Record<string, ServerInfo>>;
}

/**
 * One reconnecting connection in a {@link ConnectionsSnapshot}.
 *
 * @example
 * ```ts
 * const down = (r: ReconnectingSample) => r.status !== 'open';
 * ```
 */
export interface ReconnectingSample {
  /** Its name in the sources. */
  readonly name: string;
  /** Its status now. */
  readonly status: ReconnectStatus;
  /** The attempt of the current round (see `ReconnectState.attempt`). */
  readonly attempt: number;
  /** Connections opened so far. */
  readonly connections: number;
  /** Status of the last error, or null. */
  readonly lastStatus: Status | null;
}

/**
 * A name in the sources.
 *
 * @example
 * ```ts
 * const n: Named = { name: 'db' };
 * ```
 */
export interface Named {
  /** Its name in the sources. */
  readonly name: string;
}

/**
 * The picture at one moment.
 *
 * @example
 * ```ts
 * monitorConnections(sources).subscribe((s: ConnectionsSnapshot) => render(s.reconnecting));
 * ```
 */
export interface ConnectionsSnapshot {
  /** `scheduler.now()` when sampled. */
  readonly time: number;
  /** Each reconnecting connection, in source order. */
  readonly reconnecting: readonly ReconnectingSample[];
  /** Each group's counters, with its name. */
  readonly groups: ReadonlyArray<StreamGroupStats & Named>;
  /** Each server's counts, with its name. */
  readonly servers: ReadonlyArray<ServerCounts & Named>;
}

/**
 * Samples `sources` at subscription and every `sampleMs` (default 1000) on
 * `scheduler`, emitting a {@link ConnectionsSnapshot} whenever something
 * changed (time aside). Reading never starts a `Reconnecting` (it reads
 * `state`, not `state$`). Never completes; unsubscribe to stop.
 *
 * @example
 * ```ts
 * monitorConnections({ reconnecting: { db: conn }, servers: { api: info } }, { sampleMs: 500 })
 *   .subscribe((s) => console.log(s.reconnecting[0].status, s.servers[0].open));
 * ```
 */
export function monitorConnections(
  sources: ConnectionSources,
  options: { scheduler?: SchedulerLike; sampleMs?: number } = {},
): Observable<ConnectionsSnapshot> {
  const scheduler = options.scheduler ?? asyncScheduler;
  return interval(options.sampleMs ?? 1000, scheduler).pipe(
    startWith(-1),
    map(() => sample(sources, scheduler.now())),
    distinctUntilChanged((a, b) => keyOf(a) === keyOf(b)),
  );
}

function sample(sources: ConnectionSources, time: number): ConnectionsSnapshot {
  const entries = <T>(r: Readonly<Record<string, T>> | undefined): Array<[string, T]> =>
    Object.entries(r ?? {});
  return {
    time,
    reconnecting: entries(sources.reconnecting).map(([name, conn]) => {
      const s = conn.state;
      const lastStatus = s.lastError?.status ?? null;
      return { name, status: s.status, attempt: s.attempt, connections: s.connections, lastStatus };
    }),
    groups: entries(sources.groups).map(([name, group]) => ({ name, ...group.stats() })),
    servers: entries(sources.servers).map(([name, info]) => ({ name, ...info.counts })),
  };
}

function keyOf(s: ConnectionsSnapshot): string {
  return JSON.stringify([s.reconnecting, s.groups, s.servers]);
}
