/**
 * Real servers for `npm run test:interop`: PostgreSQL, redis, MariaDB and mosquitto, started on
 * free 127.0.0.1 ports in temporary directories and stopped afterwards.
 * Missing Debian packages are installed with apt when running as root;
 * when a server cannot start, {@link Started.skipped} says why and the
 * specs that need it are marked pending with that reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A running server, or why there is none. */
export interface Started {
  readonly port: number;
  readonly skipped: string | null;
  stop(): Promise<void>;
}

const none = (reason: string): Started => ({
  port: 0,
  skipped: reason,
  stop: () => Promise.resolve(),
});

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once `port` accepts connections, or rejects after `ms` (or when `child` exits). */
async function acceptsOn(port: number, child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing accepted on ${port} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Installs Debian `pkg` when `present()` is false and we are root; true when present afterwards. */
function ensurePackage(pkg: string, present: () => boolean, log: string[]): boolean {
  if (present()) return true;
  if (userInfo().uid !== 0) {
    log.push(`${pkg} is not installed and installing needs root`);
    return false;
  }
  process.stderr.write(`test:interop: installing ${pkg} with apt-get…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
    env,
    stdio: 'ignore',
  });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
      env,
      stdio: 'ignore',
    });
  }
  if (!present()) log.push(`apt-get install ${pkg} failed (status ${r.status})`);
  return present();
}

function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions)
    if (existsSync(join(root, v, 'bin', 'postgres'))) return join(root, v, 'bin');
  return null;
}

function idsOf(user: string): { uid: number; gid: number } | null {
  const r = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) return null;
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** PostgreSQL (trust auth, user `postgres`, no fsync) in a temporary data directory. */
export async function startPostgres(): Promise<Started> {
  const log: string[] = [];
  if (!ensurePackage('postgresql', () => postgresBin() !== null, log)) return none(log.join('; '));
  const bin = postgresBin() as string;
  // postgres refuses to run as root: run it as the postgres user the package made.
  const asUser = userInfo().uid === 0 ? idsOf('postgres') : null;
  if (userInfo().uid === 0 && asUser === null) return none('no postgres user to run the server as');
  const dir = mkdtempSync(join(tmpdir(), 'rxstream-pg-'));
  chmodSync(dir, 0o700);
  if (asUser !== null) chownSync(dir, asUser.uid, asUser.gid);
  const ids = asUser ?? {};
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8'],
    {
      ...ids,
      cwd: dir,
      encoding: 'utf8',
    },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return none(`initdb failed: ${init.stderr.trim().split('\n').pop() ?? ''}`);
  }
  const port = await freePort();
  const args = [
    '-D',
    join(dir, 'data'),
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
  ];
  args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawn(join(bin, 'postgres'), args, { ...ids, cwd: dir, stdio: 'ignore' });
  // SIGINT: postgres's fast shutdown (SIGTERM would wait for every client to leave).
  const stop = stopper(child, () => rmSync(dir, { recursive: true, force: true }), 'SIGINT');
  try {
    await acceptsOn(port, child, 30_000);
  } catch (error) {
    await stop();
    return none(`postgres did not start: ${(error as Error).message}`);
  }
  return { port, skipped: null, stop };
}

/** redis-server without persistence. */
export async function startRedis(): Promise<Started> {
  const log: string[] = [];
  const present = (): boolean =>
    spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!ensurePackage('redis-server', present, log)) return none(log.join('; '));
  const dir = mkdtempSync(join(tmpdir(), 'rxstream-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const stop = stopper(child, () => rmSync(dir, { recursive: true, force: true }));
  try {
    await acceptsOn(port, child, 15_000);
  } catch (error) {
    await stop();
    return none(`redis-server did not start: ${(error as Error).message}`);
  }
  return { port, skipped: null, stop };
}

const MARIADBD = '/usr/sbin/mariadbd';

/**
 * MariaDB (`root` without a password, no grant checks needed beyond that)
 * in a temporary data directory. Needs only the server and client cores:
 * `mariadb-server-core` and `mariadb-client-core` (for `my_print_defaults`).
 */
export async function startMariadb(): Promise<Started> {
  const log: string[] = [];
  if (!ensurePackage('mariadb-server-core', () => existsSync(MARIADBD), log))
    return none(log.join('; '));
  if (!ensurePackage('mariadb-client-core', () => existsSync('/usr/bin/my_print_defaults'), log)) {
    return none(log.join('; '));
  }
  const dir = mkdtempSync(join(tmpdir(), 'rxstream-mariadb-'));
  const user = userInfo().username;
  const common = ['--no-defaults', `--datadir=${join(dir, 'data')}`, `--user=${user}`];
  const init = spawnSync(
    'mariadb-install-db',
    [...common, '--auth-root-authentication-method=normal', '--skip-test-db'],
    { encoding: 'utf8' },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return none(`mariadb-install-db failed: ${init.stdout.trim().split('\n').pop() ?? ''}`);
  }
  const port = await freePort();
  const args = [
    ...common,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(dir, 'sock')}`,
  ];
  args.push(
    `--pid-file=${join(dir, 'pid')}`,
    '--skip-log-bin',
    '--innodb-flush-log-at-trx-commit=0',
  );
  const child = spawn(MARIADBD, args, { stdio: 'ignore' });
  const stop = stopper(child, () => rmSync(dir, { recursive: true, force: true }));
  try {
    await acceptsOn(port, child, 30_000);
  } catch (error) {
    await stop();
    return none(`mariadbd did not start: ${(error as Error).message}`);
  }
  return { port, skipped: null, stop };
}

function mosquittoBin(): string | null {
  for (const p of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto']) if (existsSync(p)) return p;
  return null;
}

/** mosquitto with anonymous access on one 127.0.0.1 listener, no persistence. */
export async function startMosquitto(): Promise<Started> {
  const log: string[] = [];
  if (!ensurePackage('mosquitto', () => mosquittoBin() !== null, log)) return none(log.join('; '));
  const dir = mkdtempSync(join(tmpdir(), 'rxstream-mqtt-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  chmodSync(conf, 0o644);
  const child = spawn(mosquittoBin() as string, ['-c', conf], { stdio: 'ignore' });
  const stop = stopper(child, () => rmSync(dir, { recursive: true, force: true }));
  try {
    await acceptsOn(port, child, 15_000);
  } catch (error) {
    await stop();
    return none(`mosquitto did not start: ${(error as Error).message}`);
  }
  return { port, skipped: null, stop };
}

/** Stops `child` (`signal`, then SIGKILL after 10 s), then runs `cleanup`. */
function stopper(
  child: ChildProcess,
  cleanup: () => void,
  signal: NodeJS.Signals = 'SIGTERM',
): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(kill);
    }
    cleanup();
  };
}
