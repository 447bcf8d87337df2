import * as net from 'node:net';
import { firstValueFrom, lastValueFrom, take } from 'rxjs';
import { createTCP, type Stream } from '../../src';

/** Turns of the event loop until `ready()` holds (bounded). */
async function until(ready: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns && !ready(); i += 1) await new Promise(setImmediate);
  if (!ready()) throw new Error('condition not reached');
}

describe('reads$ with take(1) on a direct-mode stream', () => {
  let server: net.Server;
  let a: Stream;
  let b: Stream;

  beforeEach(async () => {
    server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    a = createTCP(socket);
    b = createTCP(await accepted);
  });

  afterEach(async () => {
    a.destroy();
    b.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  // Regression: the pump used to hand the 2nd queued chunk to the closed take(1) subscriber
  // while subscribe() was still running (direct mode), losing it. The adapters rely on this.
  it('leaves the chunks after the first in the stream for the next reader', async () => {
    await lastValueFrom(b.writeAll(Buffer.from('one')));
    const watching = a.readable$.subscribe(); // lets the stream read ahead
    await until(() => a.stats().readBuffered === 3);
    await lastValueFrom(b.writeAll(Buffer.from('two')));
    await until(() => a.stats().readBuffered === 6);
    watching.unsubscribe();
    const first = await firstValueFrom(a.reads$.pipe(take(1)));
    expect(first.toString()).toBe('one');
    expect(a.bytesRead).toBe(3);
    const rest = Buffer.alloc(16);
    const n = await firstValueFrom(a.read(rest));
    expect(rest.subarray(0, n).toString()).toBe('two');
  });
});
