/**
 * Hardening (issue 14, item 3): a peer's RST queued behind its data, before
 * the stream reads. libuv reads the data, then EOF (the kernel reports the
 * reset as the end of the receive queue), so without a probe the stream ends
 * as cleanly as after a FIN. Each spec failed before its fix, except the one
 * marked as the limit, which shows what cannot be known.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { lastValueFrom, tap } from 'rxjs';
import { Status, StreamError, StreamState } from '../../src';
import { disposeRawPeer, rawTcpPeer, turns, type RawPeer } from './support/peers';

/** Everything reads$ delivers and how it ended: 'complete' or the StreamError. */
async function readAll(p: RawPeer): Promise<{ bytes: Buffer; end: 'complete' | StreamError }> {
  const chunks: Buffer[] = [];
  try {
    // Copied: a chunk is the observer's only during next (see reads$).
    await lastValueFrom(p.stream.reads$.pipe(tap((c) => chunks.push(Buffer.from(c)))), {
      defaultValue: null,
    });
    return { bytes: Buffer.concat(chunks), end: 'complete' };
  } catch (error) {
    if (!StreamError.is(error)) throw error;
    return { bytes: Buffer.concat(chunks), end: error };
  }
}

/** The peer sends `payload`, then resets; resolves once both are in the stream's kernel queue. */
async function sendThenReset(p: RawPeer, payload: Buffer, reset: boolean): Promise<void> {
  await new Promise<void>((resolve) => p.peer.write(payload, () => resolve()));
  if (reset) {
    const closed = once(p.peer, 'close');
    p.peer.resetAndDestroy();
    await closed;
  } else {
    const finished = once(p.peer, 'finish');
    p.peer.end();
    await finished;
  }
  await turns(20); // loopback: the segments are queued once the peer's socket is closed
}

describe('hardening: a peer reset queued behind its data (TCP)', () => {
  let p: RawPeer;
  afterEach(async () => disposeRawPeer(p));

  it('reports SysError, not a clean end, when reads$ subscribes after data and RST arrived', async () => {
    p = await rawTcpPeer();
    const payload = randomBytes(5_000);
    await sendThenReset(p, payload, true);
    const { bytes, end } = await readAll(p);
    expect(end).not.toBe('complete');
    expect((end as StreamError).status).toBe(Status.SysError);
    expect((end as StreamError).message).toMatch(/ECONNRESET|EPIPE/);
    expect(payload.subarray(0, bytes.length).equals(bytes)).toBe(true);
    expect(p.stream.state).toBe(StreamState.Error);
  });

  it('reports SysError after tryRead drained data and the RST that came with it', async () => {
    p = await rawTcpPeer();
    const payload = randomBytes(3_000);
    const buf = Buffer.alloc(64);
    expect(p.stream.tryRead(buf)).toEqual({ status: Status.OK, bytes: 0 }); // starts reading
    await sendThenReset(p, payload, true);
    const parts: Buffer[] = [];
    let last: Status = Status.OK;
    for (let i = 0; i < 10_000; i += 1) {
      const r = p.stream.tryRead(buf);
      last = r.status;
      if (r.status !== Status.OK) break;
      if (r.bytes > 0) parts.push(Buffer.from(buf.subarray(0, r.bytes)));
      else await turns(1);
    }
    expect(last).toBe(Status.SysError);
    const got = Buffer.concat(parts);
    expect(payload.subarray(0, got.length).equals(got)).toBe(true);
  });

  it('still ends cleanly after the same data and a FIN (the probe sends no byte)', async () => {
    p = await rawTcpPeer();
    const payload = randomBytes(5_000);
    const received: Buffer[] = [];
    p.peer.on('data', (c: Buffer) => received.push(c));
    await sendThenReset(p, payload, false);
    const { bytes, end } = await readAll(p);
    expect(end).toBe('complete');
    expect(bytes.equals(payload)).toBe(true);
    expect(Buffer.concat(received).length).toBe(0);
    expect(p.stream.state).not.toBe(StreamState.Error);
  });

  it('LIMIT: after our own shutdownWrite, an RST queued behind data is a clean end on Node 20/22', async () => {
    // Node exposes no SO_ERROR and refuses writes after end(): once this side has
    // sent its FIN, nothing the stream can call reports the reset. Node 24+ (a newer
    // libuv) reads ECONNRESET after the data itself. See README, "What a reset can
    // and cannot tell you".
    const major = Number(process.versions.node.split('.')[0]);
    p = await rawTcpPeer({ allowHalfOpen: true });
    expect(p.stream.shutdownWrite()).toBe(Status.OK);
    await once(p.peer, 'end');
    const payload = randomBytes(5_000);
    await sendThenReset(p, payload, true);
    const { bytes, end } = await readAll(p);
    if (major >= 24) {
      expect(end !== 'complete' && end.status).toBe(Status.SysError);
      expect(payload.subarray(0, bytes.length).equals(bytes)).toBe(true);
    } else {
      expect(end).toBe('complete');
      expect(bytes.equals(payload)).toBe(true);
    }
  });
});
