/**
 * What the config's readers share: the typed fields of the document, what was read before the
 * tables (Python imports, attribute inference), the columns left incomplete, the known keys and
 * defaults.
 *
 * @module
 */
import type { ColumnConfig, UpdatePolicy } from "./model.ts";

import { YamlFields } from "./yaml_fields.ts";

/** Defaults of the optional keys. */
export const DEFAULTS = {
  locale: "en_US",
  tickIntervalMs: 10_000,
  rowCount: 10,
  startRowId: 1,
  updatePolicy: "append" as UpdatePolicy,
  rowsPerMinute: 60,
  enabled: true,
} as const;

export const ROOT_KEYS = ["version", "config", "plugins", "sinks", "tables"];

export const PLUGIN_KEYS = ["path", "options"];
export const SINKS_KEYS = ["default", "tables"];
export const SINK_KEYS = ["type", "options"];
export const SETTINGS_KEYS = [
  "locale",
  "seed",
  "reference_time",
  "tick_interval",
  "commit_interval",
  "max_retry_time",
  "parent_cache_mb",
  "python_import",
  "community_providers",
  "infer_entity_attrs_by_name",
];
export const TABLE_KEYS = [
  "table_name",
  "row_count",
  "start_row_id",
  "update_policy",
  "cadence",
  "columns",
  "export_file_count",
  "export_file_row_count",
  "export_file_name",
  "partition_by",
  "cluster_by",
  "table_properties",
  "changes",
  "duplicates",
  "description",
];
export const CADENCE_KEYS = [
  "rows_per_minute",
  "enabled",
  "daily",
  "weekly",
  "phases",
  "bursts",
  "jitter",
  "timezone",
];
export const CHANGES_KEYS = [
  "updates_per_minute",
  "update_columns",
  "deletes_per_minute",
  "pick",
];
export const PICK_KEYS = ["distribution", "param", "half_life"];
export const COLUMN_KEYS = [
  "column_name",
  "data",
  "is_primary_key",
  "type",
  "parquet_type",
  "null_percentage",
  "description",
  "event_time",
  "bad_values",
  "orphans",
];

/** The hint for what needs a Python module of the user's own. */
export const PLUGIN_HINT = "write a column-function plugin (see docs/plugins.md)";

/** The typed fields of a config, with what its readers learn on the way. */
export class ReadContext extends YamlFields {
  /**
   * Columns whose `data:` is missing or unusable: their names count (so references to them
   * are not reported again) but they are not compiled.
   */
  readonly incomplete = new Set<ColumnConfig>();
  /** `config.python_import`, once read (before the tables). */
  pythonImports: string[] = [];
  /** `config.infer_entity_attrs_by_name`, once read (before the tables). */
  inferAttrs = false;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
