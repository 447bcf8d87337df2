/**
 * Load: 5,000 concurrent TCP streams, each echoing 1 MiB through an rxstream
 * echo server in a child process. Every stream must get back exactly what it
 * sent (sha256), and every stream on both sides must reach Closed.
 * `RXSTREAM_LOAD_STREAMS` / `RXSTREAM_LOAD_BYTES` scale it down.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { from, lastValueFrom, mergeMap, toArray } from 'rxjs';
import { Status, StreamState, connectTCP, type Stream } from '../src';

const STREAMS = Number(process.env.RXSTREAM_LOAD_STREAMS ?? 5000);
const BYTES = Number(process.env.RXSTREAM_LOAD_BYTES ?? 1024 * 1024);
const BUFFER = 64 * 1024;

type Server = ChildProcessByStdio<Writable, Readable, null>;

interface Totals {
  accepted: number;
  echoed: number;
  closed: number;
  failed: number;
}

function startServer(): Promise<{ child: Server; port: number }> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', join(__dirname, 'support', 'echo-server.ts')],
    {
      cwd: join(__dirname, '..'),
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  child.stdout.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`echo server exited (${code})`)));
    child.stdout.once('data', (line: string) =>
      resolve({ child, port: Number(/port (\d+)/.exec(line)?.[1]) }),
    );
  });
}

function report(child: Server): Promise<Totals> {
  return new Promise((resolve) => {
    child.stdout.once('data', (line: string) => resolve(JSON.parse(line) as Totals));
    child.stdin.write('report\n');
  });
}

/** Sends `payload`, half-closes, reads the echo to its end, closes; resolves the echo's sha256 and size. */
async function echoOnce(stream: Stream, payload: Buffer): Promise<{ sha: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const echoed = new Promise<void>((resolve, reject) =>
    stream.reads$.subscribe({
      next: (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      },
      complete: resolve,
      error: reject,
    }),
  );
  await lastValueFrom(stream.writeAll(payload));
  if (stream.shutdownWrite() !== Status.OK) throw new Error('shutdownWrite refused');
  await echoed;
  await lastValueFrom(stream.close());
  return { sha: hash.digest('hex'), bytes };
}

describe('stress: concurrent streams across two processes', () => {
  it(`echoes ${BYTES} bytes on each of ${STREAMS} concurrent streams with no byte lost`, async () => {
    const { child, port } = await startServer();
    try {
      const payload = Buffer.alloc(BYTES);
      for (let i = 0; i < BYTES; i += 1) payload[i] = (i * 31 + 7) & 0xff;
      const want = createHash('sha256').update(payload).digest('hex');
      const streams = await lastValueFrom(
        from(Array.from({ length: STREAMS })).pipe(
          mergeMap(
            () => connectTCP(port, '127.0.0.1', { sendBufferSize: BUFFER, readBufferSize: BUFFER }),
            256,
          ),
          toArray(),
        ),
      );
      const started = process.hrtime.bigint();
      const results = await Promise.all(streams.map((s) => echoOnce(s, payload)));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const lost = results.reduce((n, r) => n + (BYTES - r.bytes), 0);
      const wrong = results.filter((r) => r.sha !== want).length;
      const closed = streams.filter((s) => s.state === StreamState.Closed).length;
      streams.forEach((s) => s.destroy());
      let server = await report(child);
      for (let i = 0; i < 100 && server.closed < STREAMS; i += 1) server = await report(child);
      process.stdout.write(
        `\n  load: ${STREAMS} streams x ${BYTES} bytes echoed in ${seconds.toFixed(1)} s ` +
          `(${((2 * STREAMS * BYTES) / seconds / 1024 / 1024).toFixed(0)} MiB/s both ways), ` +
          `lost ${lost}, wrong sha ${wrong}, client Closed ${closed}, server ${JSON.stringify(server)}\n`,
      );
      expect(lost).toBe(0);
      expect(wrong).toBe(0);
      expect(closed).toBe(STREAMS);
      expect(server).toEqual({
        accepted: STREAMS,
        echoed: STREAMS * BYTES,
        closed: STREAMS,
        failed: 0,
      });
    } finally {
      child.kill('SIGTERM');
    }
  }, 1_800_000);
});
