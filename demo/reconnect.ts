/**
 * The README's reconnect example: a client that survives a server restart.
 * The server sends a line per connection and leaves; the client's one
 * connection reconnects, shows every state, reads three lines and closes,
 * so the process exits by itself (exit code 0). `npx ts-node demo/reconnect.ts`.
 */
import type { AddressInfo } from 'node:net';
import { concatWith, filter, firstValueFrom, take } from 'rxjs';
import { ServerInfo, connectTCP, listenTCP, reconnecting } from '../src';

async function main(): Promise<void> {
  // A server that greets each connection, then closes it (three times, then stops listening).
  const server = new ServerInfo();
  let n = 0;
  listenTCP(0, '127.0.0.1', { server })
    .pipe(take(3))
    .subscribe((s) =>
      s
        .writeAll(Buffer.from(`line ${++n}\n`))
        .pipe(concatWith(s.close()))
        .subscribe(),
    );
  const { port } = (await firstValueFrom(server.address$)) as AddressInfo;

  const conn = reconnecting(() => connectTCP(port, '127.0.0.1', { connectTimeout: 2000 }), {
    backoff: { initial: 50, max: 2000, factor: 2, jitter: 0.5 },
    maxAttempts: 5,
  });
  conn.state$.subscribe((s) => console.log(`state ${s.status} (attempt ${s.attempt})`));
  conn.reads$.pipe(take(3)).subscribe({
    next: (chunk) => process.stdout.write(chunk),
    complete: () => conn.close().subscribe(() => console.log('done')),
  });
  await firstValueFrom(conn.state$.pipe(filter((s) => s.status === 'closed')));
}

void main();
