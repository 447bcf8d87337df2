/**
 * reconnecting() over real sockets: a server on 127.0.0.1 stops (closing
 * its streams gracefully) and comes back on the same port; the client's one
 * connection shows every state in order and delivers every frame once.
 */
import { concatMap, filter, firstValueFrom, lastValueFrom, range, type Subscription } from 'rxjs';
import { connectTCP, listenTCP, reconnecting, type ReconnectState, type Stream } from '../../src';
import { Cleanup } from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

interface Server {
  port: number;
  streams: Stream[];
  /** Lines received so far, over every connection. */
  lines: string[];
  /** Resolves once `n` lines have arrived. */
  received(n: number): Promise<void>;
  /** Stops accepting and closes every stream gracefully. */
  stop(): Promise<void>;
}

/** A line-collecting rxstream server on 127.0.0.1 (port 0 picks one). */
async function lineServer(port: number): Promise<Server> {
  const streams: Stream[] = [];
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let sub!: Subscription;
  const bound = await new Promise<number>((resolve, reject) => {
    sub = listenTCP(port, '127.0.0.1', { onListening: (a) => resolve(a.port) }).subscribe({
      error: reject,
      next: (s) => {
        streams.push(clean.stream(s));
        let text = '';
        s.reads$.subscribe({
          next: (chunk) => {
            text += chunk.toString();
            const parts = text.split('\n');
            text = parts.pop() ?? '';
            lines.push(...parts);
            for (const w of waiters.splice(0)) w();
          },
          error: () => undefined, // destroyed at cleanup
        });
      },
    });
  });
  clean.add(() => sub.unsubscribe());
  const received = async (n: number): Promise<void> => {
    while (lines.length < n) await new Promise<void>((r) => waiters.push(r));
  };
  const stop = async (): Promise<void> => {
    sub.unsubscribe();
    await Promise.all(
      streams.map((s) => lastValueFrom(s.close(), { defaultValue: undefined }).catch(() => 0)),
    );
  };
  return { port: bound, streams, lines, received, stop };
}

const frames = (first: number, count: number) => range(first, count);

describe('reconnecting (real sockets)', () => {
  it('reconnects across a server restart: every state in order, every frame once', async () => {
    const first = await lineServer(0);
    const conn = reconnecting(() => connectTCP(first.port, '127.0.0.1', { connectTimeout: 2000 }), {
      backoff: { initial: 20, max: 200, factor: 2, jitter: 0.5 },
    });
    clean.add(() => conn.close().subscribe());
    const states: ReconnectState[] = [];
    conn.state$.subscribe((s) => states.push(s));
    const send = (from0: number, n: number) =>
      lastValueFrom(frames(from0, n).pipe(concatMap((i) => conn.writeAll(Buffer.from(`${i}\n`)))));

    await send(1, 5);
    await first.received(5);
    await first.stop();
    // Down: at least one attempt refused while it is away.
    await firstValueFrom(conn.state$.pipe(filter((s) => s.status === 'waiting' && s.attempt >= 1)));
    const queued = send(6, 5); // written while disconnected: queued
    const second = await lineServer(first.port);
    await queued;
    await second.received(5);

    expect(first.lines).toEqual(['1', '2', '3', '4', '5']);
    expect(second.lines).toEqual(['6', '7', '8', '9', '10']);
    const brief = states.map((s) => `${s.status}:${s.attempt}`);
    expect(brief.slice(0, 3)).toEqual(['connecting:1', 'open:1', 'waiting:0']);
    expect(brief[brief.length - 1]).toMatch(/^open:\d+$/);
    // In between: connecting n, waiting n (refused), connecting n + 1, …: each attempt in order.
    const round = brief.slice(3, -1);
    round.forEach((s, i) => {
      const n = Math.floor(i / 2) + 1;
      expect(s).toBe(i % 2 === 0 ? `connecting:${n}` : `waiting:${n}`);
    });
    const refused = states.filter((s) => s.status === 'waiting' && s.attempt >= 1);
    expect(refused.every((s) => s.lastError?.status === 'SysError')).toBe(true);
    expect(conn.state.connections).toBe(2);
  });

  it('gives up on a refused port after maxAttempts and errors reads$ with the last SysError', async () => {
    const server = await lineServer(0);
    const port = server.port;
    await server.stop();
    const conn = reconnecting(() => connectTCP(port, '127.0.0.1'), {
      backoff: { initial: 5, max: 20, factor: 2, jitter: 0 },
      maxAttempts: 3,
    });
    const error = await new Promise<unknown>((resolve) =>
      conn.reads$.subscribe({ error: resolve }),
    );
    expect(conn.state.status).toBe('failed');
    expect(conn.state.attempt).toBe(3);
    expect(error).toBe(conn.state.lastError);
    expect(conn.state.lastError?.status).toBe('SysError');
  });
});
