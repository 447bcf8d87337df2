import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { firstValueFrom, Observable, of, ReplaySubject } from 'rxjs';
import {
  Status,
  StreamError,
  connectIPC,
  connectTCP,
  connectTLS,
  listenIPC,
  listenTCP,
  listenTLS,
  memoryPair,
  monitor,
  type ConnectOptions,
  type Stream,
} from '../../src';
import { Cleanup, clientTls, errorOf, serverTls } from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

/** A listen helper on 127.0.0.1 port 0: its port and the streams it emits (replayed). */
function serve(listen: (onListening: (a: net.AddressInfo) => void) => Observable<Stream>): {
  port: Promise<number>;
  streams: ReplaySubject<Stream>;
} {
  const streams = new ReplaySubject<Stream>();
  const port = new Promise<number>((resolve, reject) => {
    const sub = listen((a) => resolve(a.port)).subscribe({
      next: (s) => streams.next(clean.stream(s)),
      error: reject,
    });
    clean.add(() => sub.unsubscribe());
  });
  return { port, streams };
}

function tcpServer(options: ConnectOptions = {}): ReturnType<typeof serve> {
  return serve((onListening) => listenTCP(0, '127.0.0.1', { ...options, onListening }));
}

function tlsServer(
  options: ConnectOptions = {},
  extra: tls.TlsOptions = {},
): ReturnType<typeof serve> {
  return serve((onListening) =>
    listenTLS(serverTls(extra), 0, '127.0.0.1', { ...options, onListening }),
  );
}

async function tcpPair(options: ConnectOptions = {}): Promise<[Stream, Stream]> {
  const server = tcpServer(options);
  const client = clean.stream(
    await firstValueFrom(connectTCP(await server.port, '127.0.0.1', options)),
  );
  return [client, await firstValueFrom(server.streams)];
}

async function tlsPair(
  extra: tls.ConnectionOptions = {},
  serverExtra: tls.TlsOptions = {},
): Promise<[Stream, Stream]> {
  const server = tlsServer({}, serverExtra);
  const client = clean.stream(
    await firstValueFrom(connectTLS(clientTls(await server.port, extra))),
  );
  return [client, await firstValueFrom(server.streams)];
}

/** Spies on every socket's setNoDelay/setKeepAlive (TLS sockets inherit them), calling through. */
function spySockets(): { noDelay: jasmine.Spy; keepAlive: jasmine.Spy } {
  return {
    noDelay: spyOn(net.Socket.prototype, 'setNoDelay').and.callThrough(),
    keepAlive: spyOn(net.Socket.prototype, 'setKeepAlive').and.callThrough(),
  };
}

describe('socket options of the connect and listen helpers', () => {
  it('set TCP_NODELAY by default on connectTCP and listenTCP streams', async () => {
    const spies = spySockets();
    await tcpPair();
    expect(spies.noDelay.calls.allArgs()).toEqual([[true], [true]]);
    expect(spies.keepAlive).not.toHaveBeenCalled();
  });

  it('set TCP_NODELAY by default on connectTLS and listenTLS streams, on the TLS sockets', async () => {
    const spies = spySockets();
    await tlsPair();
    expect(spies.noDelay.calls.allArgs()).toEqual([[true], [true]]);
    for (const call of spies.noDelay.calls.all()) expect(call.object).toBeInstanceOf(tls.TLSSocket);
  });

  it('keep Nagle with noDelay: false and turn keep-alive on with its delay', async () => {
    const spies = spySockets();
    await tcpPair({ noDelay: false, keepAlive: true, keepAliveInitialDelay: 5000 });
    expect(spies.noDelay.calls.allArgs()).toEqual([[false], [false]]);
    expect(spies.keepAlive.calls.allArgs()).toEqual([
      [true, 5000],
      [true, 5000],
    ]);
  });

  it('pass noDelay and keepAlive of connectTLS to the socket', async () => {
    const spies = spySockets();
    const server = tlsServer();
    const port = await server.port;
    clean.stream(
      await firstValueFrom(connectTLS(clientTls(port), { noDelay: false, keepAlive: true })),
    );
    expect(spies.noDelay.calls.first().args).toEqual([false]);
    expect(spies.keepAlive.calls.first().args).toEqual([true, 0]);
  });

  it('refuse bad socket options with Invalid at subscription', async () => {
    const bad: ConnectOptions[] = [
      { noDelay: 1 as unknown as boolean },
      { keepAlive: 'yes' as unknown as boolean },
      { keepAliveInitialDelay: -1 },
      { keepAliveInitialDelay: Number.NaN },
    ];
    for (const options of bad) {
      const error = await errorOf(connectTCP(1, '127.0.0.1', options));
      expect(StreamError.is(error) && error.status).toBe(Status.Invalid);
      const listenError = await errorOf(listenTCP(0, '127.0.0.1', options));
      expect(StreamError.is(listenError) && listenError.status).toBe(Status.Invalid);
    }
  });
});

