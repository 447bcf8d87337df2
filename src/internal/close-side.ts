/**
 * The end of a stream's `close()` and its TLS renegotiation: after the
 * close's end of stream has left, the bounded wait (linger) for the peer's
 * end, then the closed transport and the close's completion. Renegotiation
 * lives here because a close, a fatal error and destroy all end it, and a
 * close under way refuses it.
 *
 * @module
 */
import { asyncScheduler, type Subscriber, type Subscription } from 'rxjs';
import { Status, StreamKind, StreamState } from '../status';
import { StreamError, toStreamError } from '../errors';
import type { RenegotiateOptions } from '../transport';
import type { StreamCore } from './stream-core';

/** The linger and the renegotiation of one stream (its core's `closing`). */
export class CloseSide {
  readonly #core: StreamCore;
  readonly #timeout: number;
  #linger: Subscription | null = null;
  #waiters: Array<() => void> | null = null;
  #renegotiation: Subscriber<void> | null = null;

  constructor(core: StreamCore, closeTimeout: number) {
    this.#core = core;
    this.#timeout = closeTimeout;
  }

  /** True while a close waits for the peer's end. */
  get lingering(): boolean {
    return this.#linger !== null;
  }

  /**
   * A close's end of stream has left: wait (bounded) for the peer's end when
   * the transport lingers, then close the transport and call `done`.
   */
  closeNow(done: () => void): void {
    const core = this.#core;
    if (core.destroyed || core.fatal !== null) return;
    (this.#waiters ??= []).push(done);
    if (this.#linger !== null) return;
    if (!core.transport.lingers || core.read.eof || core.state.value === StreamState.Closed) {
      this.finish();
      return;
    }
    core.read.linger();
    this.#linger = (core.scheduler ?? asyncScheduler).schedule(() => this.finish(), this.#timeout);
  }

  /** Ends the linger: closes the transport (unless already closed) and calls the waiters. */
  finish(): void {
    const core = this.#core;
    this.#linger?.unsubscribe();
    this.#linger = null;
    if (!core.destroyed && core.fatal === null && core.state.value !== StreamState.Closed) {
      const closed = new StreamError(Status.StreamClosed, 'the stream was closed');
      core.transport.destroy();
      core.read.closeLocally(closed);
      this.failRenegotiation(closed);
      core.to(StreamState.Closed);
    }
    const waiters = this.#waiters;
    this.#waiters = null;
    for (const done of waiters ?? []) done();
  }

  /** Drops the linger and its waiters (destroy, fatal error). */
  stop(): void {
    this.#linger?.unsubscribe();
    this.#linger = null;
    this.#waiters = null;
  }

  /** `Stream.renegotiate`'s subscription: starts one, or refuses; returns the teardown. */
  renegotiate(sub: Subscriber<void>, options: RenegotiateOptions): (() => void) | undefined {
    const core = this.#core;
    const t = core.transport;
    const start = t.renegotiate?.bind(t);
    if (core.destroyed || start === undefined || t.kind !== StreamKind.TLSStream) {
      return core.refuse(sub, 'renegotiation needs a TLS stream');
    }
    if (
      core.state.value !== StreamState.Open ||
      this.#renegotiation !== null ||
      core.write.finishing ||
      this.#linger !== null
    ) {
      return core.refuse(
        sub,
        'renegotiation needs an open stream with none in progress and no close under way',
      );
    }
    this.#renegotiation = sub;
    start(options, (error) => {
      if (this.#renegotiation !== sub) return;
      this.#renegotiation = null;
      core.read.wake();
      core.deliver(() => {
        if (error === undefined) {
          sub.next();
          sub.complete();
        } else sub.error(toStreamError(error, 'TLS renegotiation failed'));
      });
    });
    core.read.reconsiderFlow(); // the handshake must be read, reader or not (see ReadSide)
    return () => {
      if (this.#renegotiation === sub) this.#renegotiation = null;
    };
  }

  /** Ends a pending renegotiate() with `reason` (destroy, close or fatal error). */
  failRenegotiation(reason: StreamError): void {
    const sub = this.#renegotiation;
    this.#renegotiation = null;
    if (sub !== null) this.#core.deliver(() => sub.error(reason));
  }
}
