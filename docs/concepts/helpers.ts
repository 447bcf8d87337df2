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
export {
  connectTCP,
  connectTLS,
  listenTCP,
  listenTLS,
  DEFAULT_MIN_TLS_VERSION,
} from '../../src/connect';
export type { ListenOptions, ConnectOptions } from '../../src/connect';
export { DEFAULT_SERVER_CIPHERS } from '../../src/node-socket/tls-server';
export { connectIPC, listenIPC } from '../../src/ipc';
export type { IPCListenOptions } from '../../src/ipc';
export { monitor } from '../../src/monitor';
export type { Monitorable, MonitorOptions, MonitorEvent, MonitorEventType } from '../../src/monitor';
export { monitorSnapshots, applyMonitorEvent, EMPTY_MONITOR_SNAPSHOT } from '../../src/monitor-snapshot';
export type { MonitorSnapshot, StreamSnapshot } from '../../src/monitor-snapshot';
export { chunks } from '../../src/adapters/async-iterator';
export { concatReads, concatFrames } from '../../src/adapters/concat-reads';
export { toWebStreams } from '../../src/adapters/web-streams';
export type { WebStreamPair } from '../../src/adapters/web-streams';
export { toDuplex, SocketDuplex, toNodeError } from '../../src/adapters/duplex';
export type { SocketStyleError, ErrorSide, ToDuplexOptions } from '../../src/adapters/duplex';
export { withSignal } from '../../src/adapters/abort';
export { timedOut, limitConnect, DEFAULT_HANDSHAKE_TIMEOUT } from '../../src/connection/timeouts';
export type { ConnectLimit } from '../../src/connection/timeouts';
export { DEFAULT_CLOSE_DEADLINE } from '../../src/connection/close-deadline';
export { reconnecting, Reconnecting, retrySysErrors } from '../../src/connection/reconnecting';
export type { ReconnectOptions, ReconnectState, ReconnectStatus } from '../../src/connection/reconnecting';
export { backoffDelay, DEFAULT_BACKOFF } from '../../src/connection/backoff';
export type { BackoffOptions } from '../../src/connection/backoff';
export { DEFAULT_MAX_QUEUED } from '../../src/connection/write-queue';
export { StreamGroup, DEFAULT_MEMBER_QUEUE } from '../../src/connection/stream-group';
export type { StreamGroupOptions, BroadcastResult, StreamGroupStats } from '../../src/connection/stream-group';
export { ServerInfo } from '../../src/connection/server';
export type { ServerOptions, ServerCounts } from '../../src/connection/server';
export { monitorConnections } from '../../src/connection/connection-monitor';
export type {
  ConnectionSources,
  ConnectionsSnapshot,
  ReconnectingSample,
  Named,
} from '../../src/connection/connection-monitor';
