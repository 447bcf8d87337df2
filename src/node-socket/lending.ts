/**
 * Reading the library's own sockets and TLS sessions through Node's
 * `onread` option: {@link connectLending}, {@link connectLendingTLS} and
 * their {@link LendingReader}, which lends each read to the socket's
 * transport (see `SocketTransport`).
 *
 * @module
 */
import * as net from 'node:net';
import type { NetConnectOpts, Socket } from 'node:net';
import * as tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { copyOf } from '../internal/byte-queue';
import { isAllocationFailure } from '../internal/alloc';
import type { LendOutcome } from '../transport';

/** Where a socket made by {@link connectLending} keeps its reader. */
const kReader = Symbol('rxstream.reader');
type LendingSocket = Socket & { [kReader]?: LendingReader };

/** What a reader lends its reads to (the socket's transport). */
export interface LendTarget {
  /** One read; `mayKeep` when its buffer is the socket's own, which the stream may keep. */
  onLend(view: Buffer, mayKeep: boolean): LendOutcome;
  /** A caller's buffer to read the next bytes into (`readsInto`), or null. */
  nextBuffer(): Buffer | null;
}

/** The reader of a socket made by {@link connectLending}, or undefined. */
export function readerOf(socket: Socket): LendingReader | undefined {
  return (socket as LendingSocket)[kReader];
}

/** Size of the shared read buffer: what Node's own read path allocates per read. */
const READ_BUFFER = 64 * 1024;
/**
 * Sizes of a socket's own read buffer (bulk kept by the consumer), adapted
 * to what the kernel has at each read, as Netty's adaptive receive buffer
 * is: from Node's 64 KiB, doubling after a read that filled it, halving after
 * one that filled less than half. A transfer reads 256 KiB at a time (a
 * quarter of the reads, callbacks and chunks: `reads$` of 1 GiB on Node 24,
 * `npm run bench -- --only=tcp-recv`, CPU 0.82-0.88x raw `'data'` against
 * 0.93-0.99x at 64 KiB; 1 MiB measured worse, with more partial reads); a
 * socket among a thousand, whose reads find less, stays near 64 KiB instead
 * of making a big buffer for a read it then copies out.
 */
const OWN_MIN = READ_BUFFER;
const OWN_MAX = 256 * 1024;
/**
 * Bytes of large reads that a consumer held on to (kept, or had to have
 * copied) past which a socket may get buffers of its own: more than one
 * buffer's worth, so a single 64 KiB message never leads to one.
 */
const TO_OWN_AFTER = READ_BUFFER;
/** Reads in a row that a consumer let go of (copied out whole) that end that. */
const TO_SHARED_AFTER = 4;

/**
 * The read buffer every lending socket without one of its own reads into.
 * Reads run one at a time on the event loop and the stream is done with the
 * bytes (copied them out) before the callback returns, so one buffer serves
 * them all: idle sockets hold no read memory. It is never kept or replaced:
 * Node fixes a socket's next read buffer when its previous read completes,
 * so every socket that got this one then reads into it, whenever its bytes
 * come (a chunk kept out of it was overwritten by the next socket's read:
 * `spec/integration/lending.spec.ts`, many streams reading at once).
 */
let shared: Buffer | null = null;

/**
 * Reads a socket through Node's `onread` option: into a buffer of ours
 * instead of a fresh one per read, with no Readable layer in between. Each
 * read is lent to the stream (`TransportEvents.lend`).
 *
 * A socket reads into the {@link shared} buffer; the stream copies what it
 * keeps, so `tryRead`/`read` loops allocate nothing per read. When a
 * consumer holds on to bulk (more than {@link TO_OWN_AFTER} bytes of large
 * reads, as `reads$` of a transfer does) and a read filled its buffer (the
 * kernel has more), the next read goes into a new buffer of the socket's
 * own ({@link OWN_MIN}-{@link OWN_MAX}), which the stream keeps without a copy. Only
 * then: such a buffer is made a read ahead, and one that waits for data (a
 * read that did not fill its buffer, many sockets taking turns) outlives a
 * young-generation GC; at 1,000 streams those doubled the GC time of raw
 * Node's path. A read that does not fill a socket's own buffer is copied out
 * at its size and the buffer kept for the next read, so a chunk never holds
 * more memory than its bytes. At most {@link WAIT_BUDGET} of buffers of their
 * own (all sockets together) wait for data, each given up at the next read, a
 * detach or a close; past it, sockets read into the shared buffer.
 */
