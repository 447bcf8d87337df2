/**
 * Shared shapes of the benchmark harness: what a scenario is, what one
 * measurement returns, and what a target demands.
 */

/** Which side of a pair is being measured. */
export type Impl = 'raw' | 'rx';

/** Sizes and counts for one run; `quick` scales everything down. */
export interface BenchConfig {
  readonly quick: boolean;
  readonly rounds: number;
  readonly memoryRounds: number;
  readonly bulkBytes: number;
  readonly tlsBytes: number;
  readonly smallMessages: number;
  readonly pingPongs: number;
  readonly slowBytes: number;
  readonly echoStreams: number;
  readonly aggregateStreams: readonly number[];
  readonly aggregateBytes: number;
  readonly ceilingBytes: number;
}

/** Ports of the peer process's plain servers (see `peer.ts`). */
export interface PeerPorts {
  readonly source: number;
  readonly sink: number;
  readonly echo: number;
  readonly tlsSource: number;
  readonly tlsSink: number;
  /** Sends 100-byte lines (see `LINES_CHUNK`). */
  readonly linesSource: number;
  /** Sends 1 KiB length-prefixed frames (see `FRAMES_CHUNK`). */
  readonly framesSource: number;
}

/** Everything a scenario needs to run. */
export interface BenchContext {
  readonly config: BenchConfig;
  readonly ports: PeerPorts;
  /** PEM of the CA that signed the peer's TLS certificate. */
  readonly ca: string;
  /** The peer process's CPU time so far in ms (absent in child processes). */
  readonly peerCpu?: () => Promise<number>;
}

/** The outcome of one raw or rx run. */
export interface Measurement {
  /** The figure in the scenario's unit. */
  readonly value: number;
  /** False when the run did not complete what it was asked to do. */
  readonly ok?: boolean;
  /** Extra figures worth keeping in the JSON (e.g. baseline RSS). */
  readonly detail?: Readonly<Record<string, number | string | boolean>>;
}

/** What a scenario must reach; ratio = rx / raw of the same round. */
export type Target =
  | { readonly kind: 'ratio-at-least'; readonly min: number }
  | { readonly kind: 'ratio-at-most'; readonly max: number }
  | { readonly kind: 'rx-at-most'; readonly max: number; readonly label: string }
  | { readonly kind: 'rx-at-least'; readonly min: number; readonly label: string }
  | { readonly kind: 'none' };

/** One row of the table: a raw baseline and the rxstream equivalent. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  /** True for throughput-like figures; false for memory. */
  readonly higherIsBetter: boolean;
  /** True when the figure is a byte rate comparable to the kernel ceiling. */
  readonly byteRate?: boolean;
  /** At most this many rounds (for slow, informational rows). */
  readonly maxRounds?: number;
  /** True when raw() and rx() start fresh child processes (memory figures). */
  readonly memory?: boolean;
  readonly target: (config: BenchConfig) => Target;
  readonly raw: (ctx: BenchContext) => Promise<Measurement>;
  readonly rx: (ctx: BenchContext) => Promise<Measurement>;
}

/** Median and spread of a list of figures. */
export interface Summary {
  readonly values: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Half the range as a percentage of the median. */
  readonly spreadPct: number;
}

/** A scenario's figures over all rounds, and whether it met its target. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  readonly raw: Summary;
  readonly rx: Summary;
  readonly ratio: Summary;
  readonly target: Target;
  readonly pass: boolean | null;
  readonly note: string;
  readonly ceilingShare?: { readonly raw: number; readonly rx: number };
  /** CPU ms of the measuring process per run (in-process scenarios), and rx/raw per round. */
  readonly cpu?: { readonly raw: Summary; readonly rx: Summary; readonly ratio: Summary };
  readonly details: readonly {
    readonly raw?: Measurement['detail'];
    readonly rx?: Measurement['detail'];
  }[];
}

/** The line a `runs` child (`child.ts`) prints on stdout before measured run `i`: `${RUN_MARK} ${i}`. */
export const RUN_MARK = '=== rxstream-bench measured run';
