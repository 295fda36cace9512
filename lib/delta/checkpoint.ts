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
import {
  checkpointMetadataRow,
  usesV2Checkpoints,
  v2CheckpointHint,
  v2CheckpointName,
} from "./checkpoint_v2.ts";

/** Commits between checkpoints, as Spark's default `delta.checkpointInterval`. */
export const DEFAULT_CHECKPOINT_INTERVAL = 10;
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
  const extended = v2 || state.domains.size > 0 ||
    (state.protocol !== undefined &&
      EXTENDED_FEATURES.some((f) => writerFeatures(state.protocol!).includes(f)));
  const rows = checkpointRows(state, now, extended);
  // A V2 spec checkpoint starts with its checkpointMetadata; its file actions stay in it.
  if (v2) rows.unshift(checkpointMetadataRow(state.version));
  const schema = extended ? EXTENDED_CHECKPOINT_SCHEMA : CHECKPOINT_SCHEMA;
  const bytes = encodeParquet(checkpointTable(rows, schema));
  const logDir = logFolder(state.table);
  const prefix = commitFileName(state.version).slice(0, 20);
  const name = v2 ? v2CheckpointName(state.version) : `${prefix}.checkpoint.parquet`;
  await fs.putIfAbsent(joinPath(logDir, name), bytes);
  const previous = await readLastCheckpointVersion(fs, logDir);
  if (previous !== undefined && previous >= state.version) return;
  const hint = JSON.stringify({
    version: state.version,
    size: rows.length,
    sizeInBytes: bytes.length,
    numOfAddFiles: state.files.size,
    ...(v2 ? { v2Checkpoint: v2CheckpointHint(name, bytes.length, now) } : {}),
  });
  await fs.overwrite(joinPath(logDir, "_last_checkpoint"), new TextEncoder().encode(hint));
}

type Row = Record<string, unknown>;

/** One row per action: protocol, metaData, each txn, each active file, recent tombstones. */
function checkpointRows(state: TableState, now: number, extended: boolean): Row[] {
  if (!state.protocol || !state.metadata) {
    throw new Error(`Cannot checkpoint Delta table "${state.table}" before it exists`);
  }
  const p = state.protocol;
  const m = state.metadata;
  const rows: Row[] = [
    {
      protocol: {
        minReaderVersion: p.minReaderVersion,
        minWriterVersion: p.minWriterVersion,
        readerFeatures: p.readerFeatures ?? null,
        writerFeatures: p.writerFeatures ?? null,
      },
    },
    {
      metaData: {
        id: m.id,
        name: m.name ?? null,
        description: m.description ?? null,
        format: { provider: m.format.provider, options: toMap(m.format.options) },
        schemaString: m.schemaString,
        partitionColumns: m.partitionColumns,
        configuration: toMap(m.configuration),
        createdTime: big(m.createdTime),
      },
    },
  ];
  for (const t of state.txns.values()) {
    rows.push({
      txn: { appId: t.appId, version: BigInt(t.version), lastUpdated: big(t.lastUpdated) },
    });
  }
  if (extended) {
    for (const d of state.domains.values()) {
      rows.push({
        domainMetadata: { domain: d.domain, configuration: d.configuration, removed: false },
      });
    }
  }
  for (const a of state.files.values()) {
    rows.push({
      add: {
        path: a.path,
        partitionValues: toMap(a.partitionValues),
        size: BigInt(a.size),
        modificationTime: BigInt(a.modificationTime),
        // In a checkpoint every add is part of the state, not a change.
        dataChange: false,
        tags: a.tags ? toMap(a.tags) : null,
        // Dropping it would bring deleted rows back (and break the (path, dv) key).
        deletionVector: dvRow(a.deletionVector),
        stats: a.stats ?? null,
        ...(extended
          ? { ...rowIdFields(a), clusteringProvider: a.clusteringProvider ?? null }
          : {}),
      },
    });
  }
  for (const r of state.tombstones.values()) {
    if ((r.deletionTimestamp ?? now) < now - TOMBSTONE_RETENTION_MS) continue;
    rows.push({
      remove: {
        path: r.path,
        deletionTimestamp: big(r.deletionTimestamp),
        dataChange: false,
        extendedFileMetadata: r.extendedFileMetadata ?? null,
        partitionValues: r.partitionValues ? toMap(r.partitionValues) : null,
        size: big(r.size),
        deletionVector: dvRow(r.deletionVector),
        ...(extended ? rowIdFields(r) : {}),
      },
    });
  }
  return rows;
}

function checkpointTable(rows: Row[], schema: arrow.Schema): arrow.Table {
  const columns = schema.fields.map((f) =>
    arrow.vectorFromArray(rows.map((row) => row[f.name] ?? null), f.type)
  );
  if (columns.some((column) => column.data.length !== 1)) {
    // Columns in several chunks (a large table): Arrow cuts them into batches.
    return new arrow.Table(
      Object.fromEntries(schema.fields.map((f, i) => [f.name, columns[i]])),
    );
  }
  // One batch on the schema itself: its IPC schema message, the larger part of the bytes
  // handed to the Parquet encoder for a small table, is then encoded once per process (see
  // lib/parquet/_ipc.ts), not at every checkpoint.
  const batch = columnsBatch(schema, columns.map((c) => c.data[0]), rows.length);
  return new arrow.Table(schema, [batch]);
}

function dvRow(dv: unknown): Row | null {
  if (!dv || typeof dv !== "object") return null;
  const d = dv as DeletionVectorDescriptor;
  return {
    storageType: d.storageType,
    pathOrInlineDv: d.pathOrInlineDv,
    offset: d.offset ?? null,
    sizeInBytes: d.sizeInBytes,
    cardinality: BigInt(d.cardinality),
  };
}

/** Row tracking's fields of a file action (null when it has none). */
function rowIdFields(file: { baseRowId?: number | null; defaultRowCommitVersion?: number | null }) {
  return {
    baseRowId: big(file.baseRowId),
    defaultRowCommitVersion: big(file.defaultRowCommitVersion),
  };
}

function toMap(record: Record<string, string | null> | null | undefined): Map<string, unknown> {
  return new Map(Object.entries(record ?? {}));
}

function big(value: number | null | undefined): bigint | null {
  return value === null || value === undefined ? null : BigInt(value);
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
