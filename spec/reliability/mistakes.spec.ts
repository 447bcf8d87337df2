/**
 * Plausible mistakes and the answers they get (issue 12): bad options are
 * refused before any socket opens, wrong argument types say what was given,
 * and TLS failures say what happened in words, with Node's error as `cause`.
 */
import * as net from 'node:net';
import { firstValueFrom, type Observable } from 'rxjs';
import {
  Status,
  StreamError,
  connectTCP,
  connectTLS,
  listenTCP,
  listenTLS,
  memoryPair,
} from '../../src';
import { testCerts } from '../../tools/certs';
import { close, listen, portOf } from './support/pairs';
import { turns, runWithDebugLog } from './support/peers';

async function errorOf(source: Observable<unknown>): Promise<StreamError> {
  const e = await firstValueFrom(source).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!StreamError.is(e)) throw new Error(`expected a StreamError, got ${String(e)}`);
  return e;
}

describe('mistakes: refused before any socket opens', () => {
  let server: net.Server;
  let connections = 0;
  beforeEach(async () => {
    connections = 0;
    server = net.createServer((s) => {
      connections += 1;
      s.destroy();
    });
    await listen(server);
  });
  afterEach(async () => close(server));

  for (const options of [
    { sendBufferSize: 0 },
    { readBufferSize: -1 },
    { closeTimeout: Number.NaN },
    { idleTimeout: 0 },
    { allowHalfOpen: 'yes' as unknown as boolean },
  ]) {
    it(`connectTCP with ${JSON.stringify(options)} answers Invalid and connects nothing`, async () => {
      const e = await errorOf(connectTCP(portOf(server), '127.0.0.1', options));
      expect(e.status).toBe(Status.Invalid);
      await turns(20);
      expect(connections).toBe(0);
    });
  }

  it('listenTCP with sendBufferSize 0 errors at subscription instead of hanging up on every client', async () => {
    const e = await errorOf(listenTCP(0, '127.0.0.1', { sendBufferSize: 0 }));
    expect(e.status).toBe(Status.Invalid);
    expect(e.message).toMatch(/sendBufferSize/);
  });

  it('a port given as a string says so: "got the string \'34541\'"', async () => {
    const e = await errorOf(connectTCP('34541' as unknown as number, '127.0.0.1'));
    expect(e.status).toBe(Status.Invalid);
    expect(e.message).toMatch(/got the string '34541'/);
  });

  it('an options object in the host slot is Invalid (never a SysError a retry would repeat)', async () => {
    const e = await errorOf(connectTCP(portOf(server), { noDelay: true } as unknown as string));
    expect(e.status).toBe(Status.Invalid);
    expect(e.message).toMatch(/host must be a non-empty string/);
    expect(connections).toBe(0);
  });
});

describe('mistakes: TLS failures in words', () => {
  it('TLS to a plain TCP server: TLSError "the peer does not speak TLS", OpenSSL text in cause', async () => {
    const plain = net.createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await listen(plain);
    try {
      const e = await errorOf(connectTLS({ port: portOf(plain), host: '127.0.0.1' }));
      expect(e.status).toBe(Status.TLSError);
      expect(e.message).toMatch(/the peer does not speak TLS/);
      expect((e.cause as { code?: string }).code).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    } finally {
      await close(plain);
    }
  });

  it('an untrusted certificate says to pass `ca`', async () => {
    const certs = testCerts();
    let port = 0;
    const sub = listenTLS({ key: certs.server.key, cert: certs.server.cert }, 0, '127.0.0.1', {
      onListening: (a) => (port = a.port),
    }).subscribe((s) => s.destroy());
    try {
      while (port === 0) await turns(1);
      const e = await errorOf(connectTLS({ port, host: 'localhost' }));
      expect(e.status).toBe(Status.TLSError);
      expect(e.message).toMatch(/as `ca`/);
      expect(e.cause).toBeInstanceOf(Error);
    } finally {
      sub.unsubscribe();
    }
  });
});

describe('mistakes: refused try-once calls explain themselves', () => {
  it('lastRefusal says why tryWrite / tryRead / shutdownWrite answered Invalid', () => {
    const [a, b] = memoryPair();
    try {
      expect(a.lastRefusal).toBeNull();
      expect(a.tryWrite('nope' as unknown as Uint8Array).status).toBe(Status.Invalid);
      expect(a.lastRefusal).toMatch(
        /^tryWrite: buffer must be a Buffer or Uint8Array, got a string/,
      );
      const pending = a
        .writeAll(Buffer.alloc(8 * 1024 * 1024))
        .subscribe({ error: () => undefined });
      expect(a.tryWrite(Buffer.from('x')).status).toBe(Status.Invalid);
      expect(a.lastRefusal).toMatch(/write-side operation .* is already pending/);
      pending.unsubscribe();
      const reading = b.reads$.subscribe({ error: () => undefined });
      expect(b.tryRead(Buffer.alloc(4)).status).toBe(Status.Invalid);
      expect(b.lastRefusal).toMatch(/^tryRead: a read-side operation/);
      reading.unsubscribe();
      expect(a.shutdownWrite()).toBe(Status.OK);
      expect(a.shutdownWrite()).toBe(Status.Invalid);
      expect(a.lastRefusal).toMatch(/^shutdownWrite: the stream is not Open \(ShutdownWr\)/);
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('NODE_DEBUG=rxstream logs each refusal with its reason', () => {
    const script = `
      const { memoryPair } = require('./src');
      const [a, b] = memoryPair();
      a.tryRead(Buffer.alloc(0));
      a.destroy(); b.destroy();`;
    const run = runWithDebugLog(script);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/refused tryRead: buffer is empty/);
  });

  it('destroy() with a reads$ subscribed without an error callback leaves the process running (reads$ completes)', () => {
    const script = `
      const net = require('node:net');
      const { connectTCP } = require('./src');
      const server = net.createServer((socket) => socket.write('hello'));
      server.listen(0, '127.0.0.1', () => {
        connectTCP(server.address().port, '127.0.0.1').subscribe((stream) => {
          stream.reads$.subscribe({ next: () => stream.destroy(), complete: () => console.log('completed') });
          setTimeout(() => { console.log('still running'); server.close(); }, 100);
        });
      });`;
    const run = runWithDebugLog(script);
    expect(run.stderr).not.toMatch(/StreamError|Uncaught/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('completed');
    expect(run.stdout).toContain('still running');
  });

  it('NODE_DEBUG=rxstream says when write() took fewer bytes than asked (writeAll was meant)', () => {
    const script = `
      const { memoryPair } = require('./src');
      const [a, b] = memoryPair({ sendBufferSize: 1024 });
      a.write(Buffer.alloc(4096)).subscribe((n) => { console.log('accepted', n); a.destroy(); b.destroy(); });`;
    const run = runWithDebugLog(script);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('accepted 1024');
    expect(run.stderr).toMatch(/write accepted 1024 of 4096 bytes \(writeAll sends them all\)/);
  });
});
