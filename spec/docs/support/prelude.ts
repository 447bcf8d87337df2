/**
 * What an example may take for granted. A block with its own `import`
 * lines is a whole module and gets nothing but {@link CONTEXT_NAMES}'s
 * values at run time; a fragment is compiled with the names it uses from
 * the library, its testing kit, RxJS and Node imported, and the names it
 * leans on from a surrounding program declared; see {@link forCompile} and {@link forRun}.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as rxjs from 'rxjs';
import { ROOT } from './examples';

const names = (m: object): string[] => Object.keys(m).filter((k) => k !== 'default');

/**
 * Every name, value or type, an entry file re-exports (`export { … }`,
 * `export type { … }`, and those of the files it `export * from`s).
 */
function exportsOf(entry: string): string[] {
  const text = readFileSync(join(ROOT, entry), 'utf8');
  const listed = [...text.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
    m[1]
      .split(',')
      .map((n) => n.trim().split(/\s+as\s+/).pop() ?? '')
      .filter((n) => n !== ''),
  );
  const starred = [...text.matchAll(/export \* from '(\.[^']*)'/g)].flatMap((m) => {
    const target = join(dirname(entry), m[1]);
    return exportsOf(existsSync(join(ROOT, `${target}.ts`)) ? `${target}.ts` : join(target, 'index.ts'));
  });
  return [...listed, ...starred];
}

/** Value names of rxjs a fragment may use without importing them. */
const RX = names(rxjs).filter(
  (k) =>
    /^[a-z]/.test(k) ||
    ['Observable', 'Subject', 'BehaviorSubject', 'ReplaySubject', 'Subscription', 'EMPTY', 'NEVER'].includes(k),
);
const LIBRARY = exportsOf('src/index.ts');
/** Testing names a fragment may use (those the main entry does not also export). */
const TESTING = exportsOf('src/testing/index.ts').filter((k) => !LIBRARY.includes(k));

/** The imports a fragment needs: the names it uses and does not declare itself. */
function imports(code: string): string {
  const used = (list: readonly string[]): string => list.filter((n) => leansOn(code, n)).join(', ');
  return `
import { ${used(LIBRARY)} } from 'rxstream';
import { ${used(TESTING)} } from 'rxstream/testing';
import { ${used(RX)} } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as net from 'node:net';
import * as tls from 'node:tls';
void [TestScheduler, net, tls];
`;
}

/** Exported names of the library a block declares again (a reader would mix them up). */
export function shadowed(code: string): string[] {
  return [...LIBRARY, ...TESTING].filter((n) =>
    new RegExp(`\\b(const|let|var|function|class)\\s+${word(n)}`).test(code),
  );
}

/**
 * Names the peers of a run give real values ({@link forRun}): an echo
 * server over TCP on 127.0.0.1 `port`, over TLS on `tlsPort` (certificate
 * for `localhost` signed by `ca`; the server's own `key` and `cert`), and
 * over a Unix socket at `ipcPath`. Each echo server ends its side when the
 * client ends its own.
 */
export const CONTEXT_NAMES = ['port', 'tlsPort', 'ipcPath', 'ca', 'key', 'cert'] as const;

/** Names fragments lean on that only a surrounding program would have (compile-only). */
const DECLARED: Record<string, string> = {
  stream: "import('rxstream').Stream",
  tlsStream: "import('rxstream').Stream",
  streams$: "import('rxjs').Observable<import('rxstream').Stream>",
  transport: "import('rxstream').Transport",
  peer: "import('rxstream/testing').TestPeer",
  buf: 'Buffer',
  data: 'Buffer',
  socket: 'net.Socket',
  tlsSocket: 'tls.TLSSocket',
  error: 'unknown',
  render: '(snapshot: unknown) => void',
  testScheduler: "import('rxjs/testing').TestScheduler",
  conn: "import('rxstream').Reconnecting",
  group: "import('rxstream').StreamGroup",
  info: "import('rxstream').ServerInfo",
  duplex: "import('node:stream').Duplex",
  snapshot: "import('rxstream').MonitorSnapshot",
};

/** `name` as a pattern matching it as a whole identifier (`$` included). */
function word(name: string): string {
  return `(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`;
}

/** Whether `code` uses `name` without declaring it itself. */
function leansOn(code: string, name: string): boolean {
  // `const name`, or a destructuring `{ …, name, … }` (an annotation may follow) before `=`.
  const declares = new RegExp(
    `\\b(const|let|var|function|class)\\s+${word(name)}|\\{[^{}]*${word(name)}[^{}]*\\}(\\s*:\\s*[\\w.<>]+)?\\s*=`,
  );
  return new RegExp(word(name)).test(code) && !declares.test(code);
}

const TYPES: Record<(typeof CONTEXT_NAMES)[number], string> = {
  port: 'number',
  tlsPort: 'number',
  ipcPath: 'string',
  ca: 'string',
  key: 'string',
  cert: 'string',
};

const ENV: Record<(typeof CONTEXT_NAMES)[number], string> = {
  port: 'Number(process.env.DOC_PORT)',
  tlsPort: 'Number(process.env.DOC_TLS_PORT)',
  ipcPath: 'String(process.env.DOC_IPC_PATH)',
  ca: 'String(process.env.DOC_CA)',
  key: 'String(process.env.DOC_KEY)',
  cert: 'String(process.env.DOC_CERT)',
};

/** Whether a block is a whole module (it has its own imports). */
export function isModule(code: string): boolean {
  return /^import /m.test(code);
}

/**
 * A block with a top-level `await` (it awaits and declares no `async`
 * function) as the body of an async main, its imports kept on top: the
 * package compiles to CommonJS, where top-level `await` does not exist.
 * A rejection sets a failing exit code.
 */
function awaitable(code: string): string {
  if (!/\bawait\b/.test(code) || /\basync\b/.test(code)) return code;
  const lines = code.split('\n');
  const head = lines.filter((l) => /^import /.test(l));
  const body = lines.filter((l) => !/^import /.test(l));
  return [
    ...head,
    'void (async () => {',
    ...body,
    '})().catch((e: unknown) => { console.error(e); process.exitCode = 1; });',
  ].join('\n');
}

/** The code to type-check for a block: a fragment after the imports and declarations, a module as it is. */
export function forCompile(code: string): string {
  const context = CONTEXT_NAMES.filter((n) => leansOn(code, n))
    .map((n) => `declare const ${n}: ${TYPES[n]};`)
    .join('\n');
  const declared = isModule(code)
    ? ''
    : `${imports(code)}${Object.entries(DECLARED)
        .filter(([n]) => leansOn(code, n))
        .map(([n, t]) => `declare const ${n}: ${t};`)
        .join('\n')}`;
  return `${declared}\n${context}\n${awaitable(code)}\nexport {};\n`;
}

/** The code to run for a block: as {@link forCompile}, with the peers' names given their values. */
export function forRun(code: string): string {
  const context = CONTEXT_NAMES.filter((n) => leansOn(code, n))
    .map((n) => `const ${n}: ${TYPES[n]} = ${ENV[n]};`)
    .join('\n');
  return `${isModule(code) ? '' : imports(code)}${context}\n${awaitable(code)}\nexport {};\n`;
}
