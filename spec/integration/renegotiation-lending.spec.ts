/**
 * TLS 1.2 renegotiation on a stream `connectTLS` made: such a session reads
 * through `onread`, and a paused `onread` session reads nothing, so the
 * stream keeps reading while a renegotiation is in progress (within its
 * read-ahead bound) whether or not anyone reads. renegotiation.spec.ts runs
 * the same procedures over `createTLS` (a caller's socket, read through
 * `'data'`).
 */
import { once } from 'node:events';
import * as tls from 'node:tls';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { connectTLS, type Stream } from '../../src';
import {
  Cleanup,
  clientTls,
  prng,
  randomBytes,
  receive,
  sha256,
  tlsServer,
  tryReadBytes,
} from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

const TLS12 = { maxVersion: 'TLSv1.2' } as const;

/** A TLS 1.2 stream made by connectTLS, and its raw server peer (which keeps reading). */
async function connected(): Promise<{ stream: Stream; server: tls.TLSSocket }> {
  const { server, port } = await tlsServer(clean, TLS12);
  const accepted = once(server, 'secureConnection') as Promise<[tls.TLSSocket]>;
  const stream = clean.stream(await firstValueFrom(connectTLS(clientTls(port, TLS12))));
  const [peer] = await accepted;
  expect(peer.getProtocol()).toBe('TLSv1.2');
  return { stream, server: clean.socket(peer) };
}

function renegotiated(stream: Stream): Promise<void> {
  return lastValueFrom(stream.renegotiate(), { defaultValue: undefined });
}

describe('TLS 1.2 renegotiation on a connectTLS stream (reads through onread)', () => {
  it('completes with no reader at all, and the stream reads and writes after it', async () => {
    const { stream, server } = await connected();
    await renegotiated(stream); // nobody reads: the stream still takes in the handshake
    server.write(Buffer.from('after'));
    expect((await tryReadBytes(stream, 5)).toString()).toBe('after');
    stream.tryWrite(Buffer.from('back'));
    expect((await receive(server, 4)).toString()).toBe('back');
  });

  it('bytes sent before it, written during it and sent after it arrive intact', async () => {
    const { stream, server } = await connected();
    const rand = prng(7);
    const up = [64, 64, 64].map((k) => randomBytes(rand, k * 1024));
    const down = [randomBytes(rand, 48 * 1024), randomBytes(rand, 48 * 1024)];
    const serverGot = receive(server, 3 * 64 * 1024);
    // Read before it starts: application data in flight during a TLS 1.2 renegotiation is
    // OpenSSL's "unexpected record" (see renegotiation.spec.ts, data in flight both ways).
    stream.tryWrite(up[0]);
    server.write(down[0]);
    expect(sha256(await tryReadBytes(stream, down[0].length))).toBe(sha256(down[0]));
    const done = renegotiated(stream);
    expect(stream.tryWrite(up[1]).bytes).toBe(up[1].length); // accepted while it is pending
    await done;
    stream.tryWrite(up[2]);
    server.write(down[1]);
    expect(sha256(await tryReadBytes(stream, down[1].length))).toBe(sha256(down[1]));
    expect(sha256(await serverGot)).toBe(sha256(Buffer.concat(up)));
  });
});
