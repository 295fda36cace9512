/**
 * Checkpoints (PROTOCOL.md, "Checkpoints"): the reconciled state of a version as one Parquet
 * file in the schema Spark writes, plus `_last_checkpoint`, so a reader of a long-lived
 * stream replays one file and a few commits instead of the whole log. Classic (V1 spec) ones,
 * or on a table with the v2Checkpoint feature UUID-named V2 spec ones (checkpoint_v2.ts).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { commitFileName } from "./actions.ts";
import { type DeltaFs, joinPath, logFolder } from "./fs.ts";
import type { TableState } from "./commit.ts";
import type { DeletionVectorDescriptor } from "./deletion_vector.ts";
import { encodeParquet } from "../parquet/mod.ts";
import { columnsBatch } from "../arrow/batch.ts";
import { writerFeatures } from "./features.ts";
import { type Cell, columnData } from "./checkpoint_columns.ts";
import {
  checkpointMetadataCell,
  usesV2Checkpoints,
  v2CheckpointHint,
  v2CheckpointName,
} from "./checkpoint_v2.ts";

/** Commits between checkpoints, as Spark's default `delta.checkpointInterval`. */
export const DEFAULT_CHECKPOINT_INTERVAL = 10;

/**
 * Active files whose checkpointing one commit may pay for under the default interval. A
 * checkpoint rewrites every active file's `add`, so on a table that only grows (a live run's
 * commit every 10 s) one every 10 versions costs a tenth of a checkpoint per commit, growing
 * without end: a day in (8,640 files, a 32 ms checkpoint on a quiet machine), 3.2 ms per
 * commit, against about 1 ms for the commit itself. Spacing checkpoints by at least
 * files / 100 versions (every 90 a day in: 0.36 ms per commit) bounds that share, at the
 * price of readers replaying up to as many small commits after the checkpoint.
 */
export const CHECKPOINT_FILES_PER_COMMIT = 100;

/**
 * Versions between two checkpoints under the default interval, at most, whatever the table's
 * size: a reader replays no more commits than this after the last checkpoint (a reader of an
 * object store fetches each one), while a checkpoint of a week of 10 s commits (60,000 files)
 * still costs each commit about a hundredth of it.
 */
export const MAX_CHECKPOINT_SPACING = 100;

/**
 * Whether `state`'s version gets a checkpoint: a multiple of the interval (the writer's
 * `interval`, else the table's `delta.checkpointInterval`, else the default), as Spark
 * checkpoints; under the default interval, also at least files /
 * {@link CHECKPOINT_FILES_PER_COMMIT} versions (at most {@link MAX_CHECKPOINT_SPACING}) after
 * the last checkpoint the writer knows,
 * so a large table's checkpoints cost each commit about what a small one's do. An interval
 * the table or the writer sets is kept exactly.
 */
export function checkpointDue(state: TableState, interval?: number): boolean {
  const property = Number(state.metadata?.configuration?.["delta.checkpointInterval"]);
  const set = interval ?? (Number.isInteger(property) && property > 0 ? property : undefined);
  const every = set ?? DEFAULT_CHECKPOINT_INTERVAL;
  const { version, lastCheckpoint } = state;
  if (every <= 0 || version <= 0 || version % every !== 0) return false;
  if (set !== undefined || lastCheckpoint === undefined) return true;
  const spacing = Math.min(state.files.size / CHECKPOINT_FILES_PER_COMMIT, MAX_CHECKPOINT_SPACING);
  return version - lastCheckpoint >= spacing;
}
/** How long tombstones are kept, as Spark's default `delta.deletedFileRetentionDuration`. */
export const TOMBSTONE_RETENTION_MS = 7 * 24 * 3600 * 1000;

const str = () => new arrow.Utf8();
const long = () => new arrow.Int64();
const field = (name: string, type: arrow.DataType, nullable = true) =>
  new arrow.Field(name, type, nullable);
const stringMap = () =>
  new arrow.Map_(
    new arrow.Field(
      "key_value",
      new arrow.Struct<{ key: arrow.Utf8; value: arrow.Utf8 }>([
        new arrow.Field("key", str(), false),
        new arrow.Field("value", str(), true),
      ]),
      false,
    ),
  );
const stringList = () => new arrow.List(field("element", str()));
/** The deletion vector descriptor (PROTOCOL.md, "Deletion Vector Descriptor Schema"). */
const deletionVector = () =>
  new arrow.Struct([
    field("storageType", str()),
    field("pathOrInlineDv", str()),
    field("offset", new arrow.Int32()),
    field("sizeInBytes", new arrow.Int32()),
    field("cardinality", long()),
  ]);

/**
 * The checkpoint schema Spark writes (the columns this writer fills). `extended` adds the
 * columns of row tracking (row ids on adds and removes), clustering (`clusteringProvider`),
 * metadata domains and V2 spec checkpoints (PROTOCOL.md, "Checkpoint Schema"): only tables
 * with those features pay for them.
 */
