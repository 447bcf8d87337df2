/**
 * A worked example of protocol code on top of rxstream, and of testing it
 * with rxstream/testing (see spec/demo/line-protocol.spec.ts): a `lines()`
 * operator that turns Buffer chunks into complete lines, and a tiny
 * request/response client with a timeout on the stream's scheduler.
 */
import {
  Observable,
  asyncScheduler,
  concat,
  ignoreElements,
  take,
  throwError,
  throwIfEmpty,
  timeout,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import { Status, StreamError, type Stream } from '../src';

const LF = 0x0a;
const CR = 0x0d;

/** Options of {@link lines}. */
export interface LinesOptions {
  /** Longest line accepted, in bytes, without its end; a longer one errors (bounded memory). Default 64 KiB. */
  maxLength?: number;
}

/**
 * Turns a stream of Buffer chunks into its lines (UTF-8, without the `\n`
 * or `\r\n`). A line may be split across any number of chunks, and a chunk
 * may hold many lines; a multi-byte character split across chunks is decoded
 * whole, because lines are cut on bytes and decoded complete. At completion,
 * an unterminated last line is emitted. A line longer than `maxLength`
 * errors with `StreamError` Invalid (code 3).
 */
export function lines(options: LinesOptions = {}): OperatorFunction<Buffer, string> {
  const maxLength = options.maxLength ?? 64 * 1024;
  return (source) =>
    new Observable<string>((sub) => {
      let pending: Buffer[] = [];
      let pendingLength = 0;
      const emit = (line: Buffer): void => {
        const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
        sub.next(line.toString('utf8', 0, end));
      };
      return source.subscribe({
        next: (chunk) => {
          let start = 0;
          for (let nl = chunk.indexOf(LF); nl !== -1; nl = chunk.indexOf(LF, start)) {
            const head = chunk.subarray(start, nl);
            emit(pending.length === 0 ? head : Buffer.concat([...pending, head]));
            pending = [];
            pendingLength = 0;
            start = nl + 1;
          }
          if (start < chunk.length) {
            pending.push(chunk.subarray(start));
            pendingLength += chunk.length - start;
          }
          if (pendingLength > maxLength) {
            sub.error(new StreamError(Status.Invalid, `line longer than ${maxLength} bytes`));
          }
        },
        error: (error: unknown) => sub.error(error),
        complete: () => {
          if (pendingLength > 0) emit(Buffer.concat(pending));
          sub.complete();
        },
      });
    });
}

/** Options of {@link request}. */
export interface RequestOptions {
  /** How long to wait for the reply line, in ms (frames under TestScheduler). Default 5000. */
  timeout?: number;
  /** Where the timeout runs: pass the TestScheduler in marble tests. Default asyncScheduler. */
  scheduler?: SchedulerLike;
}

/**
 * Sends `line` (plus `\n`) and emits the first line the peer sends back,
 * then completes. Cold: one request per subscription.
 *
 * Errors: {@link RequestTimeoutError} when no reply line comes within
 * `options.timeout` (unsubscribing leaves the stream usable: no byte is
 * consumed after the wait is cancelled); `StreamError` code 2 when the peer
 * ends before replying; the stream's `StreamError` on I/O errors. One request
 * at a time: the peer is expected to send nothing but the reply line (bytes
 * after it in the same chunk are not kept).
 *
 * @example
 * ```ts
 * request(stream, 'PING', { timeout: 1000 }).subscribe((reply) => console.log(reply)); // 'PONG'
 * ```
 */
export function request(
  stream: Stream,
  line: string,
  options: RequestOptions = {},
): Observable<string> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const reply$ = stream.reads$.pipe(
    lines(),
    take(1),
    throwIfEmpty(() => new StreamError(Status.StreamClosed, 'the peer ended before replying')),
  );
  return concat(
    stream.writeAll(Buffer.from(`${line}\n`, 'utf8')).pipe(ignoreElements()),
    reply$.pipe(
      timeout({
        first: options.timeout ?? 5000,
        scheduler,
        with: () => throwError(() => new RequestTimeoutError(line)),
      }),
    ),
  );
}

/** The error of {@link request} when the reply does not come in time. */
export class RequestTimeoutError extends Error {
  constructor(readonly request: string) {
    super(`no reply to ${JSON.stringify(request)} in time`);
    this.name = 'RequestTimeoutError';
  }
}
