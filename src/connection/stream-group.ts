/**
 * {@link StreamGroup}: a set of open streams (Netty's ChannelGroup) — they
 * leave by themselves when they close — with a broadcast that one slow
 * member cannot stall, a graceful close of all with a deadline, and counts.
 *
 * @module
 */
import {
  BehaviorSubject,
  Observable,
  asyncScheduler,
  distinctUntilChanged,
  map,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { Status, StreamState } from '../status';
import { StreamError, invalid } from '../errors';
import type { Stream } from '../stream';
import {
  DEFAULT_MEMBER_QUEUE,
  type BroadcastResult,
  type StreamGroupOptions,
  type StreamGroupStats,
} from './stream-group-options';

export { DEFAULT_MEMBER_QUEUE } from './stream-group-options';
export type { BroadcastResult, StreamGroupOptions, StreamGroupStats } from './stream-group-options';

/** One member: its stream, its broadcast queue, its watcher. */
class Member {
  readonly queue: Buffer[] = [];
  bytes = 0;
  writing: Subscription | null = null;
  watch: Subscription | null = null;
  constructor(readonly stream: Stream) {}
}

/**
 * A set of streams. `add` a stream; it leaves when it is Closed or in
 * Error (or on `remove`). `writeAll(buf)` queues `buf` for every member and
 * each member writes its queue in order on its own write side — so one
 * slow member never holds back the others; a member whose queue holds more
 * than `maxQueuedPerMember` bytes skips further messages (counted in
 * `skipped`; close it if it cannot keep up). While a broadcast is being
 * written a member's write side is busy: do not write to it directly
 * meanwhile (that write would be refused with Invalid). `close()` closes
 * every member gracefully; `size$` and `stats()` give the counts.
 *
 * @example
 * ```ts runnable
 * import assert from 'node:assert/strict';
 * import { StreamGroup, memoryPair } from 'rxstream';
 * import { firstValueFrom, map } from 'rxjs';
 *
 * const group = new StreamGroup();
 * const [a, peerA] = memoryPair();
 * const [b, peerB] = memoryPair();
 * group.add(a);
 * group.add(b);
 * const result = await firstValueFrom(group.writeAll(Buffer.from('announcement\n')));
 * assert.deepEqual(result, { queued: 2, skipped: 0 });
 * for (const peer of [peerA, peerB]) {
 *   assert.equal(await firstValueFrom(peer.reads$.pipe(map(String))), 'announcement\n');
 *   peer.shutdownWrite(); // the other side ends too: the member's close can finish
 * }
 * await firstValueFrom(group.close());
 * assert.equal(group.size, 0);
 * ```
 */
export class StreamGroup {
  readonly #members = new Map<Stream, Member>();
  readonly #size = new BehaviorSubject<number>(0);
  readonly #max: number;
  readonly #scheduler: SchedulerLike;
  #added = 0;
  #left = 0;
  #skipped = 0;

  /** @throws StreamError Invalid for a bad `maxQueuedPerMember`. */
  constructor(options: StreamGroupOptions = {}) {
    const max = options.maxQueuedPerMember ?? DEFAULT_MEMBER_QUEUE;
    if (!(max >= 0) || !Number.isFinite(max)) throw invalid(`maxQueuedPerMember: ${max}`);
    this.#max = max;
    this.#scheduler = options.scheduler ?? asyncScheduler;
  }

  /**
   * Members now.
   *
   * @example
   * ```ts
   * if (group.size >= 1000) stream.destroy(); // full: turn the newcomer away
   * else group.add(stream);
   * ```
   */
  get size(): number {
    return this.#members.size;
  }

  /**
   * The member count: replays it, then each change.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { StreamGroup, memoryPair } from 'rxstream';
   *
   * const group = new StreamGroup();
   * const sizes: number[] = [];
   * const watching = group.size$.subscribe((n) => sizes.push(n));
   * const [a] = memoryPair();
   * group.add(a);
   * a.destroy(); // a member leaves by itself when it closes
   * watching.unsubscribe();
   * assert.deepEqual(sizes, [0, 1, 0]);
   * ```
   */
  get size$(): Observable<number> {
    return this.#size.pipe(distinctUntilChanged());
  }

  /**
   * The members now (a copy).
   *
   * @example
   * ```ts
   * for (const s of group.streams) console.log(s.remoteAddress, s.stats().sendBuffered);
   * ```
   */
  get streams(): Stream[] {
    return [...this.#members.keys()];
  }

  /**
   * True when `stream` is a member.
   *
   * @example
   * ```ts
   * if (!group.has(stream)) group.add(stream);
   * ```
   */
  has(stream: Stream): boolean {
    return this.#members.has(stream);
  }

  /**
   * Adds `stream`; false when it is already a member or already Closed/Error.
   * It leaves by itself when it closes or fails.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { StreamGroup, connectTCP, listenTCP, ServerInfo } from 'rxstream';
   * import { first, firstValueFrom, switchMap } from 'rxjs';
   *
   * const group = new StreamGroup();
   * const server = new ServerInfo();
   * const accepting = listenTCP(0, '127.0.0.1', { server }).subscribe((s) => group.add(s));
   * const client = await firstValueFrom(
   *   server.address$.pipe(switchMap((a) => connectTCP(typeof a === 'string' ? 0 : a.port, '127.0.0.1'))),
   * );
   * await firstValueFrom(group.size$.pipe(first((n) => n === 1)));
   * await firstValueFrom(group.writeAll(Buffer.from('welcome\n')));
   * assert.equal(String(await firstValueFrom(client.reads$)), 'welcome\n');
   * accepting.unsubscribe();
   * client.shutdownWrite(); // the client ends: the member's graceful close finishes
   * await firstValueFrom(group.close());
   * client.destroy();
   * ```
   */
  add(stream: Stream): boolean {
    const final = stream.state === StreamState.Closed || stream.state === StreamState.Error;
    if (this.#members.has(stream) || final) return false;
    const member = new Member(stream);
    this.#members.set(stream, member);
    this.#added += 1;
    this.#size.next(this.#members.size);
    member.watch = stream.state$
      .pipe(map((s) => s === StreamState.Closed || s === StreamState.Error))
      .subscribe((gone) => gone && this.remove(stream));
    if (!this.#members.has(stream)) member.watch.unsubscribe(); // it closed during subscribe
    return true;
  }

  /**
   * Removes `stream` (its queued broadcasts are dropped; the stream is not closed).
   *
   * @example
   * ```ts
   * stream.frames(lines()).pipe(first((l) => l === 'MUTE')).subscribe(() => group.remove(stream));
   * ```
   */
  remove(stream: Stream): boolean {
    const member = this.#members.get(stream);
    if (member === undefined) return false;
    this.#members.delete(stream);
    this.#left += 1;
    member.watch?.unsubscribe();
    member.writing?.unsubscribe();
    member.queue.length = 0;
    member.bytes = 0;
    this.#size.next(this.#members.size);
    return true;
  }

  /**
   * Queues `buf` for every member now (copied once, shared): cold — on
   * subscription it fans out, emits a {@link BroadcastResult} and
   * completes at once, without waiting for any member. Members write their
   * queues in order; a member that fails drops its queue as it leaves.
   *
   * @example
   * ```ts
   * group.writeAll(Buffer.from('tick\n')).subscribe(({ skipped }) => {
   *   if (skipped > 0) console.warn(`${skipped} members are too slow for the ticks`);
   * });
   * ```
   */
  writeAll(buf: Uint8Array): Observable<BroadcastResult> {
    return new Observable<BroadcastResult>((sub) => {
      if (!(buf instanceof Uint8Array)) return sub.error(invalid('writeAll needs a Uint8Array'));
      const copy = Buffer.from(buf);
      let queued = 0;
      let skipped = 0;
      for (const member of this.#members.values()) {
        const full = member.bytes > 0 && member.bytes + copy.length > this.#max;
        if (full || member.stream.state !== StreamState.Open) {
          skipped += 1;
          continue;
        }
        member.queue.push(copy);
        member.bytes += copy.length;
        queued += 1;
        this.#pump(member);
      }
      this.#skipped += skipped;
      sub.next({ queued, skipped });
      sub.complete();
      return undefined;
    });
  }

  /**
   * Closes every member gracefully (`stream.close()`: accepted bytes, then
   * the end of stream); with `timeout` (ms, on the scheduler), destroys the
   * members still open at the deadline. Cold: emits once every member has
   * left, then completes. Broadcasts still queued for a member are written
   * before its close.
   *
   * @example
   * ```ts
   * group.close({ timeout: 5000 }).subscribe(() => console.log('all closed'));
   * ```
   */
  close(options: { timeout?: number } = {}): Observable<void> {
    return new Observable<void>((sub) => {
      const deadline =
        options.timeout === undefined
          ? null
          : this.#scheduler.schedule(() => {
              for (const stream of this.streams) stream.destroy();
            }, options.timeout);
      for (const member of [...this.#members.values()]) this.#closeMember(member);
      const done = this.#size.subscribe((n) => {
        if (n > 0) return;
        sub.next();
        sub.complete();
      });
      return () => {
        done.unsubscribe();
        deadline?.unsubscribe();
      };
    });
  }

  /**
   * Destroys every member at once.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => group.destroy());
   * ```
   */
  destroy(): void {
    for (const stream of this.streams) stream.destroy();
  }

  /**
   * Counters for dashboards.
   *
   * @example
   * ```ts
   * interval(10_000).subscribe(() => console.log(group.stats()));
   * ```
   */
  stats(): StreamGroupStats {
    let queuedBytes = 0;
    for (const m of this.#members.values()) queuedBytes += m.bytes;
    return {
      size: this.size,
      added: this.#added,
      left: this.#left,
      skipped: this.#skipped,
      queuedBytes,
    };
  }

  #closeMember(member: Member): void {
    if (member.writing === null && member.queue.length === 0) closeGracefully(member.stream);
    else member.queue.push(CLOSE);
  }

  #pump(member: Member): void {
    while (member.writing === null && this.#members.get(member.stream) === member) {
      const next = member.queue.shift();
      if (next === undefined) return;
      if (next === CLOSE) {
        closeGracefully(member.stream);
        return;
      }
      let sync = true;
      let finished = false;
      const settle = (): void => {
        member.bytes -= next.length;
        finished = true;
        if (sync) return;
        member.writing = null;
        this.#pump(member);
      };
      const writing = member.stream.writeAll(next).subscribe({ complete: settle, error: settle });
      sync = false;
      if (!finished) member.writing = writing;
    }
  }
}

/**
 * `stream.close()`; a close refused because a write of the caller's own is
 * pending (Invalid) is left to the deadline; a failed one destroys.
 */
function closeGracefully(stream: Stream): void {
  stream.close().subscribe({
    error: (e: unknown) => {
      if (!(StreamError.is(e) && e.status === Status.Invalid)) stream.destroy();
    },
  });
}

/** The queue mark of a close after the broadcasts before it. */
const CLOSE = Buffer.alloc(0);
