/**
 * Secure defaults of listenTLS (issue 14): forward-secret AEAD suites only on
 * TLS 1.2, no client-initiated renegotiation, and clear answers for TLS
 * options that cannot make a server.
 */
import { once } from 'node:events';
import type * as net from 'node:net';
import * as tls from 'node:tls';
import { firstValueFrom, lastValueFrom, take, type Subscription } from 'rxjs';
import { DEFAULT_SERVER_CIPHERS, Status, StreamError, listenTLS, type Stream } from '../../src';
import { testCerts } from '../../tools/certs';
import { runWithDebugLog } from './support/peers';

const certs = testCerts();

/** A listenTLS server on a free port; resolves with its port and the subscription. */
async function serve(
  tlsOptions: tls.TlsOptions = { key: certs.server.key, cert: certs.server.cert },
  onStream: (s: Stream) => void = () => undefined,
): Promise<{ port: number; sub: Subscription }> {
  let sub: Subscription | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    sub = listenTLS(tlsOptions, 0, '127.0.0.1', {
      onListening: (a: net.AddressInfo) => resolve(a.port),
    }).subscribe({ next: onStream, error: reject });
  });
  return { port, sub: sub as Subscription };
}

/** Connects a raw TLS 1.2 client with `extra`; resolves with the cipher or rejects with the error. */
function handshake(port: number, extra: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      {
        port,
        host: '127.0.0.1',
        servername: 'localhost',
        ca: certs.ca,
        maxVersion: 'TLSv1.2',
        ...extra,
      },
      () => resolve(socket),
    );
    socket.once('error', reject);
  });
}

describe('hardening: listenTLS secure defaults', () => {
  it('offers only ECDHE with AES-GCM or ChaCha20-Poly1305 on TLS 1.2', async () => {
    const { port, sub } = await serve();
    try {
      const good = await handshake(port);
      expect(DEFAULT_SERVER_CIPHERS.split(':')).toContain(good.getCipher().name);
      good.destroy();
      // CBC with forward secrecy, static-RSA/ECDSA CBC and CCM8: all refused.
      for (const ciphers of [
        'ECDHE-ECDSA-AES128-SHA',
        'ECDHE-ECDSA-AES256-SHA384',
        'AES128-SHA',
        'ECDHE-ECDSA-AES128-CCM8',
      ]) {
        const refused = await handshake(port, { ciphers }).then(
          (s) => {
            s.destroy();
            return `accepted ${s.getCipher().name}`;
          },
          (e: { code?: string }) => e.code ?? 'error',
        );
        expect(refused).not.toMatch(/^accepted/);
      }
    } finally {
      sub.unsubscribe();
    }
  });

  it('refuses a client-initiated renegotiation and keeps accepting', async () => {
    const streams: Stream[] = [];
    const { port, sub } = await serve(undefined, (s) => streams.push(s));
    try {
      const client = await handshake(port);
      client.on('data', () => undefined);
      const failed = once(client, 'error') as Promise<[{ code?: string }]>;
      client.renegotiate({}, () => undefined);
      const [error] = await failed;
      expect(error.code).toBe('ERR_SSL_NO_RENEGOTIATION');
      // The server survives and takes the next client.
      const next = await handshake(port);
      next.end('hello');
      while (streams.length < 2) await new Promise((r) => setTimeout(r, 5));
      const chunk = await firstValueFrom(streams[1].reads$);
      expect(chunk.toString()).toBe('hello');
      next.destroy();
    } finally {
      for (const s of streams) s.destroy();
      sub.unsubscribe();
    }
  });

  it('lets the caller choose: ciphers and secureOptions in the TLS options win', async () => {
    const { port, sub } = await serve({
      key: certs.server.key,
      cert: certs.server.cert,
      ciphers: 'ECDHE-ECDSA-AES128-SHA',
    });
    try {
      const s = await handshake(port, { ciphers: 'ECDHE-ECDSA-AES128-SHA' });
      expect(s.getCipher().name).toBe('ECDHE-ECDSA-AES128-SHA');
      s.destroy();
    } finally {
      sub.unsubscribe();
    }
  });

  it('answers Invalid at once without a key and certificate (Node would drop every handshake)', async () => {
    for (const options of [{}, { cert: certs.server.cert }, { key: certs.server.key }]) {
      const e = await lastValueFrom(listenTLS(options, 0, '127.0.0.1').pipe(take(1))).catch(
        (error: unknown) => error,
      );
      expect(e instanceof StreamError && e.status === Status.Invalid).toBe(true);
      expect((e as Error).message).toMatch(/key and a certificate/);
    }
  });

  it('answers Invalid with the Node error as cause for a key that does not match its certificate', async () => {
    const options = { key: certs.client.key, cert: certs.server.cert };
    const e = await lastValueFrom(listenTLS(options, 0, '127.0.0.1').pipe(take(1))).catch(
      (error: unknown) => error,
    );
    expect(StreamError.is(e)).toBe(true);
    expect((e as StreamError).status).toBe(Status.Invalid);
    expect((e as StreamError).cause).toBeInstanceOf(Error);
  });
});

describe('hardening: rejectUnauthorized false is never silent', () => {
  it('logs the unverified connection under NODE_DEBUG=rxstream and tlsInfo() reports it', async () => {
    // debuglog reads NODE_DEBUG at load time: a child process with it set.
    const script = `
      const { listenTLS, connectTLS } = require('./src');
      const { testCerts } = require('./tools/certs');
      const c = testCerts();
      const sub = listenTLS({ key: c.server.key, cert: c.server.cert }, 0, '127.0.0.1', {
        onListening: (a) => connectTLS({ port: a.port, host: '127.0.0.1', rejectUnauthorized: false })
          .subscribe((s) => {
            const info = s.tlsInfo();
            console.log(JSON.stringify({ authorized: info.authorized, error: String(info.authorizationError) }));
            s.destroy();
            sub.unsubscribe();
          }),
      }).subscribe((s) => s.destroy());`;
    const run = runWithDebugLog(script);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/rejectUnauthorized is false; peer NOT verified/);
    const info = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
      authorized: boolean;
      error: string;
    };
    expect(info.authorized).toBe(false);
    expect(info.error).toMatch(/CERT|SELF|UNABLE/);
  });
});
