/**
 * **Streams** — the byte stream itself and what it answers with. A
 * {@link Stream} is one connection (TCP, TLS, Unix socket or an in-memory
 * pair) whose operations are cold observables (`read`, `writeAll`,
 * `close`…) or try-once calls returning `{ status, bytes }`; failures are one
 * typed {@link StreamError}. Make one from a socket you hold
 * (`createTCP`, `createTLS`, `createIPC`) or in memory (`memoryPair`); the
 * connect and listen helpers are on the Helpers page.
 *
 * Import from `rxstream`.
 *
 * @example
 * ```ts runnable
 * import { memoryPair, Status } from 'rxstream';
 *
 * const [a, b] = memoryPair();
 * a.writeAll(Buffer.from('hi')).subscribe(() => a.close().subscribe());
 * b.reads$.subscribe((chunk) => console.log(String(chunk), Status[Status.OK]));
 * ```
 *
 * @module Streams
 */
export { Status, StreamState, StreamKind } from '../status';
export {
  StreamError,
  ErrorCode,
  statusOf,
  STATUS_BY_NODE_CODE,
  TLS_CODE_PREFIXES,
  ERROR_HINTS,
} from '../errors';
export { Stream, DEFAULT_BUFFER_SIZE } from '../stream';
export type { StreamOptions, StreamStats, TryResult, OperationOptions } from '../stream';
export type {
  Transport,
  TransportEvents,
  RenegotiateOptions,
  LendOutcome,
  SocketControl,
} from '../transport';
export { createTCP } from '../tcp';
export { createTLS } from '../tls';
export { createIPC } from '../ipc';
export { memoryPair, MemoryTransport } from '../memory';
export type { MemoryPairOptions } from '../memory';
export type { SocketOptions } from '../node-socket/options';
export type { TlsInfo } from '../node-socket/tls-info';
