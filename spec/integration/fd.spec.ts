/**
 * createTCP(fd): a child process inherits a connected TCP socket as fd 3 and
 * wraps it (fixtures/fd-child.ts); the parent talks to it over the peer socket.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Status, StreamKind, StreamState } from '../../src';
import { Cleanup, collect, tcpPair } from './support';

const clean = new Cleanup();
afterEach(() => clean.run());

const FIXTURE = path.join(__dirname, 'fixtures', 'fd-child.ts');
/** Guard only: a child that has not finished by then is killed and the spec fails. */
const CHILD_DEADLINE_MS = 20000;

interface ChildRun {
  child: ChildProcess;
  /** The JSON report line the child printed, once it has exited. */
  report: Promise<Record<string, unknown>>;
}

/** Spawns the fixture in `mode` with `fd3` as its fd 3, bounded by a kill timer. */
function runChild(mode: string, fd3: number | 'ignore' | net.Socket): ChildRun {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', FIXTURE, mode], {
    stdio: ['pipe', 'pipe', 'pipe', fd3],
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
  });
  clean.add(() => child.kill('SIGKILL'));
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  const report = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fd-child ${mode} did not finish in ${CHILD_DEADLINE_MS} ms`));
    }, CHILD_DEADLINE_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString().trim();
      try {
        resolve(JSON.parse(text.split('\n').pop() ?? '') as Record<string, unknown>);
      } catch {
        reject(new Error(`fd-child ${mode} exit ${code}: ${text} ${Buffer.concat(err)}`));
      }
    });
  });
  return { child, report };
}

describe('createTCP over an inherited fd (child process)', () => {
  it('wraps fd 3 as a TCP stream, echoes in async mode and closes the fd', async () => {
    const { client, server } = await tcpPair(clean);
    const run = runChild('async', server);
    server.destroy(); // the child holds the only copy now: its close reaches the peer
    const reply = collect(client);
    client.end('hello child');
    expect((await reply).toString()).toBe('echo:hello child');
    const report = await run.report;
    expect(report['fd']).toBe(3);
    expect(report['kind']).toBe(StreamKind.TCP);
    expect(report['state']).toBe(StreamState.Open);
    expect(report['finalState']).toBe(StreamState.Closed);
    expect(report['fdOpenAfter']).toBeFalse();
  }, 30000);

  it('works in sync mode with tryRead/tryWrite, and destroy leaves the fd open', async () => {
    const { client, server } = await tcpPair(clean);
    const run = runChild('sync', server);
    server.destroy();
    const reply = collect(client);
    client.write('ping');
    const report = await run.report;
    expect((await reply).toString()).toBe('pong:ping');
    expect(report['fd']).toBe(3);
    expect(report['kind']).toBe(StreamKind.TCP);
    expect(report['sent']).toBe(9);
    expect(report['shut']).toBe(Status.OK);
    expect(report['destroyed']).toBe(Status.OK);
    expect(report['fdOpenAfter']).toBeTrue();
  }, 30000);

  it('throws Invalid in the child for fds that are not TCP sockets (a regular file, a pipe)', async () => {
    const file = path.join(os.tmpdir(), `rxstream-fd-child-${process.pid}`);
    const fd = fs.openSync(file, 'w');
    clean.add(() => {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
    });
    const report = await runChild('refused', fd).report;
    expect(report['file']).toBe(Status.Invalid);
    expect(report['pipe']).toBe(Status.Invalid);
  }, 30000);
});
