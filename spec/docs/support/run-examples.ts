/**
 * Runs examples as a user would: each in its own Node process, against the
 * package (src/ transpiled once into a temporary folder, reached there as
 * `rxstream` and `rxstream/testing`; everything else from the project's
 * node_modules) and the echo peers of {@link startPeers}. A run
 * passes when the process exits by itself with code 0 within its time.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tls from 'node:tls';
import * as ts from 'typescript';
import { testCerts } from '../../../tools/certs';
import { ROOT, type Example } from './examples';
import { forRun } from './prelude';

const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
};

function transpileTree(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    const path = join(from, name);
    if (statSync(path).isDirectory()) transpileTree(path, join(to, name));
    else if (name.endsWith('.ts')) {
      mkdirSync(to, { recursive: true });
      const js = ts.transpileModule(readFileSync(path, 'utf8'), { compilerOptions: OPTIONS }).outputText;
      writeFileSync(join(to, name.replace(/\.ts$/, '.js')), js);
    }
  }
}

/** src/ as JavaScript in a fresh temporary folder, installed there as the package `rxstream`; returns the folder. */
function preparePackage(): string {
  const OUT = mkdtempSync(join(tmpdir(), 'rxstream-doc-test-'));
  transpileTree(join(ROOT, 'src'), join(OUT, 'src'));
  const pkg = join(OUT, 'node_modules', 'rxstream');
  mkdirSync(join(pkg, 'testing'), { recursive: true });
  writeFileSync(join(pkg, 'index.js'), `module.exports = require('../../src/index.js');\n`);
  writeFileSync(join(pkg, 'testing', 'index.js'), `module.exports = require('../../../src/testing/index.js');\n`);
  return OUT;
}

/** The peers every runnable example may use (see `CONTEXT_NAMES`). */
export interface Peers {
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

function echo(socket: net.Socket): void {
  socket.on('error', () => undefined);
  socket.pipe(socket); // ends its side when the client ends its own
}

function listening(server: net.Server, where: number | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'string') server.listen(where, resolve);
    else server.listen(where, '127.0.0.1', resolve);
  });
}

/** Echo servers over TCP, TLS and a Unix socket, for the examples' `port`, `tlsPort` and `ipcPath`. */
export async function startPeers(): Promise<Peers> {
  const certs = testCerts();
  const tcp = net.createServer({ allowHalfOpen: true }, echo);
  const secure = tls.createServer({ key: certs.server.key, cert: certs.server.cert, allowHalfOpen: true }, echo);
  const ipcPath = join(tmpdir(), `rxstream-doc-${process.pid}.sock`);
  rmSync(ipcPath, { force: true });
  const ipc = net.createServer({ allowHalfOpen: true }, echo);
  await Promise.all([listening(tcp, 0), listening(secure, 0), listening(ipc, ipcPath)]);
  const servers = [tcp, secure, ipc];
  // Every accepted socket, to destroy at close: a client that destroys its TLS socket right
  // after the handshake can leave the server's side without events, holding close() forever.
  const sockets = new Set<net.Socket>();
  for (const s of servers) {
    s.on(s === secure ? 'secureConnection' : 'connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }
  return {
    env: {
      DOC_PORT: String((tcp.address() as net.AddressInfo).port),
      DOC_TLS_PORT: String((secure.address() as net.AddressInfo).port),
      DOC_IPC_PATH: ipcPath,
      DOC_CA: certs.ca,
      DOC_KEY: certs.server.key,
      DOC_CERT: certs.server.cert,
    },
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              for (const socket of sockets) socket.destroy();
            }),
        ),
      ).then(() => undefined),
  };
}

/** What went wrong with one example, or nothing. */
export interface RunFailure {
  readonly where: string;
  readonly reason: string;
}

function runOne(file: string, env: Record<string, string>, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file],
      { cwd: dirname(file), env: { ...process.env, ...env, NODE_DEBUG: '', NODE_PATH: join(ROOT, 'node_modules') }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, _stdout, stderr) => {
        if (error === null) resolve(null);
        else if (error.killed) resolve(`did not exit within ${timeoutMs} ms`);
        else {
          // The error's own line (`AssertionError [ERR_ASSERTION]: …`), else the last one.
          const lines = stderr.trim().split('\n');
          const headline = lines.find((l) => /^\w*Error\b/.test(l)) ?? lines[lines.length - 1];
          resolve(`exited with ${String(error.code)}: ${headline}`);
        }
      },
    );
  });
}

/** Runs every example, two at a time; returns the failures. */
export async function runExamples(examples: readonly Example[], timeoutMs = 10_000): Promise<RunFailure[]> {
  const out = preparePackage();
  const dir = join(out, 'examples');
  mkdirSync(dir, { recursive: true });
  const files = examples.map((example, i) => {
    const file = join(dir, `example-${i}.js`);
    const js = ts.transpileModule(forRun(example.code), { compilerOptions: OPTIONS, fileName: `${example.where}.ts` });
    writeFileSync(file, `// ${example.where}\n${js.outputText}`);
    return file;
  });
  const peers = await startPeers();
  const failures: RunFailure[] = [];
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const i = next++;
        const reason = await runOne(files[i], peers.env, timeoutMs);
        if (reason !== null) failures.push({ where: examples[i].where, reason });
      }
    };
    await Promise.all([worker(), worker()]);
  } finally {
    await peers.close();
    rmSync(out, { recursive: true, force: true });
  }
  return failures.sort((a, b) => a.where.localeCompare(b.where));
}
