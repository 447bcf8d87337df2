/**
 * Backpressure through asynchronous work (issue 14, item 10): concatReads and
 * concatFrames take the next chunk or frame only when the previous work
 * completed, so a slow consumer holds at most the read-ahead bound.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lastValueFrom, map, of, takeWhile, timer, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { concatFrames, concatReads, lines, memoryPair } from '../../src';
import { disposeRawPeer, rawTcpPeer } from './support/peers';

describe('hardening: concatReads / concatFrames pull with backpressure', () => {
  it('a slow consumer over TCP holds at most readBufferSize plus one chunk, and loses nothing', async () => {
    const bound = 256 * 1024;
    const p = await rawTcpPeer({ readBufferSize: bound });
    try {
      const payload = randomBytes(8 * 1024 * 1024);
      let maxHeld = 0;
      let peerBlocked = false;
      const hash = createHash('sha256');
      const done = lastValueFrom(
        concatReads(p.stream, (chunk) => {
          hash.update(chunk);
          maxHeld = Math.max(maxHeld, p.stream.stats().readBuffered + chunk.length);
          if (p.peer.writableLength > 0) peerBlocked = true;
          return timer(1).pipe(map(() => chunk.length));
        }).pipe(toArray()),
      );
      p.peer.end(payload);
      const sizes = await done;
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(payload.length);
      expect(hash.digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
      expect(maxHeld).toBeLessThanOrEqual(bound + 256 * 1024);
      expect(peerBlocked).toBe(true); // the peer felt it: its writes waited
    } finally {
      await disposeRawPeer(p);
    }
  });

  it('runs projections one at a time, in order, and completes at the end (marble)', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ expectObservable, cold }) => {
      const [a, b] = memoryPair({ scheduler: ts });
      const out = concatFrames(b, lines(), (line, i) => cold('--x|', { x: `${i}:${line}` }));
      a.writeAll(Buffer.from('one\ntwo\nthree\n')).subscribe(() => a.shutdownWrite());
      expectObservable(out).toBe('--x--y--z|', { x: '0:one', y: '1:two', z: '2:three' });
    });
  });

  it('leaves unread bytes in the stream when unsubscribed between frames', async () => {
    const [a, b] = memoryPair();
    a.writeAll(Buffer.from('one\ntwo\nrest')).subscribe();
    const taken = await lastValueFrom(
      concatFrames(b, lines(), (line) => of(line)).pipe(
        takeWhile((line) => line !== 'two', true),
        toArray(),
      ),
    );
    expect(taken).toEqual(['one', 'two']);
    const rest = Buffer.alloc(16);
    const r = b.tryRead(rest);
    expect(rest.subarray(0, r.bytes).toString()).toBe('rest');
    a.destroy();
    b.destroy();
  });
});
