/** Starting and stopping the peer process (see `peer.ts`). */
import type { ChildProcess } from 'node:child_process';
import { forkBench, nextMessage } from './spawn';
import type { PeerPorts } from './types';

/** A running peer. */
export interface Peer {
  readonly ports: PeerPorts;
  /** The peer's CPU time so far, in ms. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

/** Forks the peer and waits for its ports. */
export async function startPeer(key: string, cert: string): Promise<Peer> {
  const child = forkBench('peer.ts', []);
  const ready = nextMessage<{ ports: PeerPorts }>(child, 'ready', 30_000);
  child.send({ type: 'init', key, cert });
  const { ports } = await ready;
  const cpu = async (): Promise<number> => {
    const reply = nextMessage<{ ms: number }>(child, 'cpu', 10_000);
    child.send({ type: 'cpu' });
    return (await reply).ms;
  };
  return { ports, cpu, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.disconnect();
  });
}
