/**
 * `changes:` of a table: how many of its existing rows are updated and deleted per minute,
 * which columns an update recomputes, and how the rows are picked (docs/changes.md). The
 * checks that need compiled expressions are `validate_changes.ts`'s.
 *
 * @module
 */
import { isScalar, type Node } from "yaml";
import { closestString } from "../expr/mod.ts";
import type { YamlPath } from "./diagnostics.ts";
import { parseDuration } from "./duration.ts";
import type { ChangePick, ChangesConfig, TableConfig } from "./model.ts";
import { CHANGES_KEYS, PICK_KEYS, type ReadContext } from "./read_context.ts";
import { describe, didYouMean } from "./yaml_fields.ts";
import { PICK_DISTRIBUTIONS } from "../changes/spec.ts";

/** The zipf exponent when `param` is not given, as for foreign keys. */
export const DEFAULT_CHANGE_ZIPF_PARAM = 1.2;

/** Which options each distribution reads. */
const PICK_OPTIONS: Record<ChangePick["distribution"], readonly string[]> = {
  uniform: [],
  zipf: ["param"],
  recent: ["half_life"],
};

/**
 * Reads `changes:` of `table`, whose columns, primary key and policy are read already.
 * Undefined when it is not a mapping (reported).
 */
export function readChanges(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  table: TableConfig,
): ChangesConfig | undefined {
  const label = table.name === "" ? "this table" : `table \`${table.name}\``;
  const map = r.mapping(node, path, "`changes`");
  if (!map) return undefined;
  const fields = r.fields(map, path, CHANGES_KEYS, "`changes`");
  const at = (key: string) => [...path, key];
  const changes: ChangesConfig = {
    updatesPerMinute: 0,
    deletesPerMinute: 0,
    updateColumns: [],
    pick: { distribution: "uniform" },
    pos: r.map.pos(path),
  };
  for (const key of ["updates_per_minute", "deletes_per_minute"] as const) {
    if (!fields.has(key)) continue;
    const rate = r.rate(
      fields.get(key)!,
      at(key),
      key,
      { example: 30, each: "one", none: `Use \`${key}: 0\` (or leave it out) for none.` },
    );
    if (rate === undefined) continue;
    if (key === "updates_per_minute") changes.updatesPerMinute = rate;
    else changes.deletesPerMinute = rate;
  }
  if (fields.has("update_columns")) {
    changes.updateColumns = readUpdateColumns(r, fields.get("update_columns")!, at, table, label);
  }
  if (fields.has("pick")) changes.pick = readPick(r, fields.get("pick")!, at("pick"), table);

  if (changes.updatesPerMinute > 0 && !fields.has("update_columns")) {
    r.report(
      path,
      "missing-field",
      "`changes` updates rows but has no `update_columns`",
      {
        hint: "List the columns an update recomputes, e.g. `update_columns: [status, updated_at]`.",
      },
    );
  } else if (changes.updatesPerMinute === 0 && changes.updateColumns.length > 0) {
    r.report(
      at("update_columns"),
      "never-updated",
      "`update_columns` are never updated: `updates_per_minute` is 0",
      {
        severity: "warning",
        hint: "Set `updates_per_minute`, e.g. `updates_per_minute: 30`.",
      },
    );
  }
  if (table.updatePolicy !== "append") {
    r.report(
      path,
      "bad-changes",
      `\`changes\` need \`update_policy: append\`, but ${label} is \`${table.updatePolicy}\``,
      {
        at: "key",
        hint: table.updatePolicy === "replace"
          ? "A `replace` table regenerates every row each tick already; remove `changes`."
          : "Remove `update_policy: disabled`, or remove `changes`.",
      },
    );
  } else if (!table.cadence.enabled) {
    r.report(path, "never-changed", `${label} never changes: its cadence is disabled`, {
      at: "key",
      severity: "warning",
      hint: "Changes happen on the ticks of `run`; set `cadence.enabled: true`.",
    });
  }
  return changes;
}

/** `update_columns`: columns of the table, not its primary key, each once. */
function readUpdateColumns(
  r: ReadContext,
  node: Node | null,
  at: (key: string) => YamlPath,
  table: TableConfig,
  label: string,
): string[] {
  const path = at("update_columns");
  const names = r.stringList(node, path, "update_columns");
  if (names === undefined) return [];
  const columns = table.columns.map((c) => c.name);
  const itemPath = (i: number) => isScalar(node) ? path : [...path, i];
  const out: string[] = [];
  names.forEach((name, i) => {
    if (!columns.includes(name)) {
      r.report(
        itemPath(i),
        "unknown-column",
        `\`update_columns\` names \`${name}\`, which is not a column of ${label}`,
        { hint: didYouMean(closestString(name, columns)) ?? `Columns: ${columns.join(", ")}.` },
      );
    } else if (table.columns.some((c) => c.name === name && c.isPrimaryKey)) {
      r.report(
        itemPath(i),
        "bad-value",
        `\`update_columns\` names \`${name}\`, the primary key: an update cannot change a row's key`,
        { hint: "Changes find rows by their key; remove it from `update_columns`." },
      );
    } else if (out.includes(name)) {
      r.report(itemPath(i), "duplicate-column", `\`update_columns\` names \`${name}\` twice`, {
        severity: "warning",
        hint: "Name each column once.",
      });
    } else {
      out.push(name);
    }
  });
  return out;
}

