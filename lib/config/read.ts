/**
 * The structural checks: from a parsed YAML document to the typed model, checking every
 * key (unknown keys with "did you mean"), type, range and required field, and applying
 * the defaults. Every problem is collected; the model is built from whatever was valid,
 * so the semantic checks can still run on it.
 *
 * @module
 */
import { type Document, isMap, isScalar, type Node } from "yaml";
import type { Diagnostic } from "./diagnostics.ts";
import type { ColumnConfig, Config } from "./model.ts";
import type { SourceMap } from "./positions.ts";

import { describe } from "./yaml_fields.ts";
import { DEFAULTS, ReadContext, ROOT_KEYS } from "./read_context.ts";
import { readPlugins, readSinks } from "./read_sinks.ts";
import { readSettings, readVersion } from "./read_settings.ts";
import { readTables } from "./read_tables.ts";

/** What the structural pass produced. */
export interface ReadResult {
  /** The model built from what was valid; undefined when the root is not a mapping. */
  config?: Config;
  diagnostics: Diagnostic[];
  /**
   * Columns whose `data:` is missing or unusable: their names count (so references to them
   * are not reported again) but they are not compiled.
   */
  incomplete: Set<ColumnConfig>;
}

/** Reads a parsed YAML document into the model, collecting every structural problem. */
export function readConfig(doc: Document, map: SourceMap): ReadResult {
  return readRoot(new ReadContext(doc, map));
}

export { DEFAULTS } from "./read_context.ts";
export { parseNullPercentage } from "./read_columns.ts";
export { unsafeName } from "./read_tables.ts";

function readRoot(r: ReadContext): ReadResult {
  const root = r.resolve(r.doc.contents as Node | null);
  const result = (config?: Config): ReadResult => ({
    config,
    diagnostics: r.diagnostics,
    incomplete: r.incomplete,
  });
  if (root === null || (isScalar(root) && root.value === null)) {
    r.report([], "missing-field", "The config is empty", {
      hint: "Start with `tables:`, a list of tables, each with `table_name:` and `columns:`.",
    });
    return result();
  }
  if (!isMap(root)) {
    r.report(
      [],
      "wrong-type",
      `The config must be a mapping with \`tables:\`, got ${describe(root)}`,
      {
        hint: "Start with `tables:`, a list of tables, each with `table_name:` and `columns:`.",
      },
    );
    return result();
  }
  const fields = r.fields(root, [], ROOT_KEYS, "the config");
  if (fields.has("version")) readVersion(r, fields.get("version")!);
  const config: Config = {
    file: r.map.file,
    source: r.map.source,
    version: 1,
    locale: DEFAULTS.locale,
    tickIntervalMs: DEFAULTS.tickIntervalMs,
    pythonImports: [],
    communityProviders: [],
    tables: [],
    pluginFiles: [],
    sinks: { tables: Object.create(null) },
    sourceMap: r.map,
  };
  if (fields.has("config")) readSettings(r, fields.get("config")!, config);
  if (fields.has("plugins")) config.pluginFiles = readPlugins(r, fields.get("plugins")!);
  if (fields.has("sinks")) config.sinks = readSinks(r, fields.get("sinks")!);
  if (!fields.has("tables")) {
    r.report([], "missing-field", "The config has no `tables:`", {
      hint: "Add `tables:`, a list of tables, each with `table_name:` and `columns:`.",
    });
  } else {
    config.tables = readTables(r, fields.get("tables")!);
  }
  return result(config);
}
