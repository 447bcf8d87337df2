/**
 * The kernel's loopback ceiling: `ceiling.c` compiled with gcc into a fresh
 * temporary directory (nothing committed), or `ceiling-py.py` without gcc.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 1024 * 1024;

/** How the ceiling was measured, and a function that runs it once (MiB/s). */
export interface Ceiling {
  readonly tool: string;
  run(bytes: number): number;
  dispose(): void;
}

function parse(out: string, bytes: number): number {
  const [got, secs] = out.trim().split(/\s+/).map(Number);
  if (got !== bytes) throw new Error(`ceiling moved ${got} of ${bytes} bytes`);
  return got / MiB / secs;
}

/** Compiles the C pair (or falls back to Python). */
export function prepareCeiling(): Ceiling {
  const dir = mkdtempSync(join(tmpdir(), 'rxstream-bench-'));
  const bin = join(dir, 'ceiling');
  try {
    execFileSync('gcc', ['-O2', '-o', bin, join(__dirname, 'ceiling.c')], { stdio: 'pipe' });
    return {
      tool: 'C send/recv, 1 MiB buffers (gcc -O2)',
      run: (bytes) => parse(execFileSync(bin, [String(bytes)], { encoding: 'utf8' }), bytes),
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch {
    const script = join(__dirname, 'ceiling-py.py');
    return {
      tool: 'Python send/recv_into, 1 MiB buffers',
      run: (bytes) =>
        parse(execFileSync('python3', [script, String(bytes)], { encoding: 'utf8' }), bytes),
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
}
