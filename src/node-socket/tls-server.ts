/**
 * Secure defaults of `listenTLS`: forward-secret AEAD suites only on TLS 1.2
 * (TLS 1.3's suites are all forward-secret AEAD), no renegotiation, and a
 * handshake timeout far below Node's 120 s. Each default gives way to what the
 * caller's `tls.TlsOptions` say.
 */
import { constants } from 'node:crypto';
import type * as tls from 'node:tls';

/**
 * The TLS 1.2 cipher suites `listenTLS` offers by default: ECDHE key
 * exchange (forward secrecy) with AES-GCM or ChaCha20-Poly1305 (AEAD) only —
 * no CBC, no CCM, no static RSA or DHE. TLS 1.3 suites are OpenSSL's own and
 * are not affected. Pass `ciphers` in the TLS options to choose others.
 *
 * @example
 * ```ts
 * import { DEFAULT_SERVER_CIPHERS } from 'rxstream';
 * console.log(DEFAULT_SERVER_CIPHERS.split(':').length); // 6 suites
 * ```
 */
export const DEFAULT_SERVER_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * The settings `listenTLS` passes to `tls.createServer`. Unless the caller
 * sets them: `ciphers` = {@link DEFAULT_SERVER_CIPHERS}, `honorCipherOrder`,
 * `minVersion`, `handshakeTimeout`, and `secureOptions` with
 * `SSL_OP_NO_RENEGOTIATION` (clients cannot start a renegotiation, a DoS
 * vector; `renegotiate()` on such a server stream answers TLSError — pass
 * `secureOptions: 0` to allow both).
 */
export function serverSettings(
  tlsOptions: tls.TlsOptions,
  minVersion: tls.SecureVersion,
  handshakeTimeout: number,
): tls.TlsOptions {
  return {
    minVersion,
    ciphers: DEFAULT_SERVER_CIPHERS,
    honorCipherOrder: true,
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
    handshakeTimeout,
    ...tlsOptions,
    allowHalfOpen: true,
  };
}

/**
 * Why `tlsOptions` cannot make a TLS server, or null: a server needs a
 * certificate and its key (`key` + `cert`, `pfx`, or an `SNICallback`);
 * without one Node listens and then drops every handshake.
 */
export function serverOptionsProblem(tlsOptions: unknown): string | null {
  if (tlsOptions === null || typeof tlsOptions !== 'object')
    return 'listenTLS needs TLS options with a key and a certificate';
  const o = tlsOptions as tls.TlsOptions;
  const has = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
  if (has(o.pfx) || typeof o.SNICallback === 'function') return null;
  if (!has(o.key) || !has(o.cert))
    return 'listenTLS needs a key and a certificate (key + cert, pfx, or SNICallback); without them every handshake fails';
  return null;
}
