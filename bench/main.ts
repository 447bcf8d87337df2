/**
 * `npm run bench [-- --quick] [--rounds=N] [--only=id,id]` and
 * `npm run bench:check [-- --quick]`: runs every scenario's raw Node baseline
 * and rxstream side alternately, prints the table and charts, writes
 * `bench/results/latest.json` and `latest.svg`. `--check` exits 1 when a
 * target is missed. Never part of `npm test`.
 */
import * as os from 'node:os';
import { join } from 'node:path';
import { testCerts } from '../tools/certs';
import { prepareCeiling } from './ceiling';
import { aggregateChart, ratioBars } from './chart-term';
import { writeSvg } from './chart-svg';
import { makeConfig } from './config';
import { linearityRow, scalingRow } from './derived';
import { startPeer } from './peer-client';
import { progress, progressDone } from './progress';
import { renderSummary, renderTable, writeJson, type RunReport } from './report';
import { runScenario, summarizeScenario } from './runner';
import { allScenarios } from './scenarios';
import { summarize } from './stats';
import { elapsedSince, now } from './timing';
import type { BenchConfig, BenchContext, ScenarioResult } from './types';

interface Args {
  quick: boolean;
  check: boolean;
  rounds?: number;
  only?: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, check: false };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--check') args.check = true;
    else if (a.startsWith('--rounds=')) args.rounds = Math.max(1, Number(a.slice(9)) | 0);
    else if (a.startsWith('--only=')) args.only = a.slice(7).split(',');
    else throw new Error(`unknown argument ${a} (use --quick, --check, --rounds=N, --only=a,b)`);
  }
  return args;
}

function measureCeiling(config: BenchConfig): RunReport['ceiling'] {
  const ceiling = prepareCeiling();
  try {
    const values: number[] = [];
    for (let r = 0; r < config.rounds; r++) {
      progress(`loopback ceiling: round ${r + 1}/${config.rounds}`);
      values.push(ceiling.run(config.ceilingBytes));
    }
    return { tool: ceiling.tool, unit: 'MiB/s', summary: summarize(values) };
  } finally {
    ceiling.dispose();
  }
}

async function runAll(ctx: BenchContext, only?: string[]): Promise<ScenarioResult[]> {
  const scenarios = allScenarios(ctx.config).filter(
    (s) => !only || only.some((o) => s.id.startsWith(o)),
  );
  const results: ScenarioResult[] = [];
  for (const [i, s] of scenarios.entries()) {
    const { raw, rx } = await runScenario(s, ctx, `[${i + 1}/${scenarios.length}]`);
    results.push(summarizeScenario(s, s.target(ctx.config), raw, rx));
  }
  const widest = Math.max(...ctx.config.aggregateStreams);
  const derived = [scalingRow(results, widest), linearityRow(results)];
  return [...results, ...derived.filter((r): r is ScenarioResult => r !== null)];
}

function withCeilingShare(
  results: ScenarioResult[],
  ceiling: number,
  byteRate: Set<string>,
): ScenarioResult[] {
  return results.map((r) =>
    byteRate.has(r.id)
      ? { ...r, ceilingShare: { raw: r.raw.median / ceiling, rx: r.rx.median / ceiling } }
      : r,
  );
}

function machine(): Record<string, string | number> {
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadavgAtEnd: os.loadavg()[0],
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const config = makeConfig(args.quick, args.rounds);
  const t0 = now();
  progress('making test certificates, starting the peer process');
  const certs = testCerts();
  const peer = await startPeer(certs.server.key, certs.server.cert);
  try {
    const ceiling = measureCeiling(config);
    const ctx: BenchContext = { config, ports: peer.ports, ca: certs.ca, peerCpu: peer.cpu };
    const byteRate = new Set(
      allScenarios(config)
        .filter((s) => s.byteRate)
        .map((s) => s.id),
    );
    const results = withCeilingShare(
      await runAll(ctx, args.only),
      ceiling.summary.median,
      byteRate,
    );
    progressDone();
    const report: RunReport = {
      version: 1,
      date: new Date().toISOString(),
      mode: config.quick ? 'quick' : 'full',
      durationSeconds: elapsedSince(t0),
      machine: machine(),
      config,
      ceiling,
      scenarios: results,
      missed: results.filter((r) => r.pass === false).map((r) => r.id),
    };
    const dir = join(__dirname, 'results');
    writeJson(join(dir, 'latest.json'), report);
    writeSvg(join(dir, 'latest.svg'), report);
    console.log(`Node ${process.version}, ${os.cpus().length} CPUs\n${renderTable(report)}`);
    console.log(`\nrx / raw (| = 1.0×, ^ = target)\n${ratioBars(report)}`);
    const agg = aggregateChart(report);
    if (agg) console.log(`\naggregate receive throughput\n${agg}`);
    console.log(`\n${renderSummary(report)}\nWrote ${join(dir, 'latest.json')} and latest.svg`);
    return args.check && report.missed.length > 0 ? 1 : 0;
  } finally {
    await peer.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    progressDone();
    console.error(err);
    process.exit(2);
  },
);
