/**
 * rxstream: one reactive byte-stream interface over TCP sockets, TLS
 * sessions, Unix sockets and in-memory pairs, for RxJS on Node.js. The RxJS port of the
 * m2stream module: docs/m2stream.md maps each of its names to rxstream's.
 *
 * @packageDocumentation
 */
export { Status, StreamState, StreamKind } from './status';
export {
  StreamError,
  ErrorCode,
  statusOf,
  STATUS_BY_NODE_CODE,
  TLS_CODE_PREFIXES,
  ERROR_HINTS,
} from './errors';
export { Stream, DEFAULT_BUFFER_SIZE } from './stream';
export type { StreamOptions, StreamStats, TryResult } from './stream';
export type { Transport, TransportEvents, RenegotiateOptions, LendOutcome } from './transport';
export { createTCP } from './tcp';
export { createTLS } from './tls';
export { memoryPair, MemoryTransport } from './memory';
export type { MemoryPairOptions } from './memory';
export { connectTCP, connectTLS, listenTCP, listenTLS, DEFAULT_MIN_TLS_VERSION } from './connect';
export { DEFAULT_SERVER_CIPHERS } from './node-socket/tls-server';
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
export { concatReads, concatFrames } from './adapters/concat-reads';
export { toWebStreams } from './adapters/web-streams';
export type { WebStreamPair } from './adapters/web-streams';
export { toDuplex, SocketDuplex, toNodeError } from './adapters/duplex';
export type { SocketStyleError, ErrorSide, ToDuplexOptions } from './adapters/duplex';
export { withSignal } from './adapters/abort';
export { timedOut, limitConnect, DEFAULT_HANDSHAKE_TIMEOUT } from './connection/timeouts';
export { DEFAULT_CLOSE_DEADLINE } from './connection/close-deadline';
export type { ConnectLimit } from './connection/timeouts';
export { reconnecting, Reconnecting, retrySysErrors } from './connection/reconnecting';
export type { ReconnectOptions, ReconnectState, ReconnectStatus } from './connection/reconnecting';
export { backoffDelay, DEFAULT_BACKOFF } from './connection/backoff';
export type { BackoffOptions } from './connection/backoff';
export { DEFAULT_MAX_QUEUED } from './connection/write-queue';
export type { Codec, Decoder, Decoded, CodecOptions } from './codecs/codec';
export { lines, DEFAULT_MAX_LINE_LENGTH } from './codecs/lines';
export type { LinesOptions, LineEnding } from './codecs/lines';
export { delimited, DEFAULT_MAX_DELIMITED_LENGTH } from './codecs/delimited';
export { lengthPrefixed, DEFAULT_MAX_FRAME_LENGTH } from './codecs/length-prefixed';
export type { LengthPrefixedOptions, LengthHeader } from './codecs/length-prefixed';
export { encode } from './codecs/encode';
export { request } from './codecs/request';
export type { RequestOptions } from './codecs/request';
export type { WriteSource } from './codecs/write-from';
export { StreamGroup, DEFAULT_MEMBER_QUEUE } from './connection/stream-group';
export type {
  StreamGroupOptions,
  BroadcastResult,
  StreamGroupStats,
} from './connection/stream-group';
export { ServerInfo } from './connection/server';
export type { ServerOptions, ServerCounts } from './connection/server';
export { monitorConnections } from './connection/connection-monitor';
export type {
  ConnectionSources,
  ConnectionsSnapshot,
  ReconnectingSample,
  Named,
} from './connection/connection-monitor';
