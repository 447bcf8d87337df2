/**
 * Shared helpers of the interop specs: real Node servers on 127.0.0.1 port
 * 0, real clients over rxstream, byte payloads with their sha256, and one
 * cleanup list. Event-driven; nothing sleeps.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type * as net from 'node:net';
import type { Duplex } from 'node:stream';

/** What a spec opened, closed in afterEach. */
export class Opened {
  #closers: (() => Promise<void> | void)[] = [];

  /** Destroys `duplex` at cleanup (its errors after the spec are ignored). */
  duplex<D extends Duplex>(duplex: D): D {
    duplex.on('error', ignore);
    this.#closers.push(() => void duplex.destroy());
    return duplex;
  }

  /** Closes `server` at cleanup, destroying whatever it still holds. */
  server<S extends net.Server>(server: S): S {
    const sockets = new Set<net.Socket>();
    server.on('connection', (s: net.Socket) => {
      s.on('error', ignore);
      sockets.add(s);
    });
    this.#closers.push(async () => {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    });
    return server;
  }

  /** Runs `close` at cleanup. */
  add(close: () => Promise<void> | void): void {
    this.#closers.push(close);
  }

  async run(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close();
  }
}

export function ignore(): void {}

/** Listens on 127.0.0.1 port 0; resolves the port. */
export async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

/** A payload of `blocks` random 1 MiB blocks (one block repeated, each block's first byte its index). */
export interface Payload {
  readonly size: number;
  readonly sha256: string;
  /** The `i`-th block. */
  block(i: number): Buffer;
  readonly blocks: number;
}

export function payload(mebibytes: number): Payload {
  const base = randomBytes(1024 * 1024);
  const block = (i: number): Buffer => {
    const b = Buffer.from(base);
    b.writeUInt32BE(i, 0);
    return b;
  };
  const hash = createHash('sha256');
  for (let i = 0; i < mebibytes; i++) hash.update(block(i));
  return { size: mebibytes * 1024 * 1024, sha256: hash.digest('hex'), block, blocks: mebibytes };
}

/** Writes a payload to `out` with backpressure, in 64 KiB pieces; then ends it. */
export async function writePayload(
  out: NodeJS.WritableStream & { write(c: Buffer): boolean; end(): unknown },
  p: Payload,
): Promise<void> {
  for (let i = 0; i < p.blocks; i++) {
    const b = p.block(i);
    for (let off = 0; off < b.length; off += 64 * 1024) {
      if (!out.write(b.subarray(off, off + 64 * 1024))) await once(out, 'drain');
    }
  }
  out.end();
}

/** sha256 and size of everything `source` yields. */
export async function digest(
  source: AsyncIterable<Uint8Array | string>,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}
