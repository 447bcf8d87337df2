/**
 * Forking the harness's own TypeScript modules as child processes, from their
 * transpiled JavaScript (see `transpile.ts`: same emitted JS as `tsc`, no type
 * check, no ts-node in the child).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { transpiledRoot } from './transpile';

/** Forks `bench/<module>` (a `.ts` name) with IPC, inheriting stdout and stderr. */
export function forkBench(module: string, args: string[], execArgv: string[] = []): ChildProcess {
  const script = join(transpiledRoot(), 'bench', module.replace(/\.ts$/, '.js'));
  return fork(script, args, {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
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
