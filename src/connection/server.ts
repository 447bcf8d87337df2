/**
 * Server lifecycle for `listenTCP`/`listenTLS`/`listenIPC`: a connection
 * cap, a graceful drain on unsubscribe, and {@link ServerInfo} — the bound
 * address and the counts, observable the RxJS way.
 *
 * @module
 */
import type * as net from 'node:net';
import { ReplaySubject, asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { toStreamError } from '../errors';
import type { Stream } from '../stream';
import { StreamGroup } from './stream-group';
import { timeoutProblem } from './timeouts';

/**
 * Lifecycle options every listener takes.
 *
 * @example
 * ```ts
 * const options: ServerOptions = {
 *   maxConnections: 10_000,
 *   drainTimeout: 5000,
 *   server: info,
 *   scheduler: asyncScheduler,
 * };
 * listenTCP(7000, '0.0.0.0', options).subscribe((s) => s.reads$.subscribe());
 * ```
 */
export interface ServerOptions {
  /**
   * Open connections the server holds at most (Node's
   * `server.maxConnections`): one over it is closed at once — before any
   * TLS handshake — and counted in {@link ServerCounts.refused}. Default: no cap.
   */
  maxConnections?: number;
  /**
   * What unsubscribing does to the streams it accepted. Unset (default):
   * they stay open (they are the subscriber's), only accepting stops. Set
   * (ms, on `scheduler`): every stream still open is closed gracefully
   * (accepted bytes, then FIN / close_notify) and those still open at the
   * deadline are destroyed.
   */
  drainTimeout?: number;
  /** Reports the address and the counts of this server; see {@link ServerInfo}. */
  server?: ServerInfo;
  /** Where the drain deadline runs (the streams' scheduler). Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/**
 * Counters of one server, for dashboards (see {@link ServerInfo.counts}).
 *
 * @example
 * ```ts
 * const { open, accepted, refused, handshakeFailures }: ServerCounts = info.counts;
 * console.log(`${open} open of ${accepted}; ${refused} over the cap; ${handshakeFailures} bad handshakes`);
 * ```
 */
export interface ServerCounts {
  /** Streams accepted and not yet Closed/Error. */
  readonly open: number;
  /** Streams accepted so far. */
  readonly accepted: number;
  /** Connections closed at once because `maxConnections` were open. */
  readonly refused: number;
  /** TLS clients dropped before they became streams (failed or timed-out handshakes). */
  readonly handshakeFailures: number;
}

/**
 * What a listener reports: pass one as `server` in its options, then read
 * it whenever you like — `address$` replays the bound address (port 0
 * resolved), so subscribing late never misses it and nothing races the
 * first connection. One `ServerInfo` per listener subscription.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import type { AddressInfo } from 'node:net';
 * import { ServerInfo, connectTCP, listenTCP } from 'rxstream';
 * import { concatMap, firstValueFrom, mergeMap, switchMap } from 'rxjs';
 *
 * const server = new ServerInfo();
 * const echo = listenTCP(0, '127.0.0.1', { server, maxConnections: 1000 })
 *   .pipe(mergeMap((s) => s.reads$.pipe(concatMap((c) => s.writeAll(c)))))
 *   .subscribe();
 * const client = await firstValueFrom(
 *   server.address$.pipe(switchMap((a) => connectTCP((a as AddressInfo).port, '127.0.0.1'))),
 * );
 * client.writeAll(Buffer.from('ping')).subscribe();
 * assert.equal(String(await firstValueFrom(client.reads$)), 'ping');
 * assert.equal(server.counts.accepted, 1);
 * echo.unsubscribe();
 * client.destroy();
 * ```
 */
export class ServerInfo {
  readonly #address = new ReplaySubject<net.AddressInfo | string>(1);
  readonly #group = new StreamGroup();
  #accepted = 0;
  #refused = 0;
  #handshakeFailures = 0;

  /**
   * The bound address (an `AddressInfo` for TCP/TLS, the path for IPC):
   * replays it; completes when the server closes, errors with its
   * `StreamError` when it cannot listen.
   *
   * @example
   * ```ts
   * info.address$.subscribe((a) => console.log('listening on', typeof a === 'string' ? a : a.port));
   * ```
   */
  get address$(): Observable<net.AddressInfo | string> {
    return this.#address.asObservable();
  }

  /**
   * The streams the server accepted that are still open (a {@link StreamGroup}: broadcast, close all).
   *
   * @example
   * ```ts
   * info.streams.writeAll(Buffer.from('server going down in 30 s\n')).subscribe();
   * ```
   */
  get streams(): StreamGroup {
    return this.#group;
  }

  /**
   * The counters now.
   *
   * @example
   * ```ts
   * interval(5000).subscribe(() => console.log('open connections:', info.counts.open));
   * ```
   */
  get counts(): ServerCounts {
    return {
      open: this.#group.size,
      accepted: this.#accepted,
      refused: this.#refused,
      handshakeFailures: this.#handshakeFailures,
    };
  }

  /** @internal The server listens at `address`. */
  listening(address: net.AddressInfo | string): void {
    this.#address.next(address);
  }

  /** @internal A stream was accepted. */
  accepted(stream: Stream): void {
    this.#accepted += 1;
    this.#group.add(stream);
  }

  /** @internal Counts a refused connection or a failed handshake. */
  count(what: 'refused' | 'handshake'): void {
    if (what === 'refused') this.#refused += 1;
    else this.#handshakeFailures += 1;
  }

  /** @internal The server closed (`error` when it could not listen). */
  ended(error?: unknown): void {
    if (error === undefined) this.#address.complete();
    else this.#address.error(toStreamError(error, 'listen failed'));
  }
}

/**
 * The lifecycle of one listener subscription (internal to the listen
 * helpers): applies the cap, counts, reports, and drains on unsubscribe.
 */
export class ServerLifecycle {
  readonly #info: ServerInfo;
  readonly #options: ServerOptions;
  /** Streams are followed only when someone asked (a ServerInfo, or a drain): it costs per stream. */
  readonly #track: boolean;

  constructor(options: ServerOptions = {}) {
    this.#options = options;
    this.#info = options.server ?? new ServerInfo();
    this.#track = options.server !== undefined || options.drainTimeout !== undefined;
  }

  /** Why the options are unusable, or null. */
  static problem(options: ServerOptions = {}): string | null {
    const cap = options.maxConnections;
    if (cap !== undefined && !(Number.isInteger(cap) && cap > 0)) {
      return `maxConnections must be an integer > 0, got ${String(cap)}`;
    }
    return timeoutProblem('drainTimeout', options.drainTimeout);
  }

  /** Sets the cap and the counting listeners on a new server. */
  attach(server: net.Server): void {
    if (this.#options.maxConnections !== undefined) {
      server.maxConnections = this.#options.maxConnections;
    }
    server.on('drop', () => this.#info.count('refused'));
    server.on('tlsClientError', () => this.#info.count('handshake'));
  }

  /** The server listens. */
  listening(server: net.Server): void {
    const address = server.address();
    if (address !== null) this.#info.listening(address);
  }

  /** A stream was accepted. */
  accepted(stream: Stream): void {
    if (this.#track) this.#info.accepted(stream);
  }

  /** Listening failed. */
  failed(error: unknown): void {
    this.#info.ended(error);
  }

  /** Unsubscribed: close the server, and drain its streams when asked to. */
  stop(server: net.Server): void {
    server.close(() => this.#info.ended());
    const ms = this.#options.drainTimeout;
    if (ms === undefined) return;
    const group = this.#info.streams;
    const scheduler = this.#options.scheduler ?? asyncScheduler;
    const deadline = scheduler.schedule(() => group.destroy(), ms);
    group.close().subscribe(() => deadline.unsubscribe());
  }
}
