/**
 * Copy-on-write: updates and deletes of rows found by primary key, applied by rewriting the
 * data files that hold them. The files are pruned by their stats (the key's min and max), the
 * key column of the rest is read, and each file holding a changed row is read whole and
 * written again without its deleted and updated rows; the updated rows are written at their
 * last version. The caller commits the new files with a `remove` of each old one.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Add } from "./actions.ts";
import type { DeltaFs } from "./fs.ts";
import type { Snapshot } from "./snapshot.ts";
import { readTable } from "./read_data.ts";
import { takeBatch } from "./partition.ts";
import { isValid } from "../arrow/cells.ts";

/** What one change of an existing row did: `u` updated it, `d` deleted it. */
export type RowChangeOp = "u" | "d";

/**
 * Changes of rows, in the order they happened: change i is `ops[i]` of the row `before.get(i)`
 * (found by its primary key), which becomes `after.get(i)` for an update. The sink contract's
 * `ChangeBatch` is one.
 */
export interface RowChanges {
  ops: readonly RowChangeOp[];
  /** Each change's tick (changes of one tick touch a row at most once). */
  ticks: readonly number[];
  before: arrow.RecordBatch;
  after: arrow.RecordBatch;
}

/**
 * A primary key's value as {@link keyReader} reads it: a number for integer keys (an int64
 * too, while it is a safe integer), a string for text, else what Arrow gives.
 */
export type KeyValue = unknown;

/**
 * Reads a key column's cells as {@link KeyValue}s without allocating per row where it can:
 * the rows of a whole file pass through it. Equal values always read the same.
 */
export function keyReader(vector: arrow.Vector): (row: number) => KeyValue {
  if (vector.data.length !== 1) return (row) => vector.get(row);
  const data = vector.data[0];
  const type = data.type;
  if (arrow.DataType.isInt(type) && type.bitWidth === 64) {
    const words = new Int32Array(data.values.buffer, data.values.byteOffset, data.length * 2);
    return (row) => {
      if (!isValid(data, row)) return null;
      const high = words[2 * row + 1];
      // |value| < 2^52: exact as a number; beyond, the bigint itself.
      if (high >= -0x100000 && high < 0x100000) return high * 0x100000000 + (words[2 * row] >>> 0);
      return data.values[row];
    };
  }
  if (arrow.DataType.isInt(type)) {
    return (row) => isValid(data, row) ? data.values[row] : null;
  }
  return (row) => vector.get(row);
}

/** Where a row's last version is: the row `row` of `batch`, or null once it is deleted. */
export type FinalRow = { batch: arrow.RecordBatch; row: number } | null;

/**
 * The net effect of `changes` (in order) on each changed row, by primary key: a row updated in
 * several ticks ends at its last version, a row deleted stays deleted.
 */
export function finalRows(changes: readonly RowChanges[], key: string): Map<KeyValue, FinalRow> {
  const finals = new Map<KeyValue, FinalRow>();
  for (const change of changes) {
    const column = change.before.getChild(key);
    if (!column) throw new Error(`Changes lack the primary-key column "${key}"`);
    const keys = keyReader(column);
    for (let i = 0; i < change.ops.length; i++) {
      const value = keys(i);
      finals.set(value, change.ops[i] === "d" ? null : { batch: change.after, row: i });
    }
  }
  return finals;
}

/** What rewriting the files holding changed rows made. */
export interface Rewrite {
  /** The files that held changed rows: each is replaced by the new files. */
  replaced: Add[];
  /** The new files: the replaced files' other rows, and the updated rows' last versions. */
  written: Add[];
  /** Rows the new files hold. */
  rows: number;
}

/** Options of {@link rewriteChangedFiles}. */
export interface RewriteOptions {
  /** The files the changed rows may be in (the table's, and uncommitted ones). */
  files: readonly Add[];
  /** The table with only the given files in it, for reading them. */
  view: (files: Add[]) => Snapshot;
  /** The primary-key column. */
  key: string;
  /** Writes rows as new data files (not committed), returning their `add` actions. */
  write: (rows: arrow.Table) => Promise<Add[]>;
  /** Rows gathered before they are written, so small rewritten files merge; 1,000,000. */
  chunkRows?: number;
}

/**
 * Rewrites the files holding the rows of `finals` (from {@link finalRows}): every changed row
 * must be in one of `options.files`, or this fails naming the key values not found (nothing
 * is committed; the new files are for the caller to remove).
 */
