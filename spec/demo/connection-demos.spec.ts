/**
 * The README's echo-server and reconnect examples (demo/echo-server.ts,
 * demo/reconnect.ts) run as child processes and must exit by themselves
 * with code 0 — nothing closes them, no timer ends them.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';

const DEADLINE_MS = 30_000; // a guard against a hang, not a timing assertion

async function run(demo: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', '..', 'demo', demo)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    },
  );
  const guard = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  const out: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(guard);
  return { code, out: Buffer.concat(out).toString() };
}

describe('README connection examples', () => {
  it(
    'the echo server answers both clients and its process exits by itself',
    async () => {
      const { code, out } = await run('echo-server.ts');
      expect(code).toBe(0);
      expect(out.split('\n').sort()).toEqual(['', 'hello 1', 'hello 2']);
    },
    DEADLINE_MS + 5000,
  );

  it(
    'the reconnecting client reads across three connections, closes, and exits by itself',
    async () => {
      const { code, out } = await run('reconnect.ts');
      expect(code).toBe(0);
      expect(out).toContain('line 1\n');
      expect(out).toContain('line 3\n');
      const states = out.split('\n').filter((l) => l.startsWith('state '));
      expect(states[0]).toBe('state connecting (attempt 1)');
      expect(states.filter((l) => l.startsWith('state open')).length).toBe(3);
      expect(states[states.length - 1]).toMatch(/^state closed/);
    },
    DEADLINE_MS + 5000,
  );
});
