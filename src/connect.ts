/**
 * Cold helpers that connect: {@link connectTCP}, {@link connectTLS}. One
 * connector serves net and TLS (and IPC); they differ only in their ready
 * event. The listen helpers are in listen.ts.
 *
 * @module
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { debuglog } from 'node:util';
import { Observable, type Subscriber } from 'rxjs';
import { withSignal } from './adapters/abort';
import { invalid, toStreamError } from './errors';
import { opened } from './node-socket/opened';
import { TLS_LENDS, connectLending, connectLendingTLS } from './socket-transport';
import { wrapTCP } from './tcp';
import { wrapTLS } from './tls';
import type { Stream, StreamOptions } from './stream';
import {
  applySocketOptions as tune,
  socketOptionsProblem,
  type SocketOptions,
} from './node-socket/options';
import { limitConnect } from './connection/timeouts';
import { streamOptionsProblem } from './internal/stream-options';
import { describe } from './internal/validate';

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
 * The session is the library's own, so on Node it reads as
 * {@link connectTCP}'s sockets do, through `onread` into the shared buffer:
 * no allocation per TLS record for `tryRead`/`read` loops; a `reads$`
 * consumer gets each record (up to 16 KiB) copied out exactly. Given an
 * existing connection (`tlsOptions.socket`), it reads through `'data'`.
 *
 * Errors: `TLSError` (code 1) for a failed handshake (bad certificate, name
 * mismatch, version), `SysError` for a failed connection, `Invalid` for a bad port
 * or a `tlsOptions.onread` (the stream reads the session itself).
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
    // Over a socket of the caller's, Node ignores `onread`: such a session reads through 'data'.
    () =>
      TLS_LENDS && settings.socket === undefined
        ? connectLendingTLS(settings)
        : tls.connect(settings),
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
      onreadProblem(tlsOptions) ??
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

/** Why `port` is not a port number (0-65535), or null. */
export function portProblem(port: unknown): string | null {
  const ok = typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535;
  if (ok) return null;
  if (typeof port === 'string') {
    const hint = /^\d+$/.test(port) ? ` (pass the number: Number('${port}'))` : '';
    return `port must be an integer 0-65535, got the string '${port}'${hint}`;
  }
  return `port must be an integer 0-65535, got ${describe(port)}`;
}

/**
 * Why `tlsOptions` cannot be used: an `onread` of the caller's would take
 * every byte before the stream saw it (`tls.connect` gives the session's
 * bytes to `onread` instead of `'data'`); the stream reads the session itself.
 */
function onreadProblem(tlsOptions: tls.ConnectionOptions): string | null {
  if ((tlsOptions as { onread?: unknown }).onread === undefined) return null;
  return 'tlsOptions.onread is not for connectTLS: the stream reads the session itself (use reads$ or tryRead)';
}

/** Why `host` is not a host name or address (an options object in its place, say), or null. */
export function hostProblem(host: unknown): string | null {
  if (typeof host === 'string' && host !== '') return null;
  return `host must be a non-empty string (a name or an address), got ${describe(host)}`;
}
