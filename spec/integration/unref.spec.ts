/**
 * `unref()` lets the process exit while the connection is all that is left:
 * a child connects to a server here that never closes, unrefs, and must
 * exit by itself (fixtures/unref-child.ts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { join } from 'node:path';
import { Cleanup, listenOn, receive } from './support';

const FIXTURE = join(__dirname, 'fixtures', 'unref-child.ts');
const clean = new Cleanup();
afterEach(() => clean.run());

async function childExits(mode: 'stream' | 'duplex'): Promise<number | null> {
  const server = clean.server(net.createServer());
  const port = await listenOn(server);
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', FIXTURE, String(port), mode],
    {
      stdio: 'ignore',
    },
  );
  clean.add(() => child.kill('SIGKILL'));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const [peer] = await accepted;
  clean.socket(peer);
  expect((await receive(peer, 2)).toString()).toBe('hi');
  expect(peer.destroyed).toBeFalse(); // the connection stays open while the child exits
  const [code] = await exited;
  return code;
}

describe('unref()', () => {
  it('lets the process exit with a stream still connected', async () => {
    expect(await childExits('stream')).toBe(0);
  }, 30_000);

  it('lets the process exit with a Duplex still connected (unref before the connection)', async () => {
    expect(await childExits('duplex')).toBe(0);
  }, 30_000);
});
