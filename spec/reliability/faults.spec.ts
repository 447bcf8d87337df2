/**
 * Fault matrix over TCP and memory: misbehaving peers, operations cut short
 * by close/destroy/unsubscribe, re-entrant calls from `state$`, and a peer
 * that never reads. Every row checks the documented status, and the TCP rows
 * check that no TCP handle outlives them. (TLS rows: `faults-tls.spec.ts`.)
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { firstValueFrom, lastValueFrom, tap, toArray, type Observable } from 'rxjs';
import {
  ErrorCode,
  Status,
  StreamState,
  connectTCP,
  createTCP,
  memoryPair,
  type Stream,
} from '../../src';
import { close, listen, portOf } from './support/pairs';
import {
  collect,
  disposeRawPeer,
  errorOf,
  handlesBackTo,
  rawTcpPeer,
  reach,
  tcpHandles,
  turns,
  type RawPeer,
} from './support/peers';

describe('fault matrix: peer misbehaviour over TCP', () => {
  let baseline = 0;
  let p: RawPeer;
  beforeEach(async () => {
    baseline = tcpHandles();
    p = await rawTcpPeer();
  });
  afterEach(async () => {
    await disposeRawPeer(p);
    expect(await handlesBackTo(baseline)).toBeLessThanOrEqual(baseline);
  });

  it('errors reads$ with SysError (code 1) and moves to Error when the peer resets', async () => {
    const failed = errorOf(p.stream.reads$);
    p.peer.resetAndDestroy();
    const e = await failed;
    expect([e.status, e.code]).toEqual([Status.SysError, ErrorCode.IO]);
    expect(p.stream.state).toBe(StreamState.Error);
    expect(p.stream.lastError?.status).toBe(Status.SysError);
    expect(p.stream.tryRead(Buffer.alloc(8)).status).toBe(Status.SysError);
    expect(p.stream.tryWrite(Buffer.from('x')).status).toBe(Status.SysError);
    expect((await errorOf(p.stream.write(Buffer.from('x')))).status).toBe(Status.SysError);
  });

  it('tells a sync-mode reader about a reset through readable$ and tryRead answers SysError', async () => {
    expect(p.stream.tryRead(Buffer.alloc(8))).toEqual({ status: Status.OK, bytes: 0 });
    const ready = firstValueFrom(p.stream.readable$);
    p.peer.resetAndDestroy();
    await ready;
    expect(p.stream.tryRead(Buffer.alloc(8)).status).toBe(Status.SysError);
    expect(p.stream.state).toBe(StreamState.Error);
  });

  it('completes reads$ after every byte when the peer ends mid-stream, and writes still work', async () => {
    const chunks = lastValueFrom(p.stream.reads$.pipe(toArray()));
    p.peer.end('abc');
    expect(Buffer.concat(await chunks).toString()).toBe('abc');
    expect(p.stream.tryRead(Buffer.alloc(8)).status).toBe(Status.StreamClosed);
    expect((await errorOf(p.stream.read(Buffer.alloc(8)))).code).toBe(ErrorCode.Closed);
    expect(p.stream.state).toBe(StreamState.Open);
    const got = collect(p.peer);
    expect(await lastValueFrom(p.stream.writeAll(Buffer.from('still here')))).toBe(10);
    await lastValueFrom(p.stream.close());
    expect((await got).toString()).toBe('still here');
    expect(p.stream.state).toBe(StreamState.Closed);
  });

  it('answers tryRead with the bytes and then StreamClosed when the peer ends (sync mode)', async () => {
    const buf = Buffer.alloc(16);
    p.peer.end('xyz');
    let got = '';
    for (;;) {
      const r = p.stream.tryRead(buf);
      if (r.status === Status.StreamClosed) break;
      expect(r.status).toBe(Status.OK);
      if (r.bytes === 0) await firstValueFrom(p.stream.readable$);
      got += buf.toString('latin1', 0, r.bytes);
    }
    expect(got).toBe('xyz');
    expect(p.stream.tryWrite(Buffer.from('ok')).status).toBe(Status.OK);
  });

  // Regression: pending operations must hear the fatal error before state$ shows Error.
  it('lets a state$ subscriber destroy the stream as it turns Error, once', async () => {
    const answers: Status[] = [];
    const seen: StreamState[] = [];
    p.stream.state$.subscribe((s) => {
      seen.push(s);
      if (s === StreamState.Error) answers.push(p.stream.destroy(), p.stream.destroy());
    });
    const failed = errorOf(p.stream.reads$);
    p.peer.resetAndDestroy();
    expect((await failed).status).toBe(Status.SysError);
    expect(seen).toEqual([StreamState.Open, StreamState.Error]);
    expect(answers).toEqual([Status.OK, Status.Invalid]);
  });
});

describe('fault matrix: ownership of helper-made sockets', () => {
  // Was a core bug (fixed): src/connect.ts connectTCP/connectTLS/listenTCP/listenTLS hand out streams whose
  // socket the caller never sees, but Stream.destroy() (src/stream.ts) in sync mode hands the
  // socket "back" open and paused (release()). A stream from a helper used only with
  // tryRead/tryWrite and then destroyed leaks its socket (fd + TCPSocketWrap) for ever, and the
  // peer never sees the connection end. Expected: streams made by the helpers own their socket,
  // so destroy() closes it in either mode (or the helpers document and expose the socket).
  it('closes the socket of a connectTCP stream destroyed in sync mode', async () => {
    const baseline = tcpHandles();
    const server = net.createServer({ allowHalfOpen: true });
    await listen(server);
    const peerEnded = new Promise<void>((resolve) =>
      server.once('connection', (s: net.Socket) => {
        s.resume();
        s.once('end', () => {
          s.destroy();
          resolve();
        });
      }),
    );
    const stream = await firstValueFrom(connectTCP(portOf(server), '127.0.0.1'));
    expect(stream.tryWrite(Buffer.from('sync only')).status).toBe(Status.OK);
    expect(stream.destroy()).toBe(Status.OK);
    await peerEnded;
    await close(server);
    expect(await handlesBackTo(baseline)).toBeLessThanOrEqual(baseline);
  });
});

describe('fault matrix: peer process killed (SIGKILL)', () => {
  let server: net.Server;
  let baseline = 0;
  beforeEach(async () => {
    baseline = tcpHandles();
    server = net.createServer({ allowHalfOpen: true });
    await listen(server);
  });
  afterEach(async () => {
    await close(server);
    expect(await handlesBackTo(baseline)).toBeLessThanOrEqual(baseline);
  });

  /** A child that connects, sends `hello`, pauses (never reads) and prints `ready`. */
  async function childPeer(): Promise<{ stream: Stream; kill: () => Promise<void> }> {
    const code =
      "const s=require('net').connect(+process.argv[1],'127.0.0.1',()=>{s.pause();" +
      "s.write('hello',()=>process.stdout.write('ready\\n'))});setInterval(()=>{},1e6)";
    const child = spawn(process.execPath, ['-e', code, String(portOf(server))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const socket = await new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return {
      stream: createTCP(socket),
      kill: async () => {
        child.kill('SIGKILL');
        await exited;
      },
    };
  }

  it('ends reads$ normally (the kernel sends FIN) when the killed peer had read everything', async () => {
    const { stream, kill } = await childPeer();
    const chunks = lastValueFrom(stream.reads$.pipe(toArray()));
    await kill();
    expect(Buffer.concat(await chunks).toString()).toBe('hello');
    expect(stream.state).toBe(StreamState.Open);
    // Writing into the dead peer: the first write is taken by the kernel, which gets RST back;
    // a following write fails (EPIPE/ECONNRESET) and the stream moves to Error (SysError).
    let writes = 0;
    while (stream.state === StreamState.Open && writes < 50) {
      writes += 1;
      await lastValueFrom(stream.writeAll(Buffer.alloc(4096))).catch(() => undefined);
      await lastValueFrom(stream.flush()).catch(() => undefined);
    }
    expect(writes).toBeGreaterThan(1);
    expect(stream.state).toBe(StreamState.Error);
    expect(stream.lastError?.status).toBe(Status.SysError);
    stream.destroy();
  });

  it('errors with SysError (the kernel sends RST) when the killed peer had unread bytes', async () => {
    const { stream, kill } = await childPeer();
    await lastValueFrom(stream.writeAll(Buffer.from('unread by the child')));
    await lastValueFrom(stream.flush());
    const chunks: Buffer[] = [];
    const failed = new Promise<unknown>((resolve) =>
      stream.reads$.subscribe({
        next: (c) => chunks.push(c),
        error: resolve,
        complete: () => resolve(null),
      }),
    );
    await kill();
    const e = await failed;
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    expect(e).not.toBeNull();
    expect(stream.state).toBe(StreamState.Error);
    expect(stream.lastError?.status).toBe(Status.SysError);
    expect(stream.lastError?.code).toBe(ErrorCode.IO);
    stream.destroy();
  });
});

