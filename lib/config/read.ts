/**
 * The structural checks: from a parsed YAML document to the typed model, checking every
 * key (unknown keys with "did you mean"), type, range and required field, and applying
 * the defaults. Every problem is collected; the model is built from whatever was valid,
 * so the semantic checks can still run on it.
 *
 * @module
 */
import { type Document, isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { effectivePairs, resolveNode } from "./yaml_nodes.ts";
import { isKnownLocale, knownLocales } from "../engine/faker.ts";
import { closestString } from "../expr/mod.ts";
import type { Diagnostic, Severity, YamlPath } from "./diagnostics.ts";
import { DURATION_UNITS, parseDuration } from "./duration.ts";
import {
  type Cadence,
  type ColumnConfig,
  type ColumnTypeName,
  type Config,
  configDir,
  type PluginFileRef,
  resolveConfigPath,
  type SinkChoice,
  type SinkChoices,
  type TableConfig,
  UPDATE_POLICIES,
  type UpdatePolicy,
} from "./model.ts";
import type { SourceMap } from "./positions.ts";
import { PARQUET_TYPE_EXAMPLES, parquetType, TYPE_NAMES } from "./type_names.ts";

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

const ROOT_KEYS = ["version", "config", "plugins", "sinks", "tables"];

/**
 * Top-level keys starting with `x-` are ignored, as in Compose files: a place to define
 * anchors that tables merge (`x-defaults: &defaults ...`, then `<<: *defaults`).
 */
function isExtensionKey(key: string): boolean {
  return key.startsWith("x-");
}
const PLUGIN_KEYS = ["path", "options"];
const SINKS_KEYS = ["default", "tables"];
const SINK_KEYS = ["type", "options"];
const SETTINGS_KEYS = [
  "locale",
  "seed",
  "reference_time",
  "tick_interval",
  "commit_interval",
  "python_import",
  "community_providers",
  "infer_entity_attrs_by_name",
];
const TABLE_KEYS = [
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
  "description",
];
const CADENCE_KEYS = ["rows_per_minute", "enabled"];
const COLUMN_KEYS = [
  "column_name",
  "data",
  "is_primary_key",
  "type",
  "parquet_type",
  "null_percentage",
  "description",
];

/** The hint for what needs a Python module of the user's own. */
const PLUGIN_HINT = "write a column-function plugin (see docs/plugins.md)";

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
  return new Reader(doc, map).read();
}

type Value = string | number | boolean | null;

/** What a node holds, for messages: `"ten"`, `-5`, `a list`, `a mapping`, `nothing`. */
function describe(node: Node | null | undefined): string {
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return "nothing";
    if (typeof v === "string") return JSON.stringify(v);
    return String(v);
  }
  return "nothing";
}

