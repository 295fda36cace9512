/**
 * The deliberate imperfections of a table (docs/traffic.md): a column's `event_time:`,
 * `bad_values:` and `orphans:`, and a table's `duplicates:`. Each is off unless written; the
 * checks that need compiled expressions (an orphan needs a `foreign_key(...)` column) are
 * `validate_faults.ts`'s.
 *
 * @module
 */
import { isSeq, type Node } from "yaml";
import { closestString } from "../expr/mod.ts";
import type { YamlPath } from "./diagnostics.ts";
import { parseDuration } from "./duration.ts";
import type { ColumnConfig, TableConfig } from "./model.ts";
import type { ReadContext } from "./read_context.ts";
import { describe, didYouMean } from "./yaml_fields.ts";
import {
  BAD_VALUE_KINDS,
  type BadValueKind,
  type BadValuesSpec,
  type DelayShape,
  type EventTimeSpec,
  KIND_NEEDS,
  kindFits,
} from "../engine/faults.ts";
import type { DuplicatesSpec } from "../engine/spec.ts";

/** The column keys of imperfections. */
export const FAULT_COLUMN_KEYS = ["event_time", "bad_values", "orphans"] as const;

const EVENT_TIME_KEYS = ["late_fraction", "max_delay", "delay"];
const BAD_VALUES_KEYS = ["fraction", "kinds"];
const DUPLICATES_KEYS = ["fraction", "max_delay", "change"];
const DELAY_SHAPES: readonly DelayShape[] = ["exponential", "uniform"];

/** What `data:` an `event_time` column without one has: the row's arrival time. */
export const EVENT_TIME_DATA = "datetime.now()";

/** Reads a column's imperfections from its fields into `column`. */
export function readColumnFaults(
  r: ReadContext,
  fields: ReadonlyMap<string, Node | null>,
  path: YamlPath,
  column: ColumnConfig,
): void {
  const at = (key: string) => [...path, key];
  if (fields.has("event_time")) {
    const spec = readEventTime(r, fields.get("event_time")!, at("event_time"));
    if (spec) column.eventTime = spec;
    if (column.type !== undefined && column.type !== "timestamp") {
      r.report(
        at("event_time"),
        "bad-event-time",
        `\`event_time\` needs a timestamp column, but \`${column.name}\` is \`${column.type}\``,
        { at: "key", hint: "Declare `type: datetime64[ns]`, or remove `event_time`." },
      );
    }
    if (column.nullFraction > 0) {
      r.report(
        at("event_time"),
        "bad-event-time",
        `\`event_time\` and \`null_percentage\` together: a null event time cannot be late`,
        { at: "key", hint: "Remove `null_percentage`, or use `bad_values` with kind `null`." },
      );
    }
  }
  if (fields.has("bad_values")) {
    const spec = readBadValues(r, fields.get("bad_values")!, at("bad_values"), column);
    if (spec) column.badValues = spec;
    if (column.isPrimaryKey) {
      r.report(
        at("bad_values"),
        "bad-bad-values",
        `Primary key column \`${column.name}\` cannot have \`bad_values\``,
        { at: "key", hint: "Rows are found by their key; put `bad_values` on other columns." },
      );
    }
  }
  if (fields.has("orphans")) {
    const fraction = readFraction(r, fields.get("orphans")!, at("orphans"), "orphans");
    if (fraction !== undefined) column.orphans = fraction;
    if (fields.has("bad_values")) {
      r.report(
        at("orphans"),
        "bad-orphans",
        `Column \`${column.name}\` has both \`orphans\` and \`bad_values\``,
        { at: "key", hint: "An orphan key is the bad value of a key: keep one of them." },
      );
    }
  }
}

