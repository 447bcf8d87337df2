/**
 * Bad-input matrix: every public function and method × each invalid
 * argument or state gets the documented answer — an `Invalid` status from
 * the try-once calls, a `StreamError` with status Invalid (code 3) from the
 * observables, a thrown `StreamError` Invalid from the factories — never an
 * uncaught exception; and a following valid transfer on the same stream
 * still delivers every byte, and no stray one.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { lastValueFrom, toArray, type Observable } from 'rxjs';
import {
  ErrorCode,
  Status,
  StreamError,
  StreamState,
  connectTCP,
  connectTLS,
  createTCP,
  createTLS,
  listenTCP,
  listenTLS,
  memoryPair,
  type Stream,
} from '../../src';
import { testCerts } from '../../tools/certs';
import { close, listen, portOf, tcpPairs, type PairFactory } from './support/pairs';
import { errorOf, handlesBackTo, tcpHandles } from './support/peers';

/** A Uint8Array whose ArrayBuffer has been transferred away (length 0). */
function detached(): Uint8Array {
  const u = new Uint8Array(16);
  structuredClone(u.buffer, { transfer: [u.buffer] });
  return u;
}

const BAD_BUFFERS: [string, () => unknown][] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['a string', () => 'abc'],
  ['a plain object', () => ({ length: 4 })],
  ['an array of numbers', () => [1, 2, 3]],
  ['a number', () => 42],
  ['an ArrayBuffer', () => new ArrayBuffer(8)],
  ['a DataView', () => new DataView(new ArrayBuffer(8))],
  ['a zero-length buffer', () => Buffer.alloc(0)],
  ['a detached buffer', detached],
];

const BAD_LENGTHS: [string, unknown][] = [
  ['negative', -1],
  ['zero', 0],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['fractional', 1.5],
  ['past the buffer', 17],
  ['oversized', 2 ** 53],
  ['a string', '4'],
  ['null', null],
  ['an object', {}],
];

type Call = (
  s: Stream,
  buf: unknown,
  n: unknown,
) => { sync: Status } | { obs: Observable<unknown> };
const READ_CALLS: [string, Call][] = [
  ['tryRead', (s, b, n) => ({ sync: s.tryRead(b as Uint8Array, n as number).status })],
  ['read', (s, b, n) => ({ obs: s.read(b as Uint8Array, n as number) })],
];
const WRITE_CALLS: [string, Call][] = [
  ['tryWrite', (s, b, n) => ({ sync: s.tryWrite(b as Uint8Array, n as number).status })],
  ['write', (s, b, n) => ({ obs: s.write(b as Uint8Array, n as number) })],
  ['writeAll', (s, b, n) => ({ obs: s.writeAll(b as Uint8Array, n as number) })],
];

/** Checks the documented refusal of one call. */
async function expectRefused(
  answer: { sync: Status } | { obs: Observable<unknown> },
): Promise<void> {
  if ('sync' in answer) {
    expect(answer.sync).toBe(Status.Invalid);
    return;
  }
  const e = await errorOf(answer.obs);
  expect([e.status, e.code]).toEqual([Status.Invalid, ErrorCode.Invalid]);
}

/** `a` sends a known payload and half-closes; `b` must read exactly it. */
async function expectIntactTransfer(a: Stream, b: Stream): Promise<void> {
  const payload = Buffer.from('every byte still arrives, and nothing else');
  const got = lastValueFrom(b.reads$.pipe(toArray()));
  expect(await lastValueFrom(a.writeAll(payload))).toBe(payload.length);
  expect(a.shutdownWrite()).toBe(Status.OK);
  expect(Buffer.concat(await got).toString()).toBe(payload.toString());
}

/** Calls that take a buffer and no length. */
const BUFFER_ONLY_CALLS: [string, Call][] = [
  ['readsInto', (s, b) => ({ obs: s.readsInto(b as Uint8Array) })],
];

