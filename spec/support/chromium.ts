/**
 * Finds a Chromium for the headless browser specs without root, apt or a
 * system browser: `$CHROMIUM_PATH`, else a system chromium/chrome on PATH,
 * else the binary shipped inside the `@sparticuz/chromium` npm package (a
 * devDependency, so `npm install` brings it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where a browser came from, for messages. */
export interface ChromiumCandidate {
  readonly executablePath: string;
  readonly source: string;
}

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** `$CHROMIUM_PATH`, else the first system Chromium found on PATH, else null. */
export function systemChromium(): ChromiumCandidate | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '')
    return { executablePath: fromEnv, source: '$CHROMIUM_PATH' };
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of SYSTEM_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return { executablePath: candidate, source: 'system PATH' };
    }
  }
  return null;
}

/**
 * The Chromium inside `@sparticuz/chromium`, unpacked by the package into the
 * temp folder. The package is ESM-only, so a child Node process asks it for the
 * path; `error` says why when it cannot.
 */
export function packagedChromium(): ChromiumCandidate | { readonly error: string } {
  const script =
    "import('@sparticuz/chromium').then((m) => m.default.executablePath())" +
    '.then((p) => process.stdout.write(p), (e) => { process.stderr.write(String(e)); process.exit(1); });';
  try {
    const path = execFileSync(process.execPath, ['-e', script], {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    }).trim();
    if (path === '' || !existsSync(path))
      return { error: `@sparticuz/chromium gave no binary (${path})` };
    return { executablePath: path, source: '@sparticuz/chromium (npm)' };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { error: `@sparticuz/chromium could not unpack its binary: ${detail}` };
  }
}

/** Every browser to try, in order, and the reasons the missing ones are missing. */
export function chromiumCandidates(): { candidates: ChromiumCandidate[]; missing: string[] } {
  const candidates: ChromiumCandidate[] = [];
  const missing: string[] = [];
  const system = systemChromium();
  if (system !== null) candidates.push(system);
  else
    missing.push(
      'no system Chromium (looked for $CHROMIUM_PATH and chromium, chromium-browser, google-chrome on PATH)',
    );
  const packaged = packagedChromium();
  if ('error' in packaged) missing.push(packaged.error);
  else candidates.push(packaged);
  return { candidates, missing };
}
