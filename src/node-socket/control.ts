/**
 * {@link NodeSocketControl}: the socket-level controls and facts of the
 * Node socket transport (TCP_NODELAY, keep-alive, ref/unref, addresses, TLS
 * facts) behind `Transport.control`.
 *
 * @module
 */
import type * as net from 'node:net';
import { TLSSocket } from 'node:tls';
import type { SocketControl } from '../transport';
import { tlsInfoOf, type TlsInfo } from './tls-info';

/** {@link SocketControl} over a Node socket; `ip` is false for Unix sockets and pipes. */
export class NodeSocketControl implements SocketControl {
  readonly #socket: net.Socket;
  readonly #ip: boolean;

  constructor(socket: net.Socket, ip: boolean) {
    this.#socket = socket;
    this.#ip = ip;
  }

  setNoDelay(noDelay: boolean): boolean {
    if (!this.#ip || this.#socket.destroyed) return false;
    this.#socket.setNoDelay(noDelay);
    return true;
  }

  setKeepAlive(enable: boolean, initialDelay: number): boolean {
    if (!this.#ip || this.#socket.destroyed) return false;
    this.#socket.setKeepAlive(enable, initialDelay);
    return true;
  }

  ref(): boolean {
    if (this.#socket.destroyed) return false;
    this.#socket.ref();
    return true;
  }

  unref(): boolean {
    if (this.#socket.destroyed) return false;
    this.#socket.unref();
    return true;
  }

  get remoteAddress(): string | undefined {
    return this.#ip ? this.#socket.remoteAddress : undefined;
  }

  get remotePort(): number | undefined {
    return this.#ip ? this.#socket.remotePort : undefined;
  }

  get remoteFamily(): string | undefined {
    return this.#ip ? this.#socket.remoteFamily : undefined;
  }

  get localAddress(): string | undefined {
    return this.#ip ? this.#socket.localAddress : undefined;
  }

  get localPort(): number | undefined {
    return this.#ip ? this.#socket.localPort : undefined;
  }

  tlsInfo(): TlsInfo | null {
    return this.#socket instanceof TLSSocket ? tlsInfoOf(this.#socket) : null;
  }

  /** @internal The socket's native handle (TCPWrap, TLSWrap, PipeWrap), or null once closed. */
  nativeHandle(): object | null {
    const handle: unknown = Reflect.get(this.#socket, '_handle');
    return typeof handle === 'object' && handle !== null ? handle : null;
  }
}
