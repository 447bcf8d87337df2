import { once } from 'node:events';
import * as net from 'node:net';
import { Observable } from 'rxjs';
import {
  Status,
  StreamError,
  connectTCP,
  connectTLS,
  createTCP,
  toDuplex,
  type ConnectOptions,
  type SocketDuplex,
  type SocketStyleError,
  type Stream,
} from '../../src';
import { Cleanup, clientTls, ignore, listenOn, receive, tcpPair, tlsServer } from './support';

const clean = new Cleanup();
const duplexes: SocketDuplex[] = [];
afterEach(async () => {
  for (const d of duplexes.splice(0)) d.destroy();
  await clean.run();
});

function track(d: SocketDuplex): SocketDuplex {
  d.on('error', ignore);
  duplexes.push(d);
  return d;
}

/** A raw TCP server on 127.0.0.1; resolves its port and each accepted socket. */
async function rawServer(): Promise<{ port: number; accepted: () => Promise<net.Socket> }> {
  const server = clean.server(net.createServer({ allowHalfOpen: true }));
  const port = await listenOn(server);
  return {
    port,
    accepted: async () => {
      const [socket] = (await once(server, 'connection')) as [net.Socket];
      return clean.socket(socket);
    },
  };
}

/** A Duplex over a connected stream, with the raw peer socket (flowing). */
async function connected(): Promise<{ duplex: SocketDuplex; stream: Stream; peer: net.Socket }> {
  const { client, server } = await tcpPair(clean);
  const stream = clean.stream(createTCP(client));
  server.resume();
  return { duplex: track(toDuplex(stream)), stream, peer: server };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOn(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function errorFrom(d: SocketDuplex): Promise<SocketStyleError> {
  return new Promise((resolve) => d.once('error', resolve));
}

describe('toDuplex: the net.Socket contract', () => {
  describe('writing', () => {
    it('hands corked chunks to the stream as one writeAll', async () => {
      const { duplex, stream, peer } = await connected();
      const writeAll = spyOn(stream, 'writeAll').and.callThrough();
      const got = receive(peer, 9);
      duplex.cork();
      duplex.write('abc');
      duplex.write(Buffer.from('def'));
      duplex.write('ghi');
      process.nextTick(() => duplex.uncork());
      expect((await got).toString()).toBe('abcdefghi');
      expect(writeAll).toHaveBeenCalledTimes(1);
    });

    it('hands large corked chunks over in order as well', async () => {
      const { duplex, peer } = await connected();
      const parts = [Buffer.alloc(40_000, 1), Buffer.alloc(50_000, 2), Buffer.alloc(3, 3)];
      const got = receive(peer, 90_003);
      duplex.cork();
      for (const p of parts) duplex.write(p);
      duplex.uncork();
      expect((await got).equals(Buffer.concat(parts))).toBeTrue();
    });

    it('accepts a zero-length write: calls back, sends nothing, keeps going', async () => {
      const { duplex, stream, peer } = await connected();
      const writeAll = spyOn(stream, 'writeAll').and.callThrough();
      await new Promise<void>((resolve, reject) =>
        duplex.write(Buffer.alloc(0), (e) => (e ? reject(e) : resolve())),
      );
      expect(writeAll).not.toHaveBeenCalled();
      expect(duplex.destroyed).toBeFalse();
      const got = receive(peer, 2);
      duplex.write('ok');
      expect((await got).toString()).toBe('ok');
    });

    it('accepts zero-length chunks among corked ones', async () => {
      const { duplex, peer } = await connected();
      const got = receive(peer, 2);
      duplex.cork();
      duplex.write(Buffer.alloc(0));
      duplex.write('x');
      duplex.write(Buffer.alloc(0));
      duplex.write('y');
      duplex.uncork();
      expect((await got).toString()).toBe('xy');
    });
  });

  describe('socket members', () => {
    it('forwards setNoDelay, setKeepAlive, ref and unref to the stream, returning itself', async () => {
      const { duplex, stream } = await connected();
      const spies = [
        spyOn(stream, 'setNoDelay').and.callThrough(),
        spyOn(stream, 'setKeepAlive').and.callThrough(),
        spyOn(stream, 'unref').and.callThrough(),
        spyOn(stream, 'ref').and.callThrough(),
      ];
      expect(duplex.setNoDelay(false).setKeepAlive(true, 1000).unref().ref()).toBe(duplex);
      duplex.setNoDelay();
      expect(spies[0].calls.allArgs()).toEqual([[false], [true]]);
      expect(spies[1].calls.allArgs() as unknown[]).toEqual([[true, 1000]]);
      expect(spies[2]).toHaveBeenCalledTimes(1);
      expect(spies[3]).toHaveBeenCalledTimes(1);
    });

    it('gives the addresses, address() and the byte counters of the stream', async () => {
      const { duplex, stream, peer } = await connected();
      expect(duplex.remoteAddress).toBe('127.0.0.1');
      expect(duplex.remotePort).toBe(peer.localPort as number);
      expect(duplex.remoteFamily).toBe('IPv4');
      expect(duplex.localAddress).toBe('127.0.0.1');
      expect(duplex.localPort).toBe(peer.remotePort as number);
      expect(duplex.address() as net.AddressInfo).toEqual({
        address: '127.0.0.1',
        port: peer.remotePort as number,
        family: 'IPv4',
      });
      const got = receive(peer, 5);
      duplex.write('hello');
      await got;
      peer.write('abc');
      await once(duplex, 'data');
      expect(duplex.bytesWritten).toBe(5);
      expect(duplex.bytesRead).toBe(3);
      expect(stream.bytesRead).toBe(3);
    });

    it('readyState follows open, readOnly and closed; pending after destroy', async () => {
      const { duplex } = await connected();
      expect([duplex.connecting, duplex.pending, duplex.readyState]).toEqual([
        false,
        false,
        'open',
      ]);
      duplex.end();
      await once(duplex, 'finish');
      expect(duplex.readyState).toBe('readOnly');
      duplex.destroy();
      expect([duplex.pending, duplex.readyState]).toEqual([true, 'closed']);
    });

    it("setTimeout emits 'timeout' after inactivity without destroying, and calls its callback", async () => {
      const { duplex, peer } = await connected();
      let called = 0;
      duplex.setTimeout(30, () => called++);
      expect(duplex.timeout).toBe(30);
      await once(duplex, 'timeout');
      expect(called).toBe(1);
      expect(duplex.destroyed).toBeFalse();
      const got = receive(peer, 4);
      duplex.write('live');
      expect((await got).toString()).toBe('live');
      await once(duplex, 'timeout'); // the write started the count again
    });

    it('setTimeout(0) turns it off and removes the callback', async () => {
      const { duplex } = await connected();
      const cb = (): void => undefined;
      duplex.setTimeout(1000, cb);
      expect(duplex.listenerCount('timeout')).toBe(1);
      duplex.setTimeout(0, cb);
      expect(duplex.listenerCount('timeout')).toBe(0);
      expect(duplex.timeout).toBe(0);
      expect(() => duplex.setTimeout(-1)).toThrowError(RangeError);
    });

    it("connect() on a connected Duplex emits 'connect' and 'ready' on the next tick", async () => {
      const { duplex } = await connected();
      const events: string[] = [];
      duplex.on('ready', () => events.push('ready'));
      duplex.connect(5432, 'ignored', () => events.push('connect'));
      expect(events).toEqual([]);
      await once(duplex, 'ready');
      expect(events).toEqual(['connect', 'ready']);
    });
  });

  describe('over a cold Observable<Stream>', () => {
    it('returns at once connecting, subscribes on connect(), then emits connect and ready', async () => {
      const { port, accepted } = await rawServer();
      let subscribed = 0;
      const source = new Observable<Stream>((sub) => {
        subscribed++;
        return connectTCP(port, '127.0.0.1').subscribe(sub);
      });
      const duplex = track(toDuplex(source));
      expect([duplex.connecting, duplex.pending, duplex.readyState]).toEqual([
        true,
        true,
        'opening',
      ]);
      expect(duplex.remoteAddress).toBeUndefined();
      expect(Object.keys(duplex.address())).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(subscribed).toBe(0);
      const events: string[] = [];
      duplex.connect(port, '127.0.0.1', () => events.push('connect'));
      duplex.on('ready', () => events.push('ready'));
      const peer = await accepted();
      await once(duplex, 'ready');
      expect(events).toEqual(['connect', 'ready']);
      expect(subscribed).toBe(1);
      expect([duplex.connecting, duplex.pending, duplex.readyState]).toEqual([
        false,
        false,
        'open',
      ]);
      expect(duplex.remotePort).toBe(port);
      const got = receive(peer, 2);
      duplex.write('hi');
      expect((await got).toString()).toBe('hi');
    });

    it('connects on the first write, and the write arrives', async () => {
      const { port, accepted } = await rawServer();
      const duplex = track(toDuplex(connectTCP(port, '127.0.0.1')));
      const wrote = new Promise<void>((resolve, reject) =>
        duplex.write('first', (e) => (e ? reject(e) : resolve())),
      );
      const peer = await accepted();
      const got = receive(peer, 5);
      await wrote;
      expect((await got).toString()).toBe('first');
    });

    it('connects on the first read and delivers what the peer sends', async () => {
      const { port, accepted } = await rawServer();
      const duplex = track(toDuplex(connectTCP(port, '127.0.0.1')));
      const data = new Promise<Buffer>((resolve) => duplex.once('data', resolve));
      const peer = await accepted();
      peer.write('hello');
      expect((await data).toString()).toBe('hello');
    });

    it('applies settings made before the connection once it exists', async () => {
      const { port, accepted } = await rawServer();
      const duplex = track(toDuplex(connectTCP(port, '127.0.0.1')));
      duplex.setNoDelay(false).setKeepAlive(true, 2000).unref();
      const noDelay = spyOn(net.Socket.prototype, 'setNoDelay').and.callThrough();
      const keepAlive = spyOn(net.Socket.prototype, 'setKeepAlive').and.callThrough();
      const unref = spyOn(net.Socket.prototype, 'unref').and.callThrough();
      duplex.connect();
      await Promise.all([accepted(), once(duplex, 'connect')]);
      expect(noDelay.calls.mostRecent().args).toEqual([false]);
      expect(keepAlive.calls.mostRecent().args).toEqual([true, 2000]);
      expect(unref).toHaveBeenCalled();
    });

    it('emits connect, secureConnect and ready for TLS', async () => {
      const { port } = await tlsServer(clean);
      const duplex = track(toDuplex(connectTLS(clientTls(port))));
      const events: string[] = [];
      for (const e of ['connect', 'secureConnect', 'ready']) duplex.on(e, () => events.push(e));
      await once(duplex, 'ready');
      expect(events).toEqual(['connect', 'secureConnect', 'ready']);
    });

    it('destroys itself with ECONNREFUSED when the connection fails', async () => {
      const port = await closedPort();
      const duplex = track(toDuplex(connectTCP(port, '127.0.0.1')));
      const error = errorFrom(duplex);
      duplex.connect();
      const e = await error;
      expect(e.code).toBe('ECONNREFUSED');
      expect(e.syscall).toBe('connect');
      expect(StreamError.is(e.cause)).toBeTrue();
      expect(e.cause.status).toBe(Status.SysError);
      expect(duplex.destroyed).toBeTrue();
      expect(duplex.connecting).toBeFalse();
    });

    it('carries a TLS verification failure with its Node code', async () => {
      const { port } = await tlsServer(clean);
      const duplex = track(toDuplex(connectTLS(clientTls(port, { ca: [] as unknown as string }))));
      const error = errorFrom(duplex);
      duplex.connect();
      const e = await error;
      expect(e.code).toEqual(jasmine.any(String));
      expect(e.code).not.toBe('');
      expect(e.cause.status).toBe(Status.TLSError);
    });

    it('cancels the attempt when destroyed before it connects', async () => {
      let torn = false;
      const never = new Observable<Stream>(() => () => (torn = true));
      const duplex = track(toDuplex(never));
      duplex.connect();
      duplex.destroy();
      await once(duplex, 'close');
      expect(torn).toBeTrue();
      expect(duplex.connecting).toBeFalse();
    });

    it("ends its own side once the peer's end is read (net.connect's default), unless allowHalfOpen", async () => {
      const { port, accepted } = await rawServer();
      const duplex = track(toDuplex(connectTCP(port, '127.0.0.1')));
      duplex.resume();
      duplex.connect();
      const peer = await accepted();
      peer.resume();
      const peerEnded = once(peer, 'end');
      const closed = once(duplex, 'close');
      peer.end();
      await Promise.all([peerEnded, closed]); // our FIN came back, and the Duplex is done
      // Half-open all the way down: the stream too, where the connect helpers take the option
      // (StreamOptions.allowHalfOpen); the Duplex's own option is the one under test here.
      const halfStream = { allowHalfOpen: true } as unknown as ConnectOptions;
      const half = track(
        toDuplex(connectTCP(port, '127.0.0.1', halfStream), { allowHalfOpen: true }),
      );
      half.resume();
      half.connect();
      const other = await accepted();
      other.end();
      await once(half, 'end');
      expect(half.writable).toBeTrue();
      const got = receive(other, 5);
      half.write('still');
      expect((await got).toString()).toBe('still');
    });

    it('fails writes made before a connection that never comes, with the reason', async () => {
      const port = await closedPort();
      const duplex = track(toDuplex(connectTCP(port, '127.0.0.1')));
      const wrote = new Promise<Error | null | undefined>((resolve) =>
        duplex.write('lost', resolve),
      );
      const e = (await wrote) as SocketStyleError;
      expect(e.code).toBe('ECONNREFUSED');
      expect(duplex.destroyed).toBeTrue();
    });

    it('connects when a connect listener is added', async () => {
      const { port, accepted } = await rawServer();
      const duplex = track(toDuplex(connectTCP(port, '127.0.0.1')));
      duplex.once('connect', ignore);
      await accepted();
      await once(duplex, 'ready');
    });
  });

  describe('errors', () => {
    it('carry ECONNRESET when the peer resets, with the StreamError as cause', async () => {
      const { duplex, peer } = await connected();
      duplex.resume();
      const error = errorFrom(duplex);
      peer.resetAndDestroy();
      const e = await error;
      expect(e.code).toBe('ECONNRESET');
      expect(StreamError.is(e.cause)).toBeTrue();
      expect(e.cause.status).toBe(Status.SysError);
      expect((e.cause.cause as { code?: string }).code).toBe('ECONNRESET');
    });
  });
});

describe('toNodeError without a Node error behind it', () => {
  it('gives a code for the status on each side', async () => {
    const { toNodeError } = await import('../../src');
    const cases: [Status, 'read' | 'write' | 'connect', string][] = [
      [Status.StreamClosed, 'read', 'ECONNRESET'],
      [Status.StreamClosed, 'write', 'EPIPE'],
      [Status.SysError, 'read', 'EIO'],
      [Status.TLSError, 'write', 'EPROTO'],
      [Status.OutOfMemory, 'read', 'ENOMEM'],
      [Status.Invalid, 'write', 'ERR_SOCKET_CLOSED'],
    ];
    for (const [status, side, code] of cases) {
      const se = new StreamError(status, 'x');
      const e = toNodeError(se, side) as SocketStyleError;
      expect(e.code).withContext(`${status} ${side}`).toBe(code);
      expect(e.cause).toBe(se);
    }
    const plain = new Error('plain');
    expect(toNodeError(plain, 'read')).toBe(plain);
  });
});
