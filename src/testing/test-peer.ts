/**
 * {@link createTestPeer}: a scripted peer for marble tests of protocol code.
 *
 * @module
 */
import { map, type Observable, type Subscription } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { Stream } from '../stream';
import type { RenegotiateOptions } from '../transport';
import { isPeerAction, type PeerAction, sysError } from './peer-actions';
import { ScriptedTransport } from './scripted-transport';
import type { PeerInput, TestPeerOptions } from './test-peer-options';

export type { PeerInput, TestPeerOptions } from './test-peer-options';

/**
 * The far end of a stream under test. `stream` is the stream to hand to the
 * code under test; the peer plays a marble script against it and records
 * what it writes. Used with marbles inside `testScheduler.run()`, or
 * imperatively (Netty's EmbeddedChannel style) with `flush()` between steps.
 *
 * @example
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { createTestPeer } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
 * const peer = createTestPeer({ scheduler: testScheduler });
 * const got: string[] = [];
 * const reading = peer.stream.reads$.subscribe((chunk) => got.push(String(chunk)));
 * peer.send('PING\n');
 * testScheduler.flush();
 * peer.stream.tryWrite(Buffer.from('PONG\n'));
 * testScheduler.flush();
 * deepStrictEqual(got, ['PING\n']);
 * deepStrictEqual(peer.takeWritten().toString(), 'PONG\n');
 * reading.unsubscribe(); // else dispose() errors it (code 2, destroyed)
 * peer.dispose();
 * ```
 */
export class TestPeer {
  /**
   * The stream under test (kind Memory, or TLSStream with `tls`).
   *
   * @example
   * ```ts
   * declare function greet(stream: Stream): void; // the code under test
   * greet(peer.stream);
   * testScheduler.flush();
   * expect(peer.receivedText()).toBe('HELLO\n');
   * ```
   */
  readonly stream: Stream;
  /**
   * Each write the stream made (its coalesced chunks joined), at the frame
   * it reached the transport; completes at the stream's end of stream
   * (`shutdownWrite`/`close`); errors with {@link STREAM_DESTROYED} when it is
   * destroyed without one. It replays: subscribe in frame 0 (as
   * `expectObservable` does by default) to see every write at its own frame;
   * a later subscriber gets the earlier writes at once.
   *
   * @example
   * ```ts
   * testScheduler.run(({ expectObservable }) => {
   *   const peer = createTestPeer({ scheduler: testScheduler });
   *   testScheduler.schedule(() => peer.stream.tryWrite(Buffer.from('GET /\n')), 2);
   *   expectObservable(peer.written$).toBe('--a', bytes({ a: 'GET /\n' }));
   * });
   * ```
   */
  readonly written$: Observable<Buffer>;
  /**
   * `written$` decoded as UTF-8.
   *
   * @example
   * ```ts
   * testScheduler.run(({ expectObservable }) => {
   *   const peer = createTestPeer({ scheduler: testScheduler });
   *   peer.stream.tryWrite(Buffer.from('QUIT\n'));
   *   peer.stream.shutdownWrite();
   *   expectObservable(peer.writtenText$).toBe('(q|)', { q: 'QUIT\n' });
   * });
   * ```
   */
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
   *
   * @example
   * ```ts runnable
   * import { deepStrictEqual } from 'node:assert/strict';
   * import { TestScheduler } from 'rxjs/testing';
   * import { catchError, map, of } from 'rxjs';
   * import { Status, type StreamError } from 'rxstream';
   * import { createTestPeer } from 'rxstream/testing';
   *
   * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
   * testScheduler.run(({ expectObservable }) => {
   *   const peer = createTestPeer({ scheduler: testScheduler });
   *   peer.script('--a--b-#', { a: 'hel', b: Buffer.from('lo') }); // # = ECONNRESET by default
   *   const reads$ = peer.stream.reads$.pipe(
   *     map(String),
   *     catchError((e: StreamError) => of(e.status)),
   *   );
   *   expectObservable(reads$).toBe('--a--b-(e|)', { a: 'hel', b: 'lo', e: Status.SysError });
   * });
   * ```
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

  /**
   * Sends bytes now (EmbeddedChannel's writeInbound).
   *
   * @example
   * ```ts
   * peer.stream.reads$.subscribe((chunk) => console.log(String(chunk)));
   * peer.send('PING\n').send(Uint8Array.of(0x0a));
   * testScheduler.flush(); // logs 'PING\n', then '\n'
   * ```
   */
  send(data: Buffer | Uint8Array | string): this {
    this.#t.arrive(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data));
    return this;
  }

