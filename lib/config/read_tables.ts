/**
 * `tables:` of a config: each table's name, counts, policy, cadence, file layout and partitions.
 *
 * @module
 */
import { isScalar, isSeq, type Node } from "yaml";
import { closestString } from "../expr/mod.ts";
import type { YamlPath } from "./diagnostics.ts";
import { type Cadence, type TableConfig, UPDATE_POLICIES, type UpdatePolicy } from "./model.ts";

import { describe, didYouMean } from "./yaml_fields.ts";
import {
  CADENCE_KEYS,
  capitalise,
  DEFAULTS,
  PLUGIN_HINT,
  type ReadContext,
  TABLE_KEYS,
} from "./read_context.ts";
import { readColumns } from "./read_columns.ts";
import { readChanges } from "./read_changes.ts";
import { readDuplicates } from "./read_faults.ts";
import { checkConstraintSql, readTableProperties } from "./read_table_properties.ts";
import { readRateShape } from "./read_rate_shape.ts";

export function readTables(r: ReadContext, node: Node | null): TableConfig[] {
  const path = ["tables"];
  if (!isSeq(node)) {
    r.report(
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
    r.report(path, "empty-list", "The config has no tables", {
      hint: "Add a table: `- table_name: ...` with `columns:`.",
    });
  }
  const tables: TableConfig[] = [];
  const seen = new Map<string, TableConfig>();
  node.items.forEach((item, i) => {
    const table = readTable(r, r.resolve(item as Node | null), [...path, i]);
    if (!table) return;
    const first = table.name === "" ? undefined : seen.get(table.name);
    if (first) {
      r.report(
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

export function readTable(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): TableConfig | undefined {
  const map = r.mapping(node, path, "A table");
  if (!map) return undefined;
  const policyNode = map.get("update_policy", true) as Node | undefined;
  const postprocess = isScalar(policyNode) && policyNode.value === "postprocess";
  // `postprocess_mode` belongs to the unsupported `postprocess` policy, reported once there.
  const written = map.get("table_name");
  const where = typeof written === "string" && written !== "" ? `table \`${written}\`` : "a table";
  const fields = r.fields(
    map,
    path,
    TABLE_KEYS,
    where,
    postprocess ? ["postprocess_mode"] : [],
  );
  const at = (key: string) => [...path, key];

  let name: string | undefined;
  if (!fields.has("table_name")) {
    if (!r.isTypoOf(map, "table_name", TABLE_KEYS)) {
      r.report(path, "missing-field", "Table has no `table_name`", {
        hint: "Add `table_name: <name>`, the table's folder name.",
      });
    }
  } else {
    name = readTableName(r, fields.get("table_name")!, at("table_name"));
  }

  const table: TableConfig = {
    name: name ?? "",
    rowCount: DEFAULTS.rowCount,
    startRowId: DEFAULTS.startRowId,
    updatePolicy: DEFAULTS.updatePolicy,
    cadence: { rowsPerMinute: DEFAULTS.rowsPerMinute, enabled: DEFAULTS.enabled },
    columns: [],
    pos: r.map.pos(path),
  };
  const label = name === undefined ? "this table" : `table \`${name}\``;

  if (fields.has("row_count")) {
    const n = readRowCount(r, fields.get("row_count")!, at("row_count"));
    if (n !== undefined) table.rowCount = n;
  }
  if (fields.has("start_row_id")) {
    const n = r.integer(fields.get("start_row_id")!, at("start_row_id"), "start_row_id");
    if (n !== undefined) table.startRowId = n;
  }
  if (fields.has("update_policy")) {
    const policy = readUpdatePolicy(r, fields.get("update_policy")!, at("update_policy"));
    if (policy !== undefined) table.updatePolicy = policy;
  }
  if (fields.has("cadence")) table.cadence = readCadence(r, fields.get("cadence")!, at("cadence"));
  if (table.cadence.shape && table.updatePolicy !== "append") {
    r.report(
      at("cadence"),
      "shape-not-streamed",
      `The rate shape of ${label} has no effect: it is \`${table.updatePolicy}\``,
      {
        at: "key",
        severity: "warning",
        hint:
          "`daily`, `weekly`, `phases`, `bursts` and `jitter` shape the rows an `append` table adds.",
      },
    );
  }
  if (fields.has("export_file_count")) {
    const n = r.integer(
      fields.get("export_file_count")!,
      at("export_file_count"),
      "export_file_count",
      1,
    );
    if (n !== undefined) table.exportFileCount = n;
  }
  if (fields.has("export_file_row_count")) {
    const n = r.integer(
      fields.get("export_file_row_count")!,
      at("export_file_row_count"),
      "export_file_row_count",
      1,
    );
    if (n !== undefined) table.exportFileRowCount = n;
  }
  if (fields.has("export_file_name")) {
    const s = r.string(
      fields.get("export_file_name")!,
      at("export_file_name"),
      "export_file_name",
    );
    if (s !== undefined) {
      const problem = unsafeName(s);
      if (problem) {
        r.report(
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
    const s = r.string(fields.get("description")!, at("description"), "description");
    if (s !== undefined) table.description = s;
  }

  if (!fields.has("columns")) {
    r.report(path, "missing-field", `${capitalise(label)} has no \`columns\``, {
      hint: "Add `columns:`, a list of `- column_name: ...` with `data: ...`.",
    });
  } else {
    table.columns = readColumns(r, fields.get("columns")!, at("columns"), label);
  }
  const partitionBy = readColumnNames(r, fields, path, "partition_by", table, label);
  if (partitionBy) table.partitionBy = partitionBy;
  const clusterBy = readColumnNames(r, fields, path, "cluster_by", table, label);
  if (clusterBy) table.clusterBy = clusterBy;
  if (partitionBy?.length && clusterBy?.length) {
    // The Delta protocol forbids both ("Clustered Table"); the writer refuses too.
    r.report(
      at("cluster_by"),
      "partitioned-and-clustered",
      `${capitalise(label)} has both \`partition_by\` and \`cluster_by\`: a Delta table is ` +
        "either partitioned or clustered",
      { at: "key", hint: "Keep one of them: clustering needs no partition folders." },
    );
  }
  if (fields.has("table_properties")) {
    const properties = readTableProperties(
      r,
      fields.get("table_properties")!,
      at("table_properties"),
    );
    if (properties) table.tableProperties = properties;
    if (properties) {
      const names = table.columns.map((c) => c.name);
      checkConstraintSql(r, properties, names, at("table_properties"));
    }
  }

  const keys = table.columns.filter((c) => c.isPrimaryKey);
  if (keys.length) table.primaryKey = keys[0].name;
  if (keys.length > 1) {
    const names = keys.map((k) => `\`${k.name}\``);
    const list = names.length === 2
      ? names.join(" and ")
      : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
    r.report(
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

  if (fields.has("changes")) {
    const changes = readChanges(r, fields.get("changes")!, at("changes"), table);
    if (changes) table.changes = changes;
  }
  if (fields.has("duplicates")) {
    const duplicates = readDuplicates(r, fields.get("duplicates")!, at("duplicates"), table);
    if (duplicates) table.duplicates = duplicates;
  }
  if (table.changes && table.tableProperties?.["delta.appendOnly"] === "true") {
    r.report(
      at("table_properties").concat("delta.appendOnly"),
      "append-only-changes",
      `${capitalise(label)} has \`changes:\` and \`delta.appendOnly: true\`: an append-only ` +
        "Delta table refuses updates and deletes",
      { at: "key", hint: "Remove `changes:`, or the `delta.appendOnly` property." },
    );
  }

  if (postprocess) {
    r.report(
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
export function readRowCount(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): number | undefined {
  const v = r.scalar(node);
  const module = typeof v === "string" ? /^\s*([A-Za-z_]\w*)\s*[.(]/.exec(v)?.[1] : undefined;
  if (module !== undefined) {
    const imported = r.pythonImports.includes(module);
    r.report(
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
  return r.integer(node, path, "row_count", 0);
}

export function readTableName(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): string | undefined {
  const v = r.scalar(node);
  if (typeof v !== "string") {
    r.report(path, "wrong-type", `\`table_name\` must be a string, got ${describe(node)}`, {
      hint: v !== null && v !== undefined ? `Quote it: \`table_name: "${v}"\`.` : undefined,
    });
    return undefined;
  }
  const problem = unsafeName(v);
  if (problem) {
    r.report(path, "unsafe-name", `Table name ${JSON.stringify(v)} ${problem}`, {
      hint: WINDOWS_DEVICE.test(v)
        ? `It names the table's folder: add to it, e.g. \`${v}_table\`.`
        : "It names the table's folder: use letters, digits, `-` and `_`, e.g. `orders`.",
    });
  }
  return v;
}

export function readUpdatePolicy(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): UpdatePolicy | undefined {
  const v = r.scalar(node);
  if (v === "postprocess") return undefined;
  if (typeof v === "string" && (UPDATE_POLICIES as readonly string[]).includes(v)) {
    return v as UpdatePolicy;
  }
  const suggestion = typeof v === "string" ? closestString(v, UPDATE_POLICIES) : undefined;
  r.report(path, "bad-value", `Unknown \`update_policy\` ${describe(node)}`, {
    hint: didYouMean(suggestion) ?? `One of: ${UPDATE_POLICIES.join(", ")}.`,
  });
  return undefined;
}

export function readCadence(r: ReadContext, node: Node | null, path: YamlPath): Cadence {
  const cadence: Cadence = { rowsPerMinute: DEFAULTS.rowsPerMinute, enabled: DEFAULTS.enabled };
  const map = r.mapping(node, path, "`cadence`");
  if (!map) return cadence;
  const fields = r.fields(map, path, CADENCE_KEYS, "`cadence`");
  if (fields.has("rows_per_minute")) {
    const rate = r.rate(
      fields.get("rows_per_minute")!,
      [...path, "rows_per_minute"],
      "rows_per_minute",
      {
        example: 60,
        each: "one row",
        none: "Use `enabled: false` (or `update_policy: disabled`) to stop a table.",
      },
    );
    if (rate !== undefined) cadence.rowsPerMinute = rate;
  }
  if (fields.has("enabled")) {
    const enabled = r.bool(fields.get("enabled")!, [...path, "enabled"], "enabled");
    if (enabled !== undefined) cadence.enabled = enabled;
  }
  const shape = readRateShape(r, fields, path, cadence.rowsPerMinute);
  if (shape) cadence.shape = shape;
  return cadence;
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

/**
 * A field naming columns of the table (`partition_by`, `cluster_by`): the names that are its
 * columns; the others are reported with the closest column. Undefined when absent.
 */
function readColumnNames(
  r: ReadContext,
  fields: Map<string, Node | null>,
  path: YamlPath,
  key: string,
  table: TableConfig,
  label: string,
): string[] | undefined {
  if (!fields.has(key)) return undefined;
  const node = fields.get(key)!;
  const columns = r.stringList(node, [...path, key], key);
  if (columns === undefined) return undefined;
  const names = table.columns.map((c) => c.name);
  return columns.filter((c, i) => {
    if (names.includes(c)) return true;
    r.report(
      isSeq(node) ? [...path, key, i] : [...path, key],
      "unknown-column",
      `\`${key}\` names \`${c}\`, which is not a column of ${label}`,
      { hint: didYouMean(closestString(c, names)) ?? `Columns: ${names.join(", ")}.` },
    );
    return false;
  });
}
