/**
 * A fuzz property over the public API (issue 14): random sequences of
 * write-side calls with exotic buffers (subclasses with lying getters,
 * Proxies, fakes, detached and SharedArrayBuffer-backed buffers, zero
 * length, subarrays) and re-entrant calls from `writable$` and `state$`
 * observers, on one end of a connected pair while the other end reads.
 *
 * Asserted for every sequence: no call throws (creation is not fuzzed),
 * every status is from the documented set, and the peer receives exactly
 * the bytes the calls accepted, in order.
 */
import fc from 'fast-check';
import { lastValueFrom, tap } from 'rxjs';
import { Status, StreamError, type Stream } from '../../../src';
import type { PairFactory } from './pairs';

const STATUSES: readonly string[] = Object.values(Status);

/** The kinds of buffer a call gets. */
const KINDS = [
  'plain',
  'buffer',
  'subarray',
  'empty',
  'shared',
  'liar',
  'proxy',
  'fake',
  'detached',
  'uint16',
  'dataview',
] as const;
type Kind = (typeof KINDS)[number];

class Liar extends Uint8Array {
  override get length(): number {
    return super.length * 3000;
  }
  override get byteLength(): number {
    return super.byteLength + 7;
  }
}

/** Makes a buffer of `kind` with `n` bytes of `fill` where it has real bytes. */
function make(kind: Kind, n: number, fill: number): Uint8Array {
  switch (kind) {
    case 'plain':
      return new Uint8Array(n).fill(fill);
    case 'buffer':
      return Buffer.alloc(n, fill);
    case 'subarray':
      return new Uint8Array(n + 16).fill(fill).subarray(8, 8 + n);
    case 'empty':
      return new Uint8Array(0);
    case 'shared':
      return new Uint8Array(new SharedArrayBuffer(n)).fill(fill);
    case 'liar':
      return new Liar(n).fill(fill);
    case 'proxy':
      return new Proxy(new Uint8Array(n).fill(fill), {});
    case 'fake':
      return Object.create(Uint8Array.prototype) as Uint8Array;
    case 'detached': {
      const b = new Uint8Array(new ArrayBuffer(n)).fill(fill);
      structuredClone(b.buffer, { transfer: [b.buffer] });
      return b;
    }
    case 'uint16':
      return new Uint16Array(n).fill(fill) as unknown as Uint8Array;
    case 'dataview':
      return new DataView(new ArrayBuffer(n)) as unknown as Uint8Array;
  }
}

/** The bytes a call accepting `count` bytes of `buf` sends (read through the intrinsics). */
function realBytes(buf: Uint8Array, count: number): Buffer {
  const view = new Uint8Array(
    Reflect.get(
      Object.getPrototypeOf(Uint8Array.prototype) as object,
      'buffer',
      buf,
    ) as ArrayBuffer,
    Reflect.get(Object.getPrototypeOf(Uint8Array.prototype) as object, 'byteOffset', buf) as number,
    count,
  );
  return Buffer.from(view);
}

/** One step of a sequence. */
export interface Step {
  readonly op: 'tryWrite' | 'write' | 'writeAll' | 'flush' | 'tryReadOnWriter';
  readonly kind: Kind;
  readonly size: number;
  readonly len: number | undefined;
}

/** A sequence: steps, and which observers call back into the stream. */
export interface Sequence {
  readonly steps: readonly Step[];
  readonly reenterWritable: boolean;
  readonly reenterState: boolean;
}

/** Sequences of up to 12 steps with small buffers. */
export function sequenceArb(): fc.Arbitrary<Sequence> {
  const step = fc.record({
    op: fc.constantFrom('tryWrite', 'write', 'writeAll', 'flush', 'tryReadOnWriter'),
    kind: fc.constantFrom(...KINDS),
    size: fc.integer({ min: 0, max: 3000 }),
    len: fc.option(fc.integer({ min: -2, max: 3100 }), { nil: undefined }),
  }) as fc.Arbitrary<Step>;
  return fc.record({
    steps: fc.array(step, { minLength: 1, maxLength: 12 }),
    reenterWritable: fc.boolean(),
    reenterState: fc.boolean(),
  });
}

