/**
 * {@link toNodeError}: a {@link StreamError} as the error a `net.Socket`
 * would emit, with Node's string `code`.
 *
 * @module
 */
import { StreamError } from '../../errors';
import { Status } from '../../status';

/**
 * The error a Duplex from `toDuplex` emits: Node's string `code`
 * (`'ECONNRESET'`, `'EPIPE'`, `'ECONNREFUSED'`, `'ERR_SSL_…'`, …) as a
 * `net.Socket`'s error has, with the {@link StreamError} behind it as
 * `cause` (whose own `cause` is the Node error, where there is one).
 *
 * @example
 * ```ts
 * duplex.on('error', (e: SocketStyleError) => {
 *   if (e.code === 'ECONNRESET') console.log('reset; status', e.cause.status);
 *   else console.log(e.code, e.syscall ?? '-', e.errno ?? '-'); // e.g. ECONNREFUSED connect -111
 * });
 * ```
 */
export interface SocketStyleError extends Error {
  /** Node's code: the underlying Node error's, else one for the status (see {@link toNodeError}). */
  code: string;
  /** The system call that failed (`'read'`, `'write'`, `'connect'`), when the Node error says. */
  syscall?: string;
  /** The negative errno, when the Node error says. */
  errno?: number;
  /** The StreamError it stands for. */
  cause: StreamError;
}

/**
 * Which side an error reached the Duplex on: its fallback code depends on it.
 *
 * @example
 * ```ts
 * const side: ErrorSide = 'write'; // a closed stream then means EPIPE
 * ```
 */
export type ErrorSide = 'read' | 'write' | 'connect';

/** Codes for a StreamError with no Node code behind it (timeouts, closes, refusals). */
const FALLBACK: Readonly<Record<ErrorSide, Readonly<Record<Status, string>>>> = Object.freeze({
  read: codes('ECONNRESET'),
  write: codes('EPIPE'),
  connect: codes('ECONNRESET'),
});

function codes(closed: string): Readonly<Record<Status, string>> {
  return Object.freeze({
    [Status.OK]: 'EIO',
    [Status.Invalid]: 'ERR_SOCKET_CLOSED',
    [Status.WouldBlock]: 'EAGAIN',
    [Status.StreamClosed]: closed,
    [Status.SysError]: 'EIO',
    [Status.TLSError]: 'EPROTO',
    [Status.OutOfMemory]: 'ENOMEM',
  });
}

/**
 * `error` as a {@link SocketStyleError}: the Node error's `code`, `errno`,
 * `syscall`, `address`, `port` and message when the StreamError has a Node
 * error as cause; otherwise a code for its status on that side — closed:
 * `ECONNRESET` (read, connect) or `EPIPE` (write); `SysError` `EIO`;
 * `TLSError` `EPROTO`; `OutOfMemory` `ENOMEM`; `Invalid` `ERR_SOCKET_CLOSED`.
 * Anything else that is an Error is returned as it is.
 *
 * @example
 * ```ts
 * stream.reads$.subscribe({ error: (e) => duplex.destroy(toNodeError(e, 'read')) });
 * ```
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { Status, StreamError, toNodeError } from 'rxstream';
 *
 * const closed = new StreamError(Status.StreamClosed, 'the stream was closed');
 * assert.equal((toNodeError(closed, 'write') as NodeJS.ErrnoException).code, 'EPIPE');
 * assert.equal((toNodeError(closed, 'read') as NodeJS.ErrnoException).code, 'ECONNRESET');
 * ```
 */
export function toNodeError(error: unknown, side: ErrorSide): Error {
  if (!StreamError.is(error)) return error instanceof Error ? error : new Error(String(error));
  const node = nodeFields(error.cause);
  const out = new Error(node.message ?? error.message, { cause: error }) as SocketStyleError;
  out.code = node.code ?? FALLBACK[side][error.status];
  for (const key of ['errno', 'syscall', 'address', 'port'] as const) {
    if (node[key] !== undefined) Reflect.set(out, key, node[key]);
  }
  return out;
}

interface NodeFields {
  message?: string;
  code?: string;
  errno?: number;
  syscall?: string;
  address?: string;
  port?: number;
}

function nodeFields(cause: unknown): NodeFields {
  if (!(cause instanceof Error)) return {};
  const get = (key: string): unknown => Reflect.get(cause, key);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const code = str(get('code'));
  return {
    message: code === undefined ? undefined : cause.message,
    code,
    errno: num(get('errno')),
    syscall: str(get('syscall')),
    address: str(get('address')),
    port: num(get('port')),
  };
}
