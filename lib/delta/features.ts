/**
 * Table features (PROTOCOL.md, "Table Features", "Writer Version Requirements"): what a
 * table's protocol asks of readers and writers, and whether ours do it.
 *
 * A table on writer version 7 lists its writer features; an older one implies the features
 * of its version and the ones below (2: appendOnly, invariants; 3: checkConstraints;
 * 4: changeDataFeed, generatedColumns; 5: columnMapping; 6: identityColumns). Reader
 * version 2 implies columnMapping; 3 lists its reader features.
 *
 * A feature being *supported* by a table is not the same as it being *active*: most only
 * constrain a writer when the schema or the table properties use them (a `delta.invariants`
 * on a column, a `delta.constraints.*` property...). The decisions, feature by feature:
 *
 * Reading:
 * - `timestampNtz`: read, as Arrow timestamps without a time zone.
 * - `deletionVectors`: read; the rows a deletion vector marks are skipped (deletion_vector.ts).
 * - `columnMapping`: modes `name` and `id` are read, nested fields too: columns by physical
 *   name or Parquet field id, partition values and stats by physical name; users see logical
 *   names only (column_mapping.ts).
 * - `typeWidening` (and Spark's `typeWidening-preview`): read; a file written before a
 *   column was widened is read as the column's current type (type_widening.ts).
 * - `vacuumProtocolCheck`: nothing to do for a reader (it only binds VACUUM).
 * - `v2Checkpoint`: read: UUID-named and classic V2 spec checkpoints, in Parquet or JSON,
 *   with their sidecar files (checkpoint_read.ts). Log compaction files are not needed (the
 *   commits they summarize are read instead).
 * - writer-only features need nothing of a reader: `domainMetadata` (the snapshot keeps the
 *   latest of each domain), `rowTracking` (`baseRowId`/`defaultRowCommitVersion` kept on
 *   files), `clustering`, `icebergCompatV1`/`V2` (read as plain tables).
 * - anything else (`variantType`, `catalogManaged`, ...): refused by name.
 *
 * Writing (tablestream only ever appends whole files, or overwrites by removing whole files):
 * - `appendOnly`: honoured: with `delta.appendOnly = true` an overwrite is refused.
 * - `invariants`, `checkConstraints`: honoured: every row written (appends and copy-on-write
 *   rewrites) is checked against the table's CHECK constraints and column invariants before
 *   the commit, as are NOT NULL columns (table_rules.ts). Their SQL is evaluated when it is in
 *   our Spark SQL subset (sql/); a table with one outside it is refused, naming it.
 * - `generatedColumns`: honoured: a generated column is computed from the row (the data may
 *   leave it out), or, when the data has it, must equal its expression (Spark's rule).
 * - `identityColumns`: honoured: identity values are given out beyond the high-water mark,
 *   which the same commit advances (write_rules.ts); a writer that loses a race to another
 *   that numbered rows numbers its rows again.
 * - `changeDataFeed`: honoured: appends and whole-file removes need no change data files
 *   (PROTOCOL.md, "Change Data Files"); a commit that updates or deletes rows (copy-on-write)
 *   writes `cdc` files holding every change and the commit's inserts (change_feed.ts). A
 *   table that gets changes is given the feature ({@link withChangeDataFeed}).
 * - `deletionVectors`: allowed: we add files without deletion vectors and with exact
 *   `numRecords`; removes and checkpoints carry the deletion vector of the file they name.
 * - `timestampNtz`: allowed: a config's timestamp column appends to a `timestamp_ntz` column
 *   as its UTC wall-clock time (write_checks.ts accepts the pair; column_mapping.ts
 *   `toFileData` writes the table's type).
 * - `allowColumnDefaults`: allowed: we always write every column, so defaults never apply.
 * - `vacuumProtocolCheck`: allowed (binds VACUUM only).
 * - `inCommitTimestamp`: allowed while `delta.enableInCommitTimestamps` is not true;
 *   refused when it is (every commit would need a monotonic `inCommitTimestamp`).
 * - `columnMapping`, modes `name` and `id`: honoured: data files are written with physical
 *   names and Parquet field ids, stats and partition values by physical name; the config's
 *   columns are matched by logical name, so renamed and dropped columns are fine; appends
 *   leave the schema and `delta.columnMapping.maxColumnId` as they are (column_mapping.ts).
 * - `typeWidening`, `typeWidening-preview`: allowed: appends write the current (widened)
 *   type, which the schema check asks the data to have; files keep their types.
 * - `domainMetadata`: honoured: every domain is kept through our commits and checkpoints; a
 *   concurrent commit that wrote a domain ours writes is a conflict (domains.ts).
 * - `rowTracking`: honoured: every add we commit gets `baseRowId` above the high-water mark
 *   (advanced in the same commit) and `defaultRowCommitVersion` (row_tracking.ts); files we
 *   rewrite get fresh ids (no materialized row id columns), tagged
 *   `delta.rowTracking.preserved: false`.
 * - `clustering`: honoured: the `delta.clustering` domain is kept; our files are not
 *   clustered (no `clusteringProvider`), which the protocol allows, and carry stats of every
 *   column (clustering columns need them).
 * - `v2Checkpoint`: honoured: our checkpoints of such tables are UUID-named V2 spec ones
 *   (checkpoint_v2.ts), never multi-part.
 * - `icebergCompatV1`/`V2`: allowed while `delta.enableIcebergCompatV1`/`V2` is not true;
 *   refused when it is: a writer must then write data files with column mapping's field ids
 *   (V2: nested ids too) and partition values materialized in them, which we do not
 *   (PROTOCOL.md, "Writer Requirements for IcebergCompatV2"; the rest we already do: numRecords
 *   stats, int64 timestamps).
 * - refused outright: `variantType`, `catalogManaged`, and any feature this list does not
 *   know.
 *
 * @module
 */
