/**
 * Delta log actions as the protocol defines them (delta-io/delta PROTOCOL.md), and the
 * newline-delimited JSON of commit files. Unknown actions and fields are kept as they are
 * read and ignored, as the protocol requires.
 *
 * @module
 */

/** `protocol`: the reader and writer versions (and features) a table needs. */
export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

/** `metaData`: the table's identity, schema and partitioning. */
export interface Metadata {
  id: string;
  name?: string | null;
  description?: string | null;
  format: { provider: string; options: Record<string, string> };
  /** Spark's JSON schema, as a string. */
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number | null;
}

/** `add`: a data file that is part of the table. */
export interface Add {
  /** Relative URI of the file, percent-encoded; decode exactly once. */
  path: string;
  /** Partition column -> value as a string (null for a null value). */
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  /** JSON: numRecords, minValues, maxValues, nullCount. */
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: unknown;
  /** Row tracking (PROTOCOL.md, "Row IDs"): the first fresh row id of the file. */
  baseRowId?: number | null;
  /** Row tracking: the version that committed the file's rows. */
  defaultRowCommitVersion?: number | null;
  /** Clustered tables: the implementation that clustered the file (unset: not clustered). */
  clusteringProvider?: string | null;
}

/** `remove`: a data file that stops being part of the table. */
export interface Remove {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  extendedFileMetadata?: boolean;
  partitionValues?: Record<string, string | null> | null;
  size?: number | null;
  deletionVector?: unknown;
  /** Row tracking: the `baseRowId` of the file's last add. */
  baseRowId?: number | null;
  /** Row tracking: the `defaultRowCommitVersion` of the file's last add. */
  defaultRowCommitVersion?: number | null;
}

/** `txn`: the last version an application committed (idempotent writes). */
export interface Txn {
  appId: string;
  version: number;
  lastUpdated?: number | null;
}

/**
 * `cdc`: a change data file of the commit (PROTOCOL.md, "Add CDC File"): the table's columns
 * (partition columns excepted) plus `_change_type`, under `_change_data/`. Readers of the
 * change data feed take a commit's changes only from these files when it has any.
 */
export interface Cdc {
  /** Relative URI of the file, percent-encoded; decode exactly once. */
  path: string;
  /** Partition column -> value as a string (null for a null value). */
  partitionValues: Record<string, string | null>;
  size: number;
  /** Always false: change data files add no rows to the table. */
  dataChange: false;
  tags?: Record<string, string> | null;
}

/**
 * `domainMetadata` (PROTOCOL.md, "Domain Metadata"): a named domain's configuration (a
 * string, JSON for the `delta.*` domains), or its tombstone when `removed`.
 */
export interface DomainMetadata {
  domain: string;
  configuration: string;
  removed: boolean;
}

/** `commitInfo`: free-form provenance of a commit. */
export type CommitInfo = Record<string, unknown>;

/** One action: exactly one of these keys is set. */
export interface Action {
  protocol?: Protocol;
  metaData?: Metadata;
  add?: Add;
  remove?: Remove;
  txn?: Txn;
  cdc?: Cdc;
  domainMetadata?: DomainMetadata;
  commitInfo?: CommitInfo;
  /** Any action this code does not know; ignored. */
  [other: string]: unknown;
}

/** `_delta_log/00000000000000000042.json` for version 42. */
export function commitFileName(version: number): string {
  return `${String(version).padStart(20, "0")}.json`;
}

/** The version of a commit file name, or null for any other file. */
export function commitVersion(name: string): number | null {
  const match = /^(\d{20})\.json$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** Parses a commit file's text; names the file and line of a malformed action. */
export function parseCommit(text: string, file: string): Action[] {
  const actions: Action[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    try {
      const parsed = JSON.parse(line);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error("an action must be a JSON object");
      }
      actions.push(parsed as Action);
    } catch (error) {
      throw new Error(
        `Malformed Delta log file ${file}, line ${i + 1}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  return actions;
}

/** The text of a commit file: one JSON action per line. */
export function serializeCommit(actions: readonly Action[]): string {
  return actions.map((a) => JSON.stringify(a)).join("\n") + "\n";
}

/** ASCII characters a path keeps unquoted in Java's `URI`: unreserved, punctuation, `/`, `@`. */
const URI_PATH_ASCII_CLASS = "[A-Za-z0-9\\-_.!~*'(),;:$&+=@/]";
/** One character of {@link URI_PATH_ASCII_CLASS}. */
const URI_PATH_ASCII = new RegExp(`^${URI_PATH_ASCII_CLASS}$`);
/** A path of {@link URI_PATH_ASCII_CLASS} characters only. */
const URI_PATH_ASCII_ONLY = new RegExp(`^${URI_PATH_ASCII_CLASS}*$`);
/** Characters beyond ASCII that Java's `URI` still quotes: controls and space separators. */
const QUOTED_BEYOND_ASCII = /^[\p{Cc}\p{Zs}\p{Zl}\p{Zp}]$/u;

/**
 * Percent-encodes a relative data file path for `add.path` exactly as Spark writes it: the
 * quoting of Hadoop's `Path.toUri` (Java's `URI` constructors), which escapes space, `%` and
 * the other characters a URI path cannot hold, but keeps `/`, `=` and non-ASCII letters as they
 * are. Any encoding decodes to the same path, but Spark's VACUUM compares paths in this form:
 * a file whose path is written otherwise (`M%C3%BCnchen` for `München`) is taken for one that
 * no version references, and deleted.
 *
 * @example
 * ```ts
 * encodePath("city=München/part-0.parquet"); // "city=München/part-0.parquet"
 * encodePath("city=New York/p=100%25/part-0.parquet"); // "city=New%20York/p=100%2525/part-0.parquet"
 * ```
 */
export function encodePath(path: string): string {
  // The usual path (`part-00000-<uuid>-c000.snappy.parquet`, a commit's every file) needs no
  // quoting: returned as it is, without building it anew a character at a time.
  if (URI_PATH_ASCII_ONLY.test(path)) return path;
  let encoded = "";
  for (const char of path) {
    const kept = char.charCodeAt(0) < 0x80
      ? URI_PATH_ASCII.test(char)
      : !QUOTED_BEYOND_ASCII.test(char);
    encoded += kept ? char : percentEncode(char);
  }
  return encoded;
}

/** `%XX` for each UTF-8 byte of a character, upper-case hex as Java writes it. */
function percentEncode(char: string): string {
  return [...new TextEncoder().encode(char)]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`)
    .join("");
}

/** Decodes `add.path` exactly once. */
export function decodePath(path: string): string {
  return decodeURIComponent(path);
}
