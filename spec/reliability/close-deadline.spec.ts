/**
 * A bounded close (issue 14, item 7): `closeDeadline` bounds the whole
 * close(), so accepted bytes that cannot leave no longer hang it.
 */
import { TestScheduler } from 'rxjs/testing';
import { firstValueFrom } from 'rxjs';
import { Status, StreamError, StreamState, memoryPair } from '../../src';
import { disposeRawPeer, rawTcpPeer, turns } from './support/peers';

describe('hardening: closeDeadline bounds the whole close()', () => {
  const scheduler = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

  it('errors close() at the deadline (virtual time) with SysError ETIMEDOUT and the undelivered count', () => {
    const ts = scheduler();
    ts.run(() => {
      const [a, b] = memoryPair({
        scheduler: ts,
        sendBufferSize: 16,
        readBufferSize: 16,
        closeDeadline: 100,
      });
      expect(a.tryWrite(Buffer.alloc(64)).status).toBe(Status.OK);
      let at = -1;
      let error: unknown;
      a.close().subscribe({ error: (e: unknown) => ((at = ts.now()), (error = e)) });
      ts.flush();
      expect(at).toBe(100);
      expect(StreamError.is(error)).toBe(true);
      const e = error as StreamError;
      expect(e.status).toBe(Status.SysError);
      expect((e.cause as { code?: string }).code).toBe('ETIMEDOUT');
      expect(e.message).toMatch(/\d+ accepted bytes were not delivered/);
      expect(a.state).toBe(StreamState.Error);
      b.destroy();
    });
  });

  it('does not fire when the close finishes in time', () => {
    const ts = scheduler();
    ts.run(() => {
      const [a, b] = memoryPair({ scheduler: ts, closeDeadline: 100 });
      a.tryWrite(Buffer.from('bye'));
      b.reads$.subscribe();
      let done = -1;
      a.close().subscribe({ complete: () => (done = ts.now()), error: fail });
      b.close().subscribe();
      ts.flush();
      expect(done).toBeGreaterThanOrEqual(0);
      expect(done).toBeLessThan(100);
      expect(a.state).toBe(StreamState.Closed);
    });
  });

  it('refuses a deadline that is not a number > 0 (Infinity means none)', () => {
    for (const bad of [0, -1, Number.NaN, '5']) {
      expect(() => memoryPair({ closeDeadline: bad as number })).toThrowMatching(
        (e: unknown) => StreamError.is(e) && e.status === Status.Invalid,
      );
    }
    const [a, b] = memoryPair({ closeDeadline: Infinity });
    a.destroy();
    b.destroy();
  });

  it('ends a TCP close whose peer never reads (real socket)', async () => {
    const p = await rawTcpPeer({ closeDeadline: 300 });
    try {
      p.peer.pause(); // never reads: the kernel and the send buffer fill
      for (let idle = 0; idle < 20;) {
        if (p.stream.tryWrite(Buffer.alloc(16_384)).bytes > 0) idle = 0;
        else {
          idle += 1;
          await turns(2);
        }
      }
      const e = await firstValueFrom(p.stream.close()).catch((error: unknown) => error);
      expect(StreamError.is(e) && e.status === Status.SysError).toBe(true);
      expect(p.stream.state).toBe(StreamState.Error);
    } finally {
      await disposeRawPeer(p);
    }
  });
});
