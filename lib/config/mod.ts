/**
 * Config files: YAML to a document with positions, to a validated, typed model, with
 * compiler-style diagnostics for every problem found.
 *
 * @example
 * ```ts
 * import { formatDiagnostics, loadConfig, tableOrder } from "./mod.ts";
 *
 * const { config, diagnostics } = await loadConfig("examples/streaming_config.yaml");
 * if (diagnostics.length) console.error(formatDiagnostics(diagnostics));
 * if (config) for (const table of tableOrder(config)) console.log(table.name);
 * ```
 *
 * @module
 */
export {
  ConfigError,
  type Diagnostic,
  formatDiagnostics,
  formatPath,
  hasErrors,
  type PathSegment,
  type Severity,
  sortDiagnostics,
  type Sources,
  type YamlPath,
} from "./diagnostics.ts";
export { DURATION_UNITS, formatDuration, parseDuration } from "./duration.ts";
export { diagnosticAt, loadConfig, parseConfig } from "./load.ts";
export {
  type Cadence,
  type ColumnConfig,
  type ColumnTypeName,
  type Config,
  type LoadResult,
  type SourcePos,
  type TableConfig,
  UPDATE_POLICIES,
  type UpdatePolicy,
} from "./model.ts";
export { type DiagnosticOptions, SourceMap } from "./positions.ts";
export { DEFAULTS, parseNullPercentage, unsafeName } from "./read.ts";
export { parquetType, TYPE_NAMES } from "./type_names.ts";
export { tableOrder, validateConfig, type ValidateOptions } from "./validate.ts";