describe('fault matrix: pending operation cut short (memory)', () => {
  /** A pair whose `b` does not read, and `a`'s 64-byte send buffer already full. */
  async function fullPair(): Promise<[Stream, Stream]> {
    const [a, b] = memoryPair({ sendBufferSize: 64 });
    while (a.tryWrite(Buffer.alloc(64, 1)).bytes > 0) await turns(1);
    await turns(5);
    expect(a.tryWrite(Buffer.alloc(1))).toEqual({ status: Status.OK, bytes: 0 });
    return [a, b];
  }

  const writeOps: Record<string, (s: Stream) => Observable<unknown>> = {
    write: (s) => s.write(Buffer.alloc(100, 2)),
    writeAll: (s) => s.writeAll(Buffer.alloc(100, 2)),
    flush: (s) => s.flush(),
  };

  for (const [name, op] of Object.entries(writeOps)) {
    it(`refuses close() with Invalid (code 3) while a ${name} is pending, and the ${name} still finishes`, async () => {
      const [a, b] = await fullPair();
      const pending = lastValueFrom(op(a));
      const refused = await errorOf(a.close());
      expect([refused.status, refused.code]).toEqual([Status.Invalid, ErrorCode.Invalid]);
      const drained = lastValueFrom(b.reads$.pipe(toArray()));
      await pending;
      await lastValueFrom(a.close());
      const total = Buffer.concat(await drained).length;
      expect(total).toBe(a.bytesWritten);
      b.destroy();
    });

    it(`errors a pending ${name} with StreamClosed (code 2) on destroy()`, async () => {
      const [a, b] = await fullPair();
      const failed = errorOf(op(a));
      await turns(2);
      expect(a.destroy()).toBe(Status.OK);
      const e = await failed;
      expect([e.status, e.code]).toEqual([Status.StreamClosed, ErrorCode.Closed]);
      expect(a.state).toBe(StreamState.Closed);
      b.destroy();
    });

    it(`keeps every accepted byte after unsubscribing from a pending ${name}`, async () => {
      const [a, b] = await fullPair();
      op(a).subscribe().unsubscribe();
      const drained = lastValueFrom(b.reads$.pipe(toArray()));
      await lastValueFrom(a.close());
      const all = Buffer.concat(await drained);
      expect(all.length).toBe(a.bytesWritten);
      expect(all.subarray(0, 64).every((x) => x === 1)).toBe(true);
      b.destroy();
    });
  }

  it('errors a pending read with StreamClosed (code 2) on close() and on destroy()', async () => {
    const [a1, b1] = memoryPair();
    const viaClose = errorOf(a1.read(Buffer.alloc(8)));
    await lastValueFrom(a1.close());
    expect((await viaClose).code).toBe(ErrorCode.Closed);
    const [a2, b2] = memoryPair();
    const viaDestroy = errorOf(a2.read(Buffer.alloc(8)));
    a2.destroy();
    expect((await viaDestroy).code).toBe(ErrorCode.Closed);
    [a1, b1, b2].forEach((s) => s.destroy());
  });

  it('completes reads$ on close() and on destroy() (as a destroyed net.Socket emits no error)', async () => {
    const [a1, b1] = memoryPair();
    const completed = lastValueFrom(a1.reads$.pipe(toArray()));
    await lastValueFrom(a1.close());
    expect(await completed).toEqual([]);
    const [a2, b2] = memoryPair();
    const ended = lastValueFrom(a2.reads$.pipe(toArray()));
    a2.destroy();
    expect(await ended).toEqual([]);
    [a1, b1, b2].forEach((s) => s.destroy());
  });

  it('consumes nothing when a pending read is unsubscribed: the next read gets the bytes', async () => {
    const [a, b] = memoryPair();
    b.read(Buffer.alloc(8)).subscribe().unsubscribe();
    await lastValueFrom(a.writeAll(Buffer.from('kept')));
    const buf = Buffer.alloc(8);
    const n = await lastValueFrom(b.read(buf));
    expect(buf.toString('latin1', 0, n)).toBe('kept');
    a.destroy();
    b.destroy();
  });

  it('answers Invalid to a second destroy() and to every call after it', async () => {
    const [a, b] = memoryPair();
    expect(a.destroy()).toBe(Status.OK);
    expect(a.destroy()).toBe(Status.Invalid);
    expect(a.shutdownWrite()).toBe(Status.Invalid);
    expect((await errorOf(a.close())).code).toBe(ErrorCode.Invalid);
    b.destroy();
  });
});

