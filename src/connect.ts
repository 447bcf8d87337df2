/**
 * Cold helpers that make streams: {@link connectTCP}, {@link connectTLS},
 * {@link listenTCP}, {@link listenTLS}. One connector serves net and TLS;
 * they differ only in their ready event.
 *
 * @module
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { debuglog } from 'node:util';
import { Observable, type Subscriber } from 'rxjs';
import { withSignal } from './adapters/abort';
import { StreamError, invalid, toStreamError } from './errors';
import { Status } from './status';
import { serverOptionsProblem, serverSettings } from './node-socket/tls-server';
import { opened } from './node-socket/opened';
import { connectLending } from './socket-transport';
import { wrapTCP } from './tcp';
import { wrapTLS } from './tls';
import type { Stream, StreamOptions } from './stream';
import {
  applySocketOptions as tune,
  socketOptionsProblem,
  type SocketOptions,
} from './node-socket/options';
import { DEFAULT_HANDSHAKE_TIMEOUT, limitConnect, timeoutProblem } from './connection/timeouts';
import { streamOptionsProblem } from './internal/stream-options';
import { describe } from './internal/validate';
import { ServerLifecycle, type ServerOptions } from './connection/server';

/**
 * Options of the connect helpers: the stream's options, the socket's
 * ({@link SocketOptions}: TCP_NODELAY on by default), cancellation by signal
 * and a connect timeout. Streams the helpers make finish by themselves when
 * the peer ends (`allowHalfOpen` defaults to false for them; see
 * {@link StreamOptions.allowHalfOpen}).
 *
 * @example
 * ```ts runnable
 * const ac = new AbortController(); // ac.abort() cancels the attempt, as unsubscribing does
 * const options: ConnectOptions = { connectTimeout: 5_000, signal: ac.signal, noDelay: true };
 * connectTCP(port, '127.0.0.1', options).subscribe((stream) => stream.destroy());
 * ```
 */
export interface ConnectOptions extends StreamOptions, SocketOptions {
  /** Aborting does what unsubscribing does: cancels the attempt (a stream already emitted is yours). */
  signal?: AbortSignal;
  /**
   * Bounds the attempt (ms, on `scheduler`): TCP connect plus, for TLS, the
   * handshake. On expiry the attempt is aborted (the socket destroyed) and
   * the observable errors with `StreamError` `SysError` whose `cause.code` is
   * `'ETIMEDOUT'`. Default: none (the kernel's own limit, minutes for a
   * silent host). See {@link limitConnect}.
   */
  connectTimeout?: number;
}

/**
 * Options of the listeners (lifecycle: {@link ServerOptions}).
 *
 * @example
 * ```ts runnable
 * const options: ListenOptions = {
 *   backlog: 64,
 *   handshakeTimeout: 5_000, // TLS only: drop clients that stall their handshake
 *   onListening: ({ port }) => {
 *     console.log('listening on', port);
 *     server.unsubscribe(); // closes the server
 *   },
 * };
 * const server = listenTLS({ key, cert }, 0, '127.0.0.1', options).subscribe();
 * ```
 */
export interface ListenOptions extends ConnectOptions, ServerOptions {
  /** Called once the server listens, with its address (port 0 picks a free port). */
  onListening?: (address: net.AddressInfo) => void;
  /** Pending-connection backlog. */
  backlog?: number;
  /**
   * TLS listeners: a client that has not finished its handshake this long
   * (ms) after connecting is dropped (it never becomes a stream; the server
   * keeps accepting). Default {@link DEFAULT_HANDSHAKE_TIMEOUT} (10 s);
   * Node's own default is 120 s.
   */
  handshakeTimeout?: number;
}

/** `NODE_DEBUG=rxstream` logging of the connect helpers. */
const trace = debuglog('rxstream');

/**
 * The lowest TLS version the helpers accept unless told otherwise
 * (`'TLSv1.2'`): `minVersion` of {@link connectTLS} and {@link listenTLS}.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTLS, DEFAULT_MIN_TLS_VERSION } from 'rxstream';
 * // Pin the lowest version the helpers allow (to test a TLS 1.2-only peer, say):
 * connectTLS({ host: 'localhost', port: tlsPort, ca, maxVersion: DEFAULT_MIN_TLS_VERSION }).subscribe((s) => {
 *   assert.equal(s.tlsInfo()?.protocol, 'TLSv1.2');
 *   s.close().subscribe();
 * });
 * ```
 */
