/**
 * The synchronous run the process is in: a number that changes once the
 * current run of JavaScript ends (at the next microtask checkpoint). Lets a
 * stream tell "another write in the same run" from "a write of a later
 * event" without a timer or a microtask per stream: one microtask per run,
 * for all streams, and only in runs that ask.
 *
 * @module
 */

let run = 0;
let ending = false;

function endRun(): void {
  run += 1;
  ending = false;
}

/** The current run's number; its end is scheduled by this call. */
export function currentRun(): number {
  if (!ending) {
    ending = true;
    queueMicrotask(endRun);
  }
  return run;
}
