/**
 * `inspect DIR/TABLE`: what a Delta table is — version, protocol and table features (and
 * whether tablestream reads and writes it), properties, schema, partitioning, active files
 * and rows, the last txn per application, and recent history. A table tablestream cannot
 * read is still described: only its log is read.
 *
 * @module
 */
import { type Add, decodePath } from "../delta/actions.ts";
import { findMissingFiles, type MissingFile, missingFilesReason } from "../delta/missing_files.ts";
import { readCommit, readSnapshot } from "../delta/log_reader.ts";
import type { DeltaFs } from "../delta/fs.ts";
import { fsFor } from "../delta/storage.ts";
import {
  columnMappingMode,
  readerFeatures,
  readRefusal,
  writeRefusal,
  writerFeatures,
} from "../delta/features.ts";
import { countRowsFromFiles, type RowCount } from "../delta/read_data.ts";
import type { HistoryEntry, Snapshot } from "../delta/snapshot.ts";
import { clusteringColumns } from "../delta/domains.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { parseShardAppId } from "../stream/shard.ts";

/** How many history entries `inspect` shows. */
const HISTORY_LIMIT = 10;

interface SchemaField {
  name: string;
  type: unknown;
  nullable: boolean;
}

/** The facts `inspect` prints, as data (what `--json` writes). */
export interface TableSummary {
  table: string;
  version: number;
  protocol: {
    minReaderVersion: number;
    minWriterVersion: number;
    readerFeatures?: string[];
    writerFeatures?: string[];
  };
  /** The table features the protocol needs, those a legacy version implies included. */
  features: { reader: string[]; writer: string[] };
  /** Whether tablestream reads and writes the table: null when it does, else why not. */
  tablestream: { readRefusal: string | null; writeRefusal: string | null };
  /** `metaData.configuration`: the table properties. */
  properties: Record<string, string>;
  /** Column mapping mode: none, name or id. */
  columnMapping: string;
  schema: { name: string; type: string; nullable: boolean }[];
  partitionColumns: string[];
  /** Liquid clustering columns (the `delta.clustering` domain; physical names). */
  clusteringColumns: string[];
  /** The table's metadata domains (row tracking's high-water mark, clustering, others'). */
  domains: { domain: string; configuration: string }[];
  files: number;
  /** Rows of the active files (stats' `numRecords`, else the Parquet footers), less deleted. */
  rows: number;
  /** Files counted from their Parquet footers, as they have no `numRecords` stats. */
  filesWithoutStats: number;
  /** Rows deletion vectors mark as deleted (not in `rows`). */
  deletedRows: number;
  /** Active files not on disk as the log says (missing, or of another size). */
  missingFiles: MissingFile[];
  bytes: number;
  checkpointVersion: number | null;
  txns: { appId: string; version: number; lastUpdated: number | null }[];
  /**
   * Shards writing the table (their txns, `<base>:shard-i-of-N`), per base id: each shard's
   * last committed version (a tick of `run`, rows committed of `generate`), null for a shard
   * that has not committed yet.
   */
  shards: { appId: string; count: number; versions: (number | null)[] }[];
  history: {
    version: number;
    timestamp: number | null;
    operation: string | null;
    mode: string | null;
    /**
     * Rows the commit wrote, when it says: `operationMetrics.numOutputRows` (Spark, us) or
     * `num_added_rows` (delta-rs).
     */
    rows: number | null;
  }[];
}