function checkpointSchema(extended: boolean): arrow.Schema {
  const rowIds = extended
    ? [field("baseRowId", long()), field("defaultRowCommitVersion", long())]
    : [];
  const extra = extended
    ? [
      field(
        "domainMetadata",
        new arrow.Struct([
          field("domain", str()),
          field("configuration", str()),
          field("removed", new arrow.Bool()),
        ]),
      ),
      field(
        "checkpointMetadata",
        new arrow.Struct([field("version", long()), field("tags", stringMap())]),
      ),
      field(
        "sidecar",
        new arrow.Struct([
          field("path", str()),
          field("sizeInBytes", long()),
          field("modificationTime", long()),
          field("tags", stringMap()),
        ]),
      ),
    ]
    : [];
  return new arrow.Schema([
    field(
      "txn",
      new arrow.Struct([
        field("appId", str()),
        field("version", long()),
        field("lastUpdated", long()),
      ]),
    ),
    field(
      "add",
      new arrow.Struct([
        field("path", str()),
        field("partitionValues", stringMap()),
        field("size", long()),
        field("modificationTime", long()),
        field("dataChange", new arrow.Bool()),
        field("tags", stringMap()),
        field("deletionVector", deletionVector()),
        field("stats", str()),
        ...rowIds,
        ...(extended ? [field("clusteringProvider", str())] : []),
      ]),
    ),
    field(
      "remove",
      new arrow.Struct([
        field("path", str()),
        field("deletionTimestamp", long()),
        field("dataChange", new arrow.Bool()),
        field("extendedFileMetadata", new arrow.Bool()),
        field("partitionValues", stringMap()),
        field("size", long()),
        field("deletionVector", deletionVector()),
        ...rowIds,
      ]),
    ),
    field(
      "metaData",
      new arrow.Struct([
        field("id", str()),
        field("name", str()),
        field("description", str()),
        field(
          "format",
          new arrow.Struct([field("provider", str()), field("options", stringMap())]),
        ),
        field("schemaString", str()),
        field("partitionColumns", stringList()),
        field("configuration", stringMap()),
        field("createdTime", long()),
      ]),
    ),
    field(
      "protocol",
      new arrow.Struct([
        field("minReaderVersion", new arrow.Int32()),
        field("minWriterVersion", new arrow.Int32()),
        field("readerFeatures", stringList()),
        field("writerFeatures", stringList()),
      ]),
    ),
    ...extra,
  ]);
}

/** The checkpoint schema of tables without row tracking, domains or V2 checkpoints. */
export const CHECKPOINT_SCHEMA = checkpointSchema(false);
/** The checkpoint schema of tables with them. */
export const EXTENDED_CHECKPOINT_SCHEMA = checkpointSchema(true);

/** Writer features whose actions need {@link EXTENDED_CHECKPOINT_SCHEMA}'s columns. */
const EXTENDED_FEATURES = ["rowTracking", "domainMetadata", "clustering", "v2Checkpoint"];

/** Options of {@link writeCheckpoint}. */
export interface CheckpointOptions {
  /** Current time in ms: tombstones older than the retention period are dropped. */
  now?: number;
}

/**
 * Writes the checkpoint of `state` (at `state.version`) and points `_last_checkpoint` at it.
 * Safe beside other writers: the checkpoint file is published only if no other writer wrote
 * it first, and `_last_checkpoint` only ever moves forward as readers treat it as a hint.
 */
export async function writeCheckpoint(
  fs: DeltaFs,
  state: TableState,
  options: CheckpointOptions = {},
): Promise<void> {
  const now = options.now ?? Date.now();
  const v2 = state.protocol !== undefined && usesV2Checkpoints(state.protocol);
  const table = checkpointTable(state, now);
  const bytes = encodeParquet(table);
  const logDir = logFolder(state.table);
  const prefix = commitFileName(state.version).slice(0, 20);
  const name = v2 ? v2CheckpointName(state.version) : `${prefix}.checkpoint.parquet`;
  await fs.putIfAbsent(joinPath(logDir, name), bytes);
  const previous = await readLastCheckpointVersion(fs, logDir);
  if (previous !== undefined && previous >= state.version) return;
  const hint = JSON.stringify({
    version: state.version,
    size: table.numRows,
    sizeInBytes: bytes.length,
    numOfAddFiles: state.files.size,
    ...(v2 ? { v2Checkpoint: v2CheckpointHint(name, bytes.length, now) } : {}),
  });
  await fs.overwrite(joinPath(logDir, "_last_checkpoint"), new TextEncoder().encode(hint));
}

/**
 * The checkpoint of `state` (at `state.version`) as an Arrow table in Spark's checkpoint
 * schema: {@link EXTENDED_CHECKPOINT_SCHEMA} on tables with row tracking, domains,
 * clustering or V2 checkpoints, else {@link CHECKPOINT_SCHEMA}. Tombstones older than the
 * retention period before `now` (ms) are left out.
 */
