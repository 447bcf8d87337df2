/**
 * Cold helpers that make streams: {@link connectTCP}, {@link connectTLS},
 * {@link listenTCP}, {@link listenTLS}. One connector serves net and TLS;
 * they differ only in their ready event.
 *
 * @module
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Observable, type Subscriber } from 'rxjs';
import { invalid, toStreamError } from './errors';
import { wrapTCP } from './tcp';
import { wrapTLS } from './tls';
import type { Stream, StreamOptions } from './stream';

/** Options of the listeners. */
export interface ListenOptions extends StreamOptions {
  /** Called once the server listens, with its address (port 0 picks a free port). */
  onListening?: (address: net.AddressInfo) => void;
  /** Pending-connection backlog. */
  backlog?: number;
}

/** The lowest TLS version the helpers accept unless told otherwise. */
export const DEFAULT_MIN_TLS_VERSION: tls.SecureVersion = 'TLSv1.2';

/**
 * Connects over TCP. Cold: each subscription opens one connection, emits
 * its {@link Stream} once connected, and completes; the stream is then the
 * subscriber's. Unsubscribing before that aborts the connection attempt.
 *
 * Errors: `StreamError` `SysError` (code 1) when the connection fails
 * (ECONNREFUSED, …); `Invalid` (code 3) for a bad port.
 *
 * @example
 * ```ts
 * connectTCP(7000, '127.0.0.1').subscribe((stream) => stream.reads$.subscribe(console.log));
 * ```
 */
export function connectTCP(
  port: number,
  host = 'localhost',
  options?: StreamOptions,
): Observable<Stream> {
  return connector(
    () => net.connect({ port, host, allowHalfOpen: true }),
    'connect',
    (socket) => wrapTCP(socket, options, true),
    port,
  );
}

/**
 * Connects over TLS and completes the handshake. Secure by default: the
 * server's certificate is verified and its name checked against
 * `servername`/`host` (Node's defaults, which this never turns off), and
 * versions below TLS 1.2 are refused (`minVersion` overrides). To accept an
 * unverified peer you must say so: `rejectUnauthorized: false`.
 *
 * Errors: `TLSError` (code 1) for a failed handshake (bad certificate, name
 * mismatch, version), `SysError` for a failed connection, `Invalid` for a bad port.
 *
 * @example
 * ```ts
 * connectTLS({ host: 'localhost', port, ca }).pipe(switchMap((s) => s.reads$)).subscribe();
 * ```
 */
export function connectTLS(
  tlsOptions: tls.ConnectionOptions,
  options?: StreamOptions,
): Observable<Stream> {
  const settings: tls.ConnectionOptions = { minVersion: DEFAULT_MIN_TLS_VERSION, ...tlsOptions };
  return connector(
    () => tls.connect(settings),
    'secureConnect',
    (s) => wrapTLS(s, options, true),
    tlsOptions.port,
  );
}

function connector<S extends net.Socket>(
  open: () => S,
  ready: 'connect' | 'secureConnect',
  wrap: (socket: S) => Stream,
  port: unknown,
): Observable<Stream> {
  return new Observable<Stream>((sub) => {
    if (port !== undefined && !isPort(port)) {
      sub.error(invalid(`port must be an integer 0-65535, got ${String(port)}`));
      return undefined;
    }
    let socket: S;
    try {
      socket = open();
    } catch (error) {
      sub.error(toStreamError(error, 'connect failed'));
      return undefined;
    }
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
 * ```ts
 * listenTCP(0, '127.0.0.1', { onListening: (a) => console.log(a.port) })
 *   .pipe(mergeMap((s) => s.reads$.pipe(concatMap((c) => s.writeAll(c)))))
 *   .subscribe(); // an echo server
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
    (socket: net.Socket) => wrapTCP(socket, options, true),
    port,
    host,
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
 * ```ts
 * listenTLS({ key, cert }, 0, '127.0.0.1', { onListening: (a) => connectTo(a.port) })
 *   .subscribe((s) => s.writeAll(Buffer.from('hi')).pipe(concatWith(s.close())).subscribe());
 * ```
 */
export function listenTLS(
  tlsOptions: tls.TlsOptions,
  port: number,
  host?: string,
  options: ListenOptions = {},
): Observable<Stream> {
  const settings: tls.TlsOptions = {
    minVersion: DEFAULT_MIN_TLS_VERSION,
    ...tlsOptions,
    allowHalfOpen: true,
  };
  return listener(
    () => tls.createServer(settings),
    'secureConnection',
    (socket: tls.TLSSocket) => wrapTLS(socket, options, true),
    port,
    host,
    options,
  );
}

function listener<S extends net.Socket>(
  make: () => net.Server,
  event: 'connection' | 'secureConnection',
  wrap: (socket: S) => Stream,
  port: number,
  host: string | undefined,
  options: ListenOptions,
): Observable<Stream> {
  return new Observable<Stream>((sub) => {
    if (!isPort(port)) {
      sub.error(invalid(`port must be an integer 0-65535, got ${String(port)}`));
      return undefined;
    }
    const server = make();
    server.on(event, (socket: S) => {
      try {
        sub.next(wrap(socket));
      } catch {
        socket.destroy(); // closed before it could be wrapped
      }
    });
    server.on('tlsClientError', (_error: unknown, socket: net.Socket) => socket.destroy());
    server.once('error', (error) => sub.error(toStreamError(error, 'listen failed')));
    server.listen({ port, host, backlog: options.backlog }, () => {
      options.onListening?.(server.address() as net.AddressInfo);
    });
    return () => {
      server.close();
    };
  });
}

function isPort(port: unknown): boolean {
  return typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535;
}
