/**
 * `generate --shard i/N`: one shard's contiguous part of every table's `row_count` rows,
 * written into the same tables as the other shards, restartable where it committed.
 *
 * Each table gets commits of at most `commitRows` rows, each with a commit point under the
 * shard's application id whose tick is the number of the shard's rows committed so far (its
 * first commit to a table that it has to create records 0). A shard killed at any moment and
 * started again reads that number back and goes on from the next row: no duplicate, no gap.
 * Rows are the unsharded run's: a child's foreign keys pick among all of its parent's rows,
 * which the parent's shards write between them.
 *
 * @module
 */
import type { Engine } from "../engine/engine.ts";
import type { Sink, StoredTable } from "../plugin/types.ts";
import { findCommitConflict } from "../plugin/sink_errors.ts";
import {
  contiguousShare,
  formatShard,
  type OrdinalRange,
  parseShardAppId,
  type Shard,
  shardAppId,
} from "../stream/shard.ts";
import { GENERATOR_VERSION } from "../state/stream_state.ts";
import type { Config } from "../config/model.ts";
import { withAncestors } from "../config/engine_specs.ts";
import { sinkTableOf, type TableSpec } from "../engine/spec.ts";
import { type BatchSource, localSource, orderedBatches } from "./pool.ts";

/** Default most rows of one commit of a shard: large files, a restart redoes little. */
export const DEFAULT_SHARD_COMMIT_ROWS = 1_000_000;

/** Options of {@link generateShard}. */
export interface ShardGenerateOptions {
  /** Tables to write, parents first. */
  tables: readonly string[];
  shard: Shard;
  /** The application id of a table's commits without the shard: what decides its rows. */
  appIdBase: (table: string) => string;
  /** A new sink for a table (one per table: each has commit points of its own). */
  sinkFor: (table: string) => Sink;
  /** Where a table is, for messages (`out/orders`). */
  describe?: (table: string) => string;
  /** Most rows per commit (default {@link DEFAULT_SHARD_COMMIT_ROWS}). */
  commitRows?: number;
  /** Rows per batch (default 10,000). The output does not depend on it. */
  batchSize?: number;
  signal?: AbortSignal;
  /** Where batches are generated: this thread by default, or a worker pool. */
  source?: BatchSource;
  /** Called after every batch with the shard's rows of the table done and in all. */
  onBatch?: (table: string, rowsDone: number, rowsTotal: number) => void;
}

/** What a shard did to a table. */
export interface ShardTableSummary {
  table: string;
  /** The shard's rows of the table: ordinals `[first, first + count)`. */
  share: OrdinalRange;
  /** Rows this run wrote (less than the share when it resumed). */
  rows: number;
  /** Rows the shard had committed before this run (0 for a fresh start). */
  resumedFrom: number;
}

/** Writes one shard's part of each table; see the module doc. */
export async function generateShard(
  engine: Engine,
  options: ShardGenerateOptions,
): Promise<ShardTableSummary[]> {
  const commitRows = options.commitRows ?? DEFAULT_SHARD_COMMIT_ROWS;
  if (!(commitRows >= 1)) throw new RangeError(`Commit rows must be at least 1, got ${commitRows}`);
  const source = options.source ?? localSource(engine);
  const summary: ShardTableSummary[] = [];
  for (const table of options.tables) {
    options.signal?.throwIfAborted();
    summary.push(await generateTableShard(engine, table, options, commitRows, source));
  }
  return summary;
}