/** Runs one sequence on a fresh pair; throws (fails the property) on any violation. */
export async function runSequence(factory: PairFactory, seq: Sequence): Promise<number> {
  const pair = await factory.open({ sendBufferSize: 4096 });
  const { a, b } = pair;
  const accepted: Buffer[] = [];
  const problems: string[] = [];
  let fill = 1;
  let asyncPending = false;
  const check = (what: string, status: string): void => {
    if (!STATUSES.includes(status)) problems.push(`${what}: status ${status} not documented`);
  };
  /** A synchronous call that must not throw. */
  const safely = <T>(what: string, call: () => T): T | undefined => {
    try {
      return call();
    } catch (error) {
      problems.push(`${what} threw ${String(error)}`);
      return undefined;
    }
  };
  const tryWrite = (kind: Kind, size: number, len: number | undefined, what: string): void => {
    const buf = make(kind, size, fill);
    fill = (fill % 250) + 1;
    const r = safely(what, () => a.tryWrite(buf, len));
    if (r === undefined) return;
    check(what, r.status);
    if (r.status === Status.OK && r.bytes > 0) accepted.push(realBytes(buf, r.bytes));
    else if (r.bytes !== 0) problems.push(`${what}: ${r.status} with ${r.bytes} bytes`);
  };
  const received: Buffer[] = [];
  const reading = lastValueFrom(b.reads$.pipe(tap((c) => received.push(Buffer.from(c)))), {
    defaultValue: null,
  });
  const subs = [
    seq.reenterWritable
      ? a.writable$.subscribe(() => {
          // Re-entrant: a valid write only when no operation could interleave its bytes.
          if (asyncPending) tryWrite('proxy', 4, undefined, 're-entrant tryWrite (busy)');
          else tryWrite('plain', 17, undefined, 're-entrant tryWrite');
        })
      : null,
    seq.reenterState
      ? a.state$.subscribe(() => {
          tryWrite('liar', 3, undefined, 'tryWrite from state$');
          const r = safely('tryRead from state$', () => a.tryRead(new Uint8Array(4)));
          if (r !== undefined) check('tryRead from state$', r.status);
        })
      : null,
  ];
  for (const [i, step] of seq.steps.entries()) {
    const what = `step ${i} ${step.op}(${step.kind}, ${step.size}, ${String(step.len)})`;
    if (step.op === 'tryWrite') {
      tryWrite(step.kind, step.size, step.len, what);
      continue;
    }
    if (step.op === 'tryReadOnWriter') {
      const r = safely(what, () => a.tryRead(make(step.kind, step.size, 0), step.len));
      if (r !== undefined) check(what, r.status);
      continue;
    }
    const buf = make(step.kind, step.size, fill);
    fill = (fill % 250) + 1;
    const source = safely(what, () =>
      step.op === 'flush'
        ? a.flush()
        : step.op === 'write'
          ? a.write(buf, step.len)
          : a.writeAll(buf, step.len),
    );
    if (source === undefined) continue;
    asyncPending = true;
    try {
      const n = await lastValueFrom(source as ReturnType<Stream['write']>, { defaultValue: 0 });
      if (step.op !== 'flush' && typeof n === 'number' && n > 0) accepted.push(realBytes(buf, n));
    } catch (error) {
      if (!StreamError.is(error)) problems.push(`${what} errored with ${String(error)}`);
      else check(what, error.status);
      // Bad input is refused before any byte is taken (Invalid); nothing else may happen here.
      if (StreamError.is(error) && error.status !== Status.Invalid) {
        problems.push(`${what}: ${error.status} on a healthy pair`);
      }
    } finally {
      asyncPending = false;
    }
  }
  const shut = safely('shutdownWrite', () => a.shutdownWrite());
  if (shut !== undefined && shut !== Status.OK) problems.push(`shutdownWrite answered ${shut}`);
  await reading.catch((error: unknown) => problems.push(`reads$ errored: ${String(error)}`));
  for (const s of subs) s?.unsubscribe();
  pair.dispose();
  const want = Buffer.concat(accepted);
  const got = Buffer.concat(received);
  if (!got.equals(want)) problems.push(`peer got ${got.length} bytes, ${want.length} accepted`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return got.length;
}
