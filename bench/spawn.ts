/**
 * Forking the harness's own TypeScript modules as child processes, through
 * ts-node in transpile-only mode (same emitted JS as `tsc`, no type check),
 * or from the JavaScript `transpile.ts` emitted once per run with the same
 * transpiler (no ts-node, so a child starts in ~0.1 s instead of ~2 s).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { transpiledRoot } from './transpile';

/** How a child loads its TypeScript. */
export type ChildLoader = 'ts-node' | 'transpiled';

/**
 * Forks `bench/<module>` (a `.ts` name) with IPC, inheriting stderr, and
 * stdout unless `stdout` is `'pipe'` (then read it from `child.stdout`).
 */
export function forkBench(
  module: string,
  args: string[],
  execArgv: string[] = [],
  loader: ChildLoader = 'ts-node',
  stdout: 'inherit' | 'pipe' = 'inherit',
): ChildProcess {
  const stdio: ['ignore', 'inherit' | 'pipe', 'inherit', 'ipc'] = [
    'ignore',
    stdout,
    'inherit',
    'ipc',
  ];
  if (loader === 'transpiled') {
    const script = join(transpiledRoot(), 'bench', module.replace(/\.ts$/, '.js'));
    return fork(script, args, { execArgv, stdio });
  }
  return fork(join(__dirname, module), args, {
    execArgv: ['-r', 'ts-node/register/transpile-only', ...execArgv],
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio,
  });
}

/** Resolves once the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Resolves with the first IPC message of the given type, rejects if the child dies first. */
export function nextMessage<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`child timed out waiting for '${type}'`)),
      timeoutMs,
    );
    function onMessage(message: unknown): void {
      const m = message as { type?: string };
      if (m.type === type) done(undefined, message as T);
    }
    function onExit(code: number | null, signal: string | null): void {
      done(new Error(`child exited (code ${code}, signal ${signal}) before '${type}'`));
    }
    function done(err: Error | undefined, value?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
