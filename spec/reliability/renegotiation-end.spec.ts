/**
 * Hardening (issue 14, item 9): TLS 1.2 renegotiation with traffic, and the
 * peer ending during it. Accepted bytes reach the peer, or an error says
 * they did not: pending writes complete or error, and close() neither
 * hangs nor claims success with bytes undelivered.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as tls from 'node:tls';
import { firstValueFrom, lastValueFrom, timeout as rxTimeout } from 'rxjs';
import { Status, StreamError, type Stream } from '../../src';
import { versionedTlsPair } from './support/tls-pair';

interface Setup {
  readonly stream: Stream;
  readonly peer: tls.TLSSocket;
  dispose(): Promise<void>;
}

async function setUp(): Promise<Setup> {
  return versionedTlsPair('TLSv1.2');
}

/** How an observable ended: 'ok' or the StreamError's status (a guard timeout is a failure). */
async function outcome(source: Promise<unknown>): Promise<string> {
  try {
    await source;
    return 'ok';
  } catch (error) {
    if (StreamError.is(error)) return error.status;
    return `not a StreamError: ${String(error)}`;
  }
}

describe('hardening: TLS 1.2 renegotiation while the peer ends', () => {
  let s: Setup;
  afterEach(async () => s.dispose());

  for (const when of ['before', 'after'] as const) {
    it(`writes and close() complete with every byte delivered, or error (peer ends ${when} the writes)`, async () => {
      s = await setUp();
      const payload = randomBytes(2_819);
      const received: Buffer[] = [];
      s.peer.on('data', (c: Buffer) => received.push(c));
      const peerEnded = once(s.peer, 'end');
      const reneg = outcome(firstValueFrom(s.stream.renegotiate()));
      if (when === 'before') s.peer.end();
      const wrote = outcome(firstValueFrom(s.stream.writeAll(payload)));
      if (when === 'after') s.peer.end();
      // A guard only (never a pass condition): a hang fails as a timeout error.
      const closed = outcome(
        lastValueFrom(s.stream.close().pipe(rxTimeout(4_000)), { defaultValue: undefined }),
      );
      const [r, w, c] = await Promise.all([reneg, wrote, closed]);
      await Promise.race([peerEnded, once(s.peer, 'close')]);
      const got = Buffer.concat(received);
      expect([Status.SysError, Status.TLSError, Status.StreamClosed, 'ok']).toContain(r);
      expect([Status.SysError, Status.TLSError, Status.Invalid, 'ok']).toContain(w);
      expect([Status.SysError, Status.TLSError, Status.StreamClosed, 'ok']).toContain(c);
      if (w === 'ok' && c === 'ok') {
        // Success claimed: the peer must have every accepted byte.
        for (let i = 0; i < 200 && Buffer.concat(received).length < payload.length; i += 1) {
          await new Promise((res) => setTimeout(res, 5));
        }
        expect(Buffer.concat(received).equals(payload)).toBe(true);
      } else {
        expect(payload.subarray(0, got.length).equals(got)).toBe(true);
      }
    }, 10_000);
  }

  it('a write after the peer ended during the renegotiation errors (TLSError) instead of hanging', async () => {
    s = await setUp();
    const received: Buffer[] = [];
    s.peer.on('data', (c: Buffer) => received.push(c));
    const reneg = outcome(firstValueFrom(s.stream.renegotiate()));
    s.peer.end();
    const ended = await outcome(lastValueFrom(s.stream.reads$, { defaultValue: null }));
    expect(ended).toBe('ok'); // nothing was held: the peer's end is reported
    const w = await outcome(
      lastValueFrom(s.stream.writeAll(Buffer.from('late reply')).pipe(rxTimeout(4_000))),
    );
    const c = await outcome(
      lastValueFrom(s.stream.close().pipe(rxTimeout(4_000)), { defaultValue: undefined }),
    );
    // writeAll accepted the bytes (ok) or refused them; either way close() must not claim them.
    expect(['ok', Status.TLSError]).toContain(w);
    expect(c).toBe(Status.TLSError);
    expect(Buffer.concat(received).length).toBe(0);
    expect([Status.StreamClosed, Status.TLSError, 'ok']).toContain(await reneg);
  }, 10_000);
});