/** The argument rows: (name, call, buffer, length). */
function argumentRows(
  calls: [string, Call][],
  bufferOnly: [string, Call][] = [],
): [string, Call, () => unknown, unknown][] {
  const rows: [string, Call, () => unknown, unknown][] = [];
  for (const [name, call] of [...calls, ...bufferOnly]) {
    for (const [what, buf] of BAD_BUFFERS) rows.push([`${name}(${what})`, call, buf, undefined]);
  }
  for (const [name, call] of calls) {
    for (const [what, n] of BAD_LENGTHS) {
      rows.push([`${name}(buf, ${what} length)`, call, () => Buffer.alloc(16), n]);
    }
  }
  return rows;
}

function matrixOver(
  name: string,
  open: () => Promise<{ a: Stream; b: Stream; dispose: () => void }>,
  sample: number,
): void {
  describe(`bad arguments over ${name}`, () => {
    const reads = argumentRows(READ_CALLS, BUFFER_ONLY_CALLS).filter((_, i) => i % sample === 0);
    const writes = argumentRows(WRITE_CALLS).filter((_, i) => i % sample === 0);
    for (const [label, call, buf, n] of reads) {
      it(`refuses ${label} with Invalid, and the stream still reads every byte`, async () => {
        const { a, b, dispose } = await open();
        await expectRefused(call(b, buf(), n));
        await expectIntactTransfer(a, b);
        dispose();
      });
    }
    for (const [label, call, buf, n] of writes) {
      it(`refuses ${label} with Invalid, and the stream still writes every byte`, async () => {
        const { a, b, dispose } = await open();
        await expectRefused(call(a, buf(), n));
        await expectIntactTransfer(a, b);
        dispose();
      });
    }
  });
}

matrixOver(
  'memory',
  async () => {
    const [a, b] = memoryPair();
    return { a, b, dispose: () => [a, b].forEach((s) => s.destroy()) };
  },
  1,
);

describe('bad arguments over TCP (a sample)', () => {
  const factory: PairFactory = tcpPairs();
  let baseline = 0;
  beforeAll(async () => {
    baseline = tcpHandles();
    await factory.start();
  });
  afterAll(async () => {
    await factory.stop();
    expect(await handlesBackTo(baseline)).toBeLessThanOrEqual(baseline);
  });
  matrixOver('tcp', () => factory.open(), 7);
});