/** Summarises a snapshot, its row count and the history entries given (newest last). */
export function summarize(
  snapshot: Snapshot,
  count: RowCount,
  history = snapshot.history,
  missing: MissingFile[] = [],
): TableSummary {
  const schema = JSON.parse(snapshot.metadata.schemaString) as { fields: SchemaField[] };
  const { protocol, metadata } = snapshot;
  return {
    table: snapshot.table,
    version: snapshot.version,
    protocol,
    features: { reader: readerFeatures(protocol), writer: writerFeatures(protocol) },
    tablestream: {
      readRefusal: readRefusal(protocol, metadata) ?? null,
      writeRefusal: writeRefusal(protocol, metadata) ??
        (missing.length ? missingFilesReason(missing) : null),
    },
    properties: { ...metadata.configuration },
    columnMapping: columnMappingMode(protocol, metadata),
    schema: schema.fields.map((f) => ({
      name: f.name,
      // Nested fields by logical name, without column mapping's physical names and ids.
      type: typeof f.type === "string"
        ? f.type
        : JSON.stringify(f.type, (key, value) => key === "metadata" ? undefined : value),
      nullable: f.nullable,
    })),
    partitionColumns: snapshot.metadata.partitionColumns,
    clusteringColumns: clusteringColumns(
      new Map((snapshot.domains ?? []).map((d) => [d.domain, d])),
    ),
    domains: (snapshot.domains ?? []).map(({ domain, configuration }) => ({
      domain,
      configuration,
    })),
    files: snapshot.files.length,
    rows: count.rows,
    filesWithoutStats: count.fromFooters,
    deletedRows: snapshot.files.reduce((n, f) => n + deletedBy(f), 0),
    missingFiles: missing,
    bytes: snapshot.files.reduce((n, f) => n + f.size, 0),
    checkpointVersion: snapshot.checkpointVersion ?? null,
    txns: [...snapshot.txns.values()].map((t) => ({
      appId: t.appId,
      version: t.version,
      lastUpdated: t.lastUpdated ?? null,
    })),
    shards: shardsOf(snapshot),
    history: history.slice(-HISTORY_LIMIT).reverse().map((h) => {
      const info = h.commitInfo as Record<string, unknown>;
      const params = info.operationParameters as Record<string, unknown> | undefined;
      const metrics = info.operationMetrics as Record<string, unknown> | undefined;
      const written = metrics?.numOutputRows ?? metrics?.num_added_rows;
      const rows = Number(written);
      return {
        version: h.version,
        timestamp: typeof info.timestamp === "number" ? info.timestamp : null,
        operation: typeof info.operation === "string" ? info.operation : null,
        mode: typeof params?.mode === "string" ? params.mode : null,
        rows: Number.isFinite(rows) && written !== undefined && written !== null ? rows : null,
      };
    }),
  };
}

/** The shards of each base application id among the table's txns. */
function shardsOf(snapshot: Snapshot): TableSummary["shards"] {
  const groups = new Map<string, { appId: string; count: number; versions: (number | null)[] }>();
  for (const txn of snapshot.txns.values()) {
    const parsed = parseShardAppId(txn.appId);
    if (!parsed) continue;
    const key = `${parsed.base}\u0000${parsed.shard.count}`;
    let group = groups.get(key);
    if (!group) {
      const versions = new Array<number | null>(parsed.shard.count).fill(null);
      groups.set(key, group = { appId: parsed.base, count: parsed.shard.count, versions });
    }
    group.versions[parsed.shard.index] = txn.version;
  }
  return [...groups.values()];
}

/** Rows a file's deletion vector removes. */
function deletedBy(add: Add): number {
  const dv = add.deletionVector as { cardinality?: number } | null | undefined;
  return Number(dv?.cardinality ?? 0);
}

