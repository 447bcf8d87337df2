/**
 * The JavaScript the throughput rows' children run. At their first fork, every
 * `.ts` file of `src/` and `bench/` is transpiled into a fresh directory under
 * `node_modules/.cache/` (removed at exit), file by file with tsconfig.json's
 * options: the same `transpileModule` that ts-node's transpile-only mode
 * applies, so the emitted JS is `tsc`'s and always the current code. A child
 * then starts in ~0.1 s instead of spending ~2 s in ts-node, and its heap
 * holds no TypeScript compiler (loaded here only when a fork needs it).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TS from 'typescript';

const PROJECT = join(__dirname, '..');
/** Trees the children import from; bare imports resolve from the project's node_modules. */
const TREES = ['src', 'bench'];

let root: string | undefined;

function compilerOptions(ts: typeof TS): TS.CompilerOptions {
  const file = join(PROJECT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile) as {
    config?: unknown;
    error?: TS.Diagnostic;
  };
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, PROJECT);
  return { ...parsed.options, sourceMap: false, declaration: false, noEmit: false };
}

function transpileTree(ts: typeof TS, from: string, to: string, options: TS.CompilerOptions): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'results' && entry.name !== 'node_modules') {
        transpileTree(ts, source, join(to, entry.name), options);
      }
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
        compilerOptions: options,
        fileName: source,
      });
      writeFileSync(join(to, `${entry.name.slice(0, -3)}.js`), outputText);
    }
  }
}

/** The transpiled project root (built once per process). */
export function transpiledRoot(): string {
  if (root !== undefined) return root;
  const cache = join(PROJECT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'rxstream-bench-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const ts = createRequire(__filename)('typescript') as typeof TS;
  const options = compilerOptions(ts);
  for (const tree of TREES) transpileTree(ts, join(PROJECT, tree), join(dir, tree), options);
  root = dir;
  return dir;
}
