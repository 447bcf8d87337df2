/**
 * Test certificates made with the machine's `openssl` on first use, in a
 * fresh temporary folder (never committed). One CA signs a server leaf for
 * `localhost` / 127.0.0.1 / ::1, a client leaf, and leaves that are expired
 * or not yet valid; a self-signed leaf and a second, unknown CA are made too.
 *
 * Used by the specs, the demo, the benchmarks and the dashboard.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM key pair. */
export interface KeyPair {
  key: string;
  cert: string;
}

/** Everything the TLS tests need, all PEM strings. */
export interface TestCerts {
  /** The CA that signed `server`, `client`, `expired` and `notYetValid`. */
  ca: string;
  /** Leaf for CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1. */
  server: KeyPair;
  /** Client-auth leaf, CN=rxstream-client. */
  client: KeyPair;
  /** Server leaf whose validity ended in the past (signed by `ca`). */
  expired: KeyPair;
  /** Server leaf whose validity starts in the future (signed by `ca`). */
  notYetValid: KeyPair;
  /** Self-signed leaf for localhost (no CA). */
  selfSigned: KeyPair;
  /** Server leaf for localhost signed by a CA nobody trusts. */
  unknownCa: KeyPair;
}

let cached: TestCerts | undefined;

/** Makes (once per process) and returns the test certificates. */
export function testCerts(): TestCerts {
  if (cached === undefined) cached = makeCerts();
  return cached;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const SAN = 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1';

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '3650',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

/** A leaf signed by `ca` through `openssl ca`, which takes explicit start and end dates. */
function makeLeaf(
  dir: string,
  ca: string,
  name: string,
  cn: string,
  ext: string,
  dates: [string, string],
): KeyPair {
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  ]);
  writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca=tca',
      '[tca]',
      'dir=.',
      'database=index.txt',
      'new_certs_dir=.',
      `certificate=${ca}.crt`,
      `private_key=${ca}.key`,
      'default_md=sha256',
      'policy=p',
      'unique_subject=no',
      'rand_serial=yes',
      '[p]',
      'commonName=supplied',
    ].join('\n'),
  );
  openssl(dir, [
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-in',
    `${name}.csr`,
    '-out',
    `${name}.crt`,
    '-notext',
    '-startdate',
    dates[0],
    '-enddate',
    dates[1],
    '-extfile',
    `${name}.ext`,
  ]);
  return read(dir, name);
}

function read(dir: string, name: string): KeyPair {
  return {
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
  };
}

function stamp(offsetDays: number): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'rxstream-certs-'));
  try {
    makeCa(dir, 'ca');
    makeCa(dir, 'otherca');
    const valid: [string, string] = [stamp(-1), stamp(365)];
    const serverExt = `${SAN}\nextendedKeyUsage=serverAuth`;
    const certs: TestCerts = {
      ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
      server: makeLeaf(dir, 'ca', 'server', 'localhost', serverExt, valid),
      client: makeLeaf(
        dir,
        'ca',
        'client',
        'rxstream-client',
        'extendedKeyUsage=clientAuth',
        valid,
      ),
      expired: makeLeaf(dir, 'ca', 'expired', 'localhost', serverExt, [stamp(-30), stamp(-2)]),
      notYetValid: makeLeaf(dir, 'ca', 'future', 'localhost', serverExt, [stamp(30), stamp(60)]),
      unknownCa: makeLeaf(dir, 'otherca', 'stranger', 'localhost', serverExt, valid),
      selfSigned: selfSigned(dir),
    };
    return certs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function selfSigned(dir: string): KeyPair {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'self.key',
    '-out',
    'self.crt',
    '-days',
    '30',
    '-subj',
    '/CN=localhost',
    '-addext',
    SAN,
  ]);
  return read(dir, 'self');
}
