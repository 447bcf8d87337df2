/**
 * The API reference (`npm run docs`, TypeDoc) has a page per concept, one
 * entry file each under src/concepts/, and src/index.ts exports exactly
 * those (`export *`), so a name cannot be exported without a page. Checked
 * here: each name is on one page only, and `rxstream/testing` is the
 * Testing page whole.
 */
import { join } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const PAGES = ['streams', 'helpers', 'codecs'].map((p) => `src/concepts/${p}.ts`);
const TESTING_PAGE = 'src/concepts/testing.ts';

function exportNames(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(ROOT, file));
  const symbol = source && checker.getSymbolAtLocation(source);
  if (symbol === undefined) throw new Error(`${file} did not load`);
  return checker.getExportsOfModule(symbol).map((s) => s.getName());
}

describe('documentation: the API reference pages', () => {
  const files = ['src/index.ts', 'src/testing/index.ts', ...PAGES, TESTING_PAGE];
  const program = ts.createProgram(
    files.map((f) => join(ROOT, f)),
    { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  );

  it('put every export of `rxstream` on exactly one of Streams, Helpers and Codecs', () => {
    const onPages = PAGES.flatMap((p) => exportNames(program, p));
    const twice = onPages.filter((n, i) => onPages.indexOf(n) !== i);
    expect(twice).toEqual([]);
    const exported = exportNames(program, 'src/index.ts');
    expect(exported.filter((n) => !onPages.includes(n))).withContext('on no page').toEqual([]);
    expect(onPages.filter((n) => !exported.includes(n))).withContext('not exported').toEqual([]);
  });

  it('put every export of `rxstream/testing` on Testing', () => {
    const page = exportNames(program, TESTING_PAGE);
    const exported = exportNames(program, 'src/testing/index.ts');
    expect(exported.filter((n) => !page.includes(n))).withContext('on no page').toEqual([]);
    expect(page.filter((n) => !exported.includes(n))).withContext('not exported').toEqual([]);
  });
});
