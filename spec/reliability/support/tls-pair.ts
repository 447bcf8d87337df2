/**
 * A `createTLS` stream over a raw TLS server pinned to one protocol version
 * (certificates from tools/certs), for the hardening specs that need TLS 1.2
 * or 1.3 exactly.
 */
import { once } from 'node:events';
import * as tls from 'node:tls';
import { createTLS, type Stream } from '../../../src';
import { testCerts } from '../../../tools/certs';
import { close, listen, portOf } from './pairs';

/** A connected stream, the raw peer (the server's side) and how to release them. */
export interface VersionedTlsPair {
  readonly stream: Stream;
  readonly client: tls.TLSSocket;
  readonly peer: tls.TLSSocket;
  dispose(): Promise<void>;
}

/** A TLS server allowing only `version` (half-open), listening on a free 127.0.0.1 port. */
export async function versionedTlsServer(version: tls.SecureVersion): Promise<tls.Server> {
  const certs = testCerts();
  const server = tls.createServer({
    key: certs.server.key,
    cert: certs.server.cert,
    allowHalfOpen: true,
    minVersion: version,
    maxVersion: version,
  });
  await listen(server);
  return server;
}

/** Connects a client to a {@link versionedTlsServer} and wraps it with `createTLS`. */
export async function versionedTlsPair(version: tls.SecureVersion): Promise<VersionedTlsPair> {
  const server = await versionedTlsServer(version);
  const accepted = new Promise<tls.TLSSocket>((resolve) =>
    server.once('secureConnection', resolve),
  );
  const client = tls.connect({
    port: portOf(server),
    host: '127.0.0.1',
    servername: 'localhost',
    ca: testCerts().ca,
  });
  await once(client, 'secureConnect');
  const peer = await accepted;
  peer.on('error', () => undefined); // the peer's own errors are not under test
  const stream = createTLS(client);
  return {
    stream,
    client,
    peer,
    dispose: async () => {
      stream.destroy();
      client.destroy();
      peer.destroy();
      await close(server);
    },
  };
}
