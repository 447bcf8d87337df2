/**
 * The dashboard's traffic generator: TCP and TLS client/server pairs on
 * 127.0.0.1 that connect, exchange data at varying rates, half-close, close,
 * and sometimes fail — reset by a proxy (SysError), TLS records corrupted by
 * a proxy (TLSError), a bad server certificate or a refused port (failed
 * connects). Every stream it makes is emitted as a {@link TrafficItem} so
 * the dashboard can monitor it; every failed connect too.
 */
import {
  AsyncSubject,
  EMPTY,
  Observable,
  Subscription,
  catchError,
  combineLatest,
  concat,
  concatMap,
  defer,
  endWith,
  finalize,
  first,
  ignoreElements,
  interval,
  map,
  merge,
  mergeMap,
  switchMap,
  take,
  takeUntil,
  tap,
  timer,
} from 'rxjs';
import { ListenOptions, Stream, StreamKind, StreamState, connectTCP, connectTLS } from '../src';
import { ServerInfo, StreamGroup, listenTCP, listenTLS, reconnecting } from '../src';
import type { ConnectionSources, Reconnecting } from '../src';
import { TestCerts, testCerts } from '../tools/certs';
import { ConnectFailure, failureOf } from './failure';
import { chaosProxy, closedPort, silentServer, tlsServerWith } from './peers';
import { PLAN, Ports, Step, payload } from './plan';

/** One thing the generator reports: a stream to follow, or a connect that failed. */
export type TrafficItem =
  | { readonly type: 'stream'; readonly stream: Stream; readonly label: string }
  | { readonly type: 'failure'; readonly failure: ConnectFailure }
  | { readonly type: 'connections'; readonly sources: ConnectionSources };

/** Tuning of {@link demoTraffic}. */
export interface TrafficOptions {
  /** A new client session starts every `periodMs` (default 1200). */
  periodMs?: number;
  /** A finished stream is destroyed `lingerMs` later (default 4000). */
  lingerMs?: number;
  /** At most this many client sessions at once (default 8). */
  maxSessions?: number;
  /** Certificates (default `testCerts()`). */
  certs?: TestCerts;
}

const HOST = '127.0.0.1';

/**
 * Cold: subscribing starts the servers and the sessions; unsubscribing stops
 * them, destroys every stream made and closes every server.
 */
export function demoTraffic(options: TrafficOptions = {}): Observable<TrafficItem> {
  return new Observable<TrafficItem>((subscriber) => {
    const traffic = new Traffic((item) => subscriber.next(item), options);
    const running = traffic.run().subscribe({ error: (e: unknown) => subscriber.error(e) });
    return () => {
      running.unsubscribe();
      traffic.teardown();
    };
  });
}

class Traffic {
  readonly #emit: (item: TrafficItem) => void;
  readonly #certs: TestCerts;
  readonly #options: Required<Omit<TrafficOptions, 'certs'>>;
  readonly #live = new Set<Stream>();
  readonly #timers = new Subscription();
  readonly #servers = { 'tcp echo': new ServerInfo(), 'tls echo': new ServerInfo() };
  readonly #clients = new StreamGroup();
  #ticker: Reconnecting | null = null;
  #served = 0;

