import type { Subscriber } from 'rxjs';
import { deliverNow, type Host } from '../../src/internal/host';
import type { Transport } from '../../src/transport';

/** A direct host over a transport that records writes and completes them when told. */
export function fakeHost(): { host: Host; written: Buffer[]; complete(): void } {
  const written: Buffer[] = [];
  const pending: Array<(error?: unknown) => void> = [];
  const transport = {
    renegotiating: false,
    resume: () => undefined,
    pause: () => undefined,
    write(chunks: readonly Buffer[], done: (error?: unknown) => void): boolean {
      written.push(...chunks.map((c) => Buffer.from(c)));
      pending.push(done);
      return false;
    },
    end: (done: (error?: unknown) => void) => done(),
  } as unknown as Transport;
  const host: Host = {
    transport,
    direct: true,
    deliver: (work) => deliverNow(work),
    deliverTo: (
      work: (a: unknown, b: unknown, c: unknown) => void,
      a: unknown,
      b: unknown,
      c?: unknown,
    ) => deliverNow(work, a, b, c),
    defer: (work) => queueMicrotask(work),
    fatal: null,
    fail: (error) => {
      throw error;
    },
    useAsync: () => undefined,
    closeNow: (done) => done(),
    sent: () => undefined,
    drained: () => undefined,
    writeSettled: () => undefined,
  };
  return { host, written, complete: () => pending.splice(0).forEach((done) => done()) };
}

/** A subscriber that records what a write operation emits. */
export function recorder(): { sub: Subscriber<number>; results: number[] } {
  const results: number[] = [];
  const sub = {
    closed: false,
    next: (n: number) => results.push(n),
    error: fail,
    complete: () => undefined,
  } as unknown as Subscriber<number>;
  return { sub, results };
}
