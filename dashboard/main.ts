/**
 * `npm run dashboard [-- --port N]`: starts the live connection-state
 * dashboard with its traffic generator on 127.0.0.1 and prints its address.
 * Ctrl-C stops it.
 */
import { startDashboard } from './server';

const DEFAULT_PORT = 8077;

function portFromArgs(args: readonly string[]): number {
  const at = args.indexOf('--port');
  const text = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--port='))?.slice(7);
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port needs a number from 0 to 65535, not ${JSON.stringify(text)}`);
  }
  return port;
}

async function main(): Promise<void> {
  const dashboard = await startDashboard({ port: portFromArgs(process.argv.slice(2)) });
  console.log(`rxstream dashboard: ${dashboard.url}  (Ctrl-C to stop)`);
  const stop = (): void => {
    dashboard.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