/** `pick`: a distribution's name alone, or a mapping with its options. */
function readPick(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  table: TableConfig,
): ChangePick {
  const pick: ChangePick = { distribution: "uniform" };
  const short = r.scalar(node);
  if (typeof short === "string") {
    const name = pickName(r, node, path);
    if (name) pick.distribution = name;
    if (name === "zipf") pick.param = DEFAULT_CHANGE_ZIPF_PARAM;
    if (name === "recent") missingHalfLife(r, path, true);
    return pick;
  }
  const map = r.mapping(node, path, "`pick`");
  if (!map) return pick;
  const fields = r.fields(map, path, PICK_KEYS, "`pick`");
  if (fields.has("distribution")) {
    const name = pickName(r, fields.get("distribution")!, [...path, "distribution"]);
    if (name) pick.distribution = name;
    else return pick;
  }
  const reads = PICK_OPTIONS[pick.distribution];
  for (const key of ["param", "half_life"]) {
    if (fields.has(key) && !reads.includes(key)) {
      const wanted = key === "param" ? "zipf" : "recent";
      r.report(
        [...path, key],
        "unknown-field",
        `\`${key}\` is an option of \`${wanted}\`, not of \`${pick.distribution}\``,
        { at: "key", hint: `Write \`distribution: ${wanted}\`, or remove \`${key}\`.` },
      );
    }
  }
  if (pick.distribution === "zipf") {
    pick.param = DEFAULT_CHANGE_ZIPF_PARAM;
    if (fields.has("param")) {
      const v = r.scalar(fields.get("param")!);
      if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
        r.report(
          [...path, "param"],
          typeof v === "number" ? "out-of-range" : "wrong-type",
          `zipf's \`param\` must be a number greater than 0, got ${describe(fields.get("param"))}`,
          { hint: "The exponent: 1.1 is mildly skewed, 2 strongly; e.g. `param: 1.1`." },
        );
      } else {
        pick.param = v;
      }
    }
  }
  if (pick.distribution === "recent") {
    if (!fields.has("half_life")) missingHalfLife(r, path, false);
    else pick.halfLife = readHalfLife(r, fields.get("half_life")!, [...path, "half_life"], table);
  }
  return pick;
}

function pickName(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): ChangePick["distribution"] | undefined {
  const v = r.scalar(node);
  if (typeof v === "string" && (PICK_DISTRIBUTIONS as readonly string[]).includes(v)) {
    return v as ChangePick["distribution"];
  }
  const suggestion = typeof v === "string" ? closestString(v, PICK_DISTRIBUTIONS) : undefined;
  r.report(path, "bad-value", `Unknown \`pick\` distribution ${describe(node)}`, {
    hint: didYouMean(suggestion) ?? `One of: ${PICK_DISTRIBUTIONS.join(", ")}.`,
  });
  return undefined;
}

function missingHalfLife(r: ReadContext, path: YamlPath, short: boolean): void {
  r.report(path, "missing-field", "`recent` needs a `half_life`", {
    hint: (short ? "Write `pick: { distribution: recent, half_life: 1000 }`" : "Add `half_life:`") +
      ': in rows (`1000`: a row 1,000 rows older is half as likely to change) or logical time (`"1h"`).',
  });
}

/** `half_life`: a positive number of rows, or a duration (at the table's insert rate). */
function readHalfLife(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  table: TableConfig,
): ChangePick["halfLife"] {
  const v = r.scalar(node);
  if (typeof v === "number" && Number.isFinite(v) && v > 0) return { rows: v };
  const ms = typeof v === "string" ? parseDuration(v) : undefined;
  if (ms !== undefined && ms > 0) {
    if (table.cadence.rowsPerMinute === 0) {
      r.report(path, "bad-value", "A `half_life` in time needs rows that arrive over time", {
        hint:
          "The table's `rows_per_minute` is 0: give `half_life` in rows, e.g. `half_life: 100`.",
      });
      return undefined;
    }
    return { ms };
  }
  r.report(
    path,
    typeof v === "number" ? "out-of-range" : "wrong-type",
    `\`half_life\` must be a positive number of rows or a duration like "1h", got ${
      describe(node)
    }`,
    { hint: 'E.g. `half_life: 1000` (rows) or `half_life: "6h"` (logical time).' },
  );
  return undefined;
}
