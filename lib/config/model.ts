/**
 * The typed model of a config file: what `loadConfig` returns once every key was checked
 * and every default applied.
 *
 * @module
 */
import type { BadValuesSpec, EventTimeSpec } from "../engine/faults.ts";
import type { DuplicatesSpec } from "../engine/spec.ts";
import type { ColumnType } from "../arrow/types.ts";
import type { CompiledExpression } from "../expr/compiled_expression.ts";
import type { Diagnostic, YamlPath } from "./diagnostics.ts";
import type { SourceMap, SourcePos } from "./positions.ts";
import type { PluginRegistry } from "../plugin/registry.ts";
import type { RateShapeSpec } from "../stream/rate_shape.ts";

/** The storage types a column may declare, after normalising pandas/arrow-style names. */
export type ColumnTypeName = ColumnType;

/** What the streaming server does with a table on each tick. */
export type UpdatePolicy = "append" | "disabled" | "replace";

/** Every {@link UpdatePolicy}, for messages and suggestions. */
export const UPDATE_POLICIES: readonly UpdatePolicy[] = ["append", "disabled", "replace"];

export type { SourcePos } from "./positions.ts";

/** The streaming rate of a table. */
export interface Cadence {
  /** Rows generated per minute; fractional rates are allowed. Default 60. */
  rowsPerMinute: number;
  /** Whether the streaming server updates this table. Default true. */
  enabled: boolean;
  /**
   * How the rate varies over time (`daily`, `weekly`, `phases`, `bursts`, `jitter`), with
   * `rowsPerMinute` as the mean; absent: a constant rate (docs/traffic.md).
   */
  shape?: RateShapeSpec;
}

/** How `changes:` picks the rows it changes (`pick:`). */
export interface ChangePick {
  /** `uniform` (default), `zipf` (over recency rank) or `recent` (exponential over age). */
  distribution: "uniform" | "zipf" | "recent";
  /** zipf's exponent (`param`). */
  param?: number;
  /** recent's half-life (`half_life`): in rows, or a logical duration. */
  halfLife?: { rows: number } | { ms: number };
}

/** `changes:` of a table: updates and deletes of rows that already exist. */
export interface ChangesConfig {
  /** Rows updated per minute of logical time. Default 0. */
  updatesPerMinute: number;
  /** Rows deleted per minute of logical time. Default 0. */
  deletesPerMinute: number;
  /** The columns an update recomputes (`update_columns`). */
  updateColumns: string[];
  pick: ChangePick;
  /** Where the `changes:` mapping starts. */
  pos: SourcePos;
}

/** One column of a table. */
export interface ColumnConfig {
  name: string;
  /** The `data:` expression, or a YAML number, boolean or null literal. */
  data: string | number | boolean | null;
  /** Declared with `is_primary_key: true`. */
  isPrimaryKey: boolean;
  /** Declared storage type (`type:` or `parquet_type:`); inferred from the expression when absent. */
  type?: ColumnTypeName;
  /**
   * `data: auto` ("required") or, with `config.infer_entity_attrs_by_name`, a column without
   * data ("optional"): the data is inferred from the column's name (`customer_email` copies
   * `email` from the parent of foreign key `customer_id`); an optional one that cannot be
   * inferred stays empty.
   */
  auto?: "required" | "optional";
  /** The expression inferred for an `auto` column; set by `validateConfig`. */
  inferred?: string;
  /** Fraction (0..1) of rows that are null. */
  nullFraction: number;
  /** `event_time:`: the value lags the row's arrival in a fraction of rows. */
  eventTime?: EventTimeSpec;
  /** `bad_values:`: a fraction of the values replaced by bad ones. */
  badValues?: BadValuesSpec;
  /** `orphans:`: a fraction of a foreign key's values pointing at no parent row. */
  orphans?: number;
  description?: string;
  /** Where the column's mapping starts. */
  pos: SourcePos;
  /** Where the `data:` value starts. */
  dataPos: SourcePos;
  /** The compiled `data:` expression; set by `validateConfig`. */
  expr?: CompiledExpression;
}

