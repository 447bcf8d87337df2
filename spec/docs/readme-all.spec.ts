/**
 * Every TypeScript block of README.md and docs/*.md compiles (issue 12).
 * A block with its own `import` lines is a whole module and compiles as it
 * is; a fragment compiles after a prelude that imports the library and RxJS
 * and declares the names a fragment leans on (`stream`, `buf`, `port`…).
 */
import { compileSnippets } from './compile-snippets';
import { markdownExamples } from './support/examples';
import * as rxstream from '../../src';
import * as rxjs from 'rxjs';

const LIBRARY = Object.keys(rxstream).join(', ');
const RX = Object.keys(rxjs)
  .filter((k) => /^[a-z]/.test(k) || ['Observable', 'Subject', 'BehaviorSubject', 'ReplaySubject', 'Subscription'].includes(k))
  .join(', ');

const PRELUDE = `
import { ${LIBRARY} } from 'rxstream';
import type { Codec, Decoder, Decoded, StreamOptions, ConnectOptions, ListenOptions, TryResult } from 'rxstream';
import { ${RX} } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import { Client } from 'undici';
import { Pool } from 'pg';
import WebSocket from 'ws';
import type { SocketStyleError } from 'rxstream';
declare const PING: Buffer;
declare function saveToDisk(chunk: Buffer): Observable<void>;
declare const stream: Stream;
declare const tlsStream: Stream;
declare const buf: Buffer;
declare const data: Buffer;
declare const socket: net.Socket;
declare const tlsSocket: tls.TLSSocket;
`;

/**
 * Names the README's examples take from their surroundings (a UI, the demo,
 * the doc-test's echo peers: see CONTEXT_NAMES in support/prelude.ts),
 * declared for whole modules and fragments alike.
 */
const CONTEXT = `
declare const port: number;
declare const tlsPort: number;
declare const ipcPath: string;
declare const key: string;
declare const cert: string;
declare const ca: string;
declare const streams$: import('rxjs').Observable<import('rxstream').Stream>;
declare function render(snapshot: unknown): void;
declare const statusLabel: { textContent: string };
declare const ask: typeof import('../../demo/line-protocol').ask;
`;

function diagnostics(snippets: { where: string; code: string }[]): string[] {
  return compileSnippets(
    snippets.map(({ where, code }) => ({
      label: where,
      // A block with its own imports is a whole module; a fragment gets the prelude.
      text: `${/^import /m.test(code) ? '' : PRELUDE}\n${CONTEXT}\n${code}\nexport {};\n`,
    })),
  ).map((d) => `${d.label}: ${d.message}`);
}

describe('documentation: every README and docs/ TypeScript block', () => {
  it('compiles against the package', () => {
    const all = markdownExamples();
    expect(all.length).toBeGreaterThan(10);
    expect(diagnostics(all)).toEqual([]);
  }, 120_000);
});
