/**
 * What a table's loop (table_runner.ts) is given: its plan, parents, sink, clock, stop
 * conditions and settings; and the failure it ends with.
 *
 * @module
 */
import type { SourceChooser } from "../parallel/handoff.ts";
import type { Logger } from "../output/log.ts";
import type { Sink, StoredTable } from "../plugin/types.ts";
import type { Clock } from "./clock.ts";
import type { TablePlan } from "./plan.ts";
import type { Progress } from "./progress.ts";
import type { RetryOptions } from "./retry.ts";
import type { ChangeFeed } from "./change_feed.ts";
import type { Injection } from "./injected.ts";

/** When a table's loop stops by itself. */
export interface StopConditions {
  /** Stop after this many ticks past the table's last tick at start. */
  ticks?: number;
  /** Stop after the last tick at or before this logical time, ms. */
  untilMs?: number;
  /** Fast-forward only: stop after this much logical time past the table's last tick, ms. */
  durationMs?: number;
}

/**
 * Whether tick `k` is past the stop conditions, for a table whose last tick at start is
 * `startTick` and whose ticks fall at `tickTime(k)`.
 */
export function pastStop(
  stop: StopConditions,
  startTick: number,
  tickTime: (k: number) => number,
  fastForward: boolean,
): (k: number) => boolean {
  const durationEnd = fastForward && stop.durationMs !== undefined
    ? tickTime(startTick) + stop.durationMs
    : undefined;
  return (k) =>
    (stop.ticks !== undefined && k > startTick + stop.ticks) ||
    (stop.untilMs !== undefined && tickTime(k) > stop.untilMs) ||
    (durationEnd !== undefined && tickTime(k) > durationEnd);
}

/**
 * The last tick after `startTick` before `beyond` (`startTick` when the next is beyond), or
 * undefined without stop conditions: a doubling search, then halving.
 */
export function lastTickBefore(
  stop: StopConditions,
  startTick: number,
  beyond: (k: number) => boolean,
): number | undefined {
  if (stop.ticks === undefined && stop.untilMs === undefined && stop.durationMs === undefined) {
    return undefined;
  }
  let last = startTick;
  let step = 1;
  while (!beyond(last + step)) {
    last += step;
    step *= 2;
  }
  // beyond(last + step) holds and beyond(last) does not: halve the gap.
  for (step >>= 1; step >= 1; step >>= 1) if (!beyond(last + step)) last += step;
  return last;
}

/** A parent the loop may wait for. */
export interface ParentLink {
  plan: TablePlan;
  progress: Progress;
  /**
   * Brings `progress` up to date from storage (parents written by another process, or by
   * shards), called while a child waits for tick `needed`; rejects when it never will be.
   */
  poll?: (needed: number) => Promise<void>;
}

/** What a runner needs. */
export interface RunnerDeps {
  plan: TablePlan;
  progress: Progress;
  parents: ParentLink[];
  /** A new sink for the table, opened (a fresh one after a failure). */
  openSink: () => Promise<Sink>;
  /** What storage holds for the table now. */
  inspect: () => Promise<StoredTable | null>;
  clock: Clock;
  fastForward: boolean;
  stop: StopConditions;
  /** Most rows one commit gathers from due ticks. */
  commitRows: number;
  /**
   * Live: ticks per commit. The loop sleeps until the last tick of each run of this many
   * (aligned to tick numbers) and commits the rows of all of them at once.
   */
  commitTicks: number;
  /**
   * Live: how long after its commit tick the loop commits, ms (0 by default). Shards of one
   * table spread their commits over the commit interval by it, so that they do not all race
   * for the same log version at the same moment.
   */
  commitOffsetMs?: number;
  /** Rows per generated batch. */
  batchSize: number;
  /** Where batches are generated (this thread, or workers for large windows). */
  sources: SourceChooser;
  /** How a commit that fails for a reason that can heal is retried. */
  retry: RetryOptions;
  /** The sink's name, for status and metrics (`delta`, `postgres`...). */
  sinkName?: string;
  /** Waits `ms` of real time (back-off, polling); rejects when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How often to look at a parent another process writes, ms. */
  pollMs: number;
  log: Logger;
  /** The table's change stream, when it has `changes:` (unsharded tables only). */
  changes?: ChangeFeed;
  /** What its commits inject on purpose, when it has imperfections (duplicates, bad values...). */
  injection?: Injection;
}

/** The table could not be written; the others go on. */
export class TableFailed extends Error {
  constructor(table: string, reason: string, cause?: unknown) {
    super(`Table "${table}" stopped: ${reason}`, { cause });
    this.name = "TableFailed";
  }
}
