/**
 * Type-checks documentation snippets against the library under the
 * project's strict options, each as its own in-memory module under
 * spec/docs (so `rxstream` and `rxstream/testing` resolve to src/).
 */
import { join } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

/** One problem in one snippet: the snippet's label, the message, the offending line. */
export interface SnippetDiagnostic {
  readonly label: string;
  readonly message: string;
  readonly line: string;
}

/** Compiles every `text` (labelled for messages); returns the diagnostics inside them. */
export function compileSnippets(
  snippets: readonly { readonly label: string; readonly text: string }[],
): SnippetDiagnostic[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => undefined,
  });
  if (parsed === undefined) throw new Error('tsconfig.json did not parse');
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    baseUrl: ROOT,
    paths: { rxstream: ['src/index.ts'], 'rxstream/testing': ['src/testing/index.ts'] },
  };
  const files = new Map<string, { label: string; text: string }>();
  snippets.forEach((s, i) => files.set(join(ROOT, 'spec', 'docs', `__snippet_${i}.ts`), s));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    const f = files.get(name);
    return f !== undefined
      ? ts.createSourceFile(name, f.text, version)
      : getSourceFile(name, version, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.has(d.file.fileName))
    .map((d) => {
      const where = d.file?.getLineAndCharacterOfPosition(d.start ?? 0);
      return {
        label: files.get(d.file?.fileName ?? '')?.label ?? '',
        message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
        line: d.file?.text.split('\n')[where?.line ?? 0]?.trim() ?? '',
      };
    });
}
