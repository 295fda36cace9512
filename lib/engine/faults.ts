/**
 * Deliberate imperfections of a table's rows (docs/traffic.md): late event times, bad
 * values and orphaned foreign keys. Each is decided per cell by a hash of (seed, table,
 * column, row id, epoch) on a stream of its own, never drawn from the cell's random stream,
 * so a table without these settings has exactly the rows it had, and the counts of what was
 * injected into any rows are a pure function of their ids ({@link TableFaults.count}).
 *
 * @module
 */
import type { Value } from "../expr/values.ts";
import { AwareDatetime, datetimeAt, microsOf, PyDate } from "../expr/datetime_values.ts";
import { type ColumnType, decimalParts } from "../arrow/types.ts";
import { epochKey, streamKey, unitHash } from "./rng.ts";

/** How a late row's delay is distributed between 1 ms and the maximum. */
export type DelayShape = "exponential" | "uniform";

/** `event_time:` of a column: a fraction of rows whose time lags their arrival. */
export interface EventTimeSpec {
  /** Fraction (0..1) of rows that arrive late. */
  lateFraction: number;
  /** The longest delay, ms (at least 1). */
  maxDelayMs: number;
  delay: DelayShape;
}

/** The kinds of bad values, each kept within the column's declared type. */
export const BAD_VALUE_KINDS = [
  "null",
  "empty",
  "wrong_format",
  "out_of_range",
  "overlong",
  "invalid_utf8",
] as const;

/**
 * Kinds only taken when `kinds` names them: `invalid_utf8` reaches only sinks that write a
 * text column's bytes as they are (CSV), so a column's default kinds leave it out.
 */
export const EXPLICIT_KINDS: readonly BadValueKind[] = ["invalid_utf8"];

/** One kind of bad value. */
export type BadValueKind = typeof BAD_VALUE_KINDS[number];

/** `bad_values:` of a column. */
export interface BadValuesSpec {
  /** Fraction (0..1) of the column's values replaced by a bad one. */
  fraction: number;
  /** The kinds to choose from (evenly); absent: every kind the column's type can hold. */
  kinds?: BadValueKind[];
}

/** The kinds of injected imperfections, as counted in metrics, status and commits. */
export const FAULT_KINDS = ["late", "duplicate", "bad_value", "orphan"] as const;

/** One kind of injected imperfection. */
export type FaultKind = typeof FAULT_KINDS[number];

/** Injected imperfections by kind. */
export type FaultCounts = Record<FaultKind, number>;

/** No imperfections. */
export function noFaults(): FaultCounts {
  return { late: 0, duplicate: 0, bad_value: 0, orphan: 0 };
}

/** Adds `more` into `into`. */
export function addFaults(into: FaultCounts, more: FaultCounts): void {
  for (const kind of FAULT_KINDS) into[kind] += more[kind];
}

/** Whether a bad value of `kind` can be stored in a column of `type`. */
export function kindFits(kind: BadValueKind, type: ColumnType): boolean {
  switch (kind) {
    case "null":
      return true;
    case "empty":
    case "wrong_format":
    case "overlong":
    case "invalid_utf8":
      return type === "string";
    case "out_of_range":
      return type !== "string" && type !== "bool";
  }
}

/** What each kind needs of a column's type, for messages. */
export const KIND_NEEDS: Readonly<Record<BadValueKind, string>> = {
  null: "any column",
  empty: "a string column",
  wrong_format: "a string column",
  overlong: "a string column",
  invalid_utf8: "a string column",
  out_of_range: "a number, date or timestamp column",
};

/** Characters of an `overlong` text: longer than any sane VARCHAR or UI field. */
export const OVERLONG_CHARS = 10_000;

/** The mean of an exponential delay, as a fraction of the maximum (then cut at it). */
const EXPONENTIAL_MEAN = 0.2;

/** A column's imperfections with their hash keys. */
interface ColumnFaults {
  index: number;
  name: string;
  lateKey: number;
  delayKey: number;
  eventTime?: EventTimeSpec;
  badKey: number;
  kindKey: number;
  badValues?: BadValuesSpec;
  orphanKey: number;
  orphans: number;
}

/** What {@link TableFaults} needs of each column. */
export interface FaultColumn {
  name: string;
  eventTime?: EventTimeSpec;
  badValues?: BadValuesSpec;
  /** Fraction (0..1) of a foreign-key column's values pointing at no parent row. */
  orphans?: number;
}

/** The imperfections of one table's columns, decided per cell. */
export class TableFaults {
  readonly #columns: (ColumnFaults | undefined)[];
  /** Columns with a fault, for counting. */
  readonly #faulty: ColumnFaults[];

