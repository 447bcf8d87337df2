/**
 * The README's echo server: serves two clients, then stops listening; each
 * stream finishes by itself when its client ends (`allowHalfOpen` false, the
 * helpers' default), so the process exits by itself (exit code 0).
 * `npx ts-node demo/echo-server.ts`.
 */
import type { AddressInfo } from 'node:net';
import { concatMap, lastValueFrom, map, mergeMap, switchMap, take, toArray } from 'rxjs';
import { ServerInfo, connectTCP, listenTCP } from '../src';

const server = new ServerInfo();
listenTCP(0, '127.0.0.1', { server, maxConnections: 100 })
  .pipe(
    take(2), // then stop accepting; the two streams end when their clients do
    mergeMap((s) => s.reads$.pipe(concatMap((chunk) => s.writeAll(chunk)))),
  )
  .subscribe({ error: (e: unknown) => console.error('echo failed', e) });

// Two clients, once the address is known (address$ replays it: no race).
server.address$
  .pipe(
    take(1),
    map((address) => (address as AddressInfo).port),
    switchMap((port) => [1, 2].map((n) => ({ port, n }))),
    mergeMap(({ port, n }) =>
      lastValueFrom(
        connectTCP(port, '127.0.0.1').pipe(
          switchMap((s) => {
            s.writeAll(Buffer.from(`hello ${n}\n`)).subscribe(() => s.shutdownWrite());
            return s.reads$;
          }),
          toArray(),
        ),
      ),
    ),
  )
  .subscribe((chunks) => process.stdout.write(Buffer.concat(chunks)));
