/**
 * The fault-proxy property (issue 14): a stream sends a random payload to a
 * stream through a {@link FaultProxy} that splits it into 1-byte segments,
 * pauses it, resets both sides mid-transfer, cuts it with a one-way FIN, or
 * black-holes it. For every run: nothing throws, every status is from the
 * documented set, the receiver gets a prefix of the payload — all of it and
 * a clean end when the fault loses nothing — and the sender never reports
 * success for bytes a reset lost before they reached the proxy's far side.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import fc from 'fast-check';
import { lastValueFrom, tap } from 'rxjs';
import { createTCP, createTLS, Status, StreamError, type Stream } from '../../../src';
import { testCerts } from '../../../tools/certs';
import { FaultProxy, type ProxiedConnection } from './fault-proxy';
import { close, listen, portOf } from './pairs';

/** A fault the proxy applies to the sender → receiver direction. */
export type Fault = 'pass' | 'split' | 'pause' | 'rst' | 'fin' | 'blackhole';

export interface FaultRun {
  readonly fault: Fault;
  readonly size: number;
  /** For rst/fin: the fault strikes once the proxy has seen this share of the payload. */
  readonly at: number;
}

export function faultRunArb(maxSize: number): fc.Arbitrary<FaultRun> {
  return fc.record({
    fault: fc.constantFrom<Fault>('pass', 'split', 'pause', 'rst', 'fin', 'blackhole'),
    size: fc.integer({ min: 1, max: maxSize }),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
  });
}

const DOCUMENTED: readonly string[] = Object.values(Status);

/** A transport the property runs over: a listening server of streams, reached through a proxy. */
export class FaultBed {
  readonly #server: net.Server;
  readonly #accepted: Array<(s: Stream) => void> = [];
  #proxy: FaultProxy | null = null;

  private constructor(
    readonly name: 'tcp' | 'tls',
    server: net.Server,
  ) {
    this.#server = server;
  }

  static tcp(): FaultBed {
    const server = net.createServer({ allowHalfOpen: true });
    const bed = new FaultBed('tcp', server);
    server.on('connection', (s: net.Socket) => bed.#accepted.shift()?.(createTCP(s)));
    return bed;
  }

  static tls(): FaultBed {
    const certs = testCerts();
    const server = tls.createServer({
      key: certs.server.key,
      cert: certs.server.cert,
      allowHalfOpen: true,
    });
    const bed = new FaultBed('tls', server);
    server.on('tlsClientError', () => undefined); // a reset during the handshake
    server.on('secureConnection', (s: tls.TLSSocket) => {
      s.on('error', () => undefined); // after destroy
      bed.#accepted.shift()?.(createTLS(s));
    });
    return bed;
  }

  async start(): Promise<void> {
    await listen(this.#server);
    this.#proxy = await FaultProxy.start(portOf(this.#server));
  }

  async stop(): Promise<void> {
    await this.#proxy?.stop();
    await close(this.#server);
  }

  /** A connected [sender, receiver] pair through the proxy, and the proxied link. */
  async open(): Promise<{ a: Stream; b: Stream; link: ProxiedConnection; raw: net.Socket }> {
    const proxy = this.#proxy as FaultProxy;
    const receiver = new Promise<Stream>((resolve) => this.#accepted.push(resolve));
    const link = proxy.next();
    let raw: net.Socket;
    if (this.name === 'tcp') {
      raw = net.connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true });
      await new Promise<void>((resolve, reject) => {
        raw.once('connect', resolve);
        raw.once('error', reject);
      });
      raw.on('error', () => undefined);
      return { a: createTCP(raw), b: await receiver, link: await link, raw };
    }
    const certs = testCerts();
    const t = tls.connect({
      port: proxy.port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: certs.ca,
    });
    await new Promise<void>((resolve, reject) => {
      t.once('secureConnect', resolve);
      t.once('error', reject);
    });
    t.on('error', () => undefined);
    raw = t;
    return { a: createTLS(t), b: await receiver, link: await link, raw };
  }
}

type End = 'ok' | string;

async function settle(p: Promise<unknown>): Promise<End> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    if (StreamError.is(error)) return error.status;
    return `not a StreamError: ${String(error)}`;
  }
}

/** Runs one fault; throws (fails the property) on a violation. */
export async function runFault(bed: FaultBed, run: FaultRun): Promise<number> {
  const { a, b, link, raw } = await bed.open();
  const problems: string[] = [];
  // 1-byte splitting costs a write per byte: capped, so a run stays far below the guard.
  const size = run.fault === 'split' ? Math.min(run.size, 64 * 1024) : run.size;
  const payload = randomBytes(size);
  const received: Buffer[] = [];
  const strikeAt = Math.floor(run.at * size);
  const lossless = run.fault === 'pass' || run.fault === 'split' || run.fault === 'pause';
  if (run.fault === 'split') link.mode('toServer', 'split');
  if (run.fault === 'pause' || run.fault === 'blackhole') link.mode('toServer', 'hold');
  const base = link.received.toServer;
  let struck = false;
  let finFirst = false; // the sender's FIN went through before the reset
  const watch = setInterval(() => {
    if (struck || link.received.toServer - base < strikeAt) return;
    struck = true;
    if (run.fault === 'rst') {
      finFirst = link.endForwarded.toServer;
      link.reset();
    }
    if (run.fault === 'fin') link.cut('toServer');
    if (run.fault === 'pause') link.release('toServer');
  }, 1);
  const reading = settle(
    lastValueFrom(b.reads$.pipe(tap((c) => received.push(Buffer.from(c)))), {
      defaultValue: null,
    }),
  );
  const writing = settle(lastValueFrom(a.writeAll(payload)));
  const w = await writing;
  const shut = a.shutdownWrite();
  if (!DOCUMENTED.includes(shut)) problems.push(`shutdownWrite answered ${shut}`);
  // The black hole never ends; everything else ends within loopback time (guard only).
  const guard = run.fault === 'blackhole' ? 50 : 10_000;
  const r = await Promise.race([
    reading,
    new Promise<End>((resolve) => setTimeout(() => resolve('guard'), guard)),
  ]);
  clearInterval(watch);
  const got = Buffer.concat(received);
  if (!payload.subarray(0, got.length).equals(got))
    problems.push('received bytes are not a prefix');
  for (const [what, end] of [
    ['writeAll', w],
    ['reads$', r],
  ] as const) {
    if (end !== 'ok' && end !== 'guard' && !DOCUMENTED.includes(end))
      problems.push(`${what} ended ${end}`);
  }
  if (lossless) {
    if (r !== 'ok') problems.push(`${run.fault}: reads$ ended ${r}, expected a clean end`);
    if (!got.equals(payload)) problems.push(`${run.fault}: got ${got.length} of ${size}`);
    if (w !== 'ok') problems.push(`${run.fault}: writeAll ended ${w}`);
  }
  // On TCP a reset before the sender's FIN is never a clean end (README, "What a reset can
  // and cannot tell you"); on TLS it can look like a FIN without close_notify (the
  // truncation limit).
  if (bed.name === 'tcp' && run.fault === 'rst' && struck && !finFirst && r !== Status.SysError) {
    problems.push(`rst: reads$ ended ${r}`);
  }
  if (run.fault === 'blackhole' && got.length > 0) problems.push('bytes crossed a black hole');
  if (run.fault === 'blackhole' && r !== 'guard') problems.push(`black hole: reads$ ended ${r}`);
  a.destroy();
  b.destroy();
  raw.destroy();
  link.destroy();
  if (problems.length > 0) throw new Error(`${run.fault}: ${problems.join('; ')}`);
  return got.length;
}
