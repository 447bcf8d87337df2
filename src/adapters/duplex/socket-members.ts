/**
 * The `net.Socket` members of {@link SocketDuplex} that read or set the
 * socket under it — addresses, counters, socket options — over whichever
 * stream it has (none before the connection: settings wait for it), and
 * those that only report its state: `pending`, `readyState`, `timeout` and
 * `setTimeout`.
 *
 * @module
 */
import { isIPv6 } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import type { Stream } from '../../stream';
import type { BeforeConnect } from './before-connect';
import { IdleTimer } from './idle-timer';

/**
 * @internal The socket members `SocketDuplex` inherits (documented there):
 * a base class only so that they live in their own file.
 */
export abstract class SocketMembers extends Duplex {
  /** @internal The stream, once connected (null before). */
  protected abstract linked(): Stream | null;
  /** @internal Where settings wait until the connection (null once connected). */
  protected abstract waiting(): BeforeConnect | null;
  /** True from creation over an observable until connected (see `SocketDuplex.connecting`). */
  abstract get connecting(): boolean;
  /** @internal The `setTimeout` timer: reads, writes and `_unrefTimer` touch it. */
  protected readonly idle = new IdleTimer(() => this.emit('timeout'));
  #timeout: number | undefined = undefined;

  /**
   * The peer's address (undefined before the connection, and on IPC and memory streams).
   *
   * @example
   * ```ts
   * const sock = toDuplex(connectTCP(port, '127.0.0.1'));
   * sock.on('connect', () => console.log('peer', sock.remoteAddress)); // 127.0.0.1
   * ```
   */
  get remoteAddress(): string | undefined {
    return this.linked()?.remoteAddress;
  }

  /**
   * The peer's port.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, toDuplex } from 'rxstream';
   *
   * const sock = toDuplex(connectTCP(port, '127.0.0.1'));
   * sock.connect(() => {
   *   assert.equal(sock.remotePort, port);
   *   assert.equal(sock.remoteAddress, '127.0.0.1');
   *   assert.equal(sock.remoteFamily, 'IPv4');
   *   sock.destroy();
   * });
   * ```
   */
  get remotePort(): number | undefined {
    return this.linked()?.remotePort;
  }

  /**
   * `'IPv4'` or `'IPv6'`.
   *
   * @example
   * ```ts
   * const v6 = toDuplex(stream).remoteFamily === 'IPv6';
   * ```
   */
  get remoteFamily(): string | undefined {
    return this.linked()?.remoteFamily;
  }

  /**
   * The local address.
   *
   * @example
   * ```ts
   * console.log(`${toDuplex(stream).localAddress} → ${toDuplex(stream).remoteAddress}`);
   * ```
   */
  get localAddress(): string | undefined {
    return this.linked()?.localAddress;
  }

  /**
   * The local port.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, toDuplex } from 'rxstream';
   *
   * const sock = toDuplex(connectTCP(port, '127.0.0.1'));
   * sock.connect(() => {
   *   assert.ok((sock.localPort ?? 0) > 0); // the ephemeral port the kernel chose
   *   assert.deepEqual(sock.address(), { address: sock.localAddress, port: sock.localPort, family: 'IPv4' });
   *   sock.destroy();
   * });
   * ```
   */
  get localPort(): number | undefined {
    return this.linked()?.localPort;
  }

  /**
   * Bytes the stream has delivered (0 before the connection).
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, toDuplex } from 'rxstream';
   *
   * const sock = toDuplex(connectTCP(port, '127.0.0.1'));
   * sock.end('ping'); // the echo peer sends it back, then ends
   * sock.on('data', () => undefined).on('end', () => {
   *   assert.equal(sock.bytesWritten, 4);
   *   assert.equal(sock.bytesRead, 4);
   * });
   * ```
   */
  get bytesRead(): number {
    return this.linked()?.bytesRead ?? 0;
  }

  /**
   * Bytes the stream has accepted (0 before the connection; Node's own buffer not counted).
   *
   * @example
   * ```ts
   * const sock = toDuplex(stream);
   * sock.write('hello', () => console.log(sock.bytesWritten)); // 5 more than before
   * ```
   */
  get bytesWritten(): number {
    return this.linked()?.bytesWritten ?? 0;
  }

  /**
   * `{ address, family, port }` of the local end, or `{}` when there is none (as `net.Socket`'s).
   *
   * @example
   * ```ts
   * const sock = toDuplex(stream);
   * const local = sock.address();
   * if ('port' in local) console.log(`bound to ${local.address}:${local.port} (${local.family})`);
   * ```
   */
  address(): AddressInfo | Record<string, never> {
    const address = this.localAddress;
    const port = this.localPort;
    if (address === undefined || port === undefined) return {};
    return { address, port, family: isIPv6(address) ? 'IPv6' : 'IPv4' };
  }

