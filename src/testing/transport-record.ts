/**
 * What a {@link ScriptedTransport} records of its stream (its writes, end,
 * release and renegotiations) and how it was made: the base class of
 * `ScriptedTransport`, which fills these in as the stream drives it.
 *
 * @module
 */
import { ReplaySubject } from 'rxjs';
import { StreamKind } from '../status';
import type { RenegotiateOptions } from '../transport';

/** The records of a {@link ScriptedTransport} (its base class; not exported by the package). */
export class TransportRecord {
  /**
   * TLSStream when made with `tls`, else Memory.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler, true);
   * console.log(t.kind); // 'TLSStream' (without `tls`: 'Memory')
   * ```
   */
  readonly kind: StreamKind;
  /**
   * Always -1: no file descriptor.
   *
   * @example
   * ```ts
   * console.log(new ScriptedTransport(testScheduler).fd); // -1
   * ```
   */
  readonly fd = -1;
  /**
   * As made (the constructor's `lingers`): whether the stream's `close()`
   * waits for the peer's end.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler, false, true);
   * const stream = new Stream(t, { scheduler: testScheduler, closeTimeout: 50 });
   * stream.close().subscribe(); // done at t.arrive('end'), or after 50 ms
   * ```
   */
  readonly lingers: boolean;
  /**
   * Each write of the stream (its chunks joined), at the frame it happened;
   * completes at the end of stream. Replays to late subscribers, so a
   * subscription made in frame 0 sees the writes of frame 0.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * t.writes.pipe(map(String)).subscribe({
   *   next: (text) => console.log('wrote', text),
   *   complete: () => console.log('end of stream'),
   * });
   * ```
   */
  readonly writes = new ReplaySubject<Buffer>();
  /**
   * Every byte written so far, in order: one Buffer per write.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * const stream = new Stream(t, { scheduler: testScheduler });
   * stream.tryWrite(Buffer.from('hi'));
   * testScheduler.flush();
   * console.log(Buffer.concat(t.written).toString()); // 'hi'
   * ```
   */
  readonly written: Buffer[] = [];
  /**
   * True once the stream sent its end of stream.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * const stream = new Stream(t, { scheduler: testScheduler });
   * stream.shutdownWrite();
   * testScheduler.flush();
   * console.log(t.ended); // true
   * ```
   */
  ended = false;
  /**
   * True once the stream destroyed (or released) the transport, or it closed.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * const stream = new Stream(t, { scheduler: testScheduler });
   * stream.destroy();
   * console.log(t.gone); // true
   * ```
   */
  gone = false;
  /**
   * What a sync-mode `destroy()` handed back unread, or null.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler);
   * const stream = new Stream(t, { scheduler: testScheduler });
   * const watching = stream.readable$.subscribe(); // the stream takes the bytes in
   * t.arrive(Buffer.from('unread'));
   * testScheduler.flush();
   * watching.unsubscribe();
   * stream.destroy(); // sync mode: the bytes it had not read go back
   * console.log(String(t.released?.[0])); // 'unread'
   * ```
   */
  released: Buffer[] | null = null;
  /**
   * The options of each `renegotiate()` call the stream made.
   *
   * @example
   * ```ts
   * const t = new ScriptedTransport(testScheduler, true);
   * new Stream(t, { scheduler: testScheduler }).renegotiate({ requestCert: true }).subscribe();
   * console.log(t.renegotiations); // [{ requestCert: true }]
   * ```
   */
  readonly renegotiations: RenegotiateOptions[] = [];

  /** As `ScriptedTransport`'s constructor was given them. */
  constructor(tls: boolean, lingers: boolean) {
    this.lingers = lingers;
    this.kind = tls ? StreamKind.TLSStream : StreamKind.Memory;
  }
}
