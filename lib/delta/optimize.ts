/**
 * Compaction (`OPTIMIZE`): the small files a streaming writer leaves behind, rewritten as
 * fewer large ones per partition in one commit with `dataChange: false`; files with deletion
 * vectors are rewritten without the rows they delete, and the new files have none (the
 * table keeps its protocol). Safe beside a
 * running writer: its appends land in between and are kept; if it removed a file being
 * compacted, the compaction fails and changes nothing.
 *
 * @module
 */
import type { Add } from "./actions.ts";
import type { CommitOptions } from "./commit.ts";
import { type DeltaFs, joinPath } from "./fs.ts";
import { fsFor } from "./storage.ts";
import { readSnapshot } from "./log_reader.ts";
import { readTable } from "./read_data.ts";
import { deltaToArrowSchema } from "./schema.ts";
import { checkWritable, DeltaWriter } from "./writer.ts";
import type { ParquetCompression } from "../parquet/mod.ts";

/** Options of {@link optimize}. */
export interface OptimizeOptions {
  /** Files with fewer rows are compacted, into files of up to this many rows; 1,000,000. */
  targetFileRows?: number;
  /** Parquet compression of the new files; snappy by default. */
  compression?: ParquetCompression;
  /** Storage; by default the one of the path (the local disk, or S3 for `s3://`). */
  fs?: DeltaFs;
  commitOptions?: CommitOptions;
}

/** What a compaction did. */
export interface OptimizeResult {
  /** The version of the OPTIMIZE commit, or null when nothing needed compacting. */
  version: number | null;
  filesRemoved: number;
  filesAdded: number;
  rows: number;
  bytesRemoved: number;
  bytesAdded: number;
}

/** The `txn` application id of compaction commits. */
export const OPTIMIZE_APP_ID = "tablestream:optimize";

/**
 * Compacts the small files of the Delta table at `path`: within each partition, the files
 * with fewer than `targetFileRows` rows (two or more of them) are read and rewritten as
 * files of up to `targetFileRows` rows, in one commit.
 *
 * @example
 * ```ts
 * const result = await optimize("out/orders");
 * console.log(`${result.filesRemoved} files -> ${result.filesAdded}`);
 * ```
 */
export async function optimize(
  path: string,
  options: OptimizeOptions = {},
): Promise<OptimizeResult> {
  const fs = options.fs ?? fsFor(path);
  const targetFileRows = options.targetFileRows ?? 1_000_000;
  const snapshot = await readSnapshot(fs, path);
  checkWritable(path, snapshot.protocol, snapshot.metadata);
  const groups = smallFileGroups(snapshot.files, targetFileRows);
  const result: OptimizeResult = {
    version: null,
    filesRemoved: 0,
    filesAdded: 0,
    rows: 0,
    bytesRemoved: 0,
    bytesAdded: 0,
  };
  if (groups.length === 0) return result;

  const writer = await DeltaWriter.open(path, {
    schema: deltaToArrowSchema(snapshot.metadata.schemaString, path),
    appId: OPTIMIZE_APP_ID,
    partitionBy: snapshot.metadata.partitionColumns,
    targetFileRows,
    compression: options.compression,
    fs,
    commitOptions: options.commitOptions,
  });
  const inputs: Add[] = [];
  const outputs: Add[] = [];
  try {
    for (const group of groups) {
      const rows = await readTable(fs, { ...snapshot, files: group });
      outputs.push(...await writer.writeFiles(rows, { rewrite: true }));
      inputs.push(...group);
      result.rows += rows.numRows;
    }
    const committed = await writer.commitRewrite(inputs, outputs, {
      targetFileRows,
      partitions: groups.length,
    });
    result.version = committed.version;
  } catch (error) {
    // The new files were never committed: nobody can see them, so they can go.
    for (const add of outputs) await fs.remove(joinPath(path, decodeURIComponent(add.path)));
    throw error;
  }
  result.filesRemoved = inputs.length;
  result.filesAdded = outputs.length;
  result.bytesRemoved = inputs.reduce((n, a) => n + a.size, 0);
  result.bytesAdded = outputs.reduce((n, a) => n + a.size, 0);
  return result;
}

/**
 * Per partition, the files to rewrite: those below the target size, when there are at least
 * two, and every file with a deletion vector (rewritten without its deleted rows, so the
 * vector goes: Spark's OPTIMIZE purges them the same way).
 */
function smallFileGroups(files: readonly Add[], targetFileRows: number): Add[][] {
  const byPartition = new Map<string, Add[]>();
  for (const file of files) {
    const rows = numRecords(file);
    if (!file.deletionVector && rows !== undefined && rows >= targetFileRows) continue;
    const key = JSON.stringify(Object.entries(file.partitionValues).sort());
    const group = byPartition.get(key) ?? [];
    group.push(file);
    byPartition.set(key, group);
  }
  return [...byPartition.values()].filter((group) =>
    group.length >= 2 || group.some((file) => file.deletionVector)
  );
}

function numRecords(file: Add): number | undefined {
  try {
    const n = JSON.parse(file.stats ?? "{}").numRecords;
    return typeof n === "number" ? n : undefined;
  } catch {
    return undefined;
  }
}
