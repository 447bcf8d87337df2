/**
 * Summarises a `.cpuprofile`: self time by function and by file, top N.
 * Usage: npx ts-node bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Module loading and ts-node compilation: not part of any measurement. */
const STARTUP =
  /typescript|ts-node|modules\/cjs|modules\/package_json|^vm$|child_process|bootstrap|source-map/;

function shortUrl(url: string): string {
  const i = url.indexOf('/work/main/');
  return i >= 0 ? url.slice(i + 11) : url.replace(/^node:/, '') || '(native)';
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, v]) =>
        `${((v / total) * 100).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`,
    );
}

function main(): void {
  const [file, n = '25'] = process.argv.slice(2);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfFn = new Map<string, number>();
  const selfFile = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let startup = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const url = shortUrl(frame.url);
    if (frame.functionName === '(idle)') {
      idle += dt;
      return;
    }
    if (STARTUP.test(url)) {
      startup += dt;
      return;
    }
    total += dt;
    const fn = `${frame.functionName || '(anonymous)'} ${url}:${frame.lineNumber + 1}`;
    selfFn.set(fn, (selfFn.get(fn) ?? 0) + dt);
    selfFile.set(url, (selfFile.get(url) ?? 0) + dt);
  });
  const ms = (v: number): string => `${(v / 1000).toFixed(0)} ms`;
  console.log(`busy ${ms(total)} (idle ${ms(idle)}, start-up/compile ${ms(startup)} left out)`);
  console.log('\nself time by function (% of busy):');
  console.log(top(selfFn, total, Number(n)).join('\n'));
  console.log('\nself time by file:');
  console.log(top(selfFile, total, 15).join('\n'));
}

main();