  constructor(emit: (item: TrafficItem) => void, options: TrafficOptions) {
    this.#emit = emit;
    this.#certs = options.certs ?? testCerts();
    this.#options = {
      periodMs: options.periodMs ?? 1200,
      lingerMs: options.lingerMs ?? 4000,
      maxSessions: options.maxSessions ?? 8,
    };
  }

  /** Servers first, then proxies in front of them, then sessions on a timer. */
  run(): Observable<unknown> {
    const { key, cert } = this.#certs.server;
    const tcpInfo = this.#servers['tcp echo'];
    const tlsInfo = this.#servers['tls echo'];
    const tcp$ = this.#echoServer(
      (o) => listenTCP(0, HOST, { ...o, server: tcpInfo }),
      'tcp server',
    );
    const tls$ = this.#echoServer(
      (o) => listenTLS({ key, cert }, 0, HOST, { ...o, server: tlsInfo }),
      'tls server',
    );
    return combineLatest([tcp$, tls$]).pipe(
      switchMap(([tcpEcho, tlsEcho]) => this.#peers(tcpEcho, tlsEcho)),
      tap((ports) => this.#startTicker(ports.tcpReset)),
      switchMap((ports) =>
        timer(0, this.#options.periodMs).pipe(
          mergeMap(
            (i) => this.#session(PLAN[i % PLAN.length], ports, i + 1),
            this.#options.maxSessions,
          ),
        ),
      ),
    );
  }

  teardown(): void {
    this.#ticker?.close().subscribe();
    this.#timers.unsubscribe();
    for (const stream of this.#live) stream.destroy();
    this.#live.clear();
  }

  #peers(tcpEcho: number, tlsEcho: number): Observable<Ports> {
    const { expired, unknownCa } = this.#certs;
    const after = (base: number) => (n: number) => base + (n % 3) * 700;
    return combineLatest({
      tcpReset: chaosProxy(tcpEcho, 'reset', after(2500)),
      tlsReset: chaosProxy(tlsEcho, 'reset', after(3000)),
      tlsGarbage: chaosProxy(tlsEcho, 'garbage', after(2000)),
      expired: tlsServerWith(expired.key, expired.cert),
      unknownCa: tlsServerWith(unknownCa.key, unknownCa.cert),
      refused: closedPort(),
      silent: silentServer(),
    }).pipe(map((peers): Ports => ({ ...peers, tcpEcho, tlsEcho })));
  }

  /** Emits the port once listening; echoes every accepted stream, then a trailer, then ends it. */
  #echoServer(
    listen: (options: ListenOptions) => Observable<Stream>,
    label: string,
  ): Observable<number> {
    return new Observable<number>((subscriber) =>
      // Half-open on purpose: it keeps sending a trailer after the client's FIN.
      listen({ allowHalfOpen: true, onListening: (address) => subscriber.next(address.port) })
        .pipe(mergeMap((stream) => this.#serve(stream, label)))
        .subscribe({ error: (e: unknown) => subscriber.error(e) }),
    );
  }

  #serve(stream: Stream, label: string): Observable<unknown> {
    this.#track(stream, label);
    const halfClose = this.#served++ % 2 === 0;
    const echo$ = stream.reads$.pipe(concatMap((chunk) => stream.writeAll(chunk)));
    // After the client's FIN the server keeps sending for a while (half-close).
    const trailer$ = interval(200).pipe(
      take(6),
      concatMap((i) => stream.writeAll(payload(2048, i))),
    );
    const end$ = defer(() => {
      if (!halfClose) return stream.close();
      stream.shutdownWrite(); // the peer already ended: both sides done → Closed
      return EMPTY;
    });
    return concat(echo$, trailer$, end$).pipe(
      catchError(() => EMPTY),
      finalize(() => this.#retire(stream)),
    );
  }

  #session(step: Step, ports: Ports, n: number): Observable<unknown> {
    const label = `${step.kind} client #${n} → ${step.via}`;
    const kind = step.kind === 'tcp' ? StreamKind.TCP : StreamKind.TLSStream;
    const port = ports[step.via];
    const connect$ =
      step.kind === 'tcp'
        ? connectTCP(port, HOST, step.via === 'silent' ? { idleTimeout: 2500 } : {})
        : connectTLS({ host: HOST, port, servername: 'localhost', ca: this.#certs.ca });
    return connect$.pipe(
      catchError((error: unknown) => {
        this.#emit({ type: 'failure', failure: failureOf(label, kind, error, Date.now()) });
        return EMPTY;
      }),
      mergeMap((stream) => this.#talk(stream, label, step)),
    );
  }

  /** Writes for a while, half-closes, reads until the server ends, closes. */
  #talk(stream: Stream, label: string, step: Step): Observable<unknown> {
    this.#track(stream, label);
    const ended$ = new AsyncSubject<void>();
    const reading$ = stream.reads$.pipe(
      ignoreElements(),
      catchError(() => EMPTY),
      endWith(undefined),
      tap(ended$),
    );
    const writing$ = interval(step.everyMs).pipe(
      takeUntil(timer(step.durationMs)),
      concatMap((i) => stream.writeAll(payload(step.chunk, i))),
    );
    const finish$ = defer(() => {
      stream.shutdownWrite();
      return ended$;
    });
    const close$ = defer(() => (stream.state === StreamState.Closed ? EMPTY : stream.close()));
    return merge(reading$, concat(writing$, finish$, close$)).pipe(
      ignoreElements(),
      catchError(() => EMPTY),
      finalize(() => this.#retire(stream)),
    );
  }

  /**
   * One reconnecting client through the resetting proxy: reset every few
   * seconds, it reconnects with backoff, keeping one state across connections.
   */
  #startTicker(port: number): void {
    if (this.#ticker !== null) return;
    const ticker = reconnecting(() => connectTCP(port, HOST, { connectTimeout: 2000 }), {
      backoff: { initial: 300, max: 3000, factor: 2, jitter: 0.5 },
    });
    this.#ticker = ticker;
    this.#emit({
      type: 'connections',
      sources: {
        reconnecting: { 'ticker → tcp reset proxy': ticker },
        groups: { 'client sessions': this.#clients },
        servers: this.#servers,
      },
    });
    ticker.state$.subscribe((s) => {
      const stream = s.stream;
      if (s.status !== 'open' || stream === null) return;
      this.#track(stream, 'ticker (reconnecting)');
      stream.state$
        .pipe(first((state) => state === StreamState.Closed || state === StreamState.Error))
        .subscribe({ next: () => this.#retire(stream), error: () => undefined });
    });
    ticker.reads$.subscribe({ error: () => undefined });
    this.#timers.add(
      interval(250)
        .pipe(concatMap((i) => ticker.writeAll(payload(512, i)).pipe(catchError(() => EMPTY))))
        .subscribe(),
    );
  }

  #track(stream: Stream, label: string): void {
    this.#live.add(stream);
    if (label.includes('client')) this.#clients.add(stream);
    this.#emit({ type: 'stream', stream, label });
  }

  /** Leaves a finished stream on show for `lingerMs`, then destroys it. */
  #retire(stream: Stream): void {
    this.#timers.add(
      timer(this.#options.lingerMs).subscribe(() => {
        this.#live.delete(stream);
        stream.destroy();
      }),
    );
  }
}
