/**
 * Runs one side of one scenario a few times in this process, for profiling:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof -r ts-node/register/transpile-only \
 *     bench/profile.ts <scenario-id> <raw|rx> [times] [--quick]
 *   npx ts-node bench/profile-summary.ts /tmp/prof/<file>.cpuprofile
 *
 * The peer runs in its own process, so the profile shows only the measured side.
 * It ends with the user and system CPU time of the runs (without `--cpu-prof`,
 * a quick way to see whether a gap is this process's own work or the kernel's).
 */
import { testCerts } from '../tools/certs';
import { makeConfig } from './config';
import { startPeer } from './peer-client';
import { allScenarios } from './scenarios';

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--quick');
  const [id, impl, times = '3'] = args;
  const config = makeConfig(process.argv.includes('--quick'));
  const scenario = allScenarios(config).find((s) => s.id === id);
  if (!scenario || (impl !== 'raw' && impl !== 'rx')) {
    throw new Error('usage: profile.ts <scenario-id> <raw|rx> [times] [--quick]');
  }
  const certs = testCerts();
  const peer = await startPeer(certs.server.key, certs.server.cert);
  try {
    const ctx = { config, ports: peer.ports, ca: certs.ca };
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < Number(times); i++) {
      const m = await (impl === 'raw' ? scenario.raw(ctx) : scenario.rx(ctx));
      console.log(`${id} ${impl} #${i + 1}: ${m.value.toFixed(1)} ${scenario.unit}`);
    }
    // User time is this process's own work (JS, copies); system time is mostly the kernel's I/O.
    const cpu = process.cpuUsage(cpu0);
    console.log(`CPU over the runs: user ${ms(cpu.user)} ms, system ${ms(cpu.system)} ms`);
  } finally {
    await peer.stop();
  }
}

function ms(micros: number): string {
  return (micros / 1000).toFixed(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
