/**
 * The self-finishing echo under load, over real sockets: a listenTCP echo
 * server (`reads$` → `concatMap(writeAll)` → `close()`) whose clients send
 * and half-close at once. Every stream finishes by itself only after its
 * whole echo was written (a finish seen too early cuts the echo: writes
 * after it are refused).
 */
import { createHash } from 'node:crypto';
import { concatMap, concatWith, defer, firstValueFrom, ignoreElements } from 'rxjs';
import { ServerInfo, Status, connectTCP, listenTCP, type Stream } from '../../src';
import { Cleanup } from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

// Scaled for npm test; RXSTREAM_ECHO_STREAMS=2000 RXSTREAM_ECHO_BYTES=1048576 RXSTREAM_ECHO_BUFFER=65536
// (about 10 s) is the load at which a finish seen too early used to cut ~700 of the echoes.
const STREAMS = Number(process.env.RXSTREAM_ECHO_STREAMS ?? 400);
const BYTES = Number(process.env.RXSTREAM_ECHO_BYTES ?? 256 * 1024);
const BUFFER = Number(process.env.RXSTREAM_ECHO_BUFFER ?? 16 * 1024);

function sha(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

async function echoOnce(stream: Stream, payload: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const echoed = new Promise<void>((resolve, reject) =>
    stream.reads$.subscribe({ next: (c) => chunks.push(c), complete: resolve, error: reject }),
  );
  await firstValueFrom(stream.writeAll(payload));
  expect(stream.shutdownWrite()).toBe(Status.OK);
  await echoed;
  return Buffer.concat(chunks);
}

describe('self-finishing echo streams under load (real sockets)', () => {
  it(`echoes ${BYTES} bytes on each of ${STREAMS} concurrent streams, every stream whole`, async () => {
    const server = new ServerInfo();
    let refusedWrites = 0;
    const sub = listenTCP(0, '127.0.0.1', {
      server,
      backlog: 1024,
      sendBufferSize: BUFFER,
      readBufferSize: BUFFER,
    }).subscribe((s) => {
      clean.stream(s);
      s.reads$
        .pipe(
          concatMap((chunk) => s.writeAll(chunk)),
          concatWith(defer(() => s.close())),
          ignoreElements(),
        )
        .subscribe({ error: () => (refusedWrites += 1) });
    });
    clean.add(() => sub.unsubscribe());
    const { port } = (await firstValueFrom(server.address$)) as { port: number };
    const payload = Buffer.alloc(BYTES);
    for (let i = 0; i < BYTES; i += 1) payload[i] = (i * 31 + 7) & 0xff;
    const streams = await Promise.all(
      Array.from({ length: STREAMS }, () =>
        firstValueFrom(
          connectTCP(port, '127.0.0.1', { sendBufferSize: BUFFER, readBufferSize: BUFFER }),
        ).then((s) => clean.stream(s)),
      ),
    );
    const echoes = await Promise.all(streams.map((s) => echoOnce(s, payload)));
    const want = sha(payload);
    expect(echoes.filter((e) => sha(e) !== want).length).toBe(0);
    expect(refusedWrites).toBe(0);
  }, 120_000);
});
