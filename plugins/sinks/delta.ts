/**
 * The Delta Lake sink: one Delta table per table under `dir/<table>/`, a thin adapter over
 * `lib/delta/`. Batches are written as data files as they arrive and committed at every
 * flush (and at close) in one commit per table, so readers see whole flushes or nothing.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { recordBatchOn } from "../../lib/arrow/batch.ts";
import type {
  CommitPoint,
  FlushResult,
  Sink,
  SinkOpenOptions,
  SinkTable,
  StoredTable,
} from "../../lib/plugin/types.ts";
import type { Add } from "../../lib/delta/actions.ts";
import { type DeltaFs, joinPath } from "../../lib/delta/fs.ts";
import { fsFor } from "../../lib/delta/storage.ts";
import { latestVersion, readSnapshot } from "../../lib/delta/log_reader.ts";
import { countRowsFromFiles, readTable, readTableBatches } from "../../lib/delta/read_data.ts";
import { deltaToArrowSchema } from "../../lib/delta/schema.ts";
import type { Snapshot } from "../../lib/delta/snapshot.ts";
import { writeRefusal } from "../../lib/delta/features.ts";
import { filledColumns } from "../../lib/delta/table_rules.ts";
import { findMissingFiles, missingFilesReason } from "../../lib/delta/missing_files.ts";
import {
  type DataFileWriter,
  DeltaWriter,
  PropertyChanged,
  SchemaMismatchError,
  WriteRefused,
} from "../../lib/delta/writer.ts";
import { TxnConflictError } from "../../lib/delta/commit.ts";
import { CommitConflict, PropertyConflict } from "../../lib/plugin/sink_errors.ts";
import { type ParquetFileOptions, resolveFileOptions } from "../../lib/parquet/mod.ts";
import { checkTableName } from "./_table_dir.ts";
import { guardSink } from "./_guard.ts";
import { cutIntoFiles, STREAM_FROM_ROWS } from "./_streamed_files.ts";
import { defineSink } from "../../lib/plugin/define.ts";
import { PARQUET, PATH, sinkFolder } from "./_options.ts";
import {
  PendingChanges,
  removeUncommitted,
  stageChanges,
  type StagedChanges,
} from "./_delta_changes.ts";

/** Options of {@link createDeltaSink}. */
export interface DeltaSinkOptions extends ParquetFileOptions {
  /** The output folder (or `s3://bucket/prefix`); each table is the Delta table `dir/<table>/`. */
  dir: string;
  /** Storage; by default the one of `dir` (the local disk, or S3 for `s3://`). */
  fs?: DeltaFs;
  /** The `txn` application id of a table's commits; `tablestream:<table>` by default. */
  appId?: (table: string) => string;
}

interface TableState {
  table: SinkTable;
  writer: DeltaWriter;
  /** Batches not yet in a data file. */
  buffered: arrow.RecordBatch[];
  rows: number;
  /** Data files written and not yet committed. */
  pending: Add[];
  /** The data file being encoded as batches come (large writes to unpartitioned tables). */
  file?: DataFileWriter;
  /** Commits this sink made to the table. */
  commits: number;
  /** The table folder did not exist before this sink. */
  created: boolean;
  /** Changes since the last commit, for a table that gets them (`SinkTable.changes`). */
  changes?: PendingChanges;
}

/**
 * Creates a sink writing each table as a Delta table under `dir`. Open modes: `error` refuses
 * a table that already has commits, `append` adds to it (its schema must match), `overwrite`
 * replaces its rows in the first commit (old files stay for time travel). A table that got
 * no rows is still created, empty, so readers find every table of the config.
 *
 * @example
 * ```ts
 * const sink = createDeltaSink({ dir: "out" });
 * await sink.open([{ name: "users", schema }], { mode: "append" });
 * await sink.write("users", batch);
 * await sink.close(); // out/users/_delta_log/00000000000000000000.json
 * ```
 */