import type { Metadata, Protocol } from "./actions.ts";
import { rulesRefusal } from "./table_rules.ts";

/** Reader features whose requirements our reader implements (see the module's notes). */
export const READER_FEATURES = new Set([
  "timestampNtz",
  "deletionVectors",
  "columnMapping",
  "vacuumProtocolCheck",
  "v2Checkpoint",
  "typeWidening",
  "typeWidening-preview",
]);

/** The highest reader version our reader implements. */
export const MAX_READER_VERSION = 3;

/**
 * Writer features our writer honours whatever the table's schema and properties hold.
 * The conditional ones are checked in {@link writeRefusal}.
 */
const WRITER_FEATURES = new Set([
  "appendOnly",
  "changeDataFeed",
  "deletionVectors",
  "timestampNtz",
  "allowColumnDefaults",
  "vacuumProtocolCheck",
  "invariants",
  "checkConstraints",
  "generatedColumns",
  "identityColumns",
  "columnMapping",
  "inCommitTimestamp",
  "icebergCompatV1",
  "icebergCompatV2",
  "domainMetadata",
  "rowTracking",
  "clustering",
  "v2Checkpoint",
  "typeWidening",
  "typeWidening-preview",
]);

/** The table property that turns the change data feed on. */
export const CHANGE_DATA_FEED = "delta.enableChangeDataFeed";

/**
 * `protocol` with the changeDataFeed writer feature: writer version 4 (which implies it) for a
 * legacy protocol, the feature listed for writer version 7; unchanged when it has it.
 */
export function withChangeDataFeed(protocol: Protocol): Protocol {
  if (writerFeatures(protocol).includes("changeDataFeed")) return protocol;
  if (protocol.minWriterVersion >= 7) {
    return { ...protocol, writerFeatures: [...protocol.writerFeatures ?? [], "changeDataFeed"] };
  }
  // Versions 3 and 4 also imply checkConstraints and generatedColumns, which stay unused.
  return { ...protocol, minWriterVersion: 4 };
}

/** Writer features each legacy writer version adds to the one below it. */
const LEGACY_WRITER_FEATURES: Record<number, string[]> = {
  2: ["appendOnly", "invariants"],
  3: ["checkConstraints"],
  4: ["changeDataFeed", "generatedColumns"],
  5: ["columnMapping"],
  6: ["identityColumns"],
};

/** The reader features a protocol needs, legacy versions included. */
export function readerFeatures(protocol: Protocol): string[] {
  if (protocol.minReaderVersion >= 3) return [...protocol.readerFeatures ?? []];
  return protocol.minReaderVersion === 2 ? ["columnMapping"] : [];
}

/** The writer features a protocol needs, legacy versions included. */
export function writerFeatures(protocol: Protocol): string[] {
  if (protocol.minWriterVersion >= 7) return [...protocol.writerFeatures ?? []];
  const features: string[] = [];
  for (let v = 2; v <= protocol.minWriterVersion; v++) {
    features.push(...LEGACY_WRITER_FEATURES[v] ?? []);
  }
  return features;
}

