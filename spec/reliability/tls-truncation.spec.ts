/**
 * Hardening (issue 14, item 13): TLS truncation. A FIN without close_notify,
 * or a FIN in the middle of a record, should be an error (rustls:
 * UnexpectedEof). Node 20–26 hides it: TLSWrap turns both the close_notify
 * and a plain TCP EOF into the same EOF, with no error, no `hadError`, and
 * no JS-visible shutdown state (OpenSSL's SSL_get_shutdown is not exposed);
 * a partial record left in its input is dropped silently. These specs show
 * that limit (they fail the day Node starts telling, which is the cue to
 * report it as an error); README "TLS truncation" says what a protocol
 * must do (length framing).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as tls from 'node:tls';
import { firstValueFrom, lastValueFrom, tap } from 'rxjs';
import { createTLS, StreamError, type Stream } from '../../src';
import { testCerts } from '../../tools/certs';
import { FaultProxy, type ProxiedConnection } from './support/fault-proxy';
import { close, portOf } from './support/pairs';
import { versionedTlsServer } from './support/tls-pair';
import { turns } from './support/peers';

type Version = 'TLSv1.2' | 'TLSv1.3';

interface Setup {
  readonly stream: Stream;
  readonly peer: tls.TLSSocket;
  readonly link: ProxiedConnection;
  dispose(): Promise<void>;
}

/** A TLS stream whose server side is reached through a fault proxy. */
async function setUp(version: Version): Promise<Setup> {
  const certs = testCerts();
  const server = await versionedTlsServer(version);
  const proxy = await FaultProxy.start(portOf(server));
  const accepted = new Promise<tls.TLSSocket>((resolve) =>
    server.once('secureConnection', resolve),
  );
  const client = tls.connect({
    port: proxy.port,
    host: '127.0.0.1',
    servername: 'localhost',
    ca: certs.ca,
  });
  await once(client, 'secureConnect');
  const peer = await accepted;
  peer.on('error', () => undefined);
  const link = await proxy.next();
  const stream = createTLS(client);
  // A first byte through, so the handshake's last flights (TLS 1.3 tickets) are behind us.
  peer.write('w');
  const first = Buffer.alloc(1);
  await firstValueFrom(stream.read(first));
  expect(first.toString()).toBe('w');
  return {
    stream,
    peer,
    link,
    dispose: async () => {
      stream.destroy();
      client.destroy();
      peer.destroy();
      link.destroy();
      await proxy.stop();
      await close(server);
    },
  };
}

/** Every byte reads$ delivers, and how it ended. */
async function readAll(stream: Stream): Promise<{ bytes: Buffer; end: 'complete' | StreamError }> {
  const chunks: Buffer[] = [];
  try {
    await lastValueFrom(stream.reads$.pipe(tap((c) => chunks.push(Buffer.from(c)))), {
      defaultValue: null,
    });
    return { bytes: Buffer.concat(chunks), end: 'complete' };
  } catch (error) {
    if (!StreamError.is(error)) throw error;
    return { bytes: Buffer.concat(chunks), end: error };
  }
}

/** The server sends `payload`; the proxy holds every byte of it toward the client. */
async function sendHeld(s: Setup, payload: Buffer): Promise<void> {
  s.link.mode('toClient', 'hold');
  await new Promise<void>((resolve) => s.peer.write(payload, () => resolve()));
  // Loopback delivers promptly; the polls only wait out a loaded machine (nothing is timed).
  for (let i = 0; i < 1000 && s.link.heldBytes('toClient') < payload.length + 22; i += 1) {
    await new Promise((r) => setTimeout(r, 2));
  }
  await turns(10);
  expect(s.link.heldBytes('toClient')).toBeGreaterThanOrEqual(payload.length + 22);
}

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  describe(`LIMIT: TLS truncation is not detectable on Node (${version})`, () => {
    let s: Setup;
    afterEach(async () => s.dispose());

    it('a FIN without close_notify ends reads$ as cleanly as a close_notify would', async () => {
      s = await setUp(version);
      const payload = randomBytes(10_000);
      await sendHeld(s, payload);
      s.link.cut('toClient'); // every record, then FIN: no close_notify
      const { bytes, end } = await readAll(s.stream);
      expect(bytes.length).toBe(payload.length);
      expect(bytes.equals(payload)).toBe(true);
      expect(end).toBe('complete'); // an error here means Node now tells: report it (UnexpectedEof)
    });

    it('a FIN in the middle of a record drops the partial record and ends cleanly', async () => {
      s = await setUp(version);
      const payload = randomBytes(10_000); // one record
      await sendHeld(s, payload);
      s.link.cut('toClient', 100); // the last 100 bytes of the record never arrive
      const { bytes, end } = await readAll(s.stream);
      expect(bytes.length).toBeLessThan(payload.length);
      expect(payload.subarray(0, bytes.length).equals(bytes)).toBe(true);
      expect(end).toBe('complete');
    });

    it('(control) the peer’s close_notify and FIN end reads$ the same way', async () => {
      s = await setUp(version);
      const payload = randomBytes(10_000);
      s.peer.end(payload);
      const { bytes, end } = await readAll(s.stream);
      expect(bytes.equals(payload)).toBe(true);
      expect(end).toBe('complete');
    });
  });
}