export function createDeltaSink(options: DeltaSinkOptions): Sink {
  const { compression, targetFileRows } = resolveFileOptions(options);
  const appId = options.appId ?? ((table: string) => `tablestream:${table}`);
  const states = new Map<string, TableState>();
  const fs = options.fs ?? fsFor(options.dir);
  let mode: SinkOpenOptions["mode"] = "error";

  async function writeBuffered(state: TableState): Promise<void> {
    if (state.file) {
      const file = state.file;
      state.file = undefined;
      state.pending.push(await file.finish());
    }
    if (state.rows === 0) return;
    const table = new arrow.Table(state.table.schema, state.buffered);
    state.buffered = [];
    state.rows = 0;
    state.pending.push(...await state.writer.writeFiles(table));
  }

  /**
   * Moves buffered rows into streamed files once there are enough of them: a large write
   * is encoded while later batches are generated; small ones (a live tick) are encoded at
   * once at the flush, which costs less for a few rows.
   */
  async function streamBuffered(state: TableState): Promise<void> {
    if (!state.file && state.rows < STREAM_FROM_ROWS) return;
    const batches = state.buffered;
    state.buffered = [];
    state.rows = 0;
    await cutIntoFiles(batches, targetFileRows, {
      open: () => state.file,
      // At least STREAM_FROM_ROWS rows: worth the encoder worker.
      start: () => state.file = state.writer.startFile(state.pending.length, true),
      full: async (file) => {
        state.file = undefined;
        state.pending.push(await file.finish());
      },
    });
  }

  /** Commits a table's pending files; its bytes and the races it lost to other writers. */
  async function commit(
    state: TableState,
    point?: CommitPoint,
  ): Promise<{ bytes: number; retries: number }> {
    const replace = point?.replace || (mode === "overwrite" && state.commits === 0);
    const staged = await stage(state, replace);
    const adds = state.pending;
    let retries: number;
    try {
      ({ retries } = await state.writer.commitFiles(adds, replace ? "overwrite" : "append", {
        changeDataFeed: state.table.changes,
        ...(staged ? { removes: staged.removes, changeFiles: staged.changeFiles } : {}),
        ...(point
          ? {
            txnVersion: point.tick,
            txnAfter: point.after,
            properties: point.properties,
            expectProperties: point.expect,
            ...(point.injected ? { operationMetrics: injectedMetrics(point.injected) } : {}),
          }
          : {}),
      }));
    } catch (error) {
      // Its data files stay unreferenced: discard (after the failure) removes them.
      if (error instanceof PropertyChanged) {
        throw new PropertyConflict(state.table.name, error.property, error.found);
      }
      if (!(error instanceof TxnConflictError) || !point) throw error;
      throw new CommitConflict(state.table.name, error.appId, error.txnVersion, point.after);
    }
    state.pending = [];
    state.commits++;
    if (staged) await afterChanges(state, staged);
    state.changes?.clear(); // the inserted rows kept for a feed the commit did not need
    return { bytes: adds.reduce((n, add) => n + add.size, 0), retries };
  }

  /** The commit's changes applied to its files, when it has changes. */
  async function stage(state: TableState, replacing: boolean): Promise<StagedChanges | undefined> {
    if (!state.changes?.changes.length) return undefined;
    return await stageChanges(fs, state.pending, state.changes, {
      table: state.table,
      writer: state.writer,
      compression,
      targetFileRows,
      replacing,
    });
  }

  /**
   * After a commit with changes: the uncommitted files it replaced are nobody's. The commit
   * landed, so failing to remove them fails nothing (VACUUM removes what is left).
   */
  async function afterChanges(state: TableState, staged: StagedChanges): Promise<void> {
    await removeUncommitted(
      fs,
      state.writer.path,
      staged.replaced.map((add) => decodeURIComponent(add.path)),
    ).catch(() => {});
  }

  async function flush(point?: CommitPoint): Promise<FlushResult> {
    let bytes = 0;
    let retries = 0;
    let version: number | undefined;
    for (const state of states.values()) {
      await writeBuffered(state);
      // A commit point is recorded even without rows: the tick happened.
      if (state.pending.length > 0 || point || state.changes?.changes.length) {
        const done = await commit(state, point);
        bytes += done.bytes;
        retries += done.retries;
        version = state.writer.version;
      }
    }
    return { bytes, retries, ...(version !== undefined ? { version } : {}) };
  }

  const tablePath = (table: string) => {
    checkTableName(table);
    return joinPath(options.dir, table);
  };

  return guardSink("delta", {
    async open(tables, openOptions) {
      mode = openOptions.mode;
      // Check every table before touching any, so a refusal writes nothing.
      const opened: TableState[] = [];
      for (const table of tables) {
        openOptions.signal?.throwIfAborted();
        opened.push(await openTable(table, openOptions.mode));
      }
      for (const state of opened) states.set(state.table.name, state);
    },
    async write(table, batch) {
      if (batch.numRows === 0) return;
      const state = states.get(table.name)!;
      // On the table's own schema object: the writer then takes the batches as they are.
      const rows = recordBatchOn(table.schema, batch.data);
      state.changes?.inserted(rows);
      state.buffered.push(rows);
      state.rows += batch.numRows;
      if (!state.table.partitionBy?.length) await streamBuffered(state);
      else if (state.rows >= targetFileRows) await writeBuffered(state);
    },
    // Unpartitioned tables take files encoded where their rows are generated; a partitioned
    // one needs its rows grouped by partition here first.
    // A table with changes keeps its rows for the change data feed: it takes batches, and so
    // does one whose files are not our rows as they are (column mapping, timestamp_ntz, or
    // rows the table's constraints check and its generated and identity columns fill).
    parquetPartSpec: (table) =>
      table.partitionBy?.length || table.changes ||
        states.get(table.name)?.writer.takesEncodedFiles === false
        ? undefined
        : { compression, fileRows: targetFileRows, stats: "delta" },
    async writeParquetPart(table, part) {
      if (part.rows === 0) return;
      if (part.stats === undefined) {
        throw new Error(`A Parquet file for Delta table "${table.name}" came without its stats`);
      }
      const state = states.get(table.name)!;
      // Rows written as batches before it come first, in their own file: row order is kept.
      await writeBuffered(state);
      state.pending.push(
        await state.writer.storeEncodedFile(part.bytes, part.stats, state.pending.length),
      );
    },
    writeChanges(table, changes) {
      const state = states.get(table.name)!;
      if (!state.changes) {
        throw new Error(
          `Table "${table.name}" was opened without changes (SinkTable.changes), so its Delta ` +
            "table has no change data feed to record them in; open it with changes: true",
        );
      }
      state.changes.changed(changes);
      return Promise.resolve();
    },
    flush,
    async close() {
      await flush();
      for (const state of states.values()) {
        // Every table exists after a run, empty or not; an overwrite empties it.
        if (state.commits === 0 && (mode === "overwrite" || state.writer.version < 0)) {
          await commit(state);
        }
      }
    },
    async discard() {
      for (const state of states.values()) {
        state.file?.abort();
        state.file = undefined;
        state.buffered = [];
        state.rows = 0;
        // Data files no commit references: nobody can see them, so they can go.
        for (const add of state.pending) {
          await fs.remove(joinPath(state.writer.path, decodeURIComponent(add.path)));
        }
        state.pending = [];
        // Change data files and rewritten files of the commit that did not happen.
        await removeUncommitted(fs, state.writer.path, state.changes?.made ?? []);
        state.changes?.clear();
        if (
          state.created && fs.removeFolder &&
          await latestVersion(fs, state.writer.path) === null
        ) {
          await fs.removeFolder(state.writer.path).catch(() => {});
        }
      }
    },
    async inspect(table) {
      const path = tablePath(table);
      if (await latestVersion(fs, path) === null) return null;
      const snapshot = await readSnapshot(fs, path);
      return {
        version: snapshot.version,
        properties: { ...snapshot.metadata.configuration },
        commits: new Map([...snapshot.txns.values()].map((t) => [t.appId, t.version])),
        // Files without stats are counted from their Parquet footers: always known.
        rows: (await countRowsFromFiles(fs, snapshot)).rows,
        maxValues: largestValues(snapshot),
        writeRefusal: writeRefusal(snapshot.protocol, snapshot.metadata) ??
          await missingRefusal(fs, path, snapshot),
        schema: deltaToArrowSchema(snapshot.metadata.schemaString, path),
        filled: [...filledColumns(snapshot.metadata.schemaString)],
      } satisfies StoredTable;
    },
    async commitPoints(table) {
      const path = tablePath(table);
      if (await latestVersion(fs, path) === null) return null;
      const snapshot = await readSnapshot(fs, path);
      return new Map([...snapshot.txns.values()].map((t) => [t.appId, t.version]));
    },
    async read(table, columns, readOptions) {
      const path = tablePath(table);
      const snapshot = await readSnapshot(fs, path, { version: readOptions?.version });
      return await readTable(fs, snapshot, { columns });
    },
    async readBatches(table, columns, readOptions) {
      const path = tablePath(table);
      const snapshot = await readSnapshot(fs, path, { version: readOptions?.version });
      // Into reused buffers: no garbage per batch (see Sink.readBatches).
      return readTableBatches(fs, snapshot, { columns, reuse: true });
    },
  });

  async function openTable(table: SinkTable, openMode: SinkOpenOptions["mode"]) {
    const path = tablePath(table.name);
    const created = await fs.stat(path) === null;
    // The folder's entries before its log: a writer (a shard) that creates the table and
    // writes its first files between the two reads is then found as the table it made, not
    // taken for a stranger's files.
    const entries = created ? [] : (await fs.list(path)).map((entry) => entry.name).sort();
    const version = await latestVersion(fs, path);
    const strangers = version === null && !entries.includes(LOG_FOLDER) ? entries : [];
    if (strangers.length > 0) {
      // Not refused for good: another writer may be creating the table right now (its first
      // data files come before its log), and a retry then finds the table.
      const shown = strangers.slice(0, 3).map((name) => `"${name}"`).join(", ");
      const more = strangers.length > 3 ? ` and ${strangers.length - 3} more` : "";
      throw new Error(
        `Folder "${path}" is not empty (it holds ${shown}${more}) and is not a Delta table; ` +
          "remove it or choose another --output",
      );
    }
    if (version !== null && openMode === "error") {
      throw new WriteRefused(
        `Delta table "${path}" already exists (version ${version}); use --mode append to add ` +
          "rows to it or --mode overwrite to replace them",
      );
    }
    const writer = await DeltaWriter.open(path, {
      schema: table.schema,
      appId: table.appId ?? appId(table.name),
      partitionBy: table.partitionBy,
      ...(table.clusterBy ? { clusterBy: table.clusterBy } : {}),
      ...(table.properties ? { properties: table.properties } : {}),
      compression,
      targetFileRows,
      tableName: table.name,
      replacing: openMode === "overwrite",
      fs,
    });
    const difference = writer.schemaDifference();
    if (difference && openMode === "append") {
      const error = new SchemaMismatchError(path, difference);
      error.message += " (--mode overwrite replaces the table's rows and schema)";
      throw error;
    }
    return {
      table,
      writer,
      buffered: [],
      rows: 0,
      pending: [],
      commits: 0,
      created,
      ...(table.changes ? { changes: new PendingChanges() } : {}),
    };
  }
}