describe('fault matrix: calls racing state$ transitions (memory)', () => {
  it('refuses writes made from a state$ subscriber as the state turns ShutdownWr', async () => {
    const [a, b] = memoryPair();
    const answers: string[] = [];
    a.state$.subscribe((s) => {
      if (s !== StreamState.ShutdownWr) return;
      answers.push(a.tryWrite(Buffer.from('late')).status);
      a.write(Buffer.from('late')).subscribe({
        error: (e: { status: string }) => answers.push(e.status),
      });
      answers.push(a.shutdownWrite());
    });
    a.tryWrite(Buffer.from('early'));
    expect(a.shutdownWrite()).toBe(Status.OK);
    const got = Buffer.concat(await lastValueFrom(b.reads$.pipe(toArray())));
    expect(answers).toEqual([Status.Invalid, Status.Invalid, Status.Invalid]);
    expect(got.toString()).toBe('early');
    a.destroy();
    b.destroy();
  });

  // Regression: a transition made from inside a state$ subscriber queues behind the one being delivered.
  it('shows every transition in order to every subscriber when one destroys from inside state$', async () => {
    const [a, b] = memoryPair();
    a.state$.subscribe((s) => {
      if (s === StreamState.ShutdownWr) a.destroy();
    });
    const seen: StreamState[] = [];
    a.state$.subscribe((s) => seen.push(s));
    a.shutdownWrite();
    expect(seen).toEqual([StreamState.Open, StreamState.ShutdownWr, StreamState.Closed]);
    b.destroy();
  });

  it('lets a state$ subscriber close the stream as it turns ShutdownWr', async () => {
    const [a, b] = memoryPair();
    const closed = reach(a, StreamState.Closed);
    a.state$.subscribe((s) => {
      if (s === StreamState.ShutdownWr) a.close().subscribe();
    });
    a.tryWrite(Buffer.from('data'));
    a.shutdownWrite();
    const got = Buffer.concat(await lastValueFrom(b.reads$.pipe(toArray())));
    await closed;
    expect(got.toString()).toBe('data');
    b.destroy();
  });
});