export const DEFAULT_MIN_TLS_VERSION: tls.SecureVersion = 'TLSv1.2';

/**
 * Connects over TCP. Cold: each subscription opens one connection, emits
 * its {@link Stream} once connected, and completes; the stream is then the
 * subscriber's. Unsubscribing before that aborts the connection attempt.
 *
 * The socket is the library's own, so it reads through Node's `onread`
 * into a buffer shared by such sockets (no allocation per read for
 * `tryRead`/`read` loops, no read memory held by idle streams); a `reads$`
 * consumer of bulk data gets its chunks without a copy after the first
 * 64 KiB or so. Chunks handed to you are yours either way.
 *
 * Errors: `StreamError` `SysError` (code 1) when the connection fails
 * (ECONNREFUSED, …); `Invalid` (code 3) for a bad port.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTCP, lines } from 'rxstream';
 * import { firstValueFrom, lastValueFrom } from 'rxjs';
 *
 * const stream = await firstValueFrom(connectTCP(port, '127.0.0.1')); // an echo server
 * await lastValueFrom(stream.writeAll(Buffer.from('hello\n')));
 * assert.equal(await firstValueFrom(stream.frames(lines())), 'hello');
 * await lastValueFrom(stream.close()); // FIN, then waits for the peer's
 * ```
 */
export function connectTCP(
  port: number,
  host = 'localhost',
  options?: ConnectOptions,
): Observable<Stream> {
  return connector(
    () => connectLending({ port, host, allowHalfOpen: true }),
    'connect',
    (socket) => wrapTCP(tune(socket, options), options, true),
    () =>
      portProblem(port) ??
      hostProblem(host) ??
      socketOptionsProblem(options) ??
      streamOptionsProblem(options),
    options?.signal,
    options,
  );
}

/**
 * Connects over TLS and completes the handshake. Secure by default: the
 * server's certificate is verified and its name checked against
 * `servername`/`host` (Node's defaults, which this never turns off), and
 * versions below TLS 1.2 are refused (`minVersion` overrides). To accept an
 * unverified peer you must say so: `rejectUnauthorized: false`; it is
 * never silent: `NODE_DEBUG=rxstream` logs each such connection with Node's
 * verdict, and `stream.tlsInfo()` reports `authorized` and
 * `authorizationError`. SNI names `host` unless `host` is an IP address or
 * `servername` is given (`tls.connect` sends none unless told; https, curl and
 * this do), so a virtual-hosted server picks the right certificate.
 *
 * Errors: `TLSError` (code 1) for a failed handshake (bad certificate, name
 * mismatch, version), `SysError` for a failed connection, `Invalid` for a bad port.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTLS, lines } from 'rxstream';
 * import { firstValueFrom, lastValueFrom } from 'rxjs';
 *
 * // `ca` signed the server's certificate for 'localhost' (a private CA):
 * const stream = await firstValueFrom(connectTLS({ host: 'localhost', port: tlsPort, ca }));
 * assert.equal(stream.tlsInfo()?.authorized, true);
 * await lastValueFrom(stream.writeAll(Buffer.from('hello\n')));
 * assert.equal(await firstValueFrom(stream.frames(lines())), 'hello');
 * await lastValueFrom(stream.close()); // close_notify, then waits for the peer's
 * ```
 */
export function connectTLS(
  tlsOptions: tls.ConnectionOptions,
  options?: ConnectOptions,
): Observable<Stream> {
  const settings: tls.ConnectionOptions = {
    minVersion: DEFAULT_MIN_TLS_VERSION,
    // SNI as every TLS client sends it (https, curl): the host name, never an IP address.
    ...(tlsOptions.servername === undefined &&
    typeof tlsOptions.host === 'string' &&
    net.isIP(tlsOptions.host) === 0
      ? { servername: tlsOptions.host }
      : {}),
    ...tlsOptions,
  };
  return connector(
    () => tls.connect(settings),
    'secureConnect',
    (s) => {
      if (settings.rejectUnauthorized === false && trace.enabled) {
        const verdict = s.authorized
          ? 'verified anyway'
          : `NOT verified: ${String(s.authorizationError)}`;
        trace(
          'connectTLS to %s: rejectUnauthorized is false; peer %s',
          settings.host ?? 'localhost',
          verdict,
        );
      }
      return wrapTLS(tune(s, options), options, true);
    },
    () =>
      (tlsOptions.port === undefined ? null : portProblem(tlsOptions.port)) ??
      socketOptionsProblem(options) ??
      streamOptionsProblem(options),
    options?.signal,
    options,
  );
}