/** The summary as aligned text. */
export function formatSummary(s: TableSummary): string {
  const features = (kind: "reader" | "writer", listedFrom: number) => {
    const version = kind === "reader" ? s.protocol.minReaderVersion : s.protocol.minWriterVersion;
    const names = s.features[kind];
    const text = names.length ? names.join(", ") : "none";
    return `${kind}: ${text}` +
      (version < listedFrom && names.length ? ` (implied by ${kind} version ${version})` : "");
  };
  const rows = [
    `${s.files} active, ${s.rows} rows`,
    ...(s.deletedRows ? [`${s.deletedRows} more deleted by deletion vectors`] : []),
    ...(s.missingFiles.length
      ? [`${s.missingFiles.length} NOT ON DISK as the log says (rows counted without them)`]
      : []),
    ...(s.filesWithoutStats
      ? [
        `${s.filesWithoutStats} file${
          s.filesWithoutStats > 1 ? "s" : ""
        } without stats counted from Parquet footers`,
      ]
      : []),
    `${s.bytes} bytes`,
  ];
  const lines = [
    `Table:       ${s.table}`,
    `Version:     ${s.version}` +
    (s.checkpointVersion === null ? "" : ` (checkpoint at ${s.checkpointVersion})`),
    `Protocol:    reader ${s.protocol.minReaderVersion}, writer ${s.protocol.minWriterVersion}`,
    `Features:    ${features("reader", 3)}`,
    `             ${features("writer", 7)}`,
    `tablestream: ${
      s.tablestream.readRefusal ? `cannot read it: ${s.tablestream.readRefusal}` : "reads it"
    }; ${
      s.tablestream.readRefusal
        ? "does not write it"
        : s.tablestream.writeRefusal
        ? `does not write it: ${s.tablestream.writeRefusal}`
        : "can append to it"
    }`,
    ...(s.columnMapping !== "none"
      ? [`Columns:     mapped by ${s.columnMapping} (column mapping)`]
      : []),
    `Partitioned: ${s.partitionColumns.length ? s.partitionColumns.join(", ") : "no"}`,
    ...(s.clusteringColumns.length ? [`Clustered:   by ${s.clusteringColumns.join(", ")}`] : []),
    `Files:       ${rows.join(", ")}`,
    "Properties:",
    ...(Object.keys(s.properties).length === 0 ? ["  none"] : []),
    ...Object.entries(s.properties).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) =>
      `  ${k} = ${v}`
    ),
    ...(s.domains.length ? ["Domains:"] : []),
    ...s.domains.map((d) => `  ${d.domain} = ${d.configuration}`),
    "Schema:",
  ];
  const width = Math.max(...s.schema.map((f) => f.name.length), 4);
  for (const f of s.schema) {
    lines.push(`  ${f.name.padEnd(width)}  ${f.type}${f.nullable ? "" : " not null"}`);
  }
  lines.push("Transactions (last version per application):");
  if (s.txns.length === 0) lines.push("  none");
  for (const t of s.txns) {
    const when = t.lastUpdated === null ? "" : `  ${new Date(t.lastUpdated).toISOString()}`;
    lines.push(`  ${t.appId}  version ${t.version}${when}`);
  }
  for (const group of s.shards) {
    const done = group.versions.filter((v) => v !== null).length;
    lines.push(`Shards of ${group.appId} (${done} of ${group.count} have committed):`);
    group.versions.forEach((v, i) => {
      lines.push(`  shard ${i}/${group.count}  ${v === null ? "no commit yet" : `version ${v}`}`);
    });
  }
  lines.push(`History (newest first, at most ${HISTORY_LIMIT}):`);
  for (const h of s.history) {
    const when = h.timestamp === null ? "-" : new Date(h.timestamp).toISOString();
    const rows = h.rows === null ? "" : `, ${h.rows} rows`;
    lines.push(
      `  v${h.version}  ${when}  ${h.operation ?? "-"}${h.mode ? ` (${h.mode})` : ""}${rows}`,
    );
  }
  return lines.join("\n") + "\n";
}

/** The `inspect` command. */
export const inspectCommand: Command = {
  name: "inspect",
  summary: "Describe a Delta table: version, protocol, schema, files, rows, txns and history.",
  usage: "inspect DIR/TABLE [--json]",
  positionals: {
    name: "table",
    description: "The Delta table's folder, or its s3://bucket/prefix/table URL",
  },
  options: {
    json: { type: "boolean", description: "Print the facts as JSON" },
  },
  async run(values, io) {
    const table = values._ as string | undefined;
    if (!table) {
      throw new UsageError("inspect needs the table folder: tablestream inspect DIR/TABLE");
    }
    // The log is described even when tablestream cannot read the data: that is the point.
    const fs = fsFor(table);
    const snapshot = await readSnapshot(fs, table, { checkFeatures: false });
    const missing = await findMissingFiles(fs, snapshot.table, snapshot.files);
    const gone = new Set(missing.map((m) => m.path));
    const present = snapshot.files.filter((f) => !gone.has(decodePath(f.path)));
    const count = await countRowsFromFiles(fs, { ...snapshot, files: present });
    const summary = summarize(snapshot, count, await recentHistory(fs, snapshot), missing);
    if (missing.length && !values.json) {
      io.stderr(`warning: ${missingFilesReason(missing)}; readers such as Spark fail on it\n`);
    }
    io.stdout(values.json ? JSON.stringify(summary, null, 2) + "\n" : formatSummary(summary));
    return EXIT.ok;
  },
};

/**
 * The commitInfo of the last {@link HISTORY_LIMIT} commits, read from their files (log replay
 * from a checkpoint skips older commits). Commits already cleaned up are left out.
 */
async function recentHistory(fs: DeltaFs, snapshot: Snapshot): Promise<HistoryEntry[]> {
  const history: HistoryEntry[] = [];
  for (let v = Math.max(0, snapshot.version - HISTORY_LIMIT + 1); v <= snapshot.version; v++) {
    const known = snapshot.history.find((h) => h.version === v);
    if (known) {
      history.push(known);
      continue;
    }
    try {
      const info = (await readCommit(fs, snapshot.table, v)).find((a) => a.commitInfo);
      history.push({ version: v, commitInfo: info?.commitInfo ?? {} });
    } catch {
      // Log cleanup may have removed commits that a checkpoint covers.
    }
  }
  return history;
}
