/**
 * When a stream last received and sent bytes, on its scheduler's clock, and
 * the two things built on that: the idle timeout ({@link StreamOptions}
 * `idleTimeout`) and the heartbeat observable `stream.idle$(ms)`.
 *
 * Timers are scheduler actions, so a `TestScheduler` drives them; an idle
 * stream costs one pending action, re-armed only when it fires (activity
 * just stores a timestamp: no timer is touched per chunk).
 *
 * @module
 */
import { Observable, asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { StreamState } from '../status';
import { invalid } from '../errors';
import { timedOut, timeoutProblem } from './timeouts';

/** The clock and the activity marks of one stream. Internal. */
export class Activity {
  lastReceived: number;
  lastSent: number;
  #guard: Subscription | null = null;
  #done = false;

  constructor(readonly scheduler: SchedulerLike) {
    this.lastReceived = this.lastSent = scheduler.now();
  }

  /** Bytes arrived from the peer. */
  received(): void {
    this.lastReceived = this.scheduler.now();
  }

  /** Bytes reached the kernel (or the memory peer). */
  sent(): void {
    this.lastSent = this.scheduler.now();
  }

  /** True once the stream is Closed or in Error: timers stop. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Fails the stream (`fail`) when nothing was received and nothing sent for
   * `ms`: one action at the deadline, re-armed at the new deadline when
   * there was activity meanwhile. Stops when the state is final.
   */
  guard(ms: number, fail: (error: unknown) => void): void {
    const check = (): void => {
      this.#guard = null;
      if (this.#done) return;
      const quiet = this.scheduler.now() - Math.max(this.lastReceived, this.lastSent);
      if (quiet >= ms) fail(timedOut('idle', ms));
      else this.#guard = this.scheduler.schedule(check, ms - quiet);
    };
    this.#guard = this.scheduler.schedule(check, ms);
  }

  /**
   * Starts the record on a new stream: follows its states and, with an
   * `idleTimeout`, arms the guard that fails it through `fail`.
   */
  arm(state$: Observable<StreamState>, ms: number | undefined, fail: (e: unknown) => void): void {
    this.follow(state$);
    if (ms !== undefined && !this.#done) this.guard(ms, fail);
  }

  /** Follows the stream's states: a final one stops every timer. */
  follow(state$: Observable<StreamState>): void {
    const sub = state$.subscribe((state) => {
      if (state !== StreamState.Closed && state !== StreamState.Error) return;
      this.#done = true;
      this.#guard?.unsubscribe();
      this.#guard = null;
      queueMicrotask(() => sub.unsubscribe());
    });
  }
}

/** What {@link makeActivity} reads from the stream options. */
export interface ActivityOptions {
  /** See `StreamOptions.idleTimeout`. */
  idleTimeout?: number;
  /** The stream's scheduler. */
  scheduler?: SchedulerLike;
}

/**
 * The activity record of a new stream when `idleTimeout` is set (armed at
 * once), else null (made on first `idle$` instead).
 *
 * @throws StreamError Invalid for a bad `idleTimeout`.
 */
export function makeActivity(options: ActivityOptions): Activity | null {
  const ms = options.idleTimeout;
  const problem = timeoutProblem('idleTimeout', ms);
  if (problem !== null) throw invalid(problem);
  return ms === undefined ? null : new Activity(options.scheduler ?? asyncScheduler);
}

/**
 * `stream.idle$(ms)`: emits (`undefined`) each time `ms` pass with no byte
 * received — first `ms` after the later of the subscription and the last
 * byte, then every `ms` while the silence lasts — and completes when the
 * stream is Closed or in Error. Sending does not count: it is the peer's
 * silence a heartbeat answers (send a ping; fail it yourself if it stays).
 */
export function idleWatch(
  activity: Activity,
  state$: Observable<StreamState>,
  ms: number,
): Observable<void> {
  return new Observable<void>((sub) => {
    const problem = timeoutProblem('ms', ms);
    if (problem !== null) {
      sub.error(invalid(problem));
      return undefined;
    }
    const { scheduler } = activity;
    let since = scheduler.now();
    let action: Subscription | null = null;
    const check = (): void => {
      const from = Math.max(since, activity.lastReceived);
      const quiet = scheduler.now() - from;
      if (quiet >= ms) {
        since = scheduler.now();
        sub.next();
        if (!sub.closed) action = scheduler.schedule(check, ms);
      } else action = scheduler.schedule(check, ms - quiet);
    };
    action = scheduler.schedule(check, ms);
    const states = state$.subscribe((state) => {
      if (state === StreamState.Closed || state === StreamState.Error) sub.complete();
    });
    return () => {
      action?.unsubscribe();
      states.unsubscribe();
    };
  });
}