/** `event_time: {late_fraction, max_delay, delay}`. */
function readEventTime(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): EventTimeSpec | undefined {
  const map = r.mapping(node, path, "`event_time`");
  if (!map) return undefined;
  const fields = r.fields(map, path, EVENT_TIME_KEYS, "`event_time`");
  const at = (key: string) => [...path, key];
  const late = fields.has("late_fraction")
    ? readFraction(r, fields.get("late_fraction")!, at("late_fraction"), "late_fraction")
    : missing(r, path, "late_fraction", "`late_fraction: 0.05` (one row in twenty is late)");
  const maxDelayMs = fields.has("max_delay")
    ? readDelay(r, fields.get("max_delay")!, at("max_delay"), "max_delay")
    : missing(r, path, "max_delay", '`max_delay: "10m"` (the latest a late row is)');
  let delay: DelayShape = "exponential";
  if (fields.has("delay")) {
    const v = r.scalar(fields.get("delay")!);
    if (typeof v === "string" && (DELAY_SHAPES as readonly string[]).includes(v)) {
      delay = v as DelayShape;
    } else {
      r.report(at("delay"), "bad-value", `Unknown \`delay\` ${describe(fields.get("delay"))}`, {
        hint: didYouMean(typeof v === "string" ? closestString(v, DELAY_SHAPES) : undefined) ??
          "`exponential` (most late rows a little late) or `uniform` (any delay up to the most).",
      });
    }
  }
  if (late === undefined || maxDelayMs === undefined) return undefined;
  return { lateFraction: late, maxDelayMs, delay };
}

/** `bad_values: 0.01` or `bad_values: {fraction, kinds}`. */
function readBadValues(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  column: ColumnConfig,
): BadValuesSpec | undefined {
  if (typeof r.scalar(node) === "number" || typeof r.scalar(node) === "string") {
    const fraction = readFraction(r, node, path, "bad_values");
    return fraction === undefined ? undefined : { fraction };
  }
  const map = r.mapping(node, path, "`bad_values`");
  if (!map) return undefined;
  const fields = r.fields(map, path, BAD_VALUES_KEYS, "`bad_values`");
  const fraction = fields.has("fraction")
    ? readFraction(r, fields.get("fraction")!, [...path, "fraction"], "fraction")
    : missing(r, path, "fraction", "`fraction: 0.01` (one value in a hundred is bad)");
  if (fraction === undefined) return undefined;
  if (!fields.has("kinds")) return { fraction };
  const kinds = readKinds(r, fields.get("kinds")!, [...path, "kinds"], column);
  return kinds ? { fraction, kinds } : undefined;
}

/** `kinds: [null, empty, ...]`: known kinds the column's declared type can hold. */
function readKinds(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  column: ColumnConfig,
): BadValueKind[] | undefined {
  if (!isSeq(node) || node.items.length === 0) {
    r.report(path, "wrong-type", `\`kinds\` must be a list of kinds, got ${describe(node)}`, {
      hint: `E.g. \`kinds: [null, out_of_range]\`; kinds: ${BAD_VALUE_KINDS.join(", ")}.`,
    });
    return undefined;
  }
  const kinds: BadValueKind[] = [];
  let ok = true;
  node.items.forEach((item, i) => {
    const v = r.scalar(r.resolve(item as Node | null));
    // YAML reads a bare `null` as no value: it names the kind `null`.
    const name = v === null ? "null" : v;
    if (typeof name !== "string" || !(BAD_VALUE_KINDS as readonly string[]).includes(name)) {
      ok = false;
      r.report([...path, i], "bad-value", `Unknown bad-value kind ${describe(item as Node)}`, {
        hint: didYouMean(
          typeof name === "string" ? closestString(name, BAD_VALUE_KINDS) : undefined,
        ) ?? `Kinds: ${BAD_VALUE_KINDS.join(", ")}.`,
      });
      return;
    }
    const kind = name as BadValueKind;
    if (column.type !== undefined && !kindFits(kind, column.type)) {
      ok = false;
      r.report(
        [...path, i],
        "bad-value-kind",
        `Bad-value kind \`${kind}\` needs ${KIND_NEEDS[kind]}, but \`${column.name}\` is ` +
          `\`${column.type}\`: the column's type is kept`,
        {
          hint: `Kinds a column of type ${column.type} holds: ${
            BAD_VALUE_KINDS.filter((k) => kindFits(k, column.type!)).join(", ")
          }.`,
        },
      );
      return;
    }
    if (!kinds.includes(kind)) kinds.push(kind);
  });
  return ok ? kinds : undefined;
}

/**
 * Reads a table's `duplicates:` (its columns read already): `duplicates: 0.01` or
 * `{fraction, max_delay, change}`.
 */