export function checkpointTable(state: TableState, now: number): arrow.Table {
  const v2 = state.protocol !== undefined && usesV2Checkpoints(state.protocol);
  const extended = v2 || state.domains.size > 0 ||
    (state.protocol !== undefined &&
      EXTENDED_FEATURES.some((f) => writerFeatures(state.protocol!).includes(f)));
  const runs = checkpointActions(state, now, extended);
  // A V2 spec checkpoint starts with its checkpointMetadata; its file actions stay in it.
  if (v2) runs.unshift(["checkpointMetadata", [checkpointMetadataCell(state.version)]]);
  return tableOfRuns(runs, extended ? EXTENDED_CHECKPOINT_SCHEMA : CHECKPOINT_SCHEMA);
}

/** A checkpoint's rows: runs of rows that each set one action column, in the order written. */
type ActionRuns = [column: string, cells: Cell[]][];

/** One row per action: protocol, metaData, each txn, each active file, recent tombstones. */
function checkpointActions(state: TableState, now: number, extended: boolean): ActionRuns {
  if (!state.protocol || !state.metadata) {
    throw new Error(`Cannot checkpoint Delta table "${state.table}" before it exists`);
  }
  const p = state.protocol;
  const m = state.metadata;
  const protocol = {
    minReaderVersion: p.minReaderVersion,
    minWriterVersion: p.minWriterVersion,
    readerFeatures: p.readerFeatures ?? null,
    writerFeatures: p.writerFeatures ?? null,
  };
  const metaData = {
    id: m.id,
    name: m.name ?? null,
    description: m.description ?? null,
    format: { provider: m.format.provider, options: m.format.options ?? {} },
    schemaString: m.schemaString,
    partitionColumns: m.partitionColumns,
    configuration: m.configuration ?? {},
    createdTime: m.createdTime ?? null,
  };
  const txns = [...state.txns.values()].map((t) => ({
    appId: t.appId,
    version: t.version,
    lastUpdated: t.lastUpdated ?? null,
  }));
  const domains = extended
    ? [...state.domains.values()].map((d) => ({
      domain: d.domain,
      configuration: d.configuration,
      removed: false,
    }))
    : [];
  const adds = [...state.files.values()].map((a) => ({
    path: a.path,
    partitionValues: a.partitionValues ?? {},
    size: a.size,
    modificationTime: a.modificationTime,
    // In a checkpoint every add is part of the state, not a change.
    dataChange: false,
    tags: a.tags ?? null,
    // Dropping it would bring deleted rows back (and break the (path, dv) key).
    deletionVector: dvCell(a.deletionVector),
    stats: a.stats ?? null,
    // Read only by the extended schema.
    baseRowId: a.baseRowId ?? null,
    defaultRowCommitVersion: a.defaultRowCommitVersion ?? null,
    clusteringProvider: a.clusteringProvider ?? null,
  }));
  const removes = [];
  for (const r of state.tombstones.values()) {
    if ((r.deletionTimestamp ?? now) < now - TOMBSTONE_RETENTION_MS) continue;
    removes.push({
      path: r.path,
      deletionTimestamp: r.deletionTimestamp ?? null,
      dataChange: false,
      extendedFileMetadata: r.extendedFileMetadata ?? null,
      partitionValues: r.partitionValues ?? null,
      size: r.size ?? null,
      deletionVector: dvCell(r.deletionVector),
      baseRowId: r.baseRowId ?? null,
      defaultRowCommitVersion: r.defaultRowCommitVersion ?? null,
    });
  }
  return [
    ["protocol", [protocol]],
    ["metaData", [metaData]],
    ["txn", txns],
    ["domainMetadata", domains],
    ["add", adds],
    ["remove", removes],
  ];
}

/**
 * One record batch on `schema` itself: its IPC schema message, the larger part of the bytes
 * handed to the Parquet encoder for a small table, is then encoded once per process (see
 * lib/parquet/_ipc.ts), not at every checkpoint. Each column holds its run's cells (one run
 * per column) and is null in every other row.
 */
function tableOfRuns(runs: ActionRuns, schema: arrow.Schema): arrow.Table {
  const placed = new Map<string, { cells: Cell[]; at: number }>();
  let length = 0;
  for (const [column, cells] of runs) {
    placed.set(column, { cells, at: length });
    length += cells.length;
  }
  const columns = schema.fields.map((f) => {
    const { cells, at } = placed.get(f.name) ?? { cells: [], at: 0 };
    return columnData(f.type, cells, f.name, { at, length });
  });
  return new arrow.Table(schema, [columnsBatch(schema, columns, length)]);
}

function dvCell(dv: unknown): Record<string, Cell> | null {
  if (!dv || typeof dv !== "object") return null;
  const d = dv as DeletionVectorDescriptor;
  return {
    storageType: d.storageType,
    pathOrInlineDv: d.pathOrInlineDv,
    offset: d.offset ?? null,
    sizeInBytes: d.sizeInBytes,
    cardinality: d.cardinality,
  };
}

async function readLastCheckpointVersion(
  fs: DeltaFs,
  logDir: string,
): Promise<number | undefined> {
  try {
    const hint = JSON.parse(
      new TextDecoder().decode(await fs.readFile(joinPath(logDir, "_last_checkpoint"))),
    );
    return typeof hint?.version === "number" ? hint.version : undefined;
  } catch {
    return undefined;
  }
}