  /**
   * Sends the end of stream now (FIN).
   *
   * @example
   * ```ts
   * peer.stream.reads$.subscribe({ complete: () => console.log('peer is done') });
   * peer.send('last\n').end();
   * testScheduler.flush();
   * ```
   */
  end(): this {
    this.#t.arrive('end');
    return this;
  }

  /**
   * Injects `error` into the stream now (default ECONNRESET: SysError).
   *
   * @example
   * ```ts
   * peer.fail(tlsError('CERT_HAS_EXPIRED'));
   * console.log(peer.stream.state, peer.stream.lastError?.status); // 'Error' 'TLSError'
   * ```
   */
  fail(error: unknown = sysError()): this {
    this.#t.fail(error);
    return this;
  }

  /**
   * Does a {@link PeerAction} now.
   *
   * @example
   * ```ts
   * peer.act(stopReading); // the stream's writes stay in flight
   * testScheduler.schedule(() => peer.act(startReading), 10);
   * ```
   */
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

  /**
   * Every byte the stream has written so far.
   *
   * @example
   * ```ts
   * expect(decodeFrames(lines(), [peer.received()]).frames).toEqual(['HELLO', 'QUIT']);
   * ```
   */
  received(): Buffer {
    return Buffer.concat(this.#t.written);
  }

  /**
   * {@link TestPeer.received} as UTF-8.
   *
   * @example
   * ```ts
   * expect(peer.receivedText()).toBe('HELLO\r\nQUIT\r\n');
   * ```
   */
  receivedText(): string {
    return this.received().toString('utf8');
  }

  /**
   * The bytes written since the last call (EmbeddedChannel's readOutbound, tokio-test's write()).
   *
   * @example
   * ```ts
   * peer.stream.tryWrite(Buffer.from('one'));
   * testScheduler.flush();
   * console.log(String(peer.takeWritten()), peer.takeWritten().length); // 'one' 0
   * ```
   */
  takeWritten(): Buffer {
    const all = this.received();
    const out = all.subarray(this.#taken);
    this.#taken = all.length;
    return out;
  }

  /**
   * True once the stream sent its end of stream (shutdownWrite or close).
   *
   * @example
   * ```ts
   * peer.stream.shutdownWrite();
   * testScheduler.flush();
   * expect(peer.ended).toBe(true);
   * ```
   */
  get ended(): boolean {
    return this.#t.ended;
  }

  /**
   * True once the stream let go of the transport (destroy, close, fatal error).
   *
   * @example
   * ```ts
   * peer.stream.close().subscribe();
   * testScheduler.flush();
   * expect(peer.gone).toBe(true);
   * ```
   */
  get gone(): boolean {
    return this.#t.gone;
  }

  /**
   * What a sync-mode `destroy()` handed back unread, or null.
   *
   * @example
   * ```ts
   * const watching = peer.stream.readable$.subscribe(); // the stream takes the bytes in
   * peer.send('unread');
   * testScheduler.flush();
   * watching.unsubscribe();
   * peer.stream.destroy();
   * expect(Buffer.concat(peer.released ?? []).toString()).toBe('unread');
   * ```
   */
  get released(): readonly Buffer[] | null {
    return this.#t.released;
  }

  /**
   * The options of each `stream.renegotiate()` call.
   *
   * @example
   * ```ts
   * peer.stream.renegotiate({ requestCert: true }).subscribe(); // a peer made with tls: true
   * expect(peer.renegotiations).toEqual([{ requestCert: true }]);
   * ```
   */
  get renegotiations(): readonly RenegotiateOptions[] {
    return this.#t.renegotiations;
  }

  /**
   * Stops the scripts and destroys the stream (EmbeddedChannel's finish,
   * without the checks). As with `destroy()`, a `reads$` still subscribed
   * errors (code 2): unsubscribe it first, or give it an error callback.
   *
   * @example
   * ```ts
   * afterEach(() => peer.dispose());
   * ```
   */
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
 * ```ts runnable
 * import { deepStrictEqual } from 'node:assert/strict';
 * import { TestScheduler } from 'rxjs/testing';
 * import { map } from 'rxjs';
 * import { createTestPeer } from 'rxstream/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
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
