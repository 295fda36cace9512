/**
 * Reading a table's change data feed (as Spark's `readChangeFeed` and delta-rs's `load_cdf`
 * do): versions a..b as rows of the table's columns plus `_change_type`, `_commit_version`
 * and `_commit_timestamp`. A commit with `cdc` files gives exactly their rows; any other
 * commit gives its added files' rows as inserts and its removed files' rows as deletes, when
 * they change data (`dataChange`; a compaction's do not).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Action, Add } from "./actions.ts";
import type { DeltaFs } from "./fs.ts";
import { readCommit, readSnapshot } from "./log_reader.ts";
import { readTable, readTableBatches } from "./read_data.ts";
import type { Snapshot } from "./snapshot.ts";
import { CHANGE_TYPE, type ChangeType } from "./change_feed.ts";

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
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: n,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(schema, data);
}