/**
 * The one connector behind every connect helper: `problem` checks the
 * arguments at subscription, `open` makes the socket, `ready` is the event
 * after which `wrap` makes the stream. Internal (used by IPC too).
 */
export function connector<S extends net.Socket>(
  open: () => S,
  ready: 'connect' | 'secureConnect',
  wrap: (socket: S) => Stream,
  problem: () => string | null,
  signal: AbortSignal | undefined,
  limit?: ConnectOptions,
): Observable<Stream> {
  const attempt$ = new Observable<Stream>((sub) => {
    const refused = problem();
    if (refused !== null) {
      sub.error(invalid(refused));
      return undefined;
    }
    let socket: S;
    try {
      socket = open();
    } catch (error) {
      sub.error(toStreamError(error, 'connect failed'));
      return undefined;
    }
    opened(socket);
    let handed = false;
    const onError = (error: unknown): void => sub.error(toStreamError(error, 'connect failed'));
    socket.once('error', onError);
    socket.once(ready, () => {
      socket.off('error', onError);
      handed = true;
      emitStream(sub, () => wrap(socket));
    });
    return () => {
      if (!handed) socket.destroy();
    };
  });
  const connect$ = limitConnect(attempt$, limit);
  return signal === undefined ? connect$ : withSignal(connect$, signal);
}

function emitStream(sub: Subscriber<Stream>, make: () => Stream): void {
  let stream: Stream;
  try {
    stream = make();
  } catch (error) {
    sub.error(toStreamError(error, 'connect failed'));
    return;
  }
  sub.next(stream);
  sub.complete();
}

/**
 * Listens for TCP connections and emits a {@link Stream} for each one
 * accepted. Cold: each subscription starts one server; unsubscribing
 * closes it (streams already emitted stay open: they are the subscriber's).
 *
 * Errors: `SysError` when the server cannot listen (EADDRINUSE, …).
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTCP, listenTCP, lines } from 'rxstream';
 * import { concatMap, concatWith, firstValueFrom, lastValueFrom, mergeMap } from 'rxjs';
 *
 * // An echo server: each stream echoes until its client ends, then closes.
 * const server = listenTCP(0, '127.0.0.1', { onListening: ({ port }) => void ask(port) })
 *   .pipe(mergeMap((s) => s.reads$.pipe(concatMap((c) => s.writeAll(c)), concatWith(s.close()))))
 *   .subscribe();
 *
 * async function ask(port: number): Promise<void> {
 *   const client = await firstValueFrom(connectTCP(port, '127.0.0.1'));
 *   await lastValueFrom(client.writeAll(Buffer.from('ping\n')));
 *   assert.equal(await firstValueFrom(client.frames(lines())), 'ping');
 *   await lastValueFrom(client.close());
 *   server.unsubscribe(); // stops listening
 * }
 * ```
 */
export function listenTCP(
  port: number,
  host?: string,
  options: ListenOptions = {},
): Observable<Stream> {
  return listener(
    () => net.createServer({ allowHalfOpen: true, pauseOnConnect: true }),
    'connection',
    (socket: net.Socket) => wrapTCP(tune(socket, options), options, true),
    { port, host, backlog: options.backlog },
    () =>
      portProblem(port) ??
      (host === undefined ? null : hostProblem(host)) ??
      socketOptionsProblem(options) ??
      streamOptionsProblem(options),
    (server) => options.onListening?.(server.address() as net.AddressInfo),
    options.signal,
    options,
  );
}