  constructor(seed: number, table: string, columns: readonly FaultColumn[]) {
    this.#columns = columns.map((c, index) => {
      if (!c.eventTime && !c.badValues && !c.orphans) return undefined;
      const key = (what: string) => streamKey(seed, table, c.name, what);
      return {
        index,
        name: c.name,
        lateKey: key("late"),
        delayKey: key("late delay"),
        eventTime: c.eventTime,
        badKey: key("bad"),
        kindKey: key("bad kind"),
        badValues: c.badValues,
        orphanKey: key("orphan"),
        orphans: c.orphans ?? 0,
      };
    });
    this.#faulty = this.#columns.filter((c) => c !== undefined);
  }

  /** Whether any column has an imperfection. */
  get any(): boolean {
    return this.#faulty.length > 0;
  }

  /** Whether column `index` has bad values or orphans (changed as rows are output). */
  changesOutput(index: number): boolean {
    const c = this.#columns[index];
    return c !== undefined && (c.badValues !== undefined || c.orphans > 0);
  }

  /** How much column `index`'s event time lags the row's arrival, ms (0: on time). */
  delay(index: number, rowId: number, epoch: number): number {
    const c = this.#columns[index];
    const spec = c?.eventTime;
    if (!spec || unitHash(epochKey(c.lateKey, epoch), rowId) >= spec.lateFraction) return 0;
    const u = unitHash(epochKey(c.delayKey, epoch), rowId);
    const max = spec.maxDelayMs;
    const ms = spec.delay === "uniform"
      ? u * max
      // Inverse of an exponential's distribution cut at the maximum: never beyond it.
      : -Math.log(1 - u * (1 - Math.exp(-1 / EXPONENTIAL_MEAN))) * max * EXPONENTIAL_MEAN;
    return Math.min(max, Math.max(1, Math.ceil(ms)));
  }

  /** The kind of bad value column `index` gets in this row, if any. */
  badKind(
    index: number,
    rowId: number,
    epoch: number,
    kinds: readonly BadValueKind[],
  ): BadValueKind | undefined {
    const c = this.#columns[index];
    const spec = c?.badValues;
    if (!spec || unitHash(epochKey(c.badKey, epoch), rowId) >= spec.fraction) return undefined;
    return kinds[Math.floor(unitHash(epochKey(c.kindKey, epoch), rowId) * kinds.length)];
  }

  /** Whether column `index`'s foreign key points at no parent row in this row. */
  isOrphan(index: number, rowId: number, epoch: number): boolean {
    const c = this.#columns[index];
    return c !== undefined && c.orphans > 0 &&
      unitHash(epochKey(c.orphanKey, epoch), rowId) < c.orphans;
  }

  /**
   * A second uniform number in [0, 1) of column `index`'s row, independent of the decisions:
   * which variant of a bad value, how far past the parent's rows an orphan key points.
   */
  variant(index: number, rowId: number, epoch: number): number {
    const c = this.#columns[index]!;
    return unitHash(epochKey(c.kindKey ^ 0x5bd1e995, epoch), rowId);
  }

  /**
   * Adds what rows `firstRowId ..` (`count` of them) of `epoch` hold into `into`: late rows
   * (a row with two late event-time columns counts once), bad values and orphan keys.
   */
  count(firstRowId: number, count: number, epoch: number, into: FaultCounts): void {
    for (let r = firstRowId; r < firstRowId + count; r++) this.countRow(r, epoch, into);
  }

  /** Adds what row `rowId` of `epoch` holds into `into`. */
  countRow(rowId: number, epoch: number, into: FaultCounts): void {
    let late = false;
    for (const c of this.#faulty) {
      if (c.eventTime && this.delay(c.index, rowId, epoch) > 0) late = true;
      // An orphan key is not a bad value too: it replaces the value first.
      if (this.isOrphan(c.index, rowId, epoch)) into.orphan++;
      else if (
        c.badValues && unitHash(epochKey(c.badKey, epoch), rowId) < c.badValues.fraction
      ) into.bad_value++;
    }
    if (late) into.late++;
  }
}

/**
 * The kinds of bad values a column of `type` draws from (none: orphans only); throws naming
 * a kind the type cannot hold.
 */
export function columnKinds(spec: BadValuesSpec | undefined, type: ColumnType): BadValueKind[] {
  if (!spec) return [];
  const kinds = spec.kinds ??
    BAD_VALUE_KINDS.filter((k) => kindFits(k, type) && !EXPLICIT_KINDS.includes(k));
  const unfit = kinds.find((k) => !kindFits(k, type));
  if (unfit) {
    throw new Error(
      `bad_values kind "${unfit}" needs ${KIND_NEEDS[unfit]}, and this column is ${type}; ` +
        "remove it from `kinds`, or declare the column's `type:`",
    );
  }
  return kinds;
}

/**
 * The value of an `event_time` column: `value` moved `delayMs` earlier (0: on time); throws
 * for a value that is no datetime.
 */