/** One table of the config. */
export interface TableConfig {
  /** `table_name`: a safe directory name. */
  name: string;
  /** Rows a batch run writes. Default 10. */
  rowCount: number;
  /** Row id of the first row. Default 1. */
  startRowId: number;
  /** Default `append`. */
  updatePolicy: UpdatePolicy;
  cadence: Cadence;
  columns: ColumnConfig[];
  /** The first column declared `is_primary_key: true`, if any. */
  primaryKey?: string;
  /** `export_file_count`: split a batch export into this many files. */
  exportFileCount?: number;
  /** `export_file_row_count`: rows per exported file. */
  exportFileRowCount?: number;
  /** `export_file_name`: base name of exported files. */
  exportFileName?: string;
  /** `partition_by`: columns to partition output by. */
  partitionBy?: string[];
  /** `cluster_by`: liquid clustering columns of a new Delta table. */
  clusterBy?: string[];
  /** `table_properties`: Delta table properties of a new table (as text, by name). */
  tableProperties?: Record<string, string>;
  /** `changes:`: updates and deletes of its existing rows (docs/changes.md). */
  changes?: ChangesConfig;
  /** `duplicates:`: rows delivered again in later ticks (docs/traffic.md). */
  duplicates?: DuplicatesSpec;
  description?: string;
  /** Where the table's mapping starts. */
  pos: SourcePos;
}

/** A plugin file the config loads (`plugins:`). */
export interface PluginFileRef {
  /** The path as written. */
  path: string;
  /** The path resolved against the config file's folder. */
  resolved: string;
  /** Options of the file's column functions, by plugin name (`options:`). */
  options: Record<string, Record<string, unknown>>;
  /** Where the entry is written. */
  at: YamlPath;
}

/** A sink chosen in `sinks:`: a sink plugin's name and its options. */
export interface SinkChoice {
  /** The sink plugin, e.g. `delta`, `postgres`. */
  type: string;
  /** The options as written. */
  options: Record<string, unknown>;
  /** The options checked against the plugin's spec, defaults filled in (set when checked). */
  values?: Record<string, unknown>;
  /** Where the choice is written. */
  at: YamlPath;
}

/** `sinks:`: a default sink and sinks for chosen tables. */
export interface SinkChoices {
  default?: SinkChoice;
  tables: Record<string, SinkChoice>;
}

/** A loaded config. */
export interface Config {
  /** The file it was read from, as given. */
  file: string;
  /** The file's text. */
  source: string;
  /** The config format version; always 1. */
  version: 1;
  /** Python-style faker locale, e.g. `en_US`. Default `en_US`. */
  locale: string;
  /** Seed of the run; absent means the engine decides. */
  seed?: number;
  /** Logical "now" for relative dates and `datetime.now()`. */
  referenceTime?: Date;
  /** Time between streaming ticks, in milliseconds. Default 10 000. */
  tickIntervalMs: number;
  /**
   * Least time between two live commits of a table, ms (whole ticks; rows of the ticks in
   * between are gathered into one commit). Absent: the streaming server's default.
   */
  commitIntervalMs?: number;
  /**
   * How long the streaming server waits for a table's sink that fails for a reason that can
   * heal before it stops the table, ms. Absent: without limit.
   */
  maxRetryTimeMs?: number;
  /**
   * Memory, MiB, that parent columns a child reads (`copy_from_fk`, a parent's columns in an
   * expression) may keep, each computed once per parent row; `config.parent_cache_mb`.
   * Default 256; 0 keeps only the few values looked up last.
   */
  parentCacheMb?: number;
  /** tablefaker's `python_import`: kept to explain failures, never imported. */
  pythonImports: string[];
  /** tablefaker's `community_providers`: kept to explain failures, never loaded. */
  communityProviders: string[];
  /** tablefaker's `infer_entity_attrs_by_name`: `data: auto` columns copy from a foreign key's parent by name. */
  inferEntityAttrsByName?: boolean;
  tables: TableConfig[];
  /** `plugins:`: plugin files to load, relative to the config file. */
  pluginFiles: PluginFileRef[];
  /** `sinks:`: where tables are written. */
  sinks: SinkChoices;
  /** Built-in plugins and those of `plugins:` (set when the config is checked). */
  plugins?: PluginRegistry;
  /** Positions of every node, for diagnostics about this config. */
  sourceMap: SourceMap;
}

/** The result of loading a config: the config only when there is no error. */
export interface LoadResult {
  config?: Config;
  /** Every problem found, errors and warnings, in file order. */
  diagnostics: Diagnostic[];
}

export { configDir, resolveConfigPath } from "../plugin/paths.ts";