/**
 * Listens for TLS connections and emits a {@link Stream} for each completed
 * handshake. `tlsOptions` carries `key`/`cert` (and `requestCert`, `ca` for
 * client certificates); TLS below 1.2 is refused unless `minVersion` says
 * otherwise. Failed handshakes are dropped (they never become streams).
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { connectTLS, listenTLS } from 'rxstream';
 * import { concatWith, lastValueFrom, reduce, switchMap } from 'rxjs';
 *
 * // Greets each client and closes; `key` and `cert` are the server's, for 'localhost'.
 * const server = listenTLS({ key, cert }, 0, '127.0.0.1', { onListening: ({ port }) => void greeted(port) })
 *   .subscribe((s) => s.writeAll(Buffer.from('hi')).pipe(concatWith(s.close())).subscribe());
 *
 * async function greeted(port: number): Promise<void> {
 *   const text$ = connectTLS({ host: 'localhost', port, ca }).pipe(
 *     switchMap((client) => client.reads$), // the reads end at the server's close
 *     reduce((all, chunk) => all + chunk.toString(), ''),
 *   );
 *   assert.equal(await lastValueFrom(text$), 'hi');
 *   server.unsubscribe();
 * }
 * ```
 */
export function listenTLS(
  tlsOptions: tls.TlsOptions,
  port: number,
  host?: string,
  options: ListenOptions = {},
): Observable<Stream> {
  const settings = serverSettings(
    tlsOptions,
    DEFAULT_MIN_TLS_VERSION,
    options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
  );
  return listener(
    () => tls.createServer(settings),
    'secureConnection',
    (socket: tls.TLSSocket) => wrapTLS(tune(socket, options), options, true),
    { port, host, backlog: options.backlog },
    () =>
      serverOptionsProblem(tlsOptions) ??
      portProblem(port) ??
      socketOptionsProblem(options) ??
      streamOptionsProblem(options) ??
      timeoutProblem('handshakeTimeout', options.handshakeTimeout),
    (server) => options.onListening?.(server.address() as net.AddressInfo),
    options.signal,
    options,
  );
}

/**
 * The one listener behind every listen helper: a server per subscription,
 * a stream per accepted connection, closed on unsubscribe. Internal (used
 * by IPC too).
 */
export function listener<S extends net.Socket>(
  make: () => net.Server,
  event: 'connection' | 'secureConnection',
  wrap: (socket: S) => Stream,
  address: net.ListenOptions,
  problem: () => string | null,
  listening: (server: net.Server) => void,
  signal: AbortSignal | undefined,
  lifecycle?: ServerOptions,
): Observable<Stream> {
  const listen$ = new Observable<Stream>((sub) => {
    const refused = problem() ?? ServerLifecycle.problem(lifecycle);
    if (refused !== null) {
      sub.error(invalid(refused));
      return undefined;
    }
    let server: net.Server;
    try {
      server = make();
    } catch (error) {
      // Options Node refuses when it builds the server (a key that does not match its cert…).
      const detail = error instanceof Error ? error.message : String(error);
      sub.error(new StreamError(Status.Invalid, `cannot make the server: ${detail}`, error));
      return undefined;
    }
    const life = new ServerLifecycle(lifecycle);
    life.attach(server);
    server.on(event, (socket: S) => {
      let stream: Stream;
      try {
        stream = wrap(socket);
      } catch {
        socket.destroy(); // closed before it could be wrapped
        return;
      }
      life.accepted(stream);
      sub.next(stream);
    });
    server.on('tlsClientError', (_error: unknown, socket: net.Socket) => socket.destroy());
    server.on('error', (error) => {
      life.failed(error);
      sub.error(toStreamError(error, 'listen failed'));
    });
    server.listen(address, () => {
      life.listening(server);
      listening(server);
    });
    return () => life.stop(server);
  });
  return signal === undefined ? listen$ : withSignal(listen$, signal);
}

function portProblem(port: unknown): string | null {
  const ok = typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535;
  if (ok) return null;
  if (typeof port === 'string') {
    const hint = /^\d+$/.test(port) ? ` (pass the number: Number('${port}'))` : '';
    return `port must be an integer 0-65535, got the string '${port}'${hint}`;
  }
  return `port must be an integer 0-65535, got ${describe(port)}`;
}

/** Why `host` is not a host name or address (an options object in its place, say), or null. */
function hostProblem(host: unknown): string | null {
  if (typeof host === 'string' && host !== '') return null;
  return `host must be a non-empty string (a name or an address), got ${describe(host)}`;
}
