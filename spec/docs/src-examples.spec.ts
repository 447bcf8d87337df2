/**
 * The doc-test of src/ (issue 12): every `@example` compiles strictly
 * against the package, the ones marked ```` ```ts runnable ```` run to a
 * clean exit against echo peers (the README's and docs/'s runnable blocks too), no example shadows an exported name, and
 * every exported name and public member has an example.
 */
import { compileSnippets } from './compile-snippets';
import { missingExamples } from './support/coverage';
import { markdownExamples, srcExamples } from './support/examples';
import { forCompile, shadowed } from './support/prelude';
import { runExamples } from './support/run-examples';

describe('documentation: every @example of src/', () => {
  const examples = srcExamples();

  it('compiles against the package', () => {
    if (process.env.DOC_ONLY === undefined) expect(examples.length).toBeGreaterThan(100);
    const problems = compileSnippets(examples.map((e) => ({ label: e.where, text: forCompile(e.code) }))).map(
      (d) => `${d.label}: ${d.message} — in: ${d.line}`,
    );
    expect(problems).toEqual([]);
  }, 180_000);

  it('shadows no exported name', () => {
    const problems = examples.flatMap((e) => shadowed(e.code).map((n) => `${e.where}: declares ${n}`));
    expect(problems).toEqual([]);
  });

  it('covers every exported name and public member', () => {
    expect(missingExamples()).toEqual([]);
  }, 120_000);

  it('runs the runnable ones to a clean exit against echo peers', async () => {
    const runnable = [...examples, ...markdownExamples()].filter((e) => e.runnable);
    if (process.env.DOC_ONLY === undefined) expect(runnable.length).toBeGreaterThan(20);
    const failures = await runExamples(runnable);
    expect(failures.map((f) => `${f.where}: ${f.reason}`)).toEqual([]);
  }, 600_000);

  it('catches what it should: a type error, an exit code, a program that does not exit', async () => {
    const bad = compileSnippets([{ label: 'bad', text: forCompile("const n: number = 'not a number';") }]);
    expect(bad.length).toBe(1);
    const failures = await runExamples(
      [
        { where: 'ok', code: "connectTCP(port, '127.0.0.1').subscribe((s) => s.close().subscribe());", runnable: true },
        { where: 'throws', code: "import { ok } from 'node:assert';\nok(false, 'wrong');", runnable: true },
        { where: 'hangs', code: 'setInterval(() => undefined, 1000);', runnable: true },
      ],
      3_000,
    );
    expect(failures.map((f) => f.where)).toEqual(['hangs', 'throws']);
    expect(failures[0].reason).toContain('did not exit');
    expect(failures[1].reason).toContain('wrong');
  }, 60_000);
});