describe('Stream socket members', () => {
  it('setNoDelay and setKeepAlive answer OK on TCP and reach the socket', async () => {
    const [client] = await tcpPair();
    const spies = spySockets();
    expect(client.setNoDelay(false)).toBe(Status.OK);
    expect(client.setNoDelay()).toBe(Status.OK);
    expect(client.setKeepAlive(true, 30_000)).toBe(Status.OK);
    expect(client.setKeepAlive()).toBe(Status.OK);
    expect(spies.noDelay.calls.allArgs()).toEqual([[false], [true]]);
    expect(spies.keepAlive.calls.allArgs()).toEqual([
      [true, 30_000],
      [false, 0],
    ]);
  });

  it('setNoDelay and setKeepAlive answer OK on TLS', async () => {
    const [client, server] = await tlsPair();
    expect(client.setNoDelay(true)).toBe(Status.OK);
    expect(server.setKeepAlive(true, 1000)).toBe(Status.OK);
  });

  it('answer Invalid for bad arguments, leaving the socket alone', async () => {
    const [client] = await tcpPair();
    const spies = spySockets();
    expect(client.setNoDelay('yes' as unknown as boolean)).toBe(Status.Invalid);
    expect(client.setKeepAlive(true, -5)).toBe(Status.Invalid);
    expect(client.setKeepAlive(true, Number.POSITIVE_INFINITY)).toBe(Status.Invalid);
    expect(client.setKeepAlive(1 as unknown as boolean)).toBe(Status.Invalid);
    expect(spies.noDelay).not.toHaveBeenCalled();
    expect(spies.keepAlive).not.toHaveBeenCalled();
  });

  it('answer Invalid on a destroyed stream', async () => {
    const [client] = await tcpPair();
    client.destroy();
    expect(client.setNoDelay()).toBe(Status.Invalid);
    expect(client.setKeepAlive(true)).toBe(Status.Invalid);
    expect(client.ref()).toBe(Status.Invalid);
    expect(client.unref()).toBe(Status.Invalid);
  });

  it('answer Invalid on memory streams, which have no socket, and give no addresses', () => {
    const [a, b] = memoryPair();
    expect(a.setNoDelay()).toBe(Status.Invalid);
    expect(a.setKeepAlive(true)).toBe(Status.Invalid);
    expect(a.ref()).toBe(Status.Invalid);
    expect(a.unref()).toBe(Status.Invalid);
    expect([a.remoteAddress, a.remotePort, a.remoteFamily, a.localAddress, a.localPort]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(a.tlsInfo()).toBeNull();
    a.destroy();
    b.destroy();
  });

  it('ref and unref answer OK on TCP and reach the socket', async () => {
    const [client] = await tcpPair();
    const unref = spyOn(net.Socket.prototype, 'unref').and.callThrough();
    const ref = spyOn(net.Socket.prototype, 'ref').and.callThrough();
    expect(client.unref()).toBe(Status.OK);
    expect(client.ref()).toBe(Status.OK);
    expect(unref).toHaveBeenCalledTimes(1);
    expect(ref).toHaveBeenCalledTimes(1);
  });

  it('give both ends their addresses and ports', async () => {
    const [client, server] = await tcpPair();
    expect(client.remoteAddress).toBe('127.0.0.1');
    expect(client.remoteFamily).toBe('IPv4');
    expect(client.localAddress).toBe('127.0.0.1');
    expect(server.remoteAddress).toBe('127.0.0.1');
    expect(client.remotePort).toBe(server.localPort as number);
    expect(server.remotePort).toBe(client.localPort as number);
    expect(client.localPort).toBeGreaterThan(0);
  });

  it('give TLS streams their addresses too', async () => {
    const [client, server] = await tlsPair();
    expect(client.remotePort).toBe(server.localPort as number);
    expect(server.remoteAddress).toBe('127.0.0.1');
  });

  it('tlsInfo() tells protocol, cipher, ALPN, SNI and the verified peer; null on TCP', async () => {
    const [client, server] = await tlsPair(
      { ALPNProtocols: ['h2'] },
      { ALPNProtocols: ['h2', 'http/1.1'] },
    );
    const info = client.tlsInfo();
    expect(info?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(info?.cipher?.name).toEqual(jasmine.any(String));
    expect(info?.alpnProtocol).toBe('h2');
    expect(info?.servername).toBe('localhost');
    expect(info?.authorized).toBeTrue();
    expect(info?.authorizationError).toBeNull();
    expect(info?.peerCertificate?.subject.CN).toBe('localhost');
    const seen = server.tlsInfo();
    expect(seen?.servername).toBe('localhost');
    expect(seen?.alpnProtocol).toBe('h2');
    expect(seen?.peerCertificate).toBeNull(); // the client sent none
    const [tcp] = await tcpPair();
    expect(tcp.tlsInfo()).toBeNull();
  });

  it('on IPC: setNoDelay/setKeepAlive Invalid, ref/unref OK, no addresses', async () => {
    const where = path.join(os.tmpdir(), `rxstream-sockopt-${process.pid}-${Date.now()}.sock`);
    const server = serve((onListening) =>
      listenIPC(where, { onListening: () => onListening({ port: 0, address: where, family: '' }) }),
    );
    await server.port;
    const client = clean.stream(await firstValueFrom(connectIPC(where)));
    expect(client.setNoDelay()).toBe(Status.Invalid);
    expect(client.setKeepAlive(true)).toBe(Status.Invalid);
    expect(client.unref()).toBe(Status.OK);
    expect(client.ref()).toBe(Status.OK);
    expect(client.remoteAddress).toBeUndefined();
    expect(client.localPort).toBeUndefined();
    expect(client.tlsInfo()).toBeNull();
  });

  it('monitor() shows the peer of TCP/TLS streams and the TLS protocol', async () => {
    const [tlsClient, tlsSrv] = await tlsPair();
    const onTls = await firstValueFrom(monitor(of(tlsClient)));
    expect(onTls.peer).toBe(`127.0.0.1:${tlsSrv.localPort}`);
    expect(onTls.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
    const [tcp] = await tcpPair();
    const onTcp = await firstValueFrom(monitor(of(tcp)));
    expect(onTcp.peer).toBe(`127.0.0.1:${tcp.remotePort}`);
    expect('tlsProtocol' in onTcp).toBeFalse();
    const [m1, m2] = memoryPair();
    const onMemory = await firstValueFrom(monitor(of(m1)));
    expect('peer' in onMemory).toBeFalse();
    m1.destroy();
    m2.destroy();
  });
});
