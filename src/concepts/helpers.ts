/**
 * **Helpers** — everything around a stream: connecting and listening
 * (`connectTCP`, `listenTLS`, `connectIPC`…), timeouts and cancellation,
 * reconnecting with one state across connections, broadcasting to a group,
 * server lifecycle, monitoring for dashboards, and adapters to Node
 * (`toDuplex` for `pg`, `http`, `undici`, `ws`…), Web Streams and async
 * iteration.
 *
 * Import from `rxstream`.
 *
 * @example
 * ```ts runnable
 * import { connectTCP, reconnecting, toDuplex } from 'rxstream';
 *
 * // One state across connections (an echo server listens on `port`).
 * const conn = reconnecting(() => connectTCP(port, '127.0.0.1'));
 * conn.state$.subscribe((s) => console.log(s.status, s.attempt));
 * conn.writeAll(Buffer.from('hello')).subscribe(() => conn.close().subscribe());
 *
 * // A net.Socket-like Duplex for Node clients; it connects when first used.
 * const socket = toDuplex(connectTCP(port, '127.0.0.1'));
 * socket.on('data', (d: Buffer) => console.log(String(d))).end('bye');
 * ```
 *
 * @module Helpers
 */
export { connectTCP, connectTLS, DEFAULT_MIN_TLS_VERSION } from '../connect';
export { listenTCP, listenTLS } from '../listen';
export type { ConnectOptions } from '../connect';
export type { ListenOptions } from '../listen';
export { DEFAULT_SERVER_CIPHERS } from '../node-socket/tls-server';
export { connectIPC, listenIPC } from '../ipc';
export type { IPCListenOptions } from '../ipc';
export { monitor } from '../monitor';
export type { Monitorable, MonitorOptions, MonitorEvent, MonitorEventType } from '../monitor';
export { monitorSnapshots, applyMonitorEvent, EMPTY_MONITOR_SNAPSHOT } from '../monitor-snapshot';
export type { MonitorSnapshot, StreamSnapshot } from '../monitor-snapshot';
export { chunks } from '../adapters/async-iterator';
export { concatReads, concatFrames } from '../adapters/concat-reads';
export { toWebStreams } from '../adapters/web-streams';
export type { WebStreamPair } from '../adapters/web-streams';
export { toDuplex, SocketDuplex, toNodeError } from '../adapters/duplex';
export type { SocketStyleError, ErrorSide, ToDuplexOptions } from '../adapters/duplex';
export { withSignal } from '../adapters/abort';
export { timedOut, limitConnect, DEFAULT_HANDSHAKE_TIMEOUT } from '../connection/timeouts';
export type { ConnectLimit } from '../connection/timeouts';
export { DEFAULT_CLOSE_DEADLINE } from '../connection/close-deadline';
export { reconnecting, Reconnecting, retrySysErrors } from '../connection/reconnecting';
export type { ReconnectOptions, ReconnectState, ReconnectStatus } from '../connection/reconnecting';
export { backoffDelay, DEFAULT_BACKOFF } from '../connection/backoff';
export type { BackoffOptions } from '../connection/backoff';
export { DEFAULT_MAX_QUEUED } from '../connection/write-queue';
export { StreamGroup, DEFAULT_MEMBER_QUEUE } from '../connection/stream-group';
export type {
  StreamGroupOptions,
  BroadcastResult,
  StreamGroupStats,
} from '../connection/stream-group';
export { ServerInfo } from '../connection/server';
export type { ServerOptions, ServerCounts } from '../connection/server';
export { monitorConnections } from '../connection/connection-monitor';
export type {
  ConnectionSources,
  ConnectionsSnapshot,
  ReconnectingSample,
  Named,
} from '../connection/connection-monitor';