async function generateTableShard(
  engine: Engine,
  table: string,
  options: ShardGenerateOptions,
  commitRows: number,
  source: BatchSource,
): Promise<ShardTableSummary> {
  const generator = engine.table(table);
  const { rowCount, startRowId } = generator.spec;
  const share = contiguousShare(rowCount, options.shard);
  const base = options.appIdBase(table);
  const appId = shardAppId(base, options.shard);
  const where = options.describe?.(table) ?? `table "${table}"`;
  const probe = options.sinkFor(table);
  if (!probe.inspect) {
    throw new Error(
      `${where} cannot take shards: its sink does not read back what it wrote, so a shard ` +
        "could not resume where it committed; write shards to Delta (--format delta)",
    );
  }
  const stored = await probe.inspect(table);
  if (stored) checkOurs(stored, base, options.shard, where);
  // The shard's commit point: its rows committed so far (-1: it never committed).
  let recorded = stored?.commits.get(appId) ?? -1;
  const resumedFrom = Math.max(recorded, 0);
  if (recorded > share.count) {
    throw new Error(
      `${where} says shard ${formatShard(options.shard)} committed ${recorded} rows, more ` +
        `than its ${share.count}: the table does not belong to this config`,
    );
  }
  if (recorded === share.count) return { table, share, rows: 0, resumedFrom };
  let written = 0;
  for (;;) {
    const sink = options.sinkFor(table);
    await sink.open([sinkTableOf(generator.spec, generator.schema(), { appId })], {
      mode: "append",
      signal: options.signal,
    });
    let closed = false;
    try {
      // A table that does not exist is created by an empty commit before any data file is
      // written, so that no shard ever finds data files without a log; a shard without rows
      // records that it is done.
      if (recorded < 0 && (!stored || share.count === 0)) {
        await sink.flush({ tick: 0, after: -1 });
        recorded = 0;
      }
      while (Math.max(recorded, 0) < share.count) {
        const done = Math.max(recorded, 0);
        const count = Math.min(commitRows, share.count - done);
        const range = {
          table,
          firstRowId: startRowId + share.first + done,
          count,
          epoch: 0,
          batchSize: options.batchSize ?? 10_000,
        };
        let made = 0;
        for await (const batch of orderedBatches(source, range)) {
          options.signal?.throwIfAborted();
          await sink.write(table, batch);
          made += batch.numRows;
          options.onBatch?.(table, done + made, share.count);
        }
        await sink.flush({ tick: done + count, after: recorded });
        recorded = done + count;
        written += count;
      }
      closed = true;
      await sink.close();
      return { table, share, rows: written, resumedFrom };
    } catch (error) {
      if (!closed) await sink.abort?.().catch(() => {});
      const conflict = findCommitConflict(error);
      // Another process ran this shard too (a restarted pod beside its old one): the rows
      // are the same, so go on from where it got.
      if (!conflict || conflict.storedTick < Math.max(recorded, 0)) throw error;
      recorded = conflict.storedTick;
      if (recorded >= share.count) return { table, share, rows: written, resumedFrom };
    }
  }
}

/**
 * Refuses a table that holds commits of anything but this run's shards: another run's rows
 * (other seed, reference time or config), an unsharded run's, or another shard count's
 * (whose split differs, so shards of two counts would duplicate and miss rows).
 */
function checkOurs(stored: StoredTable, base: string, shard: Shard, where: string): void {
  const ids = [...stored.commits.keys()];
  const counts = new Set<number>();
  const foreign: string[] = [];
  for (const id of ids) {
    const parsed = parseShardAppId(id);
    if (parsed?.base === base) counts.add(parsed.shard.count);
    else foreign.push(id);
  }
  const others = [...counts].filter((n) => n !== shard.count);
  if (others.length > 0) {
    throw new Error(
      `${where} was written by ${others.join(" and ")} shards of this run, not ` +
        `${shard.count}: shards of another count split the rows otherwise; run it with ` +
        `--shard i/${others[0]}, or write ${shard.count} shards to another --output`,
    );
  }
  if (foreign.length > 0 || ids.length === 0) {
    throw new Error(
      `${where} already exists and was not written by the shards of this run (` +
        (foreign.length > 0
          ? `it holds commits of ${foreign.slice(0, 3).map((id) => `"${id}"`).join(", ")}`
          : "it records no commit point") +
        "; shards of one run share the config, seed and reference time); remove it or " +
        "write to another --output",
    );
  }
}

/**
 * The application id base of a table's shards in `generate`: the table, and a hash of what
 * decides its rows (the config of it and of the tables it reads from, the seed, locale and
 * reference time), so shards of another run never take these commits for their own.
 */
export async function generateAppIdBase(
  config: Config,
  specs: readonly TableSpec[],
  table: string,
  inputs: { seed: number; locale: string; now: Date },
): Promise<string> {
  const tables = withAncestors(specs, [table]).map((name) => {
    const t = config.tables.find((c) => c.name === name)!;
    const spec = specs.find((s) => s.name === name)!;
    return {
      name,
      rowCount: spec.rowCount,
      startRowId: spec.startRowId,
      columns: t.columns.map((c) => [c.name, c.data, c.type ?? null, c.nullFraction]),
    };
  });
  const text = JSON.stringify({
    generator: GENERATOR_VERSION,
    command: "generate",
    seed: inputs.seed,
    locale: inputs.locale,
    now: inputs.now.toISOString(),
    tables,
  });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hash = Array.from(
    new Uint8Array(digest).slice(0, 8),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  return `tablestream:${table}:${hash}`;
}
