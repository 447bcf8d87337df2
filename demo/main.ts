/**
 * `npm run demo`: the seed's two examples against peers started here on
 * 127.0.0.1, with every stream's state$ transitions printed by an RxJS
 * pipeline. Exits 0 by itself.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  map,
  merge,
  switchMap,
  take,
  tap,
  timer,
} from 'rxjs';
import { Status, connectTLS, createTCP, type Stream } from '../src';
import { testCerts } from '../tools/certs';

const log = (who: string, text: string): void => console.log(`${who.padEnd(6)} ${text}`);

/** An RxJS pipeline over state$: prints every transition of a stream. */
function watchStates(name: string, stream: Stream): void {
  stream.state$
    .pipe(map((state, i) => (i === 0 ? `state ${state}` : `state -> ${state}`)))
    .subscribe({ next: (text) => log(name, text), complete: () => log(name, 'state$ completed') });
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

/** Seed example 1: sync mode over TCP — the caller drives try-once calls from readiness. */
async function syncTcpExample(): Promise<void> {
  const peer = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.write('hello from the TCP peer');
    const got: Buffer[] = [];
    socket.on('data', (d: Buffer) => got.push(d));
    socket.on('end', () => {
      log('peer', `received back "${Buffer.concat(got).toString()}" then FIN`);
      socket.end();
    });
  });
  const port = await listen(peer);
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));

  const s = createTCP(socket); // CreateTCP
  watchStates('sync', s);
  log('sync', `kind ${s.kind}, fd ${s.fd}, mode ${s.mode}`);
  const buf = Buffer.alloc(4096);
  // The caller's "EventLoop watcher": readable$ says when TryRead can make progress.
  const got = await firstValueFrom(
    s.readable$.pipe(
      map(() => s.tryRead(buf, 4096)), // TryRead
      filter((r) => r.status !== Status.OK || r.bytes > 0),
    ),
  );
  log(
    'sync',
    `tryRead -> ${got.status}, got ${got.bytes}: "${buf.toString('utf8', 0, got.bytes)}"`,
  );
  if (got.status === Status.OK && got.bytes > 0) {
    const sent = s.tryWrite(buf, got.bytes); // TryWrite
    log('sync', `tryWrite -> ${sent.status}, sent ${sent.bytes}`);
  }
  log('sync', `shutdownWrite -> ${s.shutdownWrite()}`); // ShutdownWrite
  const end = await firstValueFrom(
    s.readable$.pipe(
      map(() => s.tryRead(buf)),
      filter((r) => r.status !== Status.OK),
    ),
  );
  log('sync', `tryRead -> ${end.status} (the peer closed)`);
  log('sync', `destroy -> ${s.destroy()}; in sync mode the socket stays the caller's to close`);
  socket.destroy();
  peer.close();
}

/** Seed example 2: async mode over TLS — read, writeAll, close. */
async function asyncTlsExample(): Promise<void> {
  const certs = testCerts();
  const peer = tls.createServer({ key: certs.server.key, cert: certs.server.cert }, (socket) => {
    socket.write(Buffer.alloc(1024, 'x'));
    let total = 0;
    socket.on('data', (d: Buffer) => (total += d.length));
    socket.on('end', () =>
      log('peer', `TLS peer received ${total} bytes, then close_notify + FIN`),
    );
  });
  const port = await listen(peer);
  const s = await firstValueFrom(
    connectTLS({ host: '127.0.0.1', servername: 'localhost', port, ca: certs.ca }), // CreateTLS after the handshake
  );
  watchStates('async', s);
  log('async', `kind ${s.kind}, verified certificate, mode ${s.mode}`);
  const buf = Buffer.alloc(4096);
  const n = await firstValueFrom(s.read(buf, 4096)); // ReadAsync
  log('async', `read -> ${n} bytes`);
  const written = await firstValueFrom(s.writeAll(buf, 1024)); // WriteAllAsync
  log('async', `writeAll -> ${written} bytes accepted`);
  await lastValueFrom(s.close()); // CloseAsync
  log('async', `close -> done, state ${s.state}`);
  log('async', `destroy -> ${s.destroy()}`); // Destroy
  peer.close();
}

/** An RxJS pipeline: a stream's reads$ merged with a timeout, to show composition. */
async function pipelineExample(): Promise<void> {
  const peer = net.createServer((socket) => socket.end('line one\nline two\n'));
  const port = await listen(peer);
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const s = createTCP(socket);
  watchStates('rx', s);
  const text = await lastValueFrom(
    merge(
      s.reads$.pipe(map((b) => b.toString())),
      timer(5000).pipe(switchMap(() => Promise.reject(new Error('demo timed out')))),
    ).pipe(
      take(1),
      tap((t) => log('rx', `reads$ -> ${JSON.stringify(t)}`)),
    ),
  );
  log('rx', `got ${text.length} chars; closing`);
  await lastValueFrom(s.close());
  s.destroy();
  peer.close();
}

async function main(): Promise<void> {
  console.log(
    'rxstream demo — seed example 1 (sync TCP), example 2 (async TLS), an RxJS pipeline\n',
  );
  await syncTcpExample();
  console.log('');
  await asyncTlsExample();
  console.log('');
  await pipelineExample();
  console.log('\ndemo finished');
}

const guard = setTimeout(() => {
  console.error('demo did not finish in 25 s');
  process.exit(1);
}, 25_000);
guard.unref();
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('demo failed:', error);
    process.exit(1);
  },
);
