/**
 * Forking the harness's own TypeScript modules as child processes, through
 * ts-node in transpile-only mode (same emitted JS as `tsc`, no type check).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Forks `bench/<module>` with IPC, inheriting stderr. */
export function forkBench(module: string, args: string[], execArgv: string[] = []): ChildProcess {
  return fork(join(__dirname, module), args, {
    execArgv: ['-r', 'ts-node/register/transpile-only', ...execArgv],
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
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
