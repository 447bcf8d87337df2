/**
 * Cold helpers that listen: {@link listenTCP}, {@link listenTLS}. One
 * listener serves net and TLS (and IPC); they differ only in their
 * connection event.
 *
 * @module
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Observable } from 'rxjs';
import { withSignal } from './adapters/abort';
import { StreamError, invalid, toStreamError } from './errors';
import { Status } from './status';
import { serverOptionsProblem, serverSettings } from './node-socket/tls-server';
import { wrapTCP } from './tcp';
import { wrapTLS } from './tls';
import type { Stream } from './stream';
import { applySocketOptions as tune, socketOptionsProblem } from './node-socket/options';
import { DEFAULT_HANDSHAKE_TIMEOUT, timeoutProblem } from './connection/timeouts';
import { streamOptionsProblem } from './internal/stream-options';
import { ServerLifecycle, type ServerOptions } from './connection/server';
import { DEFAULT_MIN_TLS_VERSION, hostProblem, portProblem, type ConnectOptions } from './connect';

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