describe('fault matrix: a peer that never reads (TCP)', () => {
  let baseline = 0;
  let p: RawPeer;
  const SEND = 256 * 1024;
  beforeEach(async () => {
    baseline = tcpHandles();
    p = await rawTcpPeer({ sendBufferSize: SEND });
    p.peer.pause();
  });
  afterEach(async () => {
    await disposeRawPeer(p);
    expect(await handlesBackTo(baseline)).toBeLessThanOrEqual(baseline);
  });

  it('bounds what it holds, makes write wait and tryWrite answer 0, and loses nothing once the peer reads', async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    let stalls = 0;
    // Fill until tryWrite answers 0 and writable$ stays silent for a few hundred loop turns.
    while (stalls < 3) {
      const r = p.stream.tryWrite(chunk);
      expect(r.status).toBe(Status.OK);
      if (r.bytes > 0) stalls = 0;
      else {
        stalls += 1;
        await turns(200);
      }
    }
    const stats = p.stream.stats();
    expect(stats.sendBuffered).toBeLessThanOrEqual(SEND);
    // kernel bound: tcp_wmem max + tcp_rmem max on this machine (4 MiB + 32 MiB)
    expect(p.stream.bytesWritten).toBeLessThanOrEqual(SEND + 36 * 1024 * 1024);
    let wrote = -1;
    const extra = Buffer.alloc(1000, 9);
    const waiting = lastValueFrom(p.stream.write(extra).pipe(tap((n) => (wrote = n))));
    await turns(200);
    expect(wrote).toBe(-1);
    expect(p.stream.tryWrite(chunk).status).toBe(Status.Invalid); // the write side is busy
    const received = collect(p.peer);
    p.peer.resume();
    expect(await waiting).toBe(1000);
    await lastValueFrom(p.stream.close());
    const all = await received;
    expect(all.length).toBe(p.stream.bytesWritten);
    expect(all.subarray(all.length - 1000).every((x) => x === 9)).toBe(true);
  });
});
