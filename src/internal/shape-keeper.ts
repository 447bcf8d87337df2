/**
 * Keeps the hidden classes of a stream's objects alive between streams.
 *
 * V8 gives objects hidden classes ("maps") as their fields are made, holds
 * the maps an object moves through only weakly, and compiles the read and
 * write paths against them. When a process has no stream left for a
 * moment (a client that connects, transfers and closes, one at a time) a
 * garbage collection frees those maps: the next stream's objects get new
 * ones, and the compiled code (and what V8 learnt about the fields: which
 * never change, which hold what) is thrown away and made again, in the
 * middle of that stream's first transfer. One idle stream kept for the life
 * of the process keeps the maps. It has no socket, no timer and no
 * listener, and costs the objects of one stream, once.
 *
 * Measured with `npm run bench:runs -- --only=tcp-recv-into --trace-opt`
 * (Node 24; each child warms up over one stream, collects it, then measures
 * over another): V8 compiled 52-54 functions in the first measured run and
 * 26-30 in the second without the keeper, 42-46 and 6-7 with it; under
 * `--trace-deopt` in the same set-up, the first measured run marked none of
 * the compiled code for deoptimization (15-16 before).
 *
 * @module
 */
import { StreamKind } from '../status';
import type { Transport } from '../transport';

const kept: object[] = [];

/** Keeps `stream` (an idle stream over {@link idleTransport}) for the life of the process. */
export function keepShapes(stream: object): void {
  kept.push(stream);
}

/** What is kept (for the specs). */
export function keptShapes(): readonly object[] {
  return kept;
}

/** A transport that never moves a byte: the shape keeper's. */
export function idleTransport(): Transport {
  return {
    kind: StreamKind.Memory,
    fd: -1,
    lingers: false,
    renegotiating: false,
    start: () => undefined,
    resume: () => undefined,
    pause: () => undefined,
    write: () => false,
    end: () => undefined,
    destroy: () => undefined,
    release: () => undefined,
  };
}