  /**
   * Sets TCP_NODELAY (default true); before the connection, on connection.
   *
   * @example
   * ```ts
   * toDuplex(connectTCP(port, '127.0.0.1')).setNoDelay(); // applied once connected
   * ```
   */
  setNoDelay(noDelay = true): this {
    const before = this.waiting();
    if (before !== null) before.noDelay(noDelay);
    else this.linked()?.setNoDelay(noDelay);
    return this;
  }

  /**
   * Sets TCP keep-alive (default off) and its initial delay in ms.
   *
   * @example
   * ```ts
   * toDuplex(stream).setKeepAlive(true, 60_000); // probe after a minute of silence
   * ```
   */
  setKeepAlive(enable = false, initialDelay = 0): this {
    const before = this.waiting();
    if (before !== null) before.keepAlive(enable, initialDelay);
    else this.linked()?.setKeepAlive(enable, initialDelay);
    return this;
  }

  /**
   * Lets the socket keep the process alive (the default).
   *
   * @example
   * ```ts
   * const sock = toDuplex(stream).unref();
   * sock.on('data', () => sock.ref()); // busy again: keep the process up
   * ```
   */
  ref(): this {
    const before = this.waiting();
    if (before !== null) before.ref(true);
    else this.linked()?.ref();
    return this;
  }

  /**
   * Lets the process exit while this socket is all that is left (idle pooled connections).
   *
   * @example
   * ```ts runnable
   * import { connectTCP, toDuplex } from 'rxstream';
   *
   * // Reading, this connection would keep the process alive; unref'd, the process may exit.
   * toDuplex(connectTCP(port, '127.0.0.1')).unref().resume();
   * ```
   */
  unref(): this {
    const before = this.waiting();
    if (before !== null) before.ref(false);
    else this.linked()?.unref();
    return this;
  }

  /** @internal `net.Socket`'s activity hook, which `http.Server` calls on a socket it reads natively. */
  _unrefTimer(): void {
    this.idle.touch();
  }

  /**
   * True while there is no connection: not yet connected, or destroyed (as `net.Socket`'s).
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { memoryPair, toDuplex } from 'rxstream';
   *
   * const sock = toDuplex(memoryPair()[0]);
   * assert.equal(sock.pending, false); // over a stream: connected from the start
   * sock.destroy();
   * assert.equal(sock.pending, true);
   * ```
   */
  get pending(): boolean {
    return this.linked() === null || this.destroyed;
  }

  /**
   * `'opening'`, `'open'`, `'readOnly'`, `'writeOnly'` or `'closed'`, as `net.Socket`'s.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, toDuplex } from 'rxstream';
   *
   * const sock = toDuplex(connectTCP(port, '127.0.0.1'));
   * assert.equal(sock.readyState, 'opening');
   * sock.connect(() => {
   *   assert.equal(sock.readyState, 'open');
   *   sock.end(); // half-close: 'readOnly' until the echo peer ends too
   *   sock.resume().on('close', () => assert.equal(sock.readyState, 'closed'));
   * });
   * ```
   */
  get readyState(): 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.connecting) return 'opening';
    if (this.readable) return this.writable ? 'open' : 'readOnly';
    return this.writable ? 'writeOnly' : 'closed';
  }

  /**
   * The idle time set by {@link SocketDuplex.setTimeout} (ms), or undefined.
   *
   * @example
   * ```ts
   * const sock = toDuplex(stream).setTimeout(30_000);
   * console.log(sock.timeout); // 30000
   * ```
   */
  get timeout(): number | undefined {
    return this.#timeout;
  }

  /**
   * As `net.Socket#setTimeout`: emits `'timeout'` after `ms` without reads
   * or writes, again after the next activity and `ms` more; 0 turns it off
   * (and removes `callback`). It does not destroy: the listener decides.
   * The timer never keeps the process alive.
   *
   * @throws RangeError (`ERR_OUT_OF_RANGE`) for a negative or non-finite `ms`.
   *
   * @example
   * ```ts runnable
   * import assert from 'node:assert/strict';
   * import { connectTCP, toDuplex } from 'rxstream';
   *
   * const sock = toDuplex(connectTCP(port, '127.0.0.1'));
   * sock.setTimeout(50, () => sock.destroy()); // nothing read or written for 50 ms: give up
   * assert.equal(sock.timeout, 50);
   * sock.on('close', () => assert.equal(sock.destroyed, true));
   * sock.resume(); // reading: the echo peer sends nothing, so the timeout fires
   * ```
   */
  setTimeout(ms: number, callback?: () => void): this {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw Object.assign(new RangeError(`timeout must be a finite number >= 0, got ${ms}`), {
        code: 'ERR_OUT_OF_RANGE',
      });
    }
    if (this.destroyed) return this;
    this.#timeout = ms;
    this.idle.set(ms);
    if (ms === 0) {
      if (callback !== undefined) this.off('timeout', callback);
    } else if (callback !== undefined) this.once('timeout', callback);
    return this;
  }
}
