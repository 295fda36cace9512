/**
 * The columns of a table: names, `data:` expressions (kept as text here, compiled later),
 * types, keys and null fractions.
 *
 * @module
 */
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { closestString } from "../expr/mod.ts";
import type { YamlPath } from "./diagnostics.ts";
import type { ColumnConfig, ColumnTypeName } from "./model.ts";
import { PARQUET_TYPE_EXAMPLES, parquetType, TYPE_NAMES } from "./type_names.ts";

import { describe, didYouMean, type Value } from "./yaml_fields.ts";
import { capitalise, COLUMN_KEYS, type ReadContext } from "./read_context.ts";
import { EVENT_TIME_DATA, readColumnFaults } from "./read_faults.ts";

export function readColumns(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  label: string,
): ColumnConfig[] {
  if (!isSeq(node)) {
    r.report(
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
    r.report(path, "empty-list", `${capitalise(label)} has no columns`, {
      hint: "Add a column: `- column_name: id` with `data: row_id`.",
    });
  }
  const columns: ColumnConfig[] = [];
  const seen = new Map<string, ColumnConfig>();
  node.items.forEach((item, i) => {
    const column = readColumn(r, r.resolve(item as Node | null), [...path, i]);
    if (!column) return;
    const first = seen.get(column.name);
    if (first) {
      r.report(
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

export function readColumn(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): ColumnConfig | undefined {
  const map = r.mapping(node, path, "A column");
  if (!map) return undefined;
  const written = map.get("column_name");
  const where = typeof written === "string" && written !== ""
    ? `column \`${written}\``
    : "a column";
  const fields = r.fields(map, path, COLUMN_KEYS, where, ["null_percent"]);
  const at = (key: string) => [...path, key];

  let name: string | undefined;
  if (!fields.has("column_name")) {
    if (!r.isTypoOf(map, "column_name", COLUMN_KEYS)) {
      r.report(path, "missing-field", "Column has no `column_name`", {
        hint: "Add `column_name: <name>`.",
      });
    }
  } else {
    const nameNode = fields.get("column_name")!;
    const v = r.scalar(nameNode);
    if (typeof v === "string" && v.trim() !== "") {
      name = v;
    } else {
      r.report(
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
  const inferred = r.inferAttrs && !fields.has("data");
  if (!fields.has("data") && fields.has("event_time")) {
    data = EVENT_TIME_DATA; // the row's arrival time, made late in some rows
  } else if (!fields.has("data")) {
    if (!inferred && !r.isTypoOf(map, "data", COLUMN_KEYS)) {
      r.report(path, "missing-field", `${capitalise(label)} has no \`data\``, {
        hint: "Add `data: <expression>`, e.g. `data: fake.name()` or `data: row_id`.",
      });
    }
  } else {
    const dataNode = fields.get("data")!;
    data = exactIntLiteral(dataNode) ?? floatLiteral(dataNode) ?? r.scalar(dataNode);
    if (data === undefined) {
      r.report(
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
    pos: r.map.pos(path),
    dataPos: r.map.pos(fields.has("data") ? at("data") : path),
  };
  if (typeof data === "string" && data.trim() === "auto") {
    column.auto = "required";
  } else if (r.inferAttrs && (data === null || inferred)) {
    column.auto = "optional";
  } else if (data === undefined) {
    r.incomplete.add(column);
  }

  if (fields.has("is_primary_key")) {
    const pk = r.bool(fields.get("is_primary_key")!, at("is_primary_key"), "is_primary_key");
    if (pk !== undefined) column.isPrimaryKey = pk;
  }
  if (fields.has("type")) {
    const type = readType(r, fields.get("type")!, at("type"));
    if (type !== undefined) column.type = type;
  }
  if (fields.has("parquet_type")) {
    // The Arrow type decides the storage; it wins over `type`, as in tablefaker's writers.
    const type = readParquetType(r, fields.get("parquet_type")!, at("parquet_type"));
    if (type !== undefined) column.type = type;
  }
  if (fields.has("null_percent")) {
    const both = fields.has("null_percentage");
    r.report(
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
  if (nullKey) column.nullFraction = readNullFraction(r, fields.get(nullKey)!, at(nullKey)) ?? 0;
  if (nullKey && column.isPrimaryKey && column.nullFraction > 0) {
    r.report(
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
    const s = r.string(fields.get("description")!, at("description"), "description");
    if (s !== undefined) column.description = s;
  }
  readColumnFaults(r, fields, path, column);
  return column;
}

export function readType(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): ColumnTypeName | undefined {
  const v = r.scalar(node);
  if (typeof v === "string" && Object.hasOwn(TYPE_NAMES, v)) return TYPE_NAMES[v];
  const names = Object.keys(TYPE_NAMES);
  const lower = typeof v === "string"
    ? names.find((n) => n.toLowerCase() === v.toLowerCase())
    : undefined;
  const suggestion = typeof v === "string" ? lower ?? closestString(v, names) : undefined;
  r.report(path, "unknown-type", `Unknown column type ${describe(node)}`, {
    hint: didYouMean(suggestion) ??
      "A pandas dtype: int8, int16, int32, int64 (int, Int64), float32, float64 (float), string (str, " +
        "category), bool (boolean), date, datetime64[ns] (datetime); or `parquet_type:` for Arrow names.",
  });
  return undefined;
}

export function readParquetType(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): ColumnTypeName | undefined {
  const v = r.scalar(node);
  const type = typeof v === "string" ? parquetType(v) : undefined;
  if (typeof type === "string") return type;
  if (type) {
    r.report(path, "unknown-type", `Unsupported \`parquet_type\` ${describe(node)}`, {
      hint: `${type.error}.`,
    });
    return undefined;
  }
  const suggestion = typeof v === "string" ? closestString(v, PARQUET_TYPE_EXAMPLES) : undefined;
  r.report(path, "unknown-type", `Unknown \`parquet_type\` ${describe(node)}`, {
    hint: didYouMean(suggestion) ??
      "An Arrow type name: int8..int64, float32, float64, bool, string, date32, timestamp[us], " +
        "decimal128(precision, scale).",
  });
  return undefined;
}

export function readNullFraction(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): number | undefined {
  const key = path.at(-1) as string;
  const fraction = parseNullPercentage(r.scalar(node));
  if (fraction !== undefined) return fraction;
  r.report(
    path,
    "bad-null-percentage",
    `\`${key}\` must be a fraction 0..1, a percentage 1..100 or a text like "50%", got ${
      describe(node)
    }`,
    { hint: 'E.g. `null_percentage: 0.1` or `null_percentage: "10%"` for one row in ten.' },
  );
  return undefined;
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