export class LendingReader {
  /** The buffer of this socket's own for the next read, or null for the shared one. */
  own: Buffer | null = null;
  #held = 0; // bytes of large reads the consumer held on to lately
  #letGo = 0; // reads in a row the consumer let go of
  #ownSize = OWN_MIN; // size of the next buffer of its own (see OWN_MIN)
  #target: LendTarget | null = null;
  #early: Buffer[] | null = null; // bytes read before the transport started (copied, in order)

  /**
   * Lends later reads to `target`; returns the bytes read before, in order,
   * and the allocation failure that lost the ones after them (or null).
   */
  attach(target: LendTarget): { readonly early: readonly Buffer[]; readonly lost: unknown } {
    this.#target = target;
    const early = this.#early ?? [];
    this.#early = null;
    return { early, lost: this.#lost };
  }

  #lost: unknown = null; // no memory to keep an early read: it and later ones are lost

  #keepEarly(view: Buffer): void {
    if (this.#lost !== null) return;
    try {
      (this.#early ??= []).push(copyOf(view));
    } catch (error) {
      if (!isAllocationFailure(error)) throw error;
      this.#lost = error;
    }
  }

  #caller: Buffer | null = null; // the caller's buffer the next read goes into (see next), or null

  /**
   * The buffer of the next read: a caller's (`readsInto`: the stream emits
   * the read without a copy), else this socket's own, else null (shared).
   */
  next(): Buffer | null {
    const caller = this.#target?.nextBuffer() ?? null;
    this.#caller = caller;
    if (caller === null) return this.own;
    this.release(); // a buffer of its own would wait as long as the caller reads
    this.own = null;
    return caller;
  }

  /** One read of `n` bytes into `buf`. */
  read(n: number, buf: Buffer): void {
    const view = n === buf.length ? buf : buf.subarray(0, n); // a full read needs no new view
    const caller = this.#caller;
    // Compared by memory: a runtime may hand back another view of the buffer it was given.
    if (caller !== null && buf.buffer === caller.buffer && buf.byteOffset === caller.byteOffset) {
      // Into a caller's buffer: never kept (it is theirs), and nothing to learn from for ours.
      this.#caller = null;
      if (this.#target === null) this.#keepEarly(view);
      else this.#target.onLend(view, false);
      return;
    }
    this.release();
    if (this.#target === null) this.#keepEarly(view);
    else {
      // A partial read is copied out (exactly its size) and its buffer read into again: kept,
      // it would pin the whole buffer for fewer bytes. A read of the shared buffer is never
      // kept (see `shared`).
      const mine = buf === this.own;
      const full = n === buf.length;
      const outcome = this.#target.onLend(view, full && mine);
      this.#settle(outcome, n, mine, full);
    }
  }

  #counted = 0; // bytes of `own` counted in `waiting`

  /** Takes `own` out of `waiting` (its read came, or the socket is done). */
  release(): void {
    waiting -= this.#counted;
    this.#counted = 0;
  }

  /** Picks the buffer of the next read from what the stream did with this one. */
  #settle(outcome: LendOutcome, n: number, mine: boolean, full: boolean): void {
    if (outcome === 'free') {
      if (++this.#letGo >= TO_SHARED_AFTER) this.#held = 0;
    } else {
      this.#held += n;
      this.#letGo = 0;
    }
    if (mine) {
      const size = this.#ownSize;
      if (full) this.#ownSize = Math.min(OWN_MAX, size * 2);
      else if (n < size >>> 1) this.#ownSize = Math.max(OWN_MIN, size >>> 1);
    }
    const own = this.own;
    if (this.#held > TO_OWN_AFTER && full) {
      // The last one is the stream's now, unless it was copied out: then it is reused. Past
      // the budget, or without memory for one, the next read goes into the shared buffer (a
      // copy, no loss): at 1,000 streams, a buffer made for every socket whose read filled
      // its buffer waited for its turn among the others (aggregate receive at CPU 1.48x raw,
      // 1.17-1.32x within a budget; `npm run bench -- --only=aggregate`).
      const reused = own !== null && outcome !== 'kept' && own.length === this.#ownSize;
      if (waiting >= WAIT_BUDGET) this.own = null;
      else if (!reused) this.own = allocateOrNull(this.#ownSize);
      this.#wait();
    } else if (
      mine &&
      own !== null &&
      own.length <= this.#ownSize && // one bigger than reads find now is given up
      outcome !== 'kept' &&
      this.#held > TO_OWN_AFTER &&
      waiting < WAIT_BUDGET
    ) {
      // Copied out of its own buffer by a partial read: dropping the buffer would waste it
      // (at 10-100 streams that doubled the bytes allocated per byte received, and with them
      // the mark-compacts V8 runs for external memory). It waits for the next read, within
      // a budget of such buffers.
      this.#wait();
    } else {
      this.own = null;
    }
  }

  /** Counts `own` (if any) in {@link waiting} until its read comes ({@link release}). */
  #wait(): void {
    const size = this.own?.length ?? 0;
    waiting += size;
    this.#counted = size;
  }
}

/**
 * Bytes of buffers of their own that sockets may wait for data with, all
 * sockets together (see #settle): the ones made for the read after a full
 * one, and the ones a partial read was copied out of. Past it a socket
 * reads into the shared buffer, and its full reads are copied out too: at
 * 100 streams 4 MiB cost 4-14% more user CPU than 16 MiB, and 64 MiB gained
 * nothing at 1,000 (`bench/profile.ts aggregate-100 rx 5`, and `-1000`).
 */
export const WAIT_BUDGET = 16 * 1024 * 1024;
let waiting = 0;

/**
 * The buffer Node reads into next, chosen by the read callback that ran just
 * before (Node asks right after each callback; null: the shared buffer).
 */
let nextBuffer: Buffer | null = null;

function lendBuffer(): Buffer {
  const buffer = nextBuffer ?? (shared as Buffer); // made by connectLending
  nextBuffer = null;
  return buffer;
}

/** A fresh buffer, or null when there is no memory for one. */
function allocateOrNull(size: number): Buffer | null {
  try {
    return Buffer.allocUnsafe(size);
  } catch (error) {
    if (!isAllocationFailure(error)) throw error;
    return null;
  }
}

/**
 * The read callback of every lending socket: Node calls it with the socket
 * as `this`, so one function serves them all (no closure per socket).
 */
function lendingRead(this: Socket, n: number, buf: Uint8Array): boolean {
  return readInto((this as LendingSocket)[kReader] as LendingReader, n, buf);
}

function readInto(reader: LendingReader, n: number, buf: Uint8Array): boolean {
  reader.read(n, buf as Buffer);
  nextBuffer = reader.next();
  return true; // the stream pauses the socket itself (readStop) when it must
}

/** The `onread` option of every lending socket on Node (see {@link connectLending}). */
const SHARED_ONREAD: net.OnReadOpts = { buffer: lendBuffer, callback: lendingRead };

/** Bun calls the `onread` callback without the socket as `this`. */
const onreadWithoutThis = typeof process.versions.bun === 'string';

/**
 * `net.connect` for sockets the library owns, reading through a
 * {@link LendingReader}: nobody else holds such a socket, so nobody else
 * can expect its `'data'` events. Node calls the `onread` callback with the
 * socket as `this`, so every socket shares one; Bun does not, and gets a
 * closure over its reader.
 */
export function connectLending(options: NetConnectOpts): Socket {
  return lendingSocket((onread) => net.connect({ ...options, onread }));
}

/**
 * Whether `tls.connect` here reads a session through `onread`: Node's does
 * (one callback per TLS record, up to 16 KiB, into the buffer given, where
 * `'data'` allocates a fresh buffer for each record); Bun and Deno are left
 * on `'data'`, which they are tested with.
 */
export const TLS_LENDS = typeof process.versions.bun !== 'string' && !('Deno' in globalThis);

/**
 * `tls.connect` for sessions the library owns, reading through a
 * {@link LendingReader} as {@link connectLending}'s sockets do. Only for a
 * session over a connection of its own: with `options.socket` Node ignores
 * `onread` and the bytes come as `'data'` (so that takes plain `tls.connect`).
 */
export function connectLendingTLS(options: tls.ConnectionOptions): TLSSocket {
  return lendingSocket((onread) => {
    // Documented for tls.connect (Node 15.1+), not in @types/node's ConnectionOptions.
    const withOnread: tls.ConnectionOptions & { onread: net.OnReadOpts } = { ...options, onread };
    return tls.connect(withOnread);
  });
}

/** Makes a socket with `open`, reading through a new {@link LendingReader}. */
function lendingSocket<S extends Socket>(open: (onread: net.OnReadOpts) => S): S {
  // Made here, where a failure is the connect's error (OutOfMemory), not in a socket callback.
  shared ??= Buffer.allocUnsafe(READ_BUFFER);
  const reader = new LendingReader();
  const onread: net.OnReadOpts = onreadWithoutThis
    ? { buffer: lendBuffer, callback: (n, buf) => readInto(reader, n, buf) }
    : SHARED_ONREAD;
  const socket = open(onread);
  (socket as LendingSocket)[kReader] = reader;
  return socket;
}