function didYouMean(suggestion: string | undefined): string | undefined {
  return suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`;
}

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  readonly incomplete = new Set<ColumnConfig>();
  readonly #doc: Document;
  readonly #map: SourceMap;
  /** `config.python_import`, once read (before the tables). */
  #pythonImports: string[] = [];
  /** `config.infer_entity_attrs_by_name`, once read (before the tables). */
  #inferAttrs = false;

  constructor(doc: Document, map: SourceMap) {
    this.#doc = doc;
    this.#map = map;
  }

  read(): ReadResult {
    const root = this.#resolve(this.#doc.contents as Node | null);
    const result = (config?: Config): ReadResult => ({
      config,
      diagnostics: this.diagnostics,
      incomplete: this.incomplete,
    });
    if (root === null || (isScalar(root) && root.value === null)) {
      this.#report([], "missing-field", "The config is empty", {
        hint: "Start with `tables:`, a list of tables, each with `table_name:` and `columns:`.",
      });
      return result();
    }
    if (!isMap(root)) {
      this.#report(
        [],
        "wrong-type",
        `The config must be a mapping with \`tables:\`, got ${describe(root)}`,
        {
          hint: "Start with `tables:`, a list of tables, each with `table_name:` and `columns:`.",
        },
      );
      return result();
    }
    const fields = this.#fields(root, [], ROOT_KEYS, "the config");
    if (fields.has("version")) this.#version(fields.get("version")!);
    const config: Config = {
      file: this.#map.file,
      source: this.#map.source,
      version: 1,
      locale: DEFAULTS.locale,
      tickIntervalMs: DEFAULTS.tickIntervalMs,
      pythonImports: [],
      communityProviders: [],
      tables: [],
      pluginFiles: [],
      sinks: { tables: Object.create(null) },
      sourceMap: this.#map,
    };
    if (fields.has("config")) this.#settings(fields.get("config")!, config);
    if (fields.has("plugins")) config.pluginFiles = this.#plugins(fields.get("plugins")!);
    if (fields.has("sinks")) config.sinks = this.#sinks(fields.get("sinks")!);
    if (!fields.has("tables")) {
      this.#report([], "missing-field", "The config has no `tables:`", {
        hint: "Add `tables:`, a list of tables, each with `table_name:` and `columns:`.",
      });
    } else {
      config.tables = this.#tables(fields.get("tables")!);
    }
    return result(config);
  }

  // --- Reporting -------------------------------------------------------------------------

  #report(
    path: YamlPath,
    code: string,
    message: string,
    options: { hint?: string; severity?: Severity; at?: "key" | "value" } = {},
  ): void {
    this.diagnostics.push(this.#map.diagnostic(path, code, message, options));
  }

  #resolve(node: Node | null | undefined): Node | null {
    return resolveNode(node, this.#doc);
  }

  // --- Generic readers -------------------------------------------------------------------

  /**
   * The values of a mapping by key, after reporting unknown keys (with the closest known
   * key as a hint) and keys that are not plain names.
   */
  #fields(
    node: YAMLMap,
    path: YamlPath,
    known: readonly string[],
    where: string,
    allowed: readonly string[] = [],
  ): Map<string, Node | null> {
    const fields = new Map<string, Node | null>();
    for (const pair of effectivePairs(node, this.#doc)) {
      const keyNode = this.#resolve(pair.key as Node | null);
      if (isScalar(keyNode) && typeof keyNode.value === "symbol") {
        // A merge key left by effectivePairs: its value is no mapping to merge.
        this.diagnostics.push(
          this.#map.diagnosticAtOffset(
            keyNode.range?.[0] ?? this.#map.offset(path),
            path,
            "bad-merge",
            "`<<` merges mappings into this one: its value must be a mapping, an alias of one, " +
              `or a list of them, got ${describe(this.#resolve(pair.value as Node | null))}`,
            { hint: "E.g. `<<: *defaults`, where `defaults` is an anchor on a mapping." },
          ),
        );
        continue;
      }
      const key = isScalar(keyNode) && keyNode.value !== null ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.diagnostics.push(
          this.#map.diagnosticAtOffset(
            keyNode?.range?.[0] ?? this.#map.offset(path),
            path,
            "wrong-type",
            `Keys of ${where} must be names, got ${describe(keyNode)}`,
          ),
        );
        continue;
      }
      const value = this.#resolve(pair.value as Node | null);
      if (path.length === 0 && isExtensionKey(key)) continue;
      if (known.includes(key) || allowed.includes(key)) {
        fields.set(key, value);
        continue;
      }
      const suggestion = closestString(key, known);
      this.#report([...path, key], "unknown-field", `Unknown field \`${key}\` in ${where}`, {
        at: "key",
        hint: didYouMean(suggestion) ?? `Known fields: ${known.join(", ")}.`,
      });
    }
    return fields;
  }

  #mapping(node: Node | null, path: YamlPath, what: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.#report(path, "wrong-type", `${what} must be a mapping, got ${describe(node)}`);
    return undefined;
  }

  #scalar(node: Node | null): Value | undefined {
    if (node === null) return null;
    if (!isScalar(node)) return undefined;
    const v = node.value;
    if (v === null || v === undefined) return null;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    if (typeof v === "bigint") return Number(v);
    return undefined;
  }

  #string(node: Node | null, path: YamlPath, key: string): string | undefined {
    const v = this.#scalar(node);
    if (typeof v === "string") return v;
    this.#report(path, "wrong-type", `\`${key}\` must be a string, got ${describe(node)}`);
    return undefined;
  }

  #bool(node: Node | null, path: YamlPath, key: string): boolean | undefined {
    const v = this.#scalar(node);
    if (typeof v === "boolean") return v;
    this.#report(path, "wrong-type", `\`${key}\` must be true or false, got ${describe(node)}`, {
      hint: typeof v === "string" && /^(true|false|yes|no)$/i.test(v)
        ? `Write \`${key}: ${/^(true|yes)$/i.test(v) ? "true" : "false"}\` without quotes.`
        : undefined,
    });
    return undefined;
  }

  /** An integer, at least `min` when given. */
  #integer(
    node: Node | null,
    path: YamlPath,
    key: string,
    min?: number,
  ): number | undefined {
    const v = this.#scalar(node);
    const kind = min === 0
      ? "a non-negative integer"
      : min === 1
      ? "a positive integer"
      : "an integer";
    if (typeof v !== "number" || !Number.isInteger(v)) {
      const numeric = typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v));
      this.#report(path, "wrong-type", `\`${key}\` must be ${kind}, got ${describe(node)}`, {
        hint: numeric && Number.isInteger(Number(v))
          ? `Write \`${key}: ${Number(v)}\` without quotes.`
          : undefined,
      });
      return undefined;
    }
    this.#floatWritten(node, path, key, v);
    if (!Number.isSafeInteger(v)) {
      this.#report(path, "out-of-range", `\`${key}\` is too large: ${describe(node)}`, {
        hint: `Integers must be at most ${Number.MAX_SAFE_INTEGER}.`,
      });
      return undefined;
    }
    if (min !== undefined && v < min) {
      this.#report(path, "out-of-range", `\`${key}\` must be ${kind}, got ${v}`);
      return undefined;
    }
    return v;
  }

  /**
   * Warns when an integer was written as a float (`1e12`, `5000.0`): YAML reads it as a
   * float, which tablestream takes at its value, but PyYAML reads `1e12` as a string and
   * tablefaker would fail on it.
   */
  #floatWritten(node: Node | null, path: YamlPath, key: string, value: number): void {
    const range = node?.range;
    if (!isScalar(node) || !range) return;
    const written = this.#map.source.slice(range[0], range[1]).trim();
    if (!/^[-+]?(\d[\d_]*)?\.?\d*[eE.]/.test(written)) return;
    this.#report(
      path,
      "float-as-integer",
      `\`${key}: ${written}\` is a float in YAML; it is read as the integer ` +
        value.toLocaleString("en-US"),
      {
        severity: "warning",
        hint: `Write the digits, \`${key}: ${value}\`` +
          (/^[^.]*[eE]/.test(written)
            ? ` (PyYAML, and so tablefaker, reads \`${written}\` as text).`
            : "."),
      },
    );
  }

  /** A list of strings, or one string standing for a list of one. */
  #stringList(node: Node | null, path: YamlPath, key: string): string[] | undefined {
    const v = this.#scalar(node);
    if (typeof v === "string") return [v];
    if (!isSeq(node)) {
      this.#report(
        path,
        "wrong-type",
        `\`${key}\` must be a list of strings, got ${describe(node)}`,
      );
      return undefined;
    }
    const out: string[] = [];
    node.items.forEach((item, i) => {
      const s = this.#string(this.#resolve(item as Node | null), [...path, i], `${key}[${i}]`);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  /** A node as plain JSON-like data (option values). */
  #data(node: Node | null): unknown {
    if (node === null) return null;
    return (node as { toJS(doc: Document): unknown }).toJS(this.#doc);
  }

  /** A mapping of option values; undefined (reported) when it is not a mapping. */
  #options(node: Node | null, path: YamlPath): Record<string, unknown> | undefined {
    if (node === null || (isScalar(node) && node.value === null)) return {};
    const map = this.#mapping(node, path, "`options`");
    if (!map) return undefined;
    return this.#data(map) as Record<string, unknown>;
  }

  // --- Plugins and sinks -----------------------------------------------------------------

  #plugins(node: Node | null): PluginFileRef[] {
    const path = ["plugins"];
    if (!isSeq(node)) {
      this.#report(
        path,
        "wrong-type",
        `\`plugins\` must be a list of plugin files, got ${describe(node)}`,
        {
          hint: "E.g. `plugins: [plugins/pareto.ts]`, paths relative to the config file.",
        },
      );
      return [];
    }
    const dir = configDir(this.#map.file);
    const refs: PluginFileRef[] = [];
    node.items.forEach((raw, i) => {
      const item = this.#resolve(raw as Node | null);
      const at = [...path, i];
      let file: string | undefined;
      let options: Record<string, Record<string, unknown>> = {};
      if (isMap(item)) {
        const fields = this.#fields(item, at, PLUGIN_KEYS, "a plugin entry");
        if (!fields.has("path")) {
          this.#report(at, "missing-field", "A plugin entry needs a `path`");
          return;
        }
        file = this.#string(fields.get("path")!, [...at, "path"], "path");
        if (fields.has("options")) {
          const given = this.#options(fields.get("options")!, [...at, "options"]);
          if (given) options = given as Record<string, Record<string, unknown>>;
        }
      } else {
        file = this.#string(item, at, `plugins[${i}]`);
      }
      if (file === undefined) return;
      if (!/\.(ts|js|mts|mjs)$/.test(file)) {
        this.#report(at, "bad-plugin", `Plugin file \`${file}\` must be a .ts or .js file`);
        return;
      }
      refs.push({ path: file, resolved: resolveConfigPath(dir, file), options, at });
    });
    return refs;
  }

  #sinkChoice(node: Node | null, at: YamlPath): SinkChoice | undefined {
    const v = this.#scalar(node);
    if (typeof v === "string") return { type: v, options: {}, at };
    const map = this.#mapping(node, at, "A sink");
    if (!map) return undefined;
    const fields = this.#fields(map, at, SINK_KEYS, "a sink");
    if (!fields.has("type")) {
      this.#report(at, "missing-field", "A sink needs a `type`, e.g. `type: delta`");
      return undefined;
    }
    const type = this.#string(fields.get("type")!, [...at, "type"], "type");
    const options = fields.has("options")
      ? this.#options(fields.get("options")!, [...at, "options"])
      : {};
    if (type === undefined || options === undefined) return undefined;
    return { type, options, at };
  }

  #sinks(node: Node | null): SinkChoices {
    const path = ["sinks"];
    const choices: SinkChoices = { tables: Object.create(null) };
    const map = this.#mapping(node, path, "`sinks`");
    if (!map) return choices;
    const fields = this.#fields(map, path, SINKS_KEYS, "`sinks`");
    if (fields.has("default")) {
      const choice = this.#sinkChoice(fields.get("default")!, [...path, "default"]);
      if (choice) choices.default = choice;
    }
    if (fields.has("tables")) {
      const tables = this.#mapping(fields.get("tables")!, [...path, "tables"], "`sinks.tables`");
      for (const pair of tables ? effectivePairs(tables, this.#doc) : []) {
        const key = this.#scalar(this.#resolve(pair.key as Node | null));
        if (typeof key !== "string") continue;
        const at = [...path, "tables", key];
        const choice = this.#sinkChoice(this.#resolve(pair.value as Node | null), at);
        if (choice) choices.tables[key] = choice;
      }
    }
    return choices;
  }

  // --- Root and settings -----------------------------------------------------------------

  #version(node: Node | null): void {
    const v = this.#scalar(node);
    if (v === 1 || v === "1") return;
    this.#report(["version"], "bad-version", `Unsupported config version ${describe(node)}`, {
      hint: "tablestream reads `version: 1`; leave it out or write `version: 1`.",
    });
  }

  #settings(node: Node | null, config: Config): void {
    const path = ["config"];
    const settings = this.#mapping(node, path, "`config`");
    if (!settings) return;
    const fields = this.#fields(settings, path, SETTINGS_KEYS, "`config`");
    const at = (key: string) => [...path, key];
    if (fields.has("locale")) {
      const locale = this.#string(fields.get("locale")!, at("locale"), "locale");
      if (locale !== undefined && !isKnownLocale(locale)) {
        this.#report(at("locale"), "unknown-locale", `Unknown locale ${JSON.stringify(locale)}`, {
          hint: didYouMean(closestString(locale, knownLocales())) ??
            "Use a Faker locale name such as en_US, en_GB, de_DE, fr_FR or ja_JP.",
        });
      } else if (locale !== undefined) {
        config.locale = locale;
      }
    }
    if (fields.has("seed")) {
      const seed = this.#integer(fields.get("seed")!, at("seed"), "seed");
      if (seed !== undefined) config.seed = seed;
    }
    if (fields.has("reference_time")) {
      const time = this.#time(fields.get("reference_time")!, at("reference_time"));
      if (time !== undefined) config.referenceTime = time;
    }
    if (fields.has("tick_interval")) {
      const ms = this.#duration(fields.get("tick_interval")!, at("tick_interval"), "tick_interval");
      if (ms !== undefined) config.tickIntervalMs = ms;
    }
    if (fields.has("commit_interval")) {
      const ms = this.#duration(
        fields.get("commit_interval")!,
        at("commit_interval"),
        "commit_interval",
      );
      if (ms !== undefined) config.commitIntervalMs = ms;
    }
    if (fields.has("python_import")) {
      const imports = this.#stringList(
        fields.get("python_import")!,
        at("python_import"),
        "python_import",
      );
      if (imports !== undefined) {
        config.pythonImports = imports;
        this.#pythonImports = imports;
        if (imports.length) {
          this.#report(
            at("python_import"),
            "python-import",
            `tablestream cannot import Python modules; \`python_import\` (${
              imports.join(", ")
            }) is ignored`,
            {
              severity: "warning",
              at: "key",
              hint: `Columns that use these modules cannot be generated; for each, ${PLUGIN_HINT}.`,
            },
          );
        }
      }
    }
    if (fields.has("community_providers")) {
      const providers = this.#stringList(
        fields.get("community_providers")!,
        at("community_providers"),
        "community_providers",
      );
      if (providers !== undefined) {
        config.communityProviders = providers;
        if (providers.length) {
          this.#report(
            at("community_providers"),
            "python-import",
            `tablestream cannot load Python Faker providers; \`community_providers\` (${
              providers.join(", ")
            }) is ignored`,
            {
              severity: "warning",
              at: "key",
              hint:
                `Columns that call these providers' \`fake.*\` methods cannot be generated; ${PLUGIN_HINT}.`,
            },
          );
        }
      }
    }
    if (fields.has("infer_entity_attrs_by_name")) {
      const infer = this.#bool(
        fields.get("infer_entity_attrs_by_name")!,
        at("infer_entity_attrs_by_name"),
        "infer_entity_attrs_by_name",
      );
      if (infer !== undefined) {
        config.inferEntityAttrsByName = infer;
        this.#inferAttrs = infer;
      }
    }
  }

  #time(node: Node | null, path: YamlPath): Date | undefined {
    const v = this.#scalar(node);
    const text = typeof v === "string" ? v.trim() : undefined;
    const iso = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?:Z|z|[+-]\d\d:?\d\d)?$/;
    if (text !== undefined && iso.test(text)) {
      const dateOnly = /^\d{4}-\d\d-\d\d$/.test(text);
      const zoned = /(?:[Zz]|[+-]\d\d:?\d\d)$/.test(text);
      const normal = dateOnly
        ? `${text}T00:00:00Z`
        : zoned
        ? text.replace(" ", "T")
        : `${text.replace(" ", "T")}Z`;
      const ms = Date.parse(normal);
      if (!Number.isNaN(ms)) return new Date(ms);
    }
    this.#report(
      path,
      "bad-time",
      `\`reference_time\` must be an ISO-8601 time, got ${describe(node)}`,
      {
        hint: 'E.g. `reference_time: "2026-01-01T00:00:00Z"`; a date alone means midnight UTC.',
      },
    );
    return undefined;
  }

  #duration(node: Node | null, path: YamlPath, key: string): number | undefined {
    const v = this.#scalar(node);
    if (typeof v === "number") {
      this.#report(path, "bad-duration", `\`${key}\` needs a unit, got ${describe(node)}`, {
        hint: `Write \`${key}: ${v}s\` for ${v} seconds (units: ${DURATION_UNITS.join(", ")}).`,
      });
      return undefined;
    }
    const ms = typeof v === "string" ? parseDuration(v) : undefined;
    if (ms === undefined) {
      this.#report(
        path,
        "bad-duration",
        `\`${key}\` must be a duration like "10s", got ${describe(node)}`,
        {
          hint: `A number and a unit (${
            DURATION_UNITS.join(", ")
          }), e.g. "500ms", "10s", "1m", "1h30m".`,
        },
      );
      return undefined;
    }
    if (ms <= 0) {
      this.#report(
        path,
        "out-of-range",
        `\`${key}\` must be longer than zero, got ${describe(node)}`,
      );
      return undefined;
    }
    return ms;
  }

  // --- Tables ----------------------------------------------------------------------------

  #tables(node: Node | null): TableConfig[] {
    const path = ["tables"];
    if (!isSeq(node)) {
      this.#report(
        path,
        "wrong-type",
        `\`tables\` must be a list of tables, got ${describe(node)}`,
        {
          hint: "Write each table as a list item: `- table_name: ...`.",
        },
      );
      return [];
    }
    if (node.items.length === 0) {
      this.#report(path, "empty-list", "The config has no tables", {
        hint: "Add a table: `- table_name: ...` with `columns:`.",
      });
    }
    const tables: TableConfig[] = [];
    const seen = new Map<string, TableConfig>();
    node.items.forEach((item, i) => {
      const table = this.#table(this.#resolve(item as Node | null), [...path, i]);
      if (!table) return;
      const first = table.name === "" ? undefined : seen.get(table.name);
      if (first) {
        this.#report(
          [...path, i, "table_name"],
          "duplicate-table",
          `Duplicate table \`${table.name}\``,
          {
            hint:
              `The first \`${table.name}\` is at line ${first.pos.line}; table names must be unique.`,
          },
        );
      } else {
        seen.set(table.name, table);
      }
      tables.push(table);
    });
    return tables;
  }

  #table(node: Node | null, path: YamlPath): TableConfig | undefined {
    const map = this.#mapping(node, path, "A table");
    if (!map) return undefined;
    const policyNode = map.get("update_policy", true) as Node | undefined;
    const postprocess = isScalar(policyNode) && policyNode.value === "postprocess";
    // `postprocess_mode` belongs to the unsupported `postprocess` policy, reported once there.
    const written = map.get("table_name");
    const where = typeof written === "string" && written !== ""
      ? `table \`${written}\``
      : "a table";
    const fields = this.#fields(
      map,
      path,
      TABLE_KEYS,
      where,
      postprocess ? ["postprocess_mode"] : [],
    );
    const at = (key: string) => [...path, key];

    let name: string | undefined;
    if (!fields.has("table_name")) {
      if (!this.#typoOf(map, "table_name", TABLE_KEYS)) {
        this.#report(path, "missing-field", "Table has no `table_name`", {
          hint: "Add `table_name: <name>`, the table's folder name.",
        });
      }
    } else {
      name = this.#tableName(fields.get("table_name")!, at("table_name"));
    }

    const table: TableConfig = {
      name: name ?? "",
      rowCount: DEFAULTS.rowCount,
      startRowId: DEFAULTS.startRowId,
      updatePolicy: DEFAULTS.updatePolicy,
      cadence: { rowsPerMinute: DEFAULTS.rowsPerMinute, enabled: DEFAULTS.enabled },
      columns: [],
      pos: this.#map.pos(path),
    };
    const label = name === undefined ? "this table" : `table \`${name}\``;

    if (fields.has("row_count")) {
      const n = this.#rowCount(fields.get("row_count")!, at("row_count"));
      if (n !== undefined) table.rowCount = n;
    }
    if (fields.has("start_row_id")) {
      const n = this.#integer(fields.get("start_row_id")!, at("start_row_id"), "start_row_id");
      if (n !== undefined) table.startRowId = n;
    }
    if (fields.has("update_policy")) {
      const policy = this.#updatePolicy(fields.get("update_policy")!, at("update_policy"));
      if (policy !== undefined) table.updatePolicy = policy;
    }
    if (fields.has("cadence")) table.cadence = this.#cadence(fields.get("cadence")!, at("cadence"));
    if (fields.has("export_file_count")) {
      const n = this.#integer(
        fields.get("export_file_count")!,
        at("export_file_count"),
        "export_file_count",
        1,
      );
      if (n !== undefined) table.exportFileCount = n;
    }
    if (fields.has("export_file_row_count")) {
      const n = this.#integer(
        fields.get("export_file_row_count")!,
        at("export_file_row_count"),
        "export_file_row_count",
        1,
      );
      if (n !== undefined) table.exportFileRowCount = n;
    }
    if (fields.has("export_file_name")) {
      const s = this.#string(
        fields.get("export_file_name")!,
        at("export_file_name"),
        "export_file_name",
      );
      if (s !== undefined) {
        const problem = unsafeName(s);
        if (problem) {
          this.#report(
            at("export_file_name"),
            "unsafe-name",
            `\`export_file_name\` ${JSON.stringify(s)} ${problem}`,
            {
              hint: "Use letters, digits, `-` and `_`, e.g. `customer_list`.",
            },
          );
        } else {
          table.exportFileName = s;
        }
      }
    }
    if (fields.has("description")) {
      const s = this.#string(fields.get("description")!, at("description"), "description");
      if (s !== undefined) table.description = s;
    }

    if (!fields.has("columns")) {
      this.#report(path, "missing-field", `${capitalise(label)} has no \`columns\``, {
        hint: "Add `columns:`, a list of `- column_name: ...` with `data: ...`.",
      });
    } else {
      table.columns = this.#columns(fields.get("columns")!, at("columns"), label);
    }
    if (fields.has("partition_by")) {
      const columns = this.#stringList(
        fields.get("partition_by")!,
        at("partition_by"),
        "partition_by",
      );
      if (columns !== undefined) {
        const names = table.columns.map((c) => c.name);
        const known = columns.filter((c, i) => {
          if (names.includes(c)) return true;
          const itemPath = isSeq(fields.get("partition_by"))
            ? at("partition_by").concat(i)
            : at("partition_by");
          this.#report(
            itemPath,
            "unknown-column",
            `\`partition_by\` names \`${c}\`, which is not a column of ${label}`,
            {
              hint: didYouMean(closestString(c, names)) ?? `Columns: ${names.join(", ")}.`,
            },
          );
          return false;
        });
        table.partitionBy = known;
      }
    }

    const keys = table.columns.filter((c) => c.isPrimaryKey);
    if (keys.length) table.primaryKey = keys[0].name;
    if (keys.length > 1) {
      const names = keys.map((k) => `\`${k.name}\``);
      const list = names.length === 2
        ? names.join(" and ")
        : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
      this.#report(
        [...keys[1].pos.path, "is_primary_key"],
        "multiple-primary-keys",
        `${capitalise(label)} has ${keys.length === 2 ? "two" : keys.length} primary keys: ${list}`,
        {
          severity: "warning",
          hint:
            `Its key is \`${keys[0].name}\` (line ${
              keys[0].pos.line
            }); \`foreign_key()\` may still point at the ` +
            "others. Mark one column `is_primary_key: true`.",
        },
      );
    }

    if (postprocess) {
      this.#report(
        at("update_policy"),
        "unsupported",
        "`update_policy: postprocess` is not supported: it recomputes a table with Python code after " +
          "each cycle, and tablestream runs no Python",
        {
          hint:
            "Use `update_policy: replace`, which regenerates the whole table on every cycle from its " +
            `columns' expressions; for values only Python code could compute, ${PLUGIN_HINT}.`,
        },
      );
    }
    return table;
  }

  /**
   * `row_count`: a non-negative integer. tablefaker's streaming fork also evaluates Python
   * there (`my_module.count(get_table)`), which is reported as needing Python.
   */
  #rowCount(node: Node | null, path: YamlPath): number | undefined {
    const v = this.#scalar(node);
    const module = typeof v === "string" ? /^\s*([A-Za-z_]\w*)\s*[.(]/.exec(v)?.[1] : undefined;
    if (module !== undefined) {
      const imported = this.#pythonImports.includes(module);
      this.#report(
        path,
        imported ? "python-module" : "wrong-type",
        imported
          ? `\`row_count\` calls \`${module}\`, a Python module from \`config.python_import\`, which ` +
            "tablestream cannot run"
          : `\`row_count\` must be a non-negative integer, got the expression ${describe(node)}`,
        {
          hint:
            "Write the number of rows, e.g. `row_count: 240`; a table whose length only Python code " +
            `can compute needs a plugin: ${PLUGIN_HINT}.`,
        },
      );
      return undefined;
    }
    return this.#integer(node, path, "row_count", 0);
  }

  /** Whether an unknown key of the mapping is a misspelling of `key` (reported already). */
  #typoOf(map: YAMLMap, key: string, known: readonly string[]): boolean {
    return map.items.some((pair) => {
      const k = this.#resolve(pair.key as Node | null);
      if (!isScalar(k) || typeof k.value !== "string" || known.includes(k.value)) return false;
      return closestString(k.value, known) === key;
    });
  }

  #tableName(node: Node | null, path: YamlPath): string | undefined {
    const v = this.#scalar(node);
    if (typeof v !== "string") {
      this.#report(path, "wrong-type", `\`table_name\` must be a string, got ${describe(node)}`, {
        hint: v !== null && v !== undefined ? `Quote it: \`table_name: "${v}"\`.` : undefined,
      });
      return undefined;
    }
    const problem = unsafeName(v);
    if (problem) {
      this.#report(path, "unsafe-name", `Table name ${JSON.stringify(v)} ${problem}`, {
        hint: WINDOWS_DEVICE.test(v)
          ? `It names the table's folder: add to it, e.g. \`${v}_table\`.`
          : "It names the table's folder: use letters, digits, `-` and `_`, e.g. `orders`.",
      });
    }
    return v;
  }

  #updatePolicy(node: Node | null, path: YamlPath): UpdatePolicy | undefined {
    const v = this.#scalar(node);
    if (v === "postprocess") return undefined;
    if (typeof v === "string" && (UPDATE_POLICIES as readonly string[]).includes(v)) {
      return v as UpdatePolicy;
    }
    const suggestion = typeof v === "string" ? closestString(v, UPDATE_POLICIES) : undefined;
    this.#report(path, "bad-value", `Unknown \`update_policy\` ${describe(node)}`, {
      hint: didYouMean(suggestion) ?? `One of: ${UPDATE_POLICIES.join(", ")}.`,
    });
    return undefined;
  }

  #cadence(node: Node | null, path: YamlPath): Cadence {
    const cadence: Cadence = { rowsPerMinute: DEFAULTS.rowsPerMinute, enabled: DEFAULTS.enabled };
    const map = this.#mapping(node, path, "`cadence`");
    if (!map) return cadence;
    const fields = this.#fields(map, path, CADENCE_KEYS, "`cadence`");
    if (fields.has("rows_per_minute")) {
      const rpmPath = [...path, "rows_per_minute"];
      const rpmNode = fields.get("rows_per_minute")!;
      const v = this.#scalar(rpmNode);
      if (typeof v !== "number" || !Number.isFinite(v)) {
        this.#report(
          rpmPath,
          "wrong-type",
          `\`rows_per_minute\` must be a number, got ${describe(rpmNode)}`,
          {
            hint: "E.g. `rows_per_minute: 60`, or `0.5` for one row every two minutes.",
          },
        );
      } else if (v < 0) {
        this.#report(
          rpmPath,
          "out-of-range",
          `\`rows_per_minute\` must not be negative, got ${v}`,
          {
            hint: "Use `enabled: false` (or `update_policy: disabled`) to stop a table.",
          },
        );
      } else {
        cadence.rowsPerMinute = v;
      }
    }
    if (fields.has("enabled")) {
      const enabled = this.#bool(fields.get("enabled")!, [...path, "enabled"], "enabled");
      if (enabled !== undefined) cadence.enabled = enabled;
    }
    return cadence;
  }

  // --- Columns ---------------------------------------------------------------------------

  #columns(node: Node | null, path: YamlPath, label: string): ColumnConfig[] {
    if (!isSeq(node)) {
      this.#report(
        path,
        "wrong-type",
        `\`columns\` must be a list of columns, got ${describe(node)}`,
        {
          hint: "Write each column as a list item: `- column_name: ...`.",
        },
      );
      return [];
    }
    if (node.items.length === 0) {
      this.#report(path, "empty-list", `${capitalise(label)} has no columns`, {
        hint: "Add a column: `- column_name: id` with `data: row_id`.",
      });
    }
    const columns: ColumnConfig[] = [];
    const seen = new Map<string, ColumnConfig>();
    node.items.forEach((item, i) => {
      const column = this.#column(this.#resolve(item as Node | null), [...path, i]);
      if (!column) return;
      const first = seen.get(column.name);
      if (first) {
        this.#report(
          [...path, i, "column_name"],
          "duplicate-column",
          `Duplicate column \`${column.name}\` in ${label}`,
          {
            hint:
              `The first \`${column.name}\` is at line ${first.pos.line}; column names must be unique in a table.`,
          },
        );
      } else {
        seen.set(column.name, column);
      }
      columns.push(column);
    });
    return columns;
  }

  #column(node: Node | null, path: YamlPath): ColumnConfig | undefined {
    const map = this.#mapping(node, path, "A column");
    if (!map) return undefined;
    const written = map.get("column_name");
    const where = typeof written === "string" && written !== ""
      ? `column \`${written}\``
      : "a column";
    const fields = this.#fields(map, path, COLUMN_KEYS, where, ["null_percent"]);
    const at = (key: string) => [...path, key];

    let name: string | undefined;
    if (!fields.has("column_name")) {
      if (!this.#typoOf(map, "column_name", COLUMN_KEYS)) {
        this.#report(path, "missing-field", "Column has no `column_name`", {
          hint: "Add `column_name: <name>`.",
        });
      }
    } else {
      const nameNode = fields.get("column_name")!;
      const v = this.#scalar(nameNode);
      if (typeof v === "string" && v.trim() !== "") {
        name = v;
      } else {
        this.#report(
          at("column_name"),
          "wrong-type",
          `\`column_name\` must be a non-empty string, got ${describe(nameNode)}`,
          {
            hint: typeof v === "number" || typeof v === "boolean"
              ? `Quote it: \`column_name: "${v}"\`.`
              : undefined,
          },
        );
      }
    }
    const label = name === undefined ? "this column" : `column \`${name}\``;

    let data: Value | undefined;
    // With name inference on, a column without `data:` is inferred, as in tablefaker.
    const inferred = this.#inferAttrs && !fields.has("data");
    if (!fields.has("data")) {
      if (!inferred && !this.#typoOf(map, "data", COLUMN_KEYS)) {
        this.#report(path, "missing-field", `${capitalise(label)} has no \`data\``, {
          hint: "Add `data: <expression>`, e.g. `data: fake.name()` or `data: row_id`.",
        });
      }
    } else {
      const dataNode = fields.get("data")!;
      data = exactIntLiteral(dataNode) ?? floatLiteral(dataNode) ?? this.#scalar(dataNode);
      if (data === undefined) {
        this.#report(
          at("data"),
          "wrong-type",
          `\`data\` must be an expression or a literal value, got ${describe(dataNode)}`,
          {
            hint: isSeq(dataNode) || isMap(dataNode)
              ? `Quote it to make it an expression, e.g. \`data: "random.choice([1, 2])"\`.`
              : undefined,
          },
        );
      }
    }

    if (name === undefined) return undefined;
    const column: ColumnConfig = {
      name,
      data: data ?? null,
      isPrimaryKey: false,
      nullFraction: 0,
      pos: this.#map.pos(path),
      dataPos: this.#map.pos(fields.has("data") ? at("data") : path),
    };
    if (typeof data === "string" && data.trim() === "auto") {
      column.auto = "required";
    } else if (this.#inferAttrs && (data === null || inferred)) {
      column.auto = "optional";
    } else if (data === undefined) {
      this.incomplete.add(column);
    }

    if (fields.has("is_primary_key")) {
      const pk = this.#bool(fields.get("is_primary_key")!, at("is_primary_key"), "is_primary_key");
      if (pk !== undefined) column.isPrimaryKey = pk;
    }
    if (fields.has("type")) {
      const type = this.#type(fields.get("type")!, at("type"));
      if (type !== undefined) column.type = type;
    }
    if (fields.has("parquet_type")) {
      // The Arrow type decides the storage; it wins over `type`, as in tablefaker's writers.
      const type = this.#parquetType(fields.get("parquet_type")!, at("parquet_type"));
      if (type !== undefined) column.type = type;
    }
    if (fields.has("null_percent")) {
      const both = fields.has("null_percentage");
      this.#report(
        at("null_percent"),
        both ? "unknown-field" : "renamed-field",
        both
          ? `Unknown field \`null_percent\` in ${where}`
          : "`null_percent` is read as `null_percentage`",
        {
          severity: both ? "error" : "warning",
          at: "key",
          hint: both
            ? "`null_percentage` is given too: remove `null_percent`."
            : "Rename it to `null_percentage` (tablefaker ignores `null_percent`).",
        },
      );
    }
    const nullKey = fields.has("null_percentage")
      ? "null_percentage"
      : fields.has("null_percent")
      ? "null_percent"
      : undefined;
    if (nullKey) column.nullFraction = this.#nullFraction(fields.get(nullKey)!, at(nullKey)) ?? 0;
    if (nullKey && column.isPrimaryKey && column.nullFraction > 0) {
      this.#report(
        at(nullKey),
        "null-primary-key",
        `Primary key column \`${name}\` cannot have \`${nullKey}\``,
        {
          at: "key",
          hint: "Keys identify rows and are never null; remove it, or drop `is_primary_key: true`.",
        },
      );
    }
    if (fields.has("description")) {
      const s = this.#string(fields.get("description")!, at("description"), "description");
      if (s !== undefined) column.description = s;
    }
    return column;
  }

  #type(node: Node | null, path: YamlPath): ColumnTypeName | undefined {
    const v = this.#scalar(node);
    if (typeof v === "string" && Object.hasOwn(TYPE_NAMES, v)) return TYPE_NAMES[v];
    const names = Object.keys(TYPE_NAMES);
    const lower = typeof v === "string"
      ? names.find((n) => n.toLowerCase() === v.toLowerCase())
      : undefined;
    const suggestion = typeof v === "string" ? lower ?? closestString(v, names) : undefined;
    this.#report(path, "unknown-type", `Unknown column type ${describe(node)}`, {
      hint: didYouMean(suggestion) ??
        "A pandas dtype: int8, int16, int32, int64 (int, Int64), float32, float64 (float), string (str, " +
          "category), bool (boolean), date, datetime64[ns] (datetime); or `parquet_type:` for Arrow names.",
    });
    return undefined;
  }

  #parquetType(node: Node | null, path: YamlPath): ColumnTypeName | undefined {
    const v = this.#scalar(node);
    const type = typeof v === "string" ? parquetType(v) : undefined;
    if (typeof type === "string") return type;
    if (type) {
      this.#report(path, "unknown-type", `Unsupported \`parquet_type\` ${describe(node)}`, {
        hint: `${type.error}.`,
      });
      return undefined;
    }
    const suggestion = typeof v === "string" ? closestString(v, PARQUET_TYPE_EXAMPLES) : undefined;
    this.#report(path, "unknown-type", `Unknown \`parquet_type\` ${describe(node)}`, {
      hint: didYouMean(suggestion) ??
        "An Arrow type name: int8..int64, float32, float64, bool, string, date32, timestamp[us], " +
          "decimal128(precision, scale).",
    });
    return undefined;
  }

  #nullFraction(node: Node | null, path: YamlPath): number | undefined {
    const key = path.at(-1) as string;
    const fraction = parseNullPercentage(this.#scalar(node));
    if (fraction !== undefined) return fraction;
    this.#report(
      path,
      "bad-null-percentage",
      `\`${key}\` must be a fraction 0..1, a percentage 1..100 or a text like "50%", got ${
        describe(node)
      }`,
      { hint: 'E.g. `null_percentage: 0.1` or `null_percentage: "10%"` for one row in ten.' },
    );
    return undefined;
  }
}

