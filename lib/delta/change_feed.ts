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
 * Read back ({@link readChangeFeed}) as Spark's `readChangeFeed` and delta-rs's `load_cdf` do:
 * versions a..b as rows of the table's columns plus `_change_type`, `_commit_version` and
 * `_commit_timestamp`. A commit with `cdc` files gives exactly their rows; any other commit
 * gives its added files' rows as inserts and its removed files' rows as deletes, when they
 * change data (`dataChange`; a compaction's do not).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { columnsBatch } from "../arrow/batch.ts";
import { type Action, type Add, type Cdc, encodePath } from "./actions.ts";
import { type DeltaFs, joinPath } from "./fs.ts";
import { groupByPartition, partitionFolder, takeBatch } from "./partition.ts";
import type { RowChanges } from "./copy_on_write.ts";
import { readCommit, readSnapshot } from "./log_reader.ts";
import { readTable, readTableBatches } from "./read_data.ts";
import type { Snapshot } from "./snapshot.ts";
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
  return columnsBatch(schema, [...batch.data.children, utf8Data(types)], batch.numRows);
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

/** The column of a change row's commit version. */
export const COMMIT_VERSION = "_commit_version";
/** The column of a change row's commit time (the commit's `commitInfo.timestamp`). */
export const COMMIT_TIMESTAMP = "_commit_timestamp";

/** Options of {@link readChangeFeed}. */
export interface ChangeFeedOptions {
  /** The first version read; 0 by default. */
  startingVersion?: number;
  /** The last version read (included); the latest by default. */
  endingVersion?: number;
}

/**
 * The change rows of versions `startingVersion..endingVersion` of the table, version by
 * version, in the table's schema (at the ending version) plus `_change_type`,
 * `_commit_version` (int64) and `_commit_timestamp` (timestamp, UTC).
 *
 * @example
 * ```ts
 * import { localFs } from "./fs.ts";
 * const feed = await readChangeFeed(localFs, "out/orders", { startingVersion: 1 });
 * ```
 */
export async function readChangeFeed(
  fs: DeltaFs,
  table: string,
  options: ChangeFeedOptions = {},
): Promise<arrow.Table> {
  const snapshot = await readSnapshot(fs, table, { version: options.endingVersion });
  const first = options.startingVersion ?? 0;
  if (!Number.isSafeInteger(first) || first < 0 || first > snapshot.version) {
    throw new Error(
      `Cannot read the change feed of Delta table "${table}" from version ${first}: its ` +
        `versions are 0 to ${snapshot.version}`,
    );
  }
  const schema = feedSchema(fs, snapshot);
  const batches: arrow.RecordBatch[] = [];
  for (let version = first; version <= snapshot.version; version++) {
    const actions = await readCommit(fs, table, version);
    checkSchemaKept(snapshot, actions, version);
    const info = actions.find((a) => a.commitInfo)?.commitInfo;
    const micros = BigInt(Math.trunc(Number(info?.timestamp ?? 0))) * 1000n;
    for (const [type, rows] of await commitChanges(fs, snapshot, actions)) {
      for (const batch of rows.batches) {
        if (batch.numRows > 0) batches.push(feedBatch(schema, batch, type, version, micros));
      }
    }
  }
  return batches.length > 0 ? new arrow.Table(schema, batches) : new arrow.Table(schema);
}

/** The feed's schema: the table's columns (as the table is read) and the feed's three. */
function feedSchema(fs: DeltaFs, snapshot: Snapshot): arrow.Schema {
  return new arrow.Schema([
    ...readTableBatches(fs, { ...snapshot, files: [] }).schema.fields,
    new arrow.Field(CHANGE_TYPE, new arrow.Utf8(), true),
    new arrow.Field(COMMIT_VERSION, new arrow.Int64(), true),
    new arrow.Field(COMMIT_TIMESTAMP, new arrow.TimestampMicrosecond("UTC"), true),
  ]);
}

/** A commit's changes: the rows of its cdc files by their own `_change_type` (null type), or
 * its data files' rows as inserts and deletes. */
async function commitChanges(
  fs: DeltaFs,
  snapshot: Snapshot,
  actions: readonly Action[],
): Promise<[ChangeType | null, arrow.Table][]> {
  const cdcs = actions.flatMap((a) => a.cdc ? [a.cdc] : []);
  if (cdcs.length > 0) {
    const files = cdcs.map((cdc) => ({ ...cdc, modificationTime: 0 } as Add));
    return [[null, await readTable(fs, withChangeTypeColumn(snapshot, files))]];
  }
  const out: [ChangeType | null, arrow.Table][] = [];
  const added = actions.flatMap((a) => a.add?.dataChange ? [a.add] : []);
  if (added.length > 0) out.push(["insert", await readTable(fs, { ...snapshot, files: added })]);
  const removed = actions.flatMap((a) => a.remove?.dataChange ? [a.remove] : []);
  if (removed.some((r) => r.deletionVector)) {
    throw new Error(
      `Cannot read the change feed of Delta table "${snapshot.table}": a commit without change ` +
        "data files removes a file with a deletion vector, which this reader does not replay",
    );
  }
  if (removed.length > 0) {
    const files = removed.map((r) =>
      ({
        path: r.path,
        partitionValues: r.partitionValues ?? {},
        size: r.size ?? 0,
        modificationTime: 0,
        dataChange: true,
      }) satisfies Add
    );
    out.push(["delete", await readTable(fs, { ...snapshot, files })]);
  }
  return out;
}

/** The table with `files` (change data files) and `_change_type` among its columns. */
function withChangeTypeColumn(snapshot: Snapshot, files: Add[]): Snapshot {
  const schema = JSON.parse(snapshot.metadata.schemaString);
  schema.fields.push({ name: CHANGE_TYPE, type: "string", nullable: true, metadata: {} });
  return {
    ...snapshot,
    metadata: { ...snapshot.metadata, schemaString: JSON.stringify(schema) },
    files,
  };
}

/** A metaData action in the range that changes the schema: rows before it have other columns. */
function checkSchemaKept(snapshot: Snapshot, actions: readonly Action[], version: number): void {
  const changed = actions.find((a) =>
    a.metaData && a.metaData.schemaString !== snapshot.metadata.schemaString
  );
  if (changed) {
    throw new Error(
      `Cannot read the change feed of Delta table "${snapshot.table}" across version ` +
        `${version}: its schema changed there; read the versions before and after it apart`,
    );
  }
}

/** A feed batch from a batch of table rows (with `_change_type` when `type` is null). */
function feedBatch(
  schema: arrow.Schema,
  batch: arrow.RecordBatch,
  type: ChangeType | null,
  version: number,
  micros: bigint,
): arrow.RecordBatch {
  const n = batch.numRows;
  const columns = schema.fields.slice(0, -3).map((f) => batch.getChild(f.name)!.data[0]);
  const changeType = type === null
    ? batch.getChild(CHANGE_TYPE)!.data[0]
    : arrow.vectorFromArray(new Array(n).fill(type), new arrow.Utf8()).data[0];
  const children = [
    ...columns,
    changeType,
    arrow.makeData({
      type: new arrow.Int64(),
      length: n,
      data: new BigInt64Array(n).fill(BigInt(version)),
    }),
    arrow.makeData({
      type: new arrow.TimestampMicrosecond("UTC"),
      length: n,
      data: new BigInt64Array(n).fill(micros),
    }),
  ];
  return columnsBatch(schema, children, n);
}
