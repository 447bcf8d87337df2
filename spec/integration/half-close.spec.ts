/**
 * allowHalfOpen over real sockets: streams the helpers make finish by
 * themselves when the peer ends (default), so a process whose peer leaves
 * exits by itself; `allowHalfOpen: true` keeps the seed's half-close.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import * as path from 'node:path';
import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { Status, StreamState, connectTCP, createTCP, listenTCP, type Stream } from '../../src';
import { Cleanup, listenOn, tcpPair } from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

const FIXTURE = path.join(__dirname, 'fixtures', 'reads-child.ts');

/** A plain server on 127.0.0.1: resolves its port and the first accepted socket. */
async function plainServer(): Promise<{ port: number; accepted: Promise<net.Socket> }> {
  const server = clean.server(net.createServer({ allowHalfOpen: true }));
  const accepted = once(server, 'connection').then(([s]) => clean.socket(s as net.Socket));
  return { port: await listenOn(server), accepted };
}

function closed(stream: Stream): Promise<StreamState> {
  return firstValueFrom(stream.state$.pipe(filter((s) => s === StreamState.Closed)));
}

describe('allowHalfOpen (real sockets)', () => {
  it('a process whose connectTCP → reads$ peer ends exits by itself, with code 0', async () => {
    const { port, accepted } = await plainServer();
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', FIXTURE, String(port)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
      },
    );
    clean.add(() => child.kill('SIGKILL'));
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    const peer = await accepted;
    const peerSawEnd = once(peer, 'end');
    peer.resume();
    peer.end('goodbye');
    const [code, signal] = await exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(Buffer.concat(out).toString()).toBe('goodbye');
    await peerSawEnd; // the child sent its own FIN
  }, 20_000);

  it('finishes a connectTCP stream once the peer ended and every byte was read: FIN sent, Closed', async () => {
    const { port, accepted } = await plainServer();
    const stream = clean.stream(await firstValueFrom(connectTCP(port, '127.0.0.1')));
    const peer = await accepted;
    const states: StreamState[] = [];
    stream.state$.subscribe((s) => states.push(s));
    const peerEnded = once(peer, 'end');
    peer.resume();
    peer.end('last words');
    const chunks = await lastValueFrom(stream.reads$.pipe(toArray()));
    expect(Buffer.concat(chunks).toString()).toBe('last words');
    await closed(stream);
    await peerEnded;
    expect(states).toEqual([StreamState.Open, StreamState.ShutdownWr, StreamState.Closed]);
    expect(stream.lastError).toBeNull();
  });

  it('waits for unread bytes: it finishes only after the last byte is read', async () => {
    const { port, accepted } = await plainServer();
    const stream = clean.stream(await firstValueFrom(connectTCP(port, '127.0.0.1')));
    const peer = await accepted;
    // Readiness for the bytes, then for the end of stream: both arrived, nobody has read.
    const arrived = lastValueFrom(stream.readable$.pipe(take(2)));
    peer.end('unread');
    await arrived;
    expect(stream.state).toBe(StreamState.Open);
    const buf = Buffer.alloc(64);
    let got = '';
    for (let r = stream.tryRead(buf); r.bytes > 0; r = stream.tryRead(buf)) {
      got += buf.subarray(0, r.bytes).toString();
    }
    expect(got).toBe('unread');
    await closed(stream);
  });

  it('lets a pending echo finish first: a listenTCP echo server answers every byte, then ends', async () => {
    let port = 0;
    const listening = new Promise<void>((resolve) => {
      const sub = listenTCP(0, '127.0.0.1', {
        onListening: (a) => {
          port = a.port;
          resolve();
        },
      }).subscribe((s) => {
        clean.stream(s);
        s.reads$.subscribe((chunk) => s.writeAll(chunk).subscribe());
      });
      clean.add(() => sub.unsubscribe());
    });
    await listening;
    const client = clean.socket(net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }));
    const reply: Buffer[] = [];
    client.on('data', (c: Buffer) => reply.push(c));
    client.end('ping pong');
    await once(client, 'end'); // the server ended by itself
    expect(Buffer.concat(reply).toString()).toBe('ping pong');
  });

  it('keeps the seed’s half-close with allowHalfOpen: true: Open, reads end, writes go on', async () => {
    const { port, accepted } = await plainServer();
    const stream = clean.stream(
      await firstValueFrom(connectTCP(port, '127.0.0.1', { allowHalfOpen: true })),
    );
    const peer = await accepted;
    peer.end('bye');
    const chunks = await lastValueFrom(stream.reads$.pipe(toArray()));
    expect(Buffer.concat(chunks).toString()).toBe('bye');
    expect(stream.state).toBe(StreamState.Open);
    const answer = new Promise<string>((resolve) => {
      let text = '';
      peer.on('data', (c: Buffer) => (text += c.toString()));
      peer.on('end', () => resolve(text));
    });
    await lastValueFrom(stream.writeAll(Buffer.from('still here')));
    expect(stream.shutdownWrite()).toBe(Status.OK);
    expect(await answer).toBe('still here');
  });

  it('keeps createTCP over a caller’s socket half-open (today’s behaviour)', async () => {
    const { client, server } = await tcpPair(clean);
    const stream = clean.stream(createTCP(client));
    server.end('x');
    await lastValueFrom(stream.reads$.pipe(toArray()));
    expect(stream.state).toBe(StreamState.Open);
    expect(stream.tryWrite(Buffer.from('y')).status).toBe(Status.OK);
  });
});
