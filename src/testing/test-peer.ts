/**
 * {@link createTestPeer}: a scripted peer for marble tests of protocol code.
 *
 * @module
 */
import { map, type Observable, type Subscription } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { Stream, type StreamOptions } from '../stream';
import type { RenegotiateOptions } from '../transport';
import { isPeerAction, type PeerAction, sysError } from './peer-actions';
import { ScriptedTransport } from './scripted-transport';

/** Options of {@link createTestPeer}. */
export interface TestPeerOptions extends Omit<StreamOptions, 'scheduler'> {
  /** The `TestScheduler` of the test: it plays the script and runs the stream. */
  scheduler: TestScheduler;
  /** Make the stream kind TLSStream, with `renegotiate()` (default: kind Memory). */
  tls?: boolean;
  /** `close()` waits for the peer's end (or `closeTimeout`), as over a real socket. Default false. */
  lingers?: boolean;
}

/** What a script may send: bytes (a string is UTF-8), or a {@link PeerAction}. */
export type PeerInput = Buffer | Uint8Array | string | PeerAction;

/**
 * The far end of a stream under test. `stream` is the stream to hand to the
 * code under test; the peer plays a marble script against it and records
 * what it writes.
 */
export class TestPeer {
  /** The stream under test (kind Memory, or TLSStream with `tls`). */
  readonly stream: Stream;
  /**
   * Each write the stream made (its coalesced chunks joined), at the frame
   * it reached the transport; completes at the stream's end of stream
   * (`shutdownWrite`/`close`); errors with {@link STREAM_DESTROYED} when it is
   * destroyed without one. It replays: subscribe in frame 0 (as
   * `expectObservable` does by default) to see every write at its own frame;
   * a later subscriber gets the earlier writes at once.
   */
  readonly written$: Observable<Buffer>;
  /** `written$` decoded as UTF-8. */
  readonly writtenText$: Observable<string>;
  readonly #t: ScriptedTransport;
  readonly #scheduler: TestScheduler;
  readonly #scripts: Subscription[] = [];
  #taken = 0;

  constructor(options: TestPeerOptions) {
    const { scheduler, tls, lingers, ...streamOptions } = options;
    this.#scheduler = scheduler;
    this.#t = new ScriptedTransport(scheduler, tls === true, lingers === true);
    this.stream = new Stream(this.#t, { ...streamOptions, scheduler });
    this.written$ = this.#t.writes.asObservable();
    this.writtenText$ = this.written$.pipe(map((b) => b.toString('utf8')));
  }

  /**
   * Plays a marble script from the current frame: each value is sent (bytes)
   * or done (a {@link PeerAction}); `|` is the peer's end of stream (FIN /
   * close_notify); `#` injects `error` into the stream (default an
   * ECONNRESET-like error: SysError). Letters are looked up in `values`
   * (strings are UTF-8); a letter with no value is sent as itself.
   * An observable may be given instead of marbles.
   *
   * @param script - marbles, e.g. `'--a--b--|'`, or an observable of inputs
   * @param values - letter → bytes or action
   * @param error - what `#` injects
   * @returns this peer
   */
  script(
    script: string | Observable<PeerInput>,
    values?: Record<string, PeerInput>,
    error: unknown = sysError(),
  ): this {
    const source$ =
      typeof script === 'string'
        ? this.#scheduler.createColdObservable<PeerInput>(script, values, error)
        : script;
    this.#scripts.push(
      source$.subscribe({
        next: (input) => this.#play(input),
        error: (e: unknown) => this.fail(e),
        complete: () => this.end(),
      }),
    );
    return this;
  }

  /** Sends bytes now (EmbeddedChannel's writeInbound). */
  send(data: Buffer | Uint8Array | string): this {
    this.#t.arrive(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data));
    return this;
  }

  /** Sends the end of stream now (FIN). */
  end(): this {
    this.#t.arrive('end');
    return this;
  }

  /** Injects `error` into the stream now (default ECONNRESET: SysError). */
  fail(error: unknown = sysError()): this {
    this.#t.fail(error);
    return this;
  }

  /** Does a {@link PeerAction} now. */
  act(action: PeerAction): this {
    switch (action.action) {
      case 'renegotiation':
        this.#t.setRenegotiating(action.on === true, action.error);
        break;
      case 'reading':
        this.#t.setPeerReading(action.on === true);
        break;
      case 'close':
        this.#t.arrive('close');
        break;
      case 'fail':
        this.fail(action.error);
        break;
      case 'failNextWrite':
        this.#t.failNextWrite(action.error);
        break;
    }
    return this;
  }

  /** Every byte the stream has written so far. */
  received(): Buffer {
    return Buffer.concat(this.#t.written);
  }

  /** {@link TestPeer.received} as UTF-8. */
  receivedText(): string {
    return this.received().toString('utf8');
  }

  /** The bytes written since the last call (EmbeddedChannel's readOutbound, tokio-test's write()). */
  takeWritten(): Buffer {
    const all = this.received();
    const out = all.subarray(this.#taken);
    this.#taken = all.length;
    return out;
  }

  /** True once the stream sent its end of stream (shutdownWrite or close). */
  get ended(): boolean {
    return this.#t.ended;
  }

  /** True once the stream let go of the transport (destroy, close, fatal error). */
  get gone(): boolean {
    return this.#t.gone;
  }

  /** What a sync-mode `destroy()` handed back unread, or null. */
  get released(): readonly Buffer[] | null {
    return this.#t.released;
  }

  /** The options of each `stream.renegotiate()` call. */
  get renegotiations(): readonly RenegotiateOptions[] {
    return this.#t.renegotiations;
  }

  /** Stops the scripts and destroys the stream (EmbeddedChannel's finish, without the checks). */
  dispose(): void {
    for (const s of this.#scripts.splice(0)) s.unsubscribe();
    this.stream.destroy();
  }

  #play(input: PeerInput): void {
    if (isPeerAction(input)) this.act(input);
    else this.send(input);
  }
}

/**
 * Makes a scripted peer and the stream under test, both driven by the
 * test's `TestScheduler` — call it inside `testScheduler.run()`.
 *
 * What a test can do: script what the peer sends and when (`'--a--b--|'`,
 * `|` = FIN, `#` = reset), open WouldBlock windows (`renegotiationStart` /
 * `renegotiationEnd`), stop reading (backpressure), close the connection,
 * inject SysError/TLSError/OutOfMemory errors on reads or on the next write;
 * then assert with `expectObservable` what the code wrote
 * (`peer.written$`/`writtenText$`, with timing and the `|` of its FIN) and
 * how the stream went (`peer.stream.state$`).
 *
 * @param options - the TestScheduler, `tls`, `lingers` and stream options
 * @returns the peer; the stream under test is `peer.stream`
 *
 * @example
 * ```ts
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createTestPeer({ scheduler: testScheduler });
 *   peer.script('--a--|', { a: 'pong\n' });
 *   peer.stream.writeAll(Buffer.from('ping\n')).subscribe(() => peer.stream.shutdownWrite());
 *   expectObservable(peer.writtenText$).toBe('(p|)', { p: 'ping\n' });
 *   expectObservable(peer.stream.reads$.pipe(map(String))).toBe('--a--|', { a: 'pong\n' });
 * });
 * ```
 */
export function createTestPeer(options: TestPeerOptions): TestPeer {
  return new TestPeer(options);
}
