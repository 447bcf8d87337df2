/**
 * The README's protocol-layer recipes (Framing, Writing your own codec,
 * Request/response), its testing examples, and the `@example` blocks of
 * src/codecs and the framing test kit type-check against the library, under
 * the project's strict options ('rxstream' maps to src/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSnippets } from './compile-snippets';

const ROOT = join(__dirname, '..', '..');

const PRELUDE = `
import { concatMap, first, from, map, take, timeout } from 'rxjs';
import {
  DEFAULT_MAX_DELIMITED_LENGTH, DEFAULT_MAX_FRAME_LENGTH, DEFAULT_MAX_LINE_LENGTH,
  Status, StreamError, delimited, encode, lengthPrefixed, lines, request,
  type Codec, type CodecOptions, type Decoded, type Decoder, type LengthHeader,
  type LengthPrefixedOptions, type LineEnding, type LinesOptions, type RequestOptions,
  type Stream, type WriteSource,
} from '../../src';
import { chunkMarbles, decodeFrames, decoded, splitAt, streamErrorLike, type TestPeer } from '../../src/testing';
declare const stream: Stream;
declare const peer: TestPeer;
declare const error: unknown;
declare function resp(): Codec<string | number | Buffer | null | Error | unknown[]>;
void [concatMap, first, from, map, take, timeout, Status, StreamError, delimited, encode];
void [lengthPrefixed, lines, request, chunkMarbles, decodeFrames, decoded, splitAt, streamErrorLike];
declare function expectObservable(o: unknown): { toBe(m: string, v?: unknown, e?: unknown): void };
void [stream, peer, error, resp];
void [DEFAULT_MAX_DELIMITED_LENGTH, DEFAULT_MAX_FRAME_LENGTH, DEFAULT_MAX_LINE_LENGTH];
`;

/** The ```ts blocks of `markdown` between the two headings. */
function readmeBlocks(markdown: string, from: string, to: string): string[] {
  const section = markdown.slice(markdown.indexOf(from), markdown.indexOf(to));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** The ```ts blocks of every `@example` in a source file, without the comment stars. */
function exampleBlocks(source: string): string[] {
  return [...source.matchAll(/@example\s*\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/g)].map((m) =>
    m[1].replace(/^\s*\* ?/gm, ''),
  );
}

/** Type-checks each snippet as its own module under spec/docs; returns the diagnostics. */
function check(snippets: readonly string[], declared = PRELUDE): string[] {
  return compileSnippets(
    snippets.map((code, i) => ({ label: `snippet ${i}`, text: `${declared}\n${code}\nexport {};\n` })),
  ).map((d) => `${d.message} — in: ${d.line}`);
}

describe('documentation examples', () => {
  it('README protocol-layer recipes and @example blocks of the codecs compile', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippets = [
      ...readmeBlocks(readme, '### Framing', '### Binding `state$` to a UI'),
      ...[
        'src/codecs/codec.ts',
        'src/codecs/lines.ts',
        'src/codecs/delimited.ts',
        'src/codecs/length-prefixed.ts',
        'src/codecs/encode.ts',
        'src/codecs/request.ts',
        'src/codecs/write-from.ts',
        'src/testing/framing.ts',
      ].flatMap((f) => exampleBlocks(readFileSync(join(ROOT, f), 'utf8'))),
    ];
    expect(snippets.length).toBeGreaterThan(12);
    // The README's RESP recipe declares its own resp(): check it without the prelude's.
    const ownResp = snippets.filter((s) => s.includes('function resp('));
    const rest = snippets.filter((s) => !s.includes('function resp('));
    expect(ownResp.length).toBe(1);
    expect(check(rest)).toEqual([]);
    expect(check(ownResp, PRELUDE.replace(/declare function resp[^\n]*\n/, '').replace(', resp]', ']'))).toEqual([]);
  }, 60_000);

  it("README's testing examples compile as a user writes them (imports from rxstream)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippets = readmeBlocks(readme, '## Testing your protocol code', '`memoryPair({ scheduler })` gives');
    expect(snippets.length).toBe(2);
    expect(check(snippets, "import { ask } from '../../demo/line-protocol';")).toEqual([]);
  }, 60_000);

  it('reports a snippet that does not compile', () => {
    expect(check(["const n: number = 'not a number';"]).length).toBe(1);
  }, 60_000);
});