/**
 * A Delta table's log folder. In a folder without a commit, another writer (a shard) is creating
 * the table this moment, or one stopped before its first commit (killed, a second Ctrl-C): the
 * writer makes it before its first data file (lib/delta/writer.ts), so a restart takes such a
 * folder's files as uncommitted ones (never read; VACUUM removes them), not a stranger's.
 */
const LOG_FOLDER = "_delta_log";

/**
 * Per column, the largest `maxValues` of the files' stats: only columns every active file
 * has a number for (a file without stats could hold anything larger).
 */
function largestValues(snapshot: Snapshot): Record<string, unknown> {
  let largest: Record<string, number> | undefined;
  for (const add of snapshot.files) {
    let max: Record<string, unknown> | undefined;
    try {
      max = add.stats ? JSON.parse(add.stats).maxValues : undefined;
    } catch {
      max = undefined;
    }
    if (!max || typeof max !== "object") return {};
    const next: Record<string, number> = {};
    for (const [column, value] of Object.entries(max)) {
      if (typeof value !== "number") continue;
      if (largest && !(column in largest)) continue;
      next[column] = Math.max(value, largest?.[column] ?? value);
    }
    largest = next;
  }
  return largest ?? {};
}

/** Why the table cannot be added to because files are missing, if they are. */
async function missingRefusal(
  fs: DeltaFs,
  path: string,
  snapshot: Snapshot,
): Promise<string | undefined> {
  const missing = await findMissingFiles(fs, path, snapshot.files);
  return missing.length > 0 ? missingFilesReason(missing) : undefined;
}

/** Delta Lake tables (the default). */
export const deltaSink = defineSink({
  name: "delta",
  summary: "Delta Lake tables, our own transaction log over Parquet files (the default).",
  options: { path: PATH, ...PARQUET },
  create: ({ path, compression, target_file_rows }, ctx) =>
    createDeltaSink({
      dir: sinkFolder(path, ctx, "delta"),
      compression: compression as "snappy" | "zstd" | "none",
      targetFileRows: target_file_rows,
    }),
});

/**
 * A commit point's injected imperfections as `operationMetrics` (text values, as Spark's):
 * `late` as `numInjectedLate`, `bad_value` as `numInjectedBadValue`...
 */
export function injectedMetrics(
  injected: Readonly<Record<string, number>>,
): Record<string, string> {
  const metrics: Record<string, string> = {};
  for (const [kind, n] of Object.entries(injected)) {
    const name = kind.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
    metrics[`numInjected${name}`] = String(n);
  }
  return metrics;
}