export async function rewriteChangedFiles(
  fs: DeltaFs,
  finals: ReadonlyMap<KeyValue, FinalRow>,
  options: RewriteOptions,
): Promise<Rewrite> {
  const { key, view } = options;
  const chunkRows = options.chunkRows ?? 1_000_000;
  const found = new Set<KeyValue>();
  const replaced: Add[] = [];
  for (const file of candidateFiles(options.files, key, finals)) {
    const keys = await readTable(fs, view([file]), { columns: [key] });
    let holds = false;
    for (const batch of keys.batches) {
      const read = keyReader(batch.getChild(key)!);
      for (let row = 0; row < batch.numRows; row++) {
        const value = read(row);
        if (!finals.has(value)) continue;
        holds = true;
        found.add(value);
      }
    }
    if (holds) replaced.push(file);
  }
  const missing = [...finals.keys()].filter((value) => !found.has(value));
  if (missing.length > 0) throw notFound(view([]).table, key, missing);

  const written: Add[] = [];
  let rows = 0;
  let chunk: arrow.RecordBatch[] = [];
  let chunkSize = 0;
  const writeChunk = async () => {
    if (chunkSize === 0) return;
    written.push(...await options.write(new arrow.Table(chunk)));
    rows += chunkSize;
    chunk = [];
    chunkSize = 0;
  };
  for (const file of replaced) {
    const data = await readTable(fs, view([file]));
    for (const batch of data.batches) {
      const kept = keptRows(batch.getChild(key)!, finals);
      if (kept.length === 0) continue;
      chunk.push(kept.length === batch.numRows ? batch : takeBatch(batch, kept));
      chunkSize += kept.length;
    }
    if (chunkSize >= chunkRows) await writeChunk();
  }
  await writeChunk();
  // The updated rows' last versions, in the sink's schema (the read files' may differ in
  // nullability or order): their own files.
  for (const batch of lastVersions(finals)) {
    chunk.push(batch);
    chunkSize += batch.numRows;
  }
  await writeChunk();
  return { replaced, written, rows };
}

/**
 * The files that may hold a changed row: by their stats' min and max of the key when it is a
 * number (bounds round to doubles monotonically, so never excluding a row), else all of them.
 */
function candidateFiles(
  files: readonly Add[],
  key: string,
  finals: ReadonlyMap<KeyValue, FinalRow>,
): Add[] {
  const values = [...finals.keys()];
  if (!values.every((v) => typeof v === "number" || typeof v === "bigint")) return [...files];
  const sorted = Float64Array.from(values, Number).sort();
  return files.filter((file) => {
    const bounds = keyBounds(file, key);
    if (!bounds) return true;
    // The first changed key at or above the file's min: the file may hold it if <= its max.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle] < bounds.min) low = middle + 1;
      else high = middle;
    }
    return low < sorted.length && sorted[low] <= bounds.max;
  });
}

/** A file's numeric min and max of `key` from its stats, if it has both. */
function keyBounds(file: Add, key: string): { min: number; max: number } | undefined {
  try {
    const stats = JSON.parse(file.stats ?? "null");
    const min = stats?.minValues?.[key];
    const max = stats?.maxValues?.[key];
    if (typeof min === "number" && typeof max === "number") return { min, max };
  } catch {
    // Unreadable stats are as good as none: the file is read.
  }
  return undefined;
}

/** Rows of a batch whose key is not changed. */
function keptRows(keys: arrow.Vector, finals: ReadonlyMap<KeyValue, FinalRow>): Int32Array {
  const kept = new Int32Array(keys.length);
  const read = keyReader(keys);
  let n = 0;
  for (let row = 0; row < keys.length; row++) {
    if (!finals.has(read(row))) kept[n++] = row;
  }
  return kept.subarray(0, n);
}

/** The last version of every updated row, as batches (one per source batch of changes). */
function lastVersions(finals: ReadonlyMap<KeyValue, FinalRow>): arrow.RecordBatch[] {
  const bySource = new Map<arrow.RecordBatch, number[]>();
  for (const final of finals.values()) {
    if (!final) continue;
    const rows = bySource.get(final.batch) ?? [];
    rows.push(final.row);
    bySource.set(final.batch, rows);
  }
  return [...bySource].map(([batch, rows]) => takeBatch(batch, Int32Array.from(rows)));
}

/** A change of a row the table does not hold: the changes and the table disagree. */
function notFound(table: string, key: string, missing: readonly KeyValue[]): Error {
  const shown = missing.slice(0, 3).map(String).join(", ");
  const more = missing.length > 3 ? ` and ${missing.length - 3} more` : "";
  return new Error(
    `Cannot apply changes to Delta table "${table}": no row has ${key} = ${shown}${more}; ` +
      "a change must be of a row written before it (was the table written by another config, " +
      "or its rows removed by hand?)",
  );
}
