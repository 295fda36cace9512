/**
 * What a `StreamingServer` (server.ts) is given, and what it gives back: its options,
 * the default commit interval, the run's summary, and the error of a config with errors.
 *
 * @module
 */
import type { Config } from "../config/mod.ts";
import type { Logger } from "../output/log.ts";
import type { Sink } from "../plugin/types.ts";
import type { Clock } from "./clock.ts";
import type { TableStatus } from "./status.ts";
import type { RetryOptions } from "./retry.ts";
import type { Shard } from "../stream/shard.ts";

/** Options of `StreamingServer`. */
export interface StreamingServerOptions {
  /** The config: a file path, or a config loaded with `loadConfig`. */
  config: string | Config;
  /**
   * Output folder: each table is the Delta table `output/<table>/`, unless the config's
   * `sinks.tables` gives it another sink. Without it, the config's `sinks.default`.
   */
  output?: string;
  /** The sink of a table, instead of Delta tables under `output` (it must be resumable). */
  sink?: (table: string) => Sink;
  /** Only these tables; the tables they read from are read from storage. */
  tables?: readonly string[];
  /** Seed; overrides `config.seed`. */
  seed?: number;
  /** Logical time between ticks, ms; overrides `config.tick_interval`. */
  tickIntervalMs?: number;
  /** Start time of tables created by this run; default: now, rounded down to a tick. */
  startTime?: Date;
  /** Run ticks back to back without waiting for their time. */
  fastForward?: boolean;
  /** Stop each table after this many ticks past where it was. */
  ticks?: number;
  /** Stop after the last tick at or before this logical time. */
  until?: Date;
  /**
   * Stop after this long, ms: wall-clock time when live; in fast-forward, logical time past
   * where each table was.
   */
  durationMs?: number;
  /** Most rows one commit gathers when ticks are due together (catching up). Default 10,000. */
  commitRows?: number;
  /**
   * Live runs: least logical time between two commits of a table, ms; overrides
   * `config.commit_interval`. Default {@link DEFAULT_COMMIT_INTERVAL_MS}, never less than a
   * tick. Rows do not depend on it; rows become visible up to this much later.
   */
  commitIntervalMs?: number;
  /** Rows per generated batch. Default 10,000. */
  batchSize?: number;
  /**
   * Generation workers in fast-forward (default: one per CPU; 1 generates in this thread).
   * Needs `config` as a file path; live runs generate in this thread.
   */
  workers?: number;
  /**
   * How long a table may wait for a sink that fails for a reason that can heal before it
   * stops, ms; overrides `config.max_retry_time`. Default: without limit.
   */
  maxRetryTimeMs?: number;
  /** Back-off of failed commits (tests shorten it); `maxRetryTimeMs` is the usual knob. */
  retry?: Partial<RetryOptions>;
  clock?: Clock;
  log?: Logger;
  /** How often to look at a parent another process writes, ms. Default 1,000 (50 fast-forward). */
  pollMs?: number;
  /** Real-time waits (back-off, polling); replaceable in tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * This process's shard: it writes shard `index`'s part of every table (`replace` tables:
   * shard 0 writes them whole), under its own application id, into the same tables as the
   * other shards; a child's tick waits until every shard of its parents committed what it
   * may reference.
   */
  shard?: Shard;
}

/**
 * The default commit interval of live runs: each commit costs a data file, a log entry and
 * (every 10th) a checkpoint, so committing every tick of hundreds of tables with short
 * ticks would keep a core busy; 10 s keeps that cost small and the data fresh.
 */
export const DEFAULT_COMMIT_INTERVAL_MS = 10_000;

/** How a run ended. */
export interface RunSummary {
  /**
   * Every table's numbers: rows and commits this process made (`rowsWritten`, `commits`),
   * and apart from them what another writer of the same table committed (`skippedRows`).
   */
  tables: TableStatus[];
  /** Tables that stopped after failures, with why. */
  failed: { table: string; error: string }[];
}

/** The config has errors; `message` holds the formatted diagnostics. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
