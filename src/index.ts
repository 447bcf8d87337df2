/**
 * rxstream: one reactive byte-stream interface over TCP sockets, TLS
 * sessions and in-memory pairs, for RxJS on Node.js. The RxJS port of the
 * m2stream module: see the README for the seed → rxstream table.
 *
 * @packageDocumentation
 */
export { Status, StreamState, StreamKind } from './status';
export { StreamError, ErrorCode, statusOf, STATUS_BY_NODE_CODE, TLS_CODE_PREFIXES } from './errors';
export { Stream, DEFAULT_BUFFER_SIZE } from './stream';
export type { StreamOptions, StreamStats, TryResult } from './stream';
export type { Transport, TransportEvents, RenegotiateOptions, LendOutcome } from './transport';
export { createTCP } from './tcp';
export { createTLS } from './tls';
export { memoryPair, MemoryTransport } from './memory';
export type { MemoryPairOptions } from './memory';
export { connectTCP, connectTLS, listenTCP, listenTLS, DEFAULT_MIN_TLS_VERSION } from './connect';
export type { ListenOptions } from './connect';
export { monitor } from './monitor';
export type { Monitorable, MonitorOptions, MonitorEvent, MonitorEventType } from './monitor';
export { monitorSnapshots, applyMonitorEvent, EMPTY_MONITOR_SNAPSHOT } from './monitor-snapshot';
export type { MonitorSnapshot, StreamSnapshot } from './monitor-snapshot';
export type { OperationOptions } from './stream';
export type { ConnectOptions } from './connect';
export type { SocketOptions } from './node-socket/options';
export type { TlsInfo } from './node-socket/tls-info';
export type { SocketControl } from './transport';
export { createIPC, connectIPC, listenIPC } from './ipc';
export type { IPCListenOptions } from './ipc';
export { chunks } from './adapters/async-iterator';
export { toWebStreams } from './adapters/web-streams';
export type { WebStreamPair } from './adapters/web-streams';
export { toDuplex, SocketDuplex, toNodeError } from './adapters/duplex';
export type { SocketStyleError, ErrorSide, ToDuplexOptions } from './adapters/duplex';
export { withSignal } from './adapters/abort';
