/**
 * The dashboard traffic's script: which session starts at each tick, and the
 * bytes the clients send.
 */

/** The ports of the peers a session may connect to. */
export interface Ports {
  /** rxstream TCP echo server (listenTCP). */
  tcpEcho: number;
  /** rxstream TLS echo server (listenTLS). */
  tlsEcho: number;
  /** Proxy to the TCP echo server that resets both sides after a while. */
  tcpReset: number;
  /** Proxy to the TLS echo server that resets both sides after a while. */
  tlsReset: number;
  /** Proxy to the TLS echo server that injects garbage into the session. */
  tlsGarbage: number;
  /** TLS server presenting an expired certificate. */
  expired: number;
  /** TLS server presenting a certificate from an unknown CA. */
  unknownCa: number;
  /** A port nobody listens on. */
  refused: number;
  /** A server that accepts and never answers: clients there fail on their idleTimeout. */
  silent: number;
}

/** One client session: what to connect to and how fast to write. */
export interface Step {
  readonly kind: 'tcp' | 'tls';
  readonly via: keyof Ports;
  /** How long the client writes before it half-closes. */
  readonly durationMs: number;
  /** Period of the writes. */
  readonly everyMs: number;
  /** Mean write size in bytes (varies around it). */
  readonly chunk: number;
}

function step(kind: Step['kind'], via: keyof Ports, seconds = 0, everyMs = 100, chunk = 0): Step {
  return { kind, via, durationMs: seconds * 1000, everyMs, chunk };
}

/** The sessions, started one per tick, round robin. */
export const PLAN: readonly Step[] = Object.freeze([
  step('tcp', 'tcpEcho', 4, 50, 1024),
  step('tls', 'tlsEcho', 6, 100, 4096),
  step('tcp', 'tcpReset', 8, 80, 2048),
  step('tls', 'expired'),
  step('tcp', 'tcpEcho', 8, 200, 16384),
  step('tls', 'tlsGarbage', 8, 120, 1024),
  step('tcp', 'refused'),
  step('tls', 'tlsEcho', 3, 40, 512),
  step('tls', 'tlsReset', 8, 60, 8192),
  step('tls', 'unknownCa'),
  step('tcp', 'silent', 0),
]);

/** Write number `i` of a session: around `mean` bytes, rising and falling like a wave. */
export function payload(mean: number, i: number): Buffer {
  const size = Math.max(64, Math.round(mean * (1 + 0.9 * Math.sin(i / 4))));
  return Buffer.alloc(size, 0x61 + (i % 26));
}
