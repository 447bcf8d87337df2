import { TestScheduler } from 'rxjs/testing';
import { Status, StreamState, lines } from '../../src';
import { createTestPeer, startReading, stopReading, streamErrorLike } from '../../src/testing';
import { RequestTimeoutError, ask, askAll, serveLines } from '../../demo/line-protocol';

describe('demo: line protocol', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('ask()', () => {
    it('writes the request line and emits the reply line', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('---r', { r: 'PONG\n' });
        expectObservable(ask(peer.stream, 'PING', { scheduler: testScheduler })).toBe('---(p|)', {
          p: 'PONG',
        });
        expectObservable(peer.writtenText$).toBe('q', { q: 'PING\n' });
      });
    });

    it('answers from a reactive peer that replies to what it reads', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.writtenText$.subscribe((text) => peer.send(`ECHO ${text}`));
        const reply$ = ask(peer.stream, 'hi', { scheduler: testScheduler });
        expectObservable(reply$, '--^').toBe('--(e|)', { e: 'ECHO hi' });
      });
    });

    it('keeps the second reply of a chunk for the next ask (no byte lost)', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('-r', { r: 'ONE\nTWO\n' });
        expectObservable(askAll(peer.stream, ['1', '2'])).toBe('-(ot|)', { o: 'ONE', t: 'TWO' });
      });
    });

    it('errors with RequestTimeoutError when the reply is late, leaving the stream Open', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('1s r', { r: 'too late\n' });
        const reply$ = ask(peer.stream, 'PING', { timeout: 500, scheduler: testScheduler });
        expectObservable(reply$).toBe('500ms #', undefined, new RequestTimeoutError('PING'));
        expectObservable(peer.stream.state$).toBe('o', { o: StreamState.Open });
      });
    });

    it('keeps the late reply in the stream for the next reader after a timeout', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('10ms r', { r: 'late\n' });
        ask(peer.stream, 'PING', { timeout: 5, scheduler: testScheduler }).subscribe({
          error: () => undefined,
        });
        expectObservable(peer.stream.frames(lines()), '20ms ^').toBe('20ms l', { l: 'late' });
      });
    });

    it('errors with code 2 when the peer ends before replying', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('--|');
        expectObservable(ask(peer.stream, 'PING', { scheduler: testScheduler })).toBe(
          '--#',
          undefined,
          streamErrorLike({ status: Status.StreamClosed, code: 2 }),
        );
      });
    });

    it('errors with the reset when the peer resets before replying', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('---#');
        expectObservable(ask(peer.stream, 'PING', { scheduler: testScheduler })).toBe(
          '---#',
          undefined,
          streamErrorLike({ status: Status.SysError, code: 1 }),
        );
        expectObservable(peer.stream.state$).toBe('o--e', { o: 'Open', e: 'Error' });
      });
    });

    it('waits for room to send when the peer is not reading; the timeout counts from the reply wait', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler, sendBufferSize: 2 });
        peer.script('s---g-r', { s: stopReading, g: startReading, r: 'OK\n' });
        const reply$ = ask(peer.stream, 'PING', { timeout: 5, scheduler: testScheduler });
        expectObservable(reply$, '-^').toBe('------(o|)', { o: 'OK' });
      });
    });
  });

  describe('serveLines()', () => {
    it('answers every line in order, even many in one chunk, and completes at the peer end', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('-a--b--|', { a: 'PING\nhel', b: 'lo\nPING\n' });
        const served$ = serveLines(peer.stream, (l) => (l === 'PING' ? 'PONG' : `ECHO ${l}`));
        expectObservable(served$).toBe('-------(n|)', { n: 21 });
        expectObservable(peer.writtenText$).toBe('-a--b', { a: 'PONG\n', b: 'ECHO hello\nPONG\n' });
      });
    });
  });
});
