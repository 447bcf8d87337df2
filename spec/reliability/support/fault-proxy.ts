/**
 * A TCP proxy on 127.0.0.1 that misbehaves on command, for the fault specs:
 * it sits between a client and a server and forwards each direction, and
 * can split what it forwards into 1-byte writes, pause, hold bytes back,
 * cut a direction short with a FIN (a one-way FIN, or a truncated TLS
 * record), reset both sides mid-transfer, or become a black hole.
 */
import * as net from 'node:net';
import { close, listen, portOf } from './pairs';

/** One direction of the proxied connection. */
export type Direction = 'toServer' | 'toClient';

/** How a direction forwards what it gets. */
export type ForwardMode =
  /** As it came. */
  | 'pass'
  /** One byte per write (each its own TCP segment with TCP_NODELAY). */
  | 'split'
  /** Keeps everything (see `release`, `cut`): a pause, or a black hole if never released. */
  | 'hold';

/** One proxied connection: its two sockets and what the proxy can do to it. */
export class ProxiedConnection {
  readonly #held: Record<Direction, Buffer[]> = { toServer: [], toClient: [] };
  readonly #mode: Record<Direction, ForwardMode> = { toServer: 'pass', toClient: 'pass' };
  /** Bytes the proxy took from each side so far. */
  readonly received: Record<Direction, number> = { toServer: 0, toClient: 0 };

  constructor(
    readonly client: net.Socket,
    readonly server: net.Socket,
  ) {
    for (const s of [client, server]) {
      s.setNoDelay(true);
      s.on('error', () => undefined); // the proxy's sockets are not under test
    }
    client.on('data', (c: Buffer) => this.#forward('toServer', c));
    server.on('data', (c: Buffer) => this.#forward('toClient', c));
    client.on('end', () => this.#endOf('toServer'));
    server.on('end', () => this.#endOf('toClient'));
  }

  /** Sets how `dir` forwards from now on (held bytes stay held until `release`). */
  mode(dir: Direction, mode: ForwardMode): void {
    this.#mode[dir] = mode;
  }

  /** Bytes held in `dir` now. */
  heldBytes(dir: Direction): number {
    return this.#held[dir].reduce((n, c) => n + c.length, 0);
  }

  /** Forwards what `dir` holds and passes from now on. */
  release(dir: Direction): void {
    this.#mode[dir] = 'pass';
    const held = this.#held[dir].splice(0);
    for (const c of held) this.#target(dir).write(c);
    if (this.#endHeld[dir]) {
      this.#target(dir).end(); // the end came during the pause
      this.endForwarded[dir] = true;
    }
  }

  readonly #endHeld: Record<Direction, boolean> = { toServer: false, toClient: false };

  /**
   * Forwards all but the last `dropLast` held bytes of `dir`, then ends that
   * direction with a FIN: a one-way FIN (`dropLast` 0), or a TLS stream cut
   * without close_notify, mid-record when `dropLast` > 0.
   */
  cut(dir: Direction, dropLast = 0): void {
    const all = Buffer.concat(this.#held[dir].splice(0));
    this.#mode[dir] = 'hold'; // nothing more goes that way
    this.#endHeld[dir] = false;
    this.#target(dir).end(all.subarray(0, Math.max(0, all.length - dropLast)));
  }

  /** Resets both sides (RST, no FIN), dropping whatever is held. */
  reset(): void {
    this.client.resetAndDestroy();
    this.server.resetAndDestroy();
  }

  /** Destroys both sides. */
  destroy(): void {
    this.client.destroy();
    this.server.destroy();
  }

  #target(dir: Direction): net.Socket {
    return dir === 'toServer' ? this.server : this.client;
  }

  #forward(dir: Direction, chunk: Buffer): void {
    this.received[dir] += chunk.length;
    const mode = this.#mode[dir];
    if (mode === 'hold') this.#held[dir].push(chunk);
    else if (mode === 'split') for (const b of chunk) this.#target(dir).write(Buffer.of(b));
    else this.#target(dir).write(chunk);
  }

  #endOf(dir: Direction): void {
    if (this.#mode[dir] !== 'hold') {
      this.#target(dir).end();
      this.endForwarded[dir] = true;
    } else this.#endHeld[dir] = true;
  }

  /** Whether the proxy forwarded the sender's own FIN in each direction. */
  readonly endForwarded: Record<Direction, boolean> = { toServer: false, toClient: false };
}

/** A listening fault proxy in front of `upstreamPort`. */
export class FaultProxy {
  readonly #server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false });
  readonly #waiting: Array<(c: ProxiedConnection) => void> = [];
  readonly #ready: ProxiedConnection[] = [];

  private constructor(readonly upstreamPort: number) {
    this.#server.on('connection', (client: net.Socket) => {
      const server = net.connect({ port: upstreamPort, host: '127.0.0.1', allowHalfOpen: true });
      const c = new ProxiedConnection(client, server);
      const waiter = this.#waiting.shift();
      if (waiter === undefined) this.#ready.push(c);
      else waiter(c);
    });
  }

  /** Starts a proxy on 127.0.0.1, port 0, in front of `upstreamPort`. */
  static async start(upstreamPort: number): Promise<FaultProxy> {
    const proxy = new FaultProxy(upstreamPort);
    await listen(proxy.#server);
    return proxy;
  }

  /** The port clients connect to. */
  get port(): number {
    return portOf(this.#server);
  }

  /** The next connection the proxy accepted (in accept order). */
  next(): Promise<ProxiedConnection> {
    const ready = this.#ready.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Stops listening and destroys every connection. */
  stop(): Promise<void> {
    return close(this.#server);
  }
}