/**
 * tablefaker's `null_percentage` as a fraction 0..1: a number 0..1 is a fraction, a
 * number above 1 up to 100 a percentage, and a text ending in `%` a percentage.
 *
 * @example
 * ```ts
 * parseNullPercentage(0.3); // 0.3
 * parseNullPercentage(30); // 0.3
 * parseNullPercentage("30%"); // 0.3
 * ```
 */
export function parseNullPercentage(value: unknown): number | undefined {
  let n: number;
  if (typeof value === "number") {
    n = value;
  } else if (typeof value === "string") {
    const text = value.trim();
    const percent = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/.exec(text);
    if (percent) {
      const p = Number(percent[1]);
      return p <= 100 ? p / 100 : undefined;
    }
    if (!/^(\d+(?:\.\d+)?|\.\d+)$/.test(text)) return undefined;
    n = Number(text);
  } else {
    return undefined;
  }
  if (!Number.isFinite(n) || n < 0 || n > 100) return undefined;
  return n <= 1 ? n : n / 100;
}

/**
 * Why a name cannot be a folder name, or undefined when it can: not empty, no `/`, `\`,
 * `..` or control characters, not starting with `.`.
 */
export function unsafeName(name: string): string | undefined {
  if (name.trim() === "") return "is empty";
  if (name.includes("..")) return "contains `..`";
  if (name.includes("/")) return "contains `/`";
  if (name.includes("\\")) return "contains `\\`";
  // deno-lint-ignore no-control-regex -- control characters are exactly what is rejected here
  if (/[\u0000-\u001f\u007f]/.test(name)) return "contains a control character";
  if (name.startsWith(".")) return "starts with `.`";
  if (name !== name.trim()) return "starts or ends with a space";
  if (WINDOWS_DEVICE.test(name)) {
    return "is a Windows device name: the table's folder could never be copied to Windows";
  }
  if (/[<>:"|?*]/.test(name)) return "contains a character Windows forbids in folder names";
  if (/[. ]$/.test(name)) return "ends with `.`, which Windows drops from folder names";
  return undefined;
}

/**
 * Names Windows reserves for devices, alone or before an extension (`nul.txt` too), in any
 * case; the superscript digits are reserved as well.
 */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * `data: 9000000000000000000`: YAML reads a plain int beyond 2^53 as a rounded float, while
 * the expression language keeps ints exact; such a literal is handed on as its source text,
 * an expression that the checker reads exactly (and bounds, at its position). Undefined for
 * any other value.
 */
function exactIntLiteral(node: Node | null): string | undefined {
  if (!isScalar(node) || typeof node.value !== "number" || Number.isSafeInteger(node.value)) {
    return undefined;
  }
  const match = /^([+-]?)0*(\d+)$/.exec(node.source ?? "");
  return match ? match[1] + match[2] : undefined;
}

/**
 * `data: 1.0`, `data: 1e3`: a float literal, as Python reads it (a float, also when whole),
 * where YAML reads a number that would be an int: handed on as its source text, an expression.
 * Undefined for any other value.
 */
function floatLiteral(node: Node | null): string | undefined {
  if (!isScalar(node) || typeof node.value !== "number" || !Number.isInteger(node.value)) {
    return undefined;
  }
  const source = node.source ?? "";
  return /^[+-]?(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?$/.test(source) && /[.eE]/.test(source)
    ? source
    : undefined;
}
