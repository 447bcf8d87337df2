/**
 * The dashboard server: one RxJS pipeline — traffic items → `monitor()` →
 * snapshots — shared by every page through Server-Sent Events, and a tiny
 * static file server for the page itself. Listens on 127.0.0.1 only.
 */
import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  EMPTY,
  Observable,
  ReplaySubject,
  Subscription,
  connectable,
  filter,
  map,
  merge,
  mergeMap,
  scan,
  share,
  startWith,
  take,
} from 'rxjs';
import { monitorConnections, type ConnectionsSnapshot, type Stream } from '../src';
import { MonitorEvent, monitor } from '../src/monitor';
import {
  MonitorSnapshot,
  applyMonitorEvent,
  EMPTY_MONITOR_SNAPSHOT,
} from '../src/monitor-snapshot';
import type { ConnectFailure } from './failure';
import { TrafficItem, TrafficOptions, demoTraffic } from './traffic';

/** How {@link startDashboard} runs. */
export interface DashboardOptions {
  /** TCP port, 0 for any (default 0). */
  port?: number;
  /** Counter sampling period of the monitor, ms (default 250). */
  sampleMs?: number;
  /** Run the built-in traffic generator (default true); options for it. */
  traffic?: boolean | TrafficOptions;
  /** More streams and failures to show, for example a test's own. */
  items$?: Observable<TrafficItem>;
}

/** A running dashboard. */
export interface Dashboard {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Where it listens. */
  readonly address: AddressInfo;
  /** Stops the traffic (destroying its streams), the page feeds and the server. */
  stop(): Promise<void>;
}

/** What every page is told first, and then kept up to date with. */
interface Hub {
  readonly snapshot: MonitorSnapshot;
  readonly failures: readonly ConnectFailure[];
  /** The latest connection-management sample (reconnects, groups, servers), once there is one. */
  readonly connections: ConnectionsSnapshot | null;
  /** Streams that failed on their idle timeout so far. */
  readonly idleTimeouts: number;
  readonly frame: string | null;
}

const MAX_FAILURES = 20;
const PUBLIC = join(__dirname, 'public');
const FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
};
const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** One Server-Sent Events frame. */
function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The JSON form of a hub value, sent to a page when it connects. */
function helloOf(hub: Hub, sampleMs: number): unknown {
  return {
    now: Date.now(),
    sampleMs,
    streams: [...hub.snapshot.streams.values()],
    failures: hub.failures,
    connections: hub.connections,
    idleTimeouts: hub.idleTimeouts,
  };
}

/** items → (monitor events | failures) → hub values, each carrying the SSE frame to push. */
function hubOf(items$: Observable<TrafficItem>, sampleMs: number): Observable<Hub> {
  const shared$ = items$.pipe(share());
  const labels = new WeakMap<Stream, string>();
  const streams$ = shared$.pipe(
    filter((item) => item.type === 'stream'),
    map((item) => {
      labels.set(item.stream, item.label);
      return item.stream;
    }),
  );
  const events$ = monitor(streams$, { sampleMs, label: (s) => labels.get(s) ?? s.kind });
  const failures$ = shared$.pipe(
    filter((item) => item.type === 'failure'),
    map((item) => item.failure),
  );
  const connections$ = shared$.pipe(
    filter((item) => item.type === 'connections'),
    mergeMap((item) => monitorConnections(item.sources, { sampleMs })),
  );
  const seed: Hub = {
    snapshot: EMPTY_MONITOR_SNAPSHOT,
    failures: [],
    connections: null,
    idleTimeouts: 0,
    frame: null,
  };
  type Update =
    { event: MonitorEvent } | { failure: ConnectFailure } | { connections: ConnectionsSnapshot };
  const updates$: Observable<Update> = merge(
    events$.pipe(map((event) => ({ event }))),
    failures$.pipe(map((failure) => ({ failure }))),
    connections$.pipe(map((connections) => ({ connections }))),
  );
  return updates$.pipe(
    scan((hub: Hub, update: Update): Hub => {
      if ('event' in update) {
        const snapshot = applyMonitorEvent(hub.snapshot, update.event);
        const e = update.event;
        const idle = e.type === 'state' && e.state === 'Error' && e.timedOut ? 1 : 0;
        const idleTimeouts = hub.idleTimeouts + idle;
        return { ...hub, snapshot, idleTimeouts, frame: sse('monitor', e) };
      }
      if ('connections' in update) {
        const { connections } = update;
        return { ...hub, connections, frame: sse('connections', connections) };
      }
      const failures = [...hub.failures, update.failure].slice(-MAX_FAILURES);
      return { ...hub, failures, frame: sse('failure', update.failure) };
    }, seed),
    startWith(seed),
  );
}

/**
 * Starts the dashboard on 127.0.0.1: the traffic generator (unless
 * `traffic: false`), the monitor pipeline, and the HTTP server with
 * `GET /` (page), `/app.js`, `/style.css`, `/events` (SSE) and
 * `/api/snapshot` (JSON, the same as the first SSE frame).
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const sampleMs = options.sampleMs ?? 250;
  const traffic = options.traffic ?? true;
  const generated$ = traffic === false ? EMPTY : demoTraffic(traffic === true ? {} : traffic);
  const hub$ = connectable(hubOf(merge(generated$, options.items$ ?? EMPTY), sampleMs), {
    connector: () => new ReplaySubject<Hub>(1),
    resetOnDisconnect: false,
  });
  const pages = new Subscription();
  const server = http.createServer(function onRequest(req, res) {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/events') return servePage(hub$, sampleMs, req, res, pages);
    if (path === '/api/snapshot') {
      hub$.pipe(take(1)).subscribe((hub) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(helloOf(hub, sampleMs)));
      });
      return;
    }
    serveFile(path, res);
  });
  const running = hub$.connect();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    address,
    stop: () => {
      pages.unsubscribe();
      running.unsubscribe();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The SSE feed of one page: a `hello` with everything so far, then every update. */
function servePage(
  hub$: Observable<Hub>,
  sampleMs: number,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pages: Subscription,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const feed = hub$
    .pipe(map((hub, i) => (i === 0 ? sse('hello', helloOf(hub, sampleMs)) : hub.frame)))
    .subscribe({
      next: (frame) => {
        if (frame !== null) res.write(frame);
      },
      complete: () => res.end(),
    });
  pages.add(feed);
  req.on('close', function pageOnClose() {
    feed.unsubscribe();
    pages.remove(feed);
  });
}

function serveFile(path: string, res: http.ServerResponse): void {
  const name = FILES[path];
  if (name === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  const type = TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
  readFile(join(PUBLIC, name)).then(
    (body) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    },
    () => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('cannot read file\n');
    },
  );
}