describe('bad states (memory)', () => {
  it('answers Invalid to every call after destroy(), and its observables refuse or complete', async () => {
    const [a, b] = memoryPair();
    a.destroy();
    const buf = Buffer.alloc(4);
    expect(a.tryRead(buf).status).toBe(Status.Invalid);
    expect(a.tryWrite(buf).status).toBe(Status.Invalid);
    expect(a.shutdownWrite()).toBe(Status.Invalid);
    expect(a.destroy()).toBe(Status.Invalid);
    for (const obs of [
      a.read(buf),
      a.write(buf),
      a.writeAll(buf),
      a.flush(),
      a.close(),
      a.renegotiate(),
      a.reads$,
      a.readsInto(buf),
    ]) {
      const e = await errorOf(obs);
      expect([e.status, e.code]).toEqual([Status.Invalid, ErrorCode.Invalid]);
    }
    expect(await lastValueFrom(a.readable$.pipe(toArray()))).toEqual([]);
    expect(await lastValueFrom(a.writable$.pipe(toArray()))).toEqual([]);
    expect(await lastValueFrom(a.state$.pipe(toArray()))).toEqual([StreamState.Closed]);
    b.destroy();
  });

  it('refuses writes after shutdownWrite(), and what was written before arrives whole', async () => {
    const [a, b] = memoryPair();
    const got = lastValueFrom(b.reads$.pipe(toArray()));
    expect(a.tryWrite(Buffer.from('before')).bytes).toBe(6);
    expect(a.shutdownWrite()).toBe(Status.OK);
    expect(a.tryWrite(Buffer.from('after')).status).toBe(Status.Invalid);
    expect(a.shutdownWrite()).toBe(Status.Invalid);
    await expectRefused({ obs: a.write(Buffer.from('after')) });
    await expectRefused({ obs: a.writeAll(Buffer.from('after')) });
    expect(Buffer.concat(await got).toString()).toBe('before');
    await expectIntactTransfer(b, a); // the other direction still works
    a.destroy();
    b.destroy();
  });

  it('refuses writes, flush and shutdownWrite after close(), and a second close() completes', async () => {
    const [a, b] = memoryPair();
    const got = lastValueFrom(b.reads$.pipe(toArray()));
    await lastValueFrom(a.writeAll(Buffer.from('last words')));
    await lastValueFrom(a.close());
    expect(a.state).toBe(StreamState.Closed);
    expect(a.tryWrite(Buffer.from('x')).status).toBe(Status.Invalid);
    expect(a.shutdownWrite()).toBe(Status.Invalid);
    await expectRefused({ obs: a.write(Buffer.from('x')) });
    await expectRefused({ obs: a.flush() });
    await lastValueFrom(a.close());
    expect(Buffer.concat(await got).toString()).toBe('last words');
    a.destroy();
    b.destroy();
  });

  it('refuses a second operation on a busy side, and both sides still move every byte', async () => {
    const [a, b] = memoryPair({ sendBufferSize: 8 });
    // b reads nothing yet, so a's writeAll stays pending with its 8-byte buffer full.
    const pendingWrite = lastValueFrom(a.writeAll(Buffer.from('0123456789abcdef')));
    const writeRefusals = [
      errorOf(a.write(Buffer.from('x'))),
      errorOf(a.flush()),
      errorOf(a.close()),
    ];
    expect(a.tryWrite(Buffer.from('x')).status).toBe(Status.Invalid);
    expect(a.shutdownWrite()).toBe(Status.Invalid);
    const pendingRead = lastValueFrom(b.read(Buffer.alloc(64)));
    const readRefusals = [
      errorOf(b.read(Buffer.alloc(4))),
      errorOf(b.reads$),
      errorOf(b.readsInto(Buffer.alloc(4))),
    ];
    expect(b.tryRead(Buffer.alloc(4)).status).toBe(Status.Invalid);
    for (const e of await Promise.all([...writeRefusals, ...readRefusals])) {
      expect([e.status, e.code]).toEqual([Status.Invalid, ErrorCode.Invalid]);
    }
    const first = await pendingRead;
    expect(first).toBeGreaterThan(0);
    const rest = lastValueFrom(b.reads$.pipe(toArray()));
    expect(await pendingWrite).toBe(16);
    a.shutdownWrite();
    expect(first + Buffer.concat(await rest).length).toBe(16);
    a.destroy();
    b.destroy();
  });

  it('refuses renegotiate() on a stream that is not TLS with Invalid (code 3)', async () => {
    const [a, b] = memoryPair();
    await expectRefused({ obs: a.renegotiate() });
    await expectIntactTransfer(a, b);
    a.destroy();
    b.destroy();
  });
});

describe('bad options and factory arguments', () => {
  const BAD_SIZES: unknown[] = [0, -1, 1.5, NaN, Infinity, '1024', null, {}];

  function expectThrowsInvalid(make: () => unknown): void {
    let thrown: unknown;
    try {
      make();
    } catch (error) {
      thrown = error;
    }
    expect(StreamError.is(thrown)).toBe(true);
    expect((thrown as StreamError).status).toBe(Status.Invalid);
    expect((thrown as StreamError).code).toBe(ErrorCode.Invalid);
  }

  for (const bad of BAD_SIZES) {
    it(`throws StreamError Invalid from memoryPair for sendBufferSize/readBufferSize ${String(bad)}`, () => {
      expectThrowsInvalid(() => memoryPair({ sendBufferSize: bad as number }));
      expectThrowsInvalid(() => memoryPair({ readBufferSize: bad as number }));
    });
  }

  for (const bad of [-1, NaN, Infinity, '1'] as unknown[]) {
    it(`throws StreamError Invalid from memoryPair for latency ${String(bad)}`, () => {
      expectThrowsInvalid(() => memoryPair({ latency: bad as number }));
    });
  }

  for (const bad of [undefined, null, 'socket', {}, -1, 1.5, NaN, 2 ** 40] as unknown[]) {
    it(`throws StreamError Invalid from createTCP and createTLS for ${String(bad)}`, () => {
      expectThrowsInvalid(() => createTCP(bad as net.Socket));
      expectThrowsInvalid(() => createTLS(bad as tls.TLSSocket));
    });
  }

  for (const bad of [-1, 65536, 1.5, NaN, '80'] as unknown[]) {
    it(`errors connect/listen helpers with Invalid (code 3) for port ${String(bad)}`, async () => {
      await expectRefused({ obs: connectTCP(bad as number, '127.0.0.1') });
      await expectRefused({ obs: connectTLS({ port: bad as number, host: '127.0.0.1' }) });
      await expectRefused({ obs: listenTCP(bad as number, '127.0.0.1') });
      await expectRefused({ obs: listenTLS({}, bad as number, '127.0.0.1') });
    });
  }
});

