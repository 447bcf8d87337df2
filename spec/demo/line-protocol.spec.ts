import { TestScheduler } from 'rxjs/testing';
import { Status, StreamState } from '../../src';
import { bytes, createTestPeer, stopReading, startReading } from '../../src/testing';
import { RequestTimeoutError, lines, request } from '../../demo/line-protocol';

describe('demo: line protocol', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('lines()', () => {
    it('joins a line split across chunks and splits a chunk holding many lines', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const chunks = cold('-a-b-c-----|', bytes({ a: 'hel', b: 'lo\nwor', c: 'ld\nx\ny\n' }));
        expectObservable(chunks.pipe(lines())).toBe('---h-(wxy)-|', {
          h: 'hello',
          w: 'world',
          x: 'x',
          y: 'y',
        });
        expectSubscriptions(chunks.subscriptions).toBe('^----------!');
      });
    });

    it('decodes a multi-byte character split between two chunks', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const e = Buffer.from('é\n'); // c3 a9 0a
        const chunks = cold('-a-b|', { a: e.subarray(0, 1), b: e.subarray(1) });
        expectObservable(chunks.pipe(lines())).toBe('---e|', { e: 'é' });
      });
    });

    it('strips \\r of CRLF and emits an unterminated last line at completion', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const chunks = cold('-a-b|', bytes({ a: 'one\r\n', b: 'tail' }));
        expectObservable(chunks.pipe(lines())).toBe('-o--(t|)', { o: 'one', t: 'tail' });
      });
    });

    it('errors with Invalid when a line outgrows maxLength', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const chunks = cold('-a-a-a|', bytes({ a: 'xxxx' }));
        expectObservable(chunks.pipe(lines({ maxLength: 10 }))).toBe(
          '-----#',
          undefined,
          jasmine.objectContaining({ status: Status.Invalid }),
        );
      });
    });

    it('reads lines from a scripted peer through reads$', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('-a--b--|', { a: 'HELLO 1\nHEL', b: 'LO 2\n' });
        expectObservable(peer.stream.reads$.pipe(lines())).toBe('-a--b--|', {
          a: 'HELLO 1',
          b: 'HELLO 2',
        });
      });
    });
  });

  describe('request()', () => {
    it('writes the request line and emits the reply line', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('---r', { r: 'PONG\n' });
        expectObservable(request(peer.stream, 'PING', { scheduler: testScheduler })).toBe(
          '---(p|)',
          { p: 'PONG' },
        );
        expectObservable(peer.writtenText$).toBe('q', { q: 'PING\n' });
      });
    });

    it('answers from a reactive peer that replies to what it reads', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.writtenText$.subscribe((text) => peer.send(`ECHO ${text}`));
        const reply$ = request(peer.stream, 'hi', { scheduler: testScheduler });
        expectObservable(reply$, '--^').toBe('--(e|)', { e: 'ECHO hi' });
      });
    });

    it('errors with RequestTimeoutError when the reply is late, leaving the stream Open', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('1s r', { r: 'too late\n' });
        const reply$ = request(peer.stream, 'PING', { timeout: 500, scheduler: testScheduler });
        expectObservable(reply$).toBe('500ms #', undefined, new RequestTimeoutError('PING'));
        expectObservable(peer.stream.state$).toBe('o', { o: StreamState.Open });
      });
    });

    it('keeps the late reply in the stream for the next reader after a timeout', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('10ms r', { r: 'late\n' });
        request(peer.stream, 'PING', { timeout: 5, scheduler: testScheduler }).subscribe({
          error: () => undefined,
        });
        expectObservable(peer.stream.reads$.pipe(lines()), '20ms ^').toBe('20ms l', { l: 'late' });
      });
    });

    it('errors with code 2 when the peer ends before replying', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('--|');
        expectObservable(request(peer.stream, 'PING', { scheduler: testScheduler })).toBe(
          '--#',
          undefined,
          jasmine.objectContaining({ status: Status.StreamClosed, code: 2 }),
        );
      });
    });

    it('errors with the reset when the peer resets before replying', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler });
        peer.script('---#');
        expectObservable(request(peer.stream, 'PING', { scheduler: testScheduler })).toBe(
          '---#',
          undefined,
          jasmine.objectContaining({ status: Status.SysError }),
        );
        expectObservable(peer.stream.state$).toBe('o--e', { o: 'Open', e: 'Error' });
      });
    });

    it('waits for room to send when the peer is not reading; the timeout counts from the reply wait', () => {
      testScheduler.run(({ expectObservable }) => {
        const peer = createTestPeer({ scheduler: testScheduler, sendBufferSize: 2 });
        peer.script('s---g-r', { s: stopReading, g: startReading, r: 'OK\n' });
        const reply$ = request(peer.stream, 'PING', { timeout: 5, scheduler: testScheduler });
        expectObservable(reply$, '-^').toBe('------(o|)', { o: 'OK' });
      });
    });
  });
});
