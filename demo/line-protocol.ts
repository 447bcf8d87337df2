/**
 * A worked example of protocol code on top of rxstream's protocol layer,
 * and of testing it with rxstream/testing (see
 * spec/demo/line-protocol.spec.ts): a line-based request/response client
 * (`ask`) and server (`serveLines`) built on the shipped `lines()` codec,
 * `request()`, `frames()` and `writeFrom()`.
 */
import {
  TimeoutError,
  catchError,
  concatMap,
  from,
  map,
  throwError,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import { encode, lines, request, type Stream } from '../src';

/** Options of {@link ask}. */
export interface AskOptions {
  /** How long to wait for the reply line, in ms (frames under TestScheduler). Default 5000. */
  timeout?: number;
  /** Where the timeout runs: pass the TestScheduler in marble tests. Default asyncScheduler. */
  scheduler?: SchedulerLike;
}

/**
 * Sends `line` (plus `\n`) and emits the first line the peer sends back,
 * then completes. Cold: one request per subscription; run several with
 * `concatMap`. Bytes the peer sent after the reply stay in the stream.
 *
 * Errors: {@link RequestTimeoutError} when no reply line comes within
 * `options.timeout` of the request being sent (the stream stays usable and a
 * late reply stays in it); `StreamError` code 2 when the peer ends before
 * replying; the stream's `StreamError` on I/O errors.
 *
 * @example
 * ```ts
 * ask(stream, 'PING', { timeout: 1000 }).subscribe((reply) => console.log(reply)); // 'PONG'
 * ```
 */
export function ask(stream: Stream, line: string, options: AskOptions = {}): Observable<string> {
  return request(stream, lines(), line, {
    timeout: options.timeout ?? 5000,
    scheduler: options.scheduler,
  }).pipe(
    catchError((error: unknown) =>
      throwError(() => (error instanceof TimeoutError ? new RequestTimeoutError(line) : error)),
    ),
  );
}

/**
 * Serves a line protocol: answers each line the peer sends with
 * `handle(line)`, in order, until the peer ends; then completes (after every
 * answer is accepted). Answers go out through one `writeFrom`, so a fast
 * client never sees a refused write and small answers are coalesced.
 *
 * @example
 * ```ts
 * serveLines(stream, (line) => (line === 'PING' ? 'PONG' : `ECHO ${line}`)).subscribe();
 * ```
 */
export function serveLines(stream: Stream, handle: (line: string) => string): Observable<number> {
  return stream.writeFrom(stream.frames(lines()).pipe(map(handle), encode(lines())));
}

/**
 * Asks every line of `questions` in turn and emits each reply.
 *
 * @example
 * ```ts
 * askAll(stream, ['HELLO', 'QUIT']).subscribe((reply) => console.log(reply));
 * ```
 */
export function askAll(stream: Stream, questions: readonly string[]): Observable<string> {
  return from(questions).pipe(concatMap((q) => ask(stream, q)));
}

/** The error of {@link ask} when the reply does not come in time. */
export class RequestTimeoutError extends Error {
  constructor(readonly request: string) {
    super(`no reply to ${JSON.stringify(request)} in time`);
    this.name = 'RequestTimeoutError';
  }
}
