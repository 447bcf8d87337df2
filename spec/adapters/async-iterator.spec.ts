import { asapScheduler } from 'rxjs';
import { Status, Stream, StreamError } from '../../src';
import { chunks } from '../../src/adapters/async-iterator';
import { ScriptedTransport, sysError } from '../../src/testing';

describe('chunks() errors and queued calls', () => {
  let transport: ScriptedTransport;
  let stream: Stream;

  beforeEach(() => {
    transport = new ScriptedTransport(asapScheduler);
    stream = new Stream(transport, { scheduler: asapScheduler });
  });

  afterEach(() => stream.destroy());

  it('throws the StreamError from the loop after the bytes received before it', async () => {
    transport.arrive(Buffer.from('first'));
    const got: string[] = [];
    let caught: unknown;
    try {
      for await (const chunk of chunks(stream)) {
        got.push(chunk.toString());
        transport.fail(sysError('ECONNRESET'));
      }
    } catch (error) {
      caught = error;
    }
    expect(got).toEqual(['first']);
    expect(StreamError.is(caught) && caught.status).toBe(Status.SysError);
  });

  it('answers done after the error, as iterators do', async () => {
    const it = chunks(stream);
    transport.fail(sysError());
    await expectAsync(it.next()).toBeRejected();
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('serves next() calls made before the previous settled one after the other, in order', async () => {
    const it = chunks(stream);
    const first = it.next();
    const second = it.next();
    transport.arrive(Buffer.from('a'));
    expect((await first).value?.toString()).toBe('a');
    transport.arrive(Buffer.from('b'));
    transport.arrive('end');
    expect((await second).value?.toString()).toBe('b');
    expect((await it.next()).done).toBe(true);
  });

  it('return() cancels a pending next() and leaves the stream open for the next reader', async () => {
    const it = chunks(stream);
    const pending = it.next();
    await it.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    transport.arrive(Buffer.from('kept'));
    transport.arrive('end');
    const rest: string[] = [];
    for await (const chunk of chunks(stream)) rest.push(chunk.toString());
    expect(rest).toEqual(['kept']);
  });
});
