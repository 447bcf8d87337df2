/**
 * {@link TlsInfo}: what a TLS stream negotiated, for logs, dashboards and
 * `monitor()`.
 *
 * @module
 */
import type * as tls from 'node:tls';

/**
 * What a TLS stream negotiated and who its peer is (`stream.tlsInfo()`).
 *
 * @example
 * ```ts runnable
 * connectTLS({ host: 'localhost', servername: 'localhost', port: tlsPort, ca }).subscribe((stream) => {
 *   const info: TlsInfo | null = stream.tlsInfo();
 *   if (info !== null) {
 *     console.log(info.protocol, info.cipher?.name, info.alpnProtocol, info.servername); // TLSv1.3 … null localhost
 *     console.log(info.authorized, info.authorizationError); // true null: verified against `ca`
 *     console.log(info.peerCertificate?.subject.CN); // whom the certificate is for
 *   }
 *   stream.close().subscribe();
 * });
 * ```
 */
export interface TlsInfo {
  /** `'TLSv1.3'`, `'TLSv1.2'`, … or null once the session is gone. */
  readonly protocol: string | null;
  /** The cipher suite, or null once the session is gone. */
  readonly cipher: tls.CipherNameAndProtocol | null;
  /** The ALPN protocol agreed (`'h2'`, `'http/1.1'`, …), or null when none was. */
  readonly alpnProtocol: string | null;
  /** The SNI name: the one asked for (client), or received (server); null when none. */
  readonly servername: string | null;
  /** True when the peer's certificate was verified against the trusted CAs. */
  readonly authorized: boolean;
  /** Why it was not (an OpenSSL code such as `'DEPTH_ZERO_SELF_SIGNED_CERT'`), or null. */
  readonly authorizationError: string | null;
  /** The peer's certificate, or null when it sent none. */
  readonly peerCertificate: tls.PeerCertificate | null;
}

/** The {@link TlsInfo} of a TLS socket. */
export function tlsInfoOf(socket: tls.TLSSocket): TlsInfo {
  const alpn: unknown = socket.alpnProtocol;
  const servername: unknown = Reflect.get(socket, 'servername');
  const why: unknown = socket.authorizationError;
  return {
    protocol: socket.getProtocol() ?? null,
    cipher: socket.getCipher() ?? null,
    alpnProtocol: typeof alpn === 'string' ? alpn : null,
    servername: typeof servername === 'string' ? servername : null,
    authorized: socket.authorized,
    authorizationError: why === undefined || why === null ? null : String(why),
    peerCertificate: peerCertificateOf(socket),
  };
}

function peerCertificateOf(socket: tls.TLSSocket): tls.PeerCertificate | null {
  try {
    const cert = socket.getPeerCertificate(false) as tls.PeerCertificate | null | undefined;
    return cert === null || cert === undefined || Object.keys(cert).length === 0 ? null : cert;
  } catch {
    return null; // the session is gone
  }
}
