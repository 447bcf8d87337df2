/**
 * The options, results and counters of a {@link StreamGroup}, and its default queue bound.
 *
 * @module
 */
import type { SchedulerLike } from 'rxjs';

/**
 * Default `maxQueuedPerMember` of a {@link StreamGroup}: 1 MiB waiting for one member.
 *
 * @example
 * ```ts
 * new StreamGroup({ maxQueuedPerMember: DEFAULT_MEMBER_QUEUE / 4 });
 * ```
 */
export const DEFAULT_MEMBER_QUEUE = 1024 * 1024;

/**
 * Options of a {@link StreamGroup}.
 *
 * @example
 * ```ts
 * const options: StreamGroupOptions = { maxQueuedPerMember: 256 * 1024, scheduler: asyncScheduler };
 * const chat = new StreamGroup(options);
 * ```
 */
export interface StreamGroupOptions {
  /**
   * Bytes of broadcasts waiting for one member (not yet accepted by its
   * send buffer) before further broadcasts skip it. Default 1 MiB.
   */
  maxQueuedPerMember?: number;
  /** Where the close deadline runs. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/**
 * What one {@link StreamGroup.writeAll} did.
 *
 * @example
 * ```ts
 * group.writeAll(Buffer.from('news\n')).subscribe(({ queued, skipped }: BroadcastResult) =>
 *   console.log(`${queued} members got it, ${skipped} too slow`),
 * );
 * ```
 */
export interface BroadcastResult {
  /** Members that queued the message. */
  readonly queued: number;
  /** Members that skipped it: their queue was full (slow), or they were not writable. */
  readonly skipped: number;
}

/**
 * Counters of a {@link StreamGroup}, for dashboards.
 *
 * @example
 * ```ts
 * const { size, added, left, skipped, queuedBytes }: StreamGroupStats = group.stats();
 * console.log(`${size} members (${added} joined, ${left} left), ${queuedBytes} B queued, ${skipped} skipped`);
 * ```
 */
export interface StreamGroupStats {
  /** Members now. */
  readonly size: number;
  /** Streams added so far. */
  readonly added: number;
  /** Members that left (closed, failed or removed). */
  readonly left: number;
  /** Messages skipped for a member with a full queue, over all members. */
  readonly skipped: number;
  /** Bytes waiting for members, over all members. */
  readonly queuedBytes: number;
}
