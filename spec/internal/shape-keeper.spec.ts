/**
 * The shape keeper: one idle stream for the life of the process, so that
 * V8's hidden classes of a stream's objects (and the code compiled against
 * them) outlive the moments with no stream (see src/internal/shape-keeper.ts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { StreamKind, StreamState, memoryPair, Stream } from '../../src';
import { keptShapes } from '../../src/internal/shape-keeper';

const FIXTURE = join(__dirname, 'fixtures', 'shape-keeper-child.ts');

function runChild(): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--allow-natives-syntax', '--expose-gc', '-r', 'ts-node/register/transpile-only', FIXTURE],
      { env: { ...process.env, NODE_DEBUG: 'rxstream' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ stdout, stderr, code }));
  });
}

describe('the shape keeper', () => {
  it('is one idle stream, kept whatever other streams come and go', () => {
    const [a, b] = memoryPair();
    a.destroy();
    b.destroy();
    const kept = keptShapes();
    expect(kept.length).toBe(1);
    const keeper = kept[0] as Stream;
    expect(keeper).toBeInstanceOf(Stream);
    expect(keeper.state).toBe(StreamState.Open);
    expect(keeper.kind).toBe(StreamKind.Memory);
    expect(keeper.fd).toBe(-1); // no socket (read-only looks only: the keeper is never used)
  });

  it('gives a stream made after all others were collected its hidden class, and is not traced', async () => {
    const { stdout, stderr, code } = await runChild();
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ kept: 1, same: true });
    // The keeper is stream 0 and says nothing; the caller's streams are numbered from 1.
    expect(stderr).toContain('stream 1: created, kind Memory');
    expect(stderr).not.toMatch(/stream 0:/);
  }, 30_000);
});