describe('connectTLS options that would take the bytes from the stream', () => {
  it('errors Invalid (code 3) for tlsOptions.onread, naming it, and opens no connection', async () => {
    const onread = { buffer: Buffer.alloc(16), callback: () => true };
    const options = { port: 1, host: '127.0.0.1', onread } as tls.ConnectionOptions;
    const e = await errorOf(connectTLS(options));
    expect([e.status, e.code]).toEqual([Status.Invalid, ErrorCode.Invalid]);
    expect(e.message).toContain('onread');
  });
});

describe('wrong sockets for createTCP and createTLS', () => {
  let baseline = 0;
  let server: net.Server;
  const certs = testCerts();
  beforeEach(async () => {
    baseline = tcpHandles();
    server = tls.createServer({ key: certs.server.key, cert: certs.server.cert });
    server.on('tlsClientError', () => undefined);
    await listen(server);
  });
  afterEach(async () => {
    await close(server);
    expect(await handlesBackTo(baseline)).toBeLessThanOrEqual(baseline);
  });

  function expectInvalid(make: () => unknown): void {
    expect(() => make()).toThrowMatching(
      (e: unknown) => StreamError.is(e) && e.code === ErrorCode.Invalid,
    );
  }

  it('refuses unconnected, connecting, destroyed, TLS and IPC sockets in createTCP', async () => {
    expectInvalid(() => createTCP(new net.Socket()));
    const connecting = net.connect(portOf(server), '127.0.0.1');
    expectInvalid(() => createTCP(connecting));
    const secure = tls.connect({
      port: portOf(server),
      host: '127.0.0.1',
      servername: 'localhost',
      ca: certs.ca,
    });
    await new Promise((resolve) => secure.once('secureConnect', resolve));
    expectInvalid(() => createTCP(secure));
    secure.destroy();
    connecting.destroy();
    expectInvalid(() => createTCP(connecting));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxstream-bad-'));
    const ipcServer = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => ipcServer.listen(path.join(dir, 's.sock'), resolve));
    const ipc = net.connect(path.join(dir, 's.sock'));
    await new Promise((resolve) => ipc.once('connect', resolve));
    expectInvalid(() => createTCP(ipc));
    ipc.destroy();
    await new Promise((resolve) => ipcServer.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a plain socket and a TLS socket whose handshake is not complete in createTLS', async () => {
    const plain = net.connect(portOf(server), '127.0.0.1');
    await new Promise((resolve) => plain.once('connect', resolve));
    expectInvalid(() => createTLS(plain as tls.TLSSocket));
    plain.destroy();
    const half = tls.connect({
      port: portOf(server),
      host: '127.0.0.1',
      servername: 'localhost',
      ca: certs.ca,
    });
    await new Promise((resolve) => half.once('connect', resolve)); // TCP up, handshake not done
    expectInvalid(() => createTLS(half));
    await new Promise((resolve) => half.once('secureConnect', resolve));
    half.destroy();
    expectInvalid(() => createTLS(half));
  });

  it('refuses an fd that is not a socket (a regular file)', () => {
    const fd = fs.openSync(__filename, 'r');
    try {
      expectInvalid(() => createTCP(fd));
    } finally {
      try {
        fs.closeSync(fd);
      } catch {
        // the refused net.Socket may already have closed it
      }
    }
  });
});