export function lateValue(value: Value, delayMs: number): Value {
  if (!(value instanceof Date)) {
    throw new Error(
      `an \`event_time\` column needs a datetime value, got ${
        value === null ? "None" : typeof value
      }; leave out \`data:\` for the row's arrival time, or make it a datetime`,
    );
  }
  if (delayMs === 0) return value;
  const tz = value instanceof AwareDatetime ? value.tz : undefined;
  return datetimeAt(value.getTime() - delayMs, microsOf(value), tz);
}

/** Units a number is written with by `wrong_format`. */
const UNITS = ["kg", "USD", "%", "km/h"];

/** The earliest and latest dates `out_of_range` writes (1900-01-01 and 9999-12-31). */
const OUT_OF_RANGE_DAYS = [-25_567, 2_932_896];

/**
 * A bad value of `kind` for a column of `type` whose good value is `good`; `u` in [0, 1)
 * picks among the variants (the low or high end of a range, a unit).
 */
export function badValue(
  kind: BadValueKind,
  type: ColumnType,
  good: Value,
  u: number,
): Value | InvalidUtf8 {
  const high = u >= 0.5;
  switch (kind) {
    case "null":
      return null;
    case "empty":
      return "";
    case "overlong": {
      const text = typeof good === "string" && good !== "" ? good : "x";
      return text.repeat(Math.ceil(OVERLONG_CHARS / text.length)).slice(0, OVERLONG_CHARS);
    }
    case "wrong_format":
      return wrongFormat(typeof good === "string" ? good : "", u);
    case "out_of_range":
      return outOfRange(type, high);
    case "invalid_utf8":
      return new InvalidUtf8(invalidUtf8(typeof good === "string" ? good : "", u));
  }
}

/**
 * A text value whose bytes are not valid UTF-8: no JavaScript string holds such bytes, so
 * the value carries them, and only a column builder takes it (as a string column's bytes).
 */
export class InvalidUtf8 {
  constructor(readonly bytes: Uint8Array) {}

  /** The text as a reader that replaces bad bytes with U+FFFD sees it. */
  toString(): string {
    return new TextDecoder().decode(this.bytes);
  }
}

/**
 * Byte sequences UTF-8 forbids, as broken encoders and truncating systems write them: a
 * stray continuation byte, a lead byte cut short, an overlong "/", a UTF-16 surrogate
 * encoded on its own (CESU-8), Latin-1's "é", and a byte that never occurs in UTF-8.
 */
const INVALID_SEQUENCES = [[0x80], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe9], [0xff]];

/** `good`'s UTF-8 bytes with one invalid sequence put in, at a place `u` picks. */
function invalidUtf8(good: string, u: number): Uint8Array {
  const text = new TextEncoder().encode(good);
  const pick = Math.floor(u * INVALID_SEQUENCES.length);
  const bad = INVALID_SEQUENCES[pick];
  // Between whole characters (never inside one), from the variant's leftover fraction.
  const starts = [0];
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || (text[i] & 0xc0) !== 0x80) starts.push(i);
  }
  const at = starts[Math.floor((u * INVALID_SEQUENCES.length - pick) * starts.length)];
  const out = new Uint8Array(text.length + bad.length);
  out.set(text.subarray(0, at));
  out.set(bad, at);
  out.set(text.subarray(at), at + bad.length);
  return out;
}

/**
 * Text that breaks the format a reader expects: an ISO date written day-first with slashes,
 * a number with a unit, anything else with stray whitespace and upper case.
 */
function wrongFormat(text: string, u: number): string {
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](.*))?$/.exec(text);
  if (date) return `${date[3]}/${date[2]}/${date[1]}${date[4] ? ` ${date[4]}` : ""}`;
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) {
    return `${text} ${UNITS[Math.floor(u * UNITS.length)]}`;
  }
  return ` ${text.toUpperCase()} `;
}

/** The far end of a type's range: its least or greatest value, or a date no one expects. */
function outOfRange(type: ColumnType, high: boolean): Value {
  const decimal = decimalParts(type);
  if (decimal) {
    // The largest magnitude the type holds, as text (exact at any precision).
    const { precision, scale } = decimal;
    const whole = "9".repeat(precision - scale) || "0";
    const text = scale > 0 ? `${whole}.${"9".repeat(scale)}` : whole;
    return high ? text : `-${text}`;
  }
  switch (type) {
    case "int8":
      return high ? 127 : -128;
    case "int16":
      return high ? 32_767 : -32_768;
    case "int32":
      return high ? 2_147_483_647 : -2_147_483_648;
    case "int64":
      return high ? 9_223_372_036_854_775_807n : -9_223_372_036_854_775_808n;
    case "float32":
    case "float64":
      return high ? 1e30 : -1e30;
    case "date":
      return new PyDate(OUT_OF_RANGE_DAYS[high ? 1 : 0]);
    case "timestamp":
      return datetimeAt(OUT_OF_RANGE_DAYS[high ? 1 : 0] * 86_400_000);
    default:
      throw new Error(`A ${type} column cannot hold an out-of-range value`);
  }
}
