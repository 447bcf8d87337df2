import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ErrorCode, Status, StreamKind, StreamState } from '../../src';
import {
  STREAM_DESTROYED,
  bytes,
  createTestPeer,
  fail,
  failNextWrite,
  outOfMemoryError,
  peerClosed,
  renegotiationEnd,
  renegotiationFailed,
  renegotiationStart,
  startReading,
  stopReading,
  sysError,
  tlsError,
} from '../../src/testing';

const S = StreamState;
const states = { o: S.Open, s: S.ShutdownWr, c: S.Closed, e: S.Error };

describe('TestPeer (rxstream/testing)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('script', () => {
    it('sends each value at its frame and ends the stream at |', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('--a--b--|', { a: 'hel', b: Buffer.from('lo') });
        expectObservable(peer.stream.reads$).toBe('--a--b--|', bytes({ a: 'hel', b: 'lo' }));
      });
    });

    it('sends a letter with no value as its own text', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('-xy|');
        expectObservable(peer.stream.reads$.pipe(map(String))).toBe('-xy|');
      });
    });

    it('holds the bytes while the stream does not read (no loss, the end still last)', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('ab|');
        expectObservable(peer.stream.reads$.pipe(map(String)), '-----^').toBe('-----(ab|)');
      });
    });

    it('injects an ECONNRESET-like error at #: SysError, state Error', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('-a--#', { a: 'x' });
        const reads = peer.stream.reads$.pipe(map(String));
        testScheduler.schedule(() => {
          expect(peer.stream.lastError?.status).toBe(Status.SysError);
          expect(peer.stream.lastError?.code).toBe(ErrorCode.IO);
        }, 5);
        expectObservable(reads).toBe(
          '-a--#',
          { a: 'x' },
          jasmine.objectContaining({ status: Status.SysError, code: ErrorCode.IO }),
        );
        expectObservable(peer.stream.state$).toBe('o---e', states);
      });
    });

    it('injects the error given to #, mapped: TLSError, OutOfMemory, a SysError code', () => {
      const cases: [unknown, Status][] = [
        [tlsError(), Status.TLSError],
        [tlsError('CERT_HAS_EXPIRED'), Status.TLSError],
        [outOfMemoryError(), Status.OutOfMemory],
        [sysError('ETIMEDOUT'), Status.SysError],
      ];
      for (const [error, status] of cases) {
        testScheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
        testScheduler.run(() => {
          const peer = createTestPeer({ scheduler: testScheduler });
          peer.script('--#', undefined, error);
          testScheduler.schedule(() => {
            expect(peer.stream.tryRead(Buffer.alloc(4)).status).toBe(status);
          }, 3);
        });
      }
    });

    it('fail() injects an error without ending the script', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('-f--a|', { f: fail(tlsError()), a: 'late' });
        expectObservable(peer.stream.state$).toBe('of', { o: S.Open, f: S.Error });
        testScheduler.schedule(() => {
          expect(peer.stream.tryRead(Buffer.alloc(8)).status).toBe(Status.TLSError);
        }, 6);
      });
    });

    it('closes the connection at peerClosed: reads end, the state becomes Closed', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('-a-c', { a: 'bye', c: peerClosed });
        expectObservable(peer.stream.reads$.pipe(map(String))).toBe('-a-|', { a: 'bye' });
        expectObservable(peer.stream.state$).toBe('o--c', states);
      });
    });
  });

  describe('written$', () => {
    it('shows each write at its frame and the FIN of shutdownWrite as |', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        cold('-a--b', { a: 'GET ', b: '/\n' }).subscribe((text) => {
          peer.stream.writeAll(Buffer.from(text)).subscribe(() => {
            if (text === '/\n') peer.stream.shutdownWrite();
          });
        });
        expectObservable(peer.writtenText$).toBe('-a--(b|)', { a: 'GET ', b: '/\n' });
        expectObservable(peer.stream.state$).toBe('o---s', states);
      });
    });

    it('joins writes made in one frame into one (the stream coalesces them)', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.stream.tryWrite(Buffer.from('a'));
        peer.stream.tryWrite(Buffer.from('b'));
        expectObservable(peer.written$).toBe('x', bytes({ x: 'ab' }));
      });
    });

    it('completes when close() sends the end, then the stream is Closed', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.stream.tryWrite(Buffer.from('last'));
        expectObservable(peer.stream.close()).toBe('(u|)', { u: undefined });
        expectObservable(peer.writtenText$).toBe('(a|)', { a: 'last' });
        expectObservable(peer.stream.state$).toBe('(oc)', states);
      });
    });

    it('errors with STREAM_DESTROYED when the stream is destroyed without an end', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        testScheduler.schedule(() => peer.stream.destroy(), 3);
        expectObservable(peer.written$).toBe('---#', undefined, STREAM_DESTROYED);
      });
    });
  });

  describe('TLS-like situations', () => {
    it('answers WouldBlock during a renegotiation window and holds the bytes sent in it', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler, tls: true });
        expect(peer.stream.kind).toBe(StreamKind.TLSStream);
        peer.script('-R-a-r', { R: renegotiationStart, a: 'data', r: renegotiationEnd });
        const buf = Buffer.alloc(8);
        const seen: string[] = [];
        for (const frame of [2, 4, 6]) {
          testScheduler.schedule(() => {
            const r = peer.stream.tryRead(buf);
            seen.push(r.status === Status.OK ? `${r.bytes}` : r.status);
          }, frame);
        }
        expectObservable(peer.stream.readable$, '^------!').toBe('-----r', { r: undefined });
        testScheduler.schedule(() => {
          expect(seen).toEqual([Status.WouldBlock, Status.WouldBlock, '4']);
        }, 7);
      });
    });

    it('completes stream.renegotiate() at renegotiationEnd and records its options', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler, tls: true });
        peer.script('---r', { r: renegotiationEnd });
        expectObservable(peer.stream.renegotiate({ requestCert: true })).toBe('---(u|)', {
          u: undefined,
        });
        testScheduler.schedule(
          () => expect(peer.renegotiations).toEqual([{ requestCert: true }]),
          4,
        );
      });
    });

    it('errors stream.renegotiate() with TLSError at renegotiationFailed', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler, tls: true });
        peer.script('--x', { x: renegotiationFailed() });
        expectObservable(peer.stream.renegotiate()).toBe(
          '--#',
          undefined,
          jasmine.objectContaining({ status: Status.TLSError, code: ErrorCode.IO }),
        );
      });
    });

    it('refuses renegotiate() with Invalid on a non-TLS peer', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        expectObservable(peer.stream.renegotiate()).toBe(
          '#',
          undefined,
          jasmine.objectContaining({ status: Status.Invalid }),
        );
      });
    });
  });

  describe('backpressure and write failures', () => {
    it('holds writeAll while the peer stops reading and lets it finish after startReading', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler, sendBufferSize: 4 });
        peer.script('s----g', { s: stopReading, g: startReading });
        const write$ = peer.stream.writeAll(Buffer.from('12345678'));
        expectObservable(write$, '-^').toBe('-----(n|)', { n: 8 });
        expectObservable(peer.writtenText$).toBe('-a---b', { a: '1234', b: '5678' });
      });
    });

    it('fails the stream at the next write after failNextWrite: SysError EPIPE', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('x', { x: failNextWrite() });
        const write$ = peer.stream.writeAll(Buffer.from('doomed'));
        expectObservable(write$, '--^').toBe('--(n|)', { n: 6 });
        expectObservable(peer.stream.state$).toBe('o-e', states);
        testScheduler.schedule(() => {
          expect(peer.stream.lastError?.status).toBe(Status.SysError);
          expect(peer.received().length).toBe(0);
        }, 3);
      });
    });
  });

  describe('imperative use (EmbeddedChannel style)', () => {
    it('send/end/takeWritten between flushes, without marbles', () => {
      const peer = createTestPeer({ scheduler: testScheduler });
      const got: string[] = [];
      peer.stream.reads$.subscribe((c) => got.push(c.toString()));
      peer.send('in1').send(Uint8Array.of(0x32));
      testScheduler.flush();
      expect(got).toEqual(['in1', '2']);
      peer.stream.tryWrite(Buffer.from('out'));
      testScheduler.flush();
      expect(peer.takeWritten().toString()).toBe('out');
      expect(peer.takeWritten().length).toBe(0);
      peer.stream.tryWrite(Buffer.from('more'));
      expect(peer.stream.shutdownWrite()).toBe(Status.OK);
      peer.end();
      testScheduler.flush();
      expect(peer.takeWritten().toString()).toBe('more');
      expect(peer.receivedText()).toBe('outmore');
      expect(peer.ended).toBe(true);
      expect(peer.stream.state).toBe(StreamState.ShutdownWr);
      peer.dispose();
      expect(peer.gone).toBe(true);
    });

    it('records what a sync-mode destroy() hands back unread', () => {
      const peer = createTestPeer({ scheduler: testScheduler });
      const watching = peer.stream.readable$.subscribe();
      peer.send('unread');
      testScheduler.flush();
      watching.unsubscribe();
      peer.stream.destroy();
      expect(Buffer.concat(peer.released ?? []).toString()).toBe('unread');
    });
  });

  describe('lingers', () => {
    it("makes close() wait for the peer's end, as over a socket", () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler, lingers: true });
        peer.script('----|');
        expectObservable(peer.stream.close()).toBe('----(u|)', { u: undefined });
        expectObservable(peer.stream.state$).toBe('o---c', states);
      });
    });

    it('makes close() give up after closeTimeout when the peer never ends', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler, lingers: true, closeTimeout: 50 });
        expectObservable(peer.stream.close()).toBe('50ms (u|)', { u: undefined });
      });
    });
  });
});
