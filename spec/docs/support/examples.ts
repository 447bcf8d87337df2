/**
 * The `@example` blocks of src/: where each is, what its fence says, and
 * its code without the comment stars. A fence of ```` ```ts runnable ````
 * marks a block the doc-test runs (see run-examples.ts); every other
 * ```` ```ts ```` block is compiled only.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');

/** One fenced block of an `@example`. */
export interface Example {
  /** `src/file.ts:line`, the line of the opening fence. */
  readonly where: string;
  readonly code: string;
  readonly runnable: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every fenced block inside an `@example` tag of every file under src/
 * (src/concepts/ holds the API reference's pages, whose module comments have examples too);
 * with `DOC_ONLY=src/a,src/b` in the environment, only those under the
 * given paths (to work on a few files; the full check ignores it in CI).
 */
export function srcExamples(): Example[] {
  const only = (process.env.DOC_ONLY ?? '').split(',').filter((p) => p !== '');
  const files = sourceFiles(join(ROOT, 'src')).filter(
    (f) => only.length === 0 || only.some((p) => relative(ROOT, f).startsWith(p)),
  );
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const found: Example[] = [];
    // A tag runs to the next tag or the end of its comment.
    for (const tag of text.matchAll(/@example([\s\S]*?)(?=\n\s*\*\s*@\w|\*\/)/g)) {
      const body = tag[1];
      for (const fence of body.matchAll(/\n\s*\* ```ts([^\n]*)\n([\s\S]*?)\n\s*\* ```/g)) {
        const offset = (tag.index ?? 0) + '@example'.length + (fence.index ?? 0) + 1;
        found.push({
          where: `${relative(ROOT, file)}:${text.slice(0, offset).split('\n').length}`,
          code: fence[2].replace(/^\s*\* ?/gm, ''),
          runnable: /\brunnable\b/.test(fence[1]),
        });
      }
    }
    return found;
  });
}

/** The markdown files whose TypeScript blocks are documentation: README.md and docs/*.md. */
export function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
  return ['README.md', ...docs.map((f) => `docs/${f}`)];
}

/** Every ```` ```ts ```` block of README.md and docs/*.md (```` ```ts runnable ```` marks the ones to run). */
export function markdownExamples(): Example[] {
  return markdownFiles().flatMap((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return [...text.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```/gm)].map((m) => ({
      where: `${file}:${text.slice(0, m.index).split('\n').length}`,
      code: m[2],
      runnable: /\brunnable\b/.test(m[1]),
    }));
  });
}
