/**
 * The Delta sink's changes of existing rows: kept in order with the rows inserted beside them
 * until the flush, then applied by copy-on-write (lib/delta/copy_on_write.ts) and recorded as
 * change data files (lib/delta/change_feed.ts), all in the flush's one commit.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Add, Cdc } from "../../lib/delta/actions.ts";
import { type DeltaFs, joinPath } from "../../lib/delta/fs.ts";
import type { DeltaWriter } from "../../lib/delta/writer.ts";
import { readTable } from "../../lib/delta/read_data.ts";
import { finalRows, rewriteChangedFiles } from "../../lib/delta/copy_on_write.ts";
import { changeRows, type FeedPart, writeChangeFiles } from "../../lib/delta/change_feed.ts";
import type { ChangeBatch, SinkTable } from "../../lib/plugin/types.ts";
import type { ParquetCompression } from "../../lib/parquet/mod.ts";

/** Inserted rows a commit keeps in memory for its change data feed, at most. */
export const FEED_ROWS_KEPT = 100_000;

/** A table's changes since its last commit, and what they were staged as. */
export class PendingChanges {
  /** The commit's changes, in order. */
  readonly changes: ChangeBatch[] = [];
  /**
   * The commit's inserts and changes, in order: the change data feed's rows. Without its
   * inserts once they are more than {@link FEED_ROWS_KEPT} (`overflowed`).
   */
  feed: FeedPart[] = [];
  /** The inserts were too many to keep: the feed reads them back from the commit's files. */
  overflowed = false;
  /** Files made for the commit that discard must remove (change data files). */
  readonly made: string[] = [];
  #kept = 0;

  /**
   * Notes rows inserted, kept while they are few (a live tick's); a large commit (a backfill)
   * mostly has no changes, and one that has reads its inserts back from its files.
   */
  inserted(batch: arrow.RecordBatch): void {
    if (this.overflowed) return;
    this.#kept += batch.numRows;
    if (this.#kept <= FEED_ROWS_KEPT) {
      this.feed.push({ rows: batch });
      return;
    }
    this.overflowed = true;
    this.feed = this.feed.filter((part) => !("rows" in part));
  }

  /** Notes changes. */
  changed(changes: ChangeBatch): void {
    this.changes.push(changes);
    this.feed.push({ changes });
  }

  /** Forgets the commit's changes once committed (or discarded). */
  clear(): void {
    this.changes.length = 0;
    this.feed = [];
    this.overflowed = false;
    this.#kept = 0;
    this.made.length = 0;
  }
}

/** What a commit carries for its changes. */
export interface StagedChanges {
  /** Committed files replaced by rewritten ones. */
  removes: Add[];
  /** The change data files. */
  changeFiles: Cdc[];
  /** Uncommitted files of this commit replaced by rewritten ones: gone once it commits. */
  replaced: Add[];
}

/** How {@link stageChanges} writes. */
export interface StageOptions {
  table: SinkTable;
  writer: DeltaWriter;
  compression: ParquetCompression;
  targetFileRows: number;
  /** The commit replaces every row (an overwrite): only its own files hold rows. */
  replacing: boolean;
}

/**
 * Applies the commit's changes to its files: rewrites the files (committed or `pending`)
 * holding changed rows, replacing them in `pending`, and writes the change data files (the
 * commit's inserts too: readers then take the commit's changes from them alone).
 */
export async function stageChanges(
  fs: DeltaFs,
  pending: Add[],
  changes: PendingChanges,
  options: StageOptions,
): Promise<StagedChanges> {
  const { table, writer } = options;
  // Before the rewrite replaces them: the commit's files hold exactly its inserts.
  const inserts = changes.overflowed ? await rowsIn(fs, writer, table, [...pending]) : [];
  const committed = options.replacing || writer.version < 0 ? [] : writer.snapshot().files;
  const rewrite = await rewriteChangedFiles(fs, finalRows(changes.changes, table.primaryKey!), {
    files: [...committed, ...pending],
    view: (files) => writer.view(files),
    key: table.primaryKey!,
    write: async (rows) => {
      const adds = await writer.writeFiles(rows, { rewrite: true });
      pending.push(...adds);
      return adds;
    },
    chunkRows: options.targetFileRows,
  });
  const ours = new Set(pending);
  const replaced = rewrite.replaced.filter((file) => ours.has(file));
  // Replaced, they stay on disk until the commit lands; discard removes them if it does not.
  for (const file of replaced) changes.made.push(decodeURIComponent(file.path));
  const dropped = new Set(replaced);
  pending.splice(0, pending.length, ...pending.filter((file) => !dropped.has(file)));
  // An overwrite removes every row the table had: deletes of the feed (its cdc files are all
  // readers take of the commit).
  const removed = options.replacing && writer.version >= 0
    ? await overwrittenRows(fs, writer, table)
    : [];
  const feed: FeedPart[] = [
    ...removed.map((batch) => ({ deleted: batch })),
    ...inserts.map((batch) => ({ rows: batch })),
    ...changes.feed,
  ];
  const changeFiles = await writeChangeFiles(fs, changeRows(table.schema, feed), {
    table: writer.path,
    partitionBy: table.partitionBy ?? [],
    compression: options.compression,
    written: (path) => changes.made.push(path),
  });
  return {
    removes: rewrite.replaced.filter((file) => !ours.has(file)),
    changeFiles,
    replaced,
  };
}

/** The rows an overwrite removes, in the table's schema. */
async function overwrittenRows(
  fs: DeltaFs,
  writer: DeltaWriter,
  table: SinkTable,
): Promise<arrow.RecordBatch[]> {
  if (writer.schemaDifference()) {
    throw new Error(
      `Cannot record the changes of table "${table.name}" in a commit that replaces its rows ` +
        "with other columns: a change data feed cannot span a schema change; write the table " +
        "to another folder",
    );
  }
  return await rowsIn(fs, writer, table, writer.snapshot().files);
}

/** The rows of some files of the table (committed or not), in the table's schema. */
async function rowsIn(
  fs: DeltaFs,
  writer: DeltaWriter,
  table: SinkTable,
  files: Add[],
): Promise<arrow.RecordBatch[]> {
  const rows = await readTable(fs, writer.view(files));
  const names = table.schema.fields.map((f) => f.name);
  return rows.select(names).batches.map((batch) => new arrow.RecordBatch(table.schema, batch.data));
}

/** Removes data files no commit references (nobody can see them). */
export async function removeUncommitted(
  fs: DeltaFs,
  table: string,
  paths: readonly string[],
): Promise<void> {
  for (const path of paths) await fs.remove(joinPath(table, path));
}