export function readDuplicates(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  table: TableConfig,
): DuplicatesSpec | undefined {
  const label = table.name === "" ? "this table" : `table \`${table.name}\``;
  let spec: DuplicatesSpec | undefined;
  const short = r.scalar(node);
  if (typeof short === "number" || typeof short === "string") {
    const fraction = readFraction(r, node, path, "duplicates");
    if (fraction !== undefined) spec = { fraction, maxDelayMs: DEFAULT_DUPLICATE_DELAY_MS };
  } else {
    spec = readDuplicatesMap(r, node, path, table, label);
  }
  if (table.updatePolicy !== "append" || !table.cadence.enabled) {
    r.report(path, "bad-duplicates", `\`duplicates\` need a table that streams appends`, {
      at: "key",
      hint:
        `${
          label.charAt(0).toUpperCase() + label.slice(1)
        } is not \`update_policy: append\` with its cadence enabled: a row is delivered again ` +
        "in a later tick of `run`.",
    });
  }
  if (table.changes) {
    r.report(path, "bad-duplicates", `\`duplicates\` and \`changes\` in one table`, {
      at: "key",
      hint: "Changes find a row by its key, which a duplicate shares: keep one of them.",
    });
  }
  return spec;
}

/** The default `max_delay` of duplicates: the next minute. */
const DEFAULT_DUPLICATE_DELAY_MS = 60_000;

function readDuplicatesMap(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  table: TableConfig,
  label: string,
): DuplicatesSpec | undefined {
  const map = r.mapping(node, path, "`duplicates`");
  if (!map) return undefined;
  const fields = r.fields(map, path, DUPLICATES_KEYS, "`duplicates`");
  const at = (key: string) => [...path, key];
  const fraction = fields.has("fraction")
    ? readFraction(r, fields.get("fraction")!, at("fraction"), "fraction")
    : missing(r, path, "fraction", "`fraction: 0.01` (one row in a hundred comes twice)");
  const maxDelayMs = fields.has("max_delay")
    ? readDelay(r, fields.get("max_delay")!, at("max_delay"), "max_delay")
    : DEFAULT_DUPLICATE_DELAY_MS;
  if (fraction === undefined || maxDelayMs === undefined) return undefined;
  const spec: DuplicatesSpec = { fraction, maxDelayMs };
  if (fields.has("change")) {
    const name = r.string(fields.get("change")!, at("change"), "change");
    const column = table.columns.find((c) => c.name === name);
    if (name === undefined) return spec;
    if (!column) {
      const names = table.columns.map((c) => c.name);
      r.report(
        at("change"),
        "unknown-column",
        `\`change\` names \`${name}\`, not a column of ${label}`,
        {
          hint: didYouMean(closestString(name, names)) ?? `Columns: ${names.join(", ")}.`,
        },
      );
    } else if (column.isPrimaryKey || column.eventTime) {
      r.report(
        at("change"),
        "bad-value",
        `\`change\` names \`${name}\`, ${
          column.isPrimaryKey ? "the primary key" : "an `event_time` column"
        }: a duplicate keeps it`,
        { hint: "Name a column a redelivery may change, e.g. a status or an amount." },
      );
    } else {
      spec.change = name;
    }
  }
  return spec;
}

/** A fraction 0..1, or a percentage as text (`"5%"`). */
function readFraction(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  key: string,
): number | undefined {
  const v = r.scalar(node);
  const percent = typeof v === "string" ? /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/.exec(v) : null;
  const n = percent ? Number(percent[1]) / 100 : v;
  if (typeof n === "number" && Number.isFinite(n) && n >= 0 && n <= 1) return n;
  r.report(
    path,
    typeof v === "number" ? "out-of-range" : "wrong-type",
    `\`${key}\` must be a fraction 0..1 or a percentage like "5%", got ${describe(node)}`,
    { hint: `E.g. \`${key}: 0.05\` or \`${key}: "5%"\` for one in twenty.` },
  );
  return undefined;
}

/** A positive duration like `"10m"`. */
function readDelay(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  key: string,
): number | undefined {
  const v = r.scalar(node);
  const ms = typeof v === "string" ? parseDuration(v) : undefined;
  if (ms !== undefined && ms >= 1 && Number.isSafeInteger(Math.round(ms))) return Math.round(ms);
  r.report(
    path,
    "bad-duration",
    `\`${key}\` must be a duration of 1ms or more, got ${describe(node)}`,
    {
      hint: `E.g. \`${key}: "10m"\`, \`"30s"\` or \`"1h30m"\`.`,
    },
  );
  return undefined;
}

function missing(r: ReadContext, path: YamlPath, key: string, example: string): undefined {
  r.report(path, "missing-field", `\`${path.at(-1)}\` has no \`${key}\``, {
    hint: `Add ${example}.`,
  });
  return undefined;
}
