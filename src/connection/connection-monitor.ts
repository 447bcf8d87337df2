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
 * const sources: ConnectionSources = {
 *   reconnecting: { db: conn },
 *   groups: { chat: group },
 *   servers: { api: info },
 * };
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
 * const line = ({ name, status, attempt, connections, lastStatus }: ReconnectingSample) =>
 *   `${name}: ${status} (attempt ${attempt}, ${connections} connections, last error ${lastStatus ?? '-'})`;
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
 * monitorConnections({ groups: { chat: group }, servers: { api: info } }).subscribe(
 *   ({ time, reconnecting, groups, servers }: ConnectionsSnapshot) =>
 *     console.log(time, reconnecting.length, groups[0].size, servers[0].open),
 * );
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
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTCP, monitorConnections, reconnecting } from 'rxstream';
 * import { filter, firstValueFrom } from 'rxjs';
 *
 * const conn = reconnecting(() => connectTCP(port, '127.0.0.1'));
 * conn.writeAll(Buffer.from('hi')).subscribe(); // starts it (the monitor does not)
 * const up = monitorConnections({ reconnecting: { db: conn } }, { sampleMs: 50 }).pipe(
 *   filter((s) => s.reconnecting[0].status === 'open'),
 * );
 * assert.equal((await firstValueFrom(up)).reconnecting[0].connections, 1);
 * await firstValueFrom(conn.close());
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