/** The table's column mapping mode: `none`, `name` or `id` (only when the protocol has it). */
export function columnMappingMode(protocol: Protocol, metadata: Metadata): string {
  if (!readerFeatures(protocol).includes("columnMapping")) return "none";
  return metadata.configuration?.["delta.columnMapping.mode"] ?? "none";
}

/** Why our reader cannot read the table, or undefined when it can. */
export function readRefusal(protocol: Protocol, metadata: Metadata): string | undefined {
  if (protocol.minReaderVersion > MAX_READER_VERSION) {
    return `it needs reader version ${protocol.minReaderVersion}; tablestream reads up to ` +
      `${MAX_READER_VERSION}`;
  }
  const unsupported = readerFeatures(protocol).filter((f) => !READER_FEATURES.has(f));
  if (unsupported.length > 0) {
    return `it needs the reader feature${unsupported.length > 1 ? "s" : ""} ${
      unsupported.join(", ")
    }, which tablestream does not implement (it reads ${[...READER_FEATURES].join(", ")})`;
  }
  const mode = columnMappingMode(protocol, metadata);
  if (mode !== "none" && mode !== "name" && mode !== "id") {
    return `it uses the unknown column mapping mode "${mode}" (reader feature columnMapping); ` +
      'tablestream reads modes "name" and "id"';
  }
  return undefined;
}

/**
 * Why our writer must not write to the table, naming the table feature, or undefined when
 * it may append (and overwrite, unless append-only). Reading must be possible too: a writer
 * reads the table's state and, when it adopts a table, its rows.
 */
export function writeRefusal(protocol: Protocol, metadata: Metadata): string | undefined {
  const read = readRefusal(protocol, metadata);
  if (read) return read;
  if (protocol.minWriterVersion > 7) {
    return `it needs writer version ${protocol.minWriterVersion}; tablestream writes up to 7`;
  }
  const features = writerFeatures(protocol);
  const unknown = features.filter((f) => !WRITER_FEATURES.has(f));
  if (unknown.length > 0) {
    return `it needs the writer feature${unknown.length > 1 ? "s" : ""} ${
      unknown.join(", ")
    }, which tablestream's writer does not implement`;
  }
  const has = (feature: string) => features.includes(feature);
  const configuration = metadata.configuration ?? {};
  const rules = rulesRefusal(metadata, features);
  if (rules) {
    return `${rules}. tablestream evaluates constraints, invariants and generation ` +
      "expressions of a subset of Spark SQL (docs/delta.md)";
  }
  const iceberg = ["icebergCompatV1", "icebergCompatV2"].find((f) =>
    has(f) && configuration[`delta.enable${f[0].toUpperCase()}${f.slice(1)}`] === "true"
  );
  if (iceberg) {
    return `it has Iceberg compatibility enabled (writer feature ${iceberg}), whose data files ` +
      "must hold column mapping's field ids and the partition values, which tablestream does " +
      "not write; it reads the table as a plain one";
  }
  if (has("inCommitTimestamp") && configuration["delta.enableInCommitTimestamps"] === "true") {
    return "it has in-commit timestamps enabled (writer feature inCommitTimestamp), which " +
      "tablestream's commits do not write";
  }
  return undefined;
}

/** A column (nested ones by dotted path) and its metadata. */
interface ColumnMetadata {
  path: string;
  metadata: Record<string, unknown>;
}

/** Every field of a schemaString, nested ones included, with its metadata. */
export function columnMetadata(schemaString: string): ColumnMetadata[] {
  const out: ColumnMetadata[] = [];
  const visit = (type: unknown, prefix: string) => {
    if (type === null || typeof type !== "object") return;
    const t = type as Record<string, unknown>;
    if (t.type === "struct" && Array.isArray(t.fields)) {
      for (const f of t.fields as { name: string; type: unknown; metadata?: object }[]) {
        const path = prefix ? `${prefix}.${f.name}` : f.name;
        out.push({ path, metadata: (f.metadata ?? {}) as Record<string, unknown> });
        visit(f.type, path);
      }
    } else if (t.type === "array") {
      visit(t.elementType, `${prefix}.element`);
    } else if (t.type === "map") {
      visit(t.keyType, `${prefix}.key`);
      visit(t.valueType, `${prefix}.value`);
    }
  };
  try {
    visit(JSON.parse(schemaString), "");
  } catch {
    // A malformed schema is reported by whoever parses it for its columns.
  }
  return out;
}
