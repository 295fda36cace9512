/**
 * The change data feed's files (PROTOCOL.md, "Change Data Files", "Add CDC File"): a commit
 * that updates or deletes rows writes Parquet files under `_change_data/` holding the table's
 * columns (partition columns excepted: they are in `cdc.partitionValues`) plus
 * `_change_type`: `insert`, `update_preimage`, `update_postimage` or `delete`. A reader of
 * the feed takes such a commit's changes only from its `cdc` files, so the commit's inserts
 * are written there too; a commit with only inserts needs none (readers take its `add`s).
 *
 * Rows are written in the order they happened: the inserts and changes of each tick in turn,
 * a tick's preimages and deletes before its postimages (a row changes at most once per tick).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { type Cdc, encodePath } from "./actions.ts";
import { type DeltaFs, joinPath } from "./fs.ts";
import { groupByPartition, partitionFolder, takeBatch } from "./partition.ts";
import type { RowChanges } from "./copy_on_write.ts";
import { encodeParquet, type ParquetCompression } from "../parquet/mod.ts";

/** The column of a change row's kind. */
export const CHANGE_TYPE = "_change_type";
/** The folder of change data files, under the table's. */
export const CHANGE_DATA_FOLDER = "_change_data";

/** The kinds of change rows. */
export type ChangeType = "insert" | "update_preimage" | "update_postimage" | "delete";

/**
 * What happened in a commit, in order: rows inserted, changes of existing rows, or rows
 * removed whole (by an overwrite).
 */
export type FeedPart =
  | { rows: arrow.RecordBatch }
  | { changes: RowChanges }
  | { deleted: arrow.RecordBatch };

/**
 * The change rows of a commit's parts, in the table's schema plus {@link CHANGE_TYPE}: each
 * inserted row once, each update as its preimage and postimage, each delete as the row deleted.
 */
export function changeRows(schema: arrow.Schema, parts: readonly FeedPart[]): arrow.Table {
  const out = new arrow.Schema([...schema.fields, new arrow.Field(CHANGE_TYPE, new arrow.Utf8())]);
  const batches: arrow.RecordBatch[] = [];
  const add = (batch: arrow.RecordBatch, types: readonly ChangeType[]) => {
    if (batch.numRows > 0) batches.push(withChangeType(out, batch, types));
  };
  for (const part of parts) {
    if ("rows" in part) {
      add(part.rows, new Array(part.rows.numRows).fill("insert"));
      continue;
    }
    if ("deleted" in part) {
      add(part.deleted, new Array(part.deleted.numRows).fill("delete"));
      continue;
    }
    for (const rows of tickRuns(part.changes.ticks)) {
      const { ops, before, after } = part.changes;
      const whole = rows.length === before.numRows;
      add(
        whole ? before : takeBatch(before, rows),
        Array.from(rows, (i) => ops[i] === "u" ? "update_preimage" : "delete"),
      );
      const updated = rows.filter((i) => ops[i] === "u");
      add(takeBatch(after, updated), new Array(updated.length).fill("update_postimage"));
    }
  }
  return batches.length > 0 ? new arrow.Table(out, batches) : new arrow.Table(out);
}

/** The changes' indexes, split into runs of one tick each (ticks come in order). */
function tickRuns(ticks: readonly number[]): Int32Array[] {
  const runs: Int32Array[] = [];
  for (let start = 0; start < ticks.length;) {
    let end = start + 1;
    while (end < ticks.length && ticks[end] === ticks[start]) end++;
    runs.push(Int32Array.from({ length: end - start }, (_, k) => start + k));
    start = end;
  }
  return runs;
}

/** `batch` with a {@link CHANGE_TYPE} column of `types`. */
function withChangeType(
  schema: arrow.Schema,
  batch: arrow.RecordBatch,
  types: readonly ChangeType[],
): arrow.RecordBatch {
  const children = [...batch.data.children, utf8Data(types)];
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: batch.numRows,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(schema, data);
}

/** Arrow UTF-8 data of non-null strings (a few distinct ones: each is encoded once). */
function utf8Data(values: readonly string[]): arrow.Data<arrow.Utf8> {
  const encoded = new Map<string, Uint8Array>();
  const encoder = new TextEncoder();
  const bytesOf = (v: string) => encoded.get(v) ?? encoded.set(v, encoder.encode(v)).get(v)!;
  const valueOffsets = new Int32Array(values.length + 1);
  values.forEach((v, i) => valueOffsets[i + 1] = valueOffsets[i] + bytesOf(v).length);
  const data = new Uint8Array(valueOffsets[values.length]);
  values.forEach((v, i) => data.set(bytesOf(v), valueOffsets[i]));
  return arrow.makeData({ type: new arrow.Utf8(), length: values.length, valueOffsets, data });
}

/** Where and how {@link writeChangeFiles} writes. */
export interface ChangeFileOptions {
  /** The table's folder. */
  table: string;
  partitionBy: readonly string[];
  compression: ParquetCompression;
  /** Called with each file's path relative to the table once it is written. */
  written?: (path: string) => void;
}

/**
 * Writes change rows (from {@link changeRows}) as change data files, one per partition, under
 * unique names; their `cdc` actions, not committed.
 */
export async function writeChangeFiles(
  fs: DeltaFs,
  rows: arrow.Table,
  options: ChangeFileOptions,
): Promise<Cdc[]> {
  const { partitionBy, compression } = options;
  const dataColumns = rows.schema.fields.map((f) => f.name).filter((n) => !partitionBy.includes(n));
  const suffix = compression === "none" ? "" : `.${compression}`;
  const cdcs: Cdc[] = [];
  for (const group of groupByPartition(rows, partitionBy)) {
    const partition = partitionFolder(partitionBy, group.values);
    const folder = partition ? `${CHANGE_DATA_FOLDER}/${partition}` : CHANGE_DATA_FOLDER;
    const name =
      `cdc-${String(cdcs.length).padStart(5, "0")}-${crypto.randomUUID()}.c000${suffix}` +
      ".parquet";
    const bytes = encodeParquet(
      partitionBy.length > 0 ? group.table.select(dataColumns) : group.table,
      compression,
    );
    await fs.mkdir(joinPath(options.table, folder));
    await fs.writeNew(joinPath(options.table, `${folder}/${name}`), bytes);
    options.written?.(`${folder}/${name}`);
    cdcs.push({
      path: encodePath(`${folder}/${name}`),
      partitionValues: group.values,
      size: bytes.length,
      dataChange: false,
    });
  }
  return cdcs;
}
