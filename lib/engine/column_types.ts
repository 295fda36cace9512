/**
 * Column types and the expression language: the default for an expression's static type, the
 * static type a column reads as, and the conversion of a value into a column's storage. The
 * types themselves and their Arrow types are `lib/arrow/types.ts`.
 *
 * @module
 */
import { decimalValue } from "../arrow/cells.ts";
import { DAY_MS } from "../arrow/time.ts";
import { type ColumnType, decimalParts } from "../arrow/types.ts";
import { pyRound } from "../expr/numbers.ts";
import { truthy } from "../expr/operators.ts";
import { datetimeAt, microsOf, PyDate } from "../expr/datetime_values.ts";
import {
  floatValue,
  PyFloat,
  pyStr,
  type StaticType,
  typeNameOf,
  typeOfValue,
  type Value,
} from "../expr/values.ts";

/** The column type used when a config declares none: from the expression's static type. */
export function defaultColumnType(type: StaticType): ColumnType {
  switch (type) {
    case "int":
      return "int64";
    case "float":
      return "float64";
    case "bool":
      return "bool";
    case "date":
      return "date";
    case "datetime":
      return "timestamp";
    default:
      return "string";
  }
}

/** The static type a column of this storage type has when another expression reads it. */
export function staticTypeOf(type: ColumnType): StaticType {
  switch (type) {
    case "int8":
    case "int16":
    case "int32":
    case "int64":
      return "int";
    case "float32":
    case "float64":
      return "float";
    case "string":
      return "str";
    case "bool":
      return "bool";
    case "date":
      return "date";
    case "timestamp":
      return "datetime";
    default:
      return "float"; // decimals read back as floats
  }
}

/** A value that cannot be stored in its column. */
export class ConversionError extends Error {
  constructor(value: Value, type: ColumnType) {
    super(`Cannot store ${describe(value)} in a ${type} column${hintFor(value, type)}`);
    this.name = "ConversionError";
  }
}

/**
 * A value of another Python type than the column's, whose type was inferred from the
 * expression: storing it would silently change it (a float truncated in an int column, an
 * int written as text), so the row stops with what to declare instead.
 */
export class InferredTypeError extends Error {
  constructor(value: Value, type: ColumnType, inferred: StaticType) {
    const kind = typeNameOf(value);
    const declare = defaultColumnType(typeOfValue(value));
    super(
      `The value ${describeShort(value)} is a ${kind}, but the column's type is ${type}, ` +
        (inferred === "any"
          ? "as the expression's type is only known when it runs"
          : `inferred from the expression (a ${inferred})`) +
        `; declare \`type: ${declare}\` for ${kind} values` +
        (declare === "string" ? "" : ", or `type: string` to store their text"),
    );
    this.name = "InferredTypeError";
  }
}

/**
 * Fails unless `value` may be stored in a column of `type` inferred from an expression of
 * static type `inferred`: a value of the expression's Python type (an int may be stored as a
 * float, as pandas stores a column of ints and floats). A text column inferred from anything
 * but `str` (a type known only when the row runs, `any`, or lists, dicts, durations...) stores
 * every value as its `str()`, as tablefaker's CSV writes them: the checker warns of those
 * columns whose values may be numbers ({@link mayHoldNonText}).
 */
export function checkInferred(value: Value, type: ColumnType, inferred: StaticType): void {
  if (value === null) return;
  const actual = typeOfValue(value);
  if (actual === inferred) return;
  if (inferred === "float" && actual === "int") return;
  if (type === "string" && inferred !== "str") return;
  throw new InferredTypeError(value, type, inferred);
}

/**
 * Whether a column of this static type, with no `type:` declared, may store numbers, bools,
 * dates or datetimes as their text: its type is only known when the row runs.
 */
export function mayHoldNonText(inferred: StaticType): boolean {
  return inferred === "any";
}

function describeShort(value: Value): string {
  const text = pyStr(value);
  return text.length > 40 ? text.slice(0, 40) + "…" : text;
}

/** What to declare instead when an int is past the column's range. */
function hintFor(value: Value, type: ColumnType): string {
  const int = typeof value === "bigint" ||
    (/^int/.test(type) &&
      ((typeof value === "number" && Number.isInteger(value)) ||
        (typeof value === "string" && INT_TEXT.test(value))));
  if (!int) return "";
  if (type === "int64" || typeof value === "bigint") {
    return ": it is beyond the column's range; declare `type: string`, or " +
      "`parquet_type: decimal128(38,0)` for ints of up to 38 digits";
  }
  return ": it is beyond the column's range; declare a wider type, e.g. `type: int64`";
}

function describe(value: Value): string {
  const text = pyStr(value);
  return `the value ${text.length > 40 ? text.slice(0, 40) + "…" : JSON.stringify(text)}`;
}

/**
 * Converts a value to a number for numeric columns (Python's int()/float() rules). An int
 * beyond 2^53 goes to a float column as its nearest float, and fits no 8- to 32-bit one.
 */
export function toNumber(value: Exclude<Value, null>, type: ColumnType, integer: boolean): number {
  let n: number;
  if (typeof value === "number") n = value;
  else if (value instanceof PyFloat) n = value.value;
  else if (typeof value === "boolean") n = value ? 1 : 0;
  else if (typeof value === "bigint" && !integer) {
    n = Number(value);
    if (!Number.isFinite(n)) throw new ConversionError(value, type); // past the largest float
  } else if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) {
    n = Number(value);
  } else throw new ConversionError(value, type);
  if (!integer) return n;
  n = Math.trunc(n);
  const [min, max] = INTEGER_RANGES[type] ?? [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  if (!(n >= min && n <= max)) throw new ConversionError(value, type);
  return n;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT_TEXT = /^\s*[+-]?\d+\s*$/;

/**
 * The int an int64 column stores, exactly: a safe integer as a number (the common case, no
 * BigInt made), anything larger as a `bigint` within the 64-bit range. Floats are truncated
 * (`1e18` is exactly 10^18), strings of digits read exactly.
 */
export function toInt64(value: Exclude<Value, null>, type: ColumnType): number | bigint {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value + 0;
  if (value instanceof PyFloat) return toInt64(value.value, type);
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "string" && INT_TEXT.test(value)) n = BigInt(value.trim());
  else {
    const float = typeof value === "number"
      ? value
      : typeof value === "boolean"
      ? Number(value)
      : typeof value === "string" && value.trim() !== ""
      ? Number(value)
      : NaN;
    if (!Number.isFinite(float)) throw new ConversionError(value, type);
    const whole = Math.trunc(float);
    if (Number.isSafeInteger(whole)) return whole + 0;
    n = BigInt(whole);
  }
  if (n < INT64_MIN || n > INT64_MAX) throw new ConversionError(value, type);
  return n >= -MAX_SAFE_BIG && n <= MAX_SAFE_BIG ? Number(n) : n;
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

const INTEGER_RANGES: Partial<Record<ColumnType, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/** Days since the epoch of a date-like value. */
export function toEpochDays(value: Exclude<Value, null>, type: ColumnType): number {
  if (value instanceof PyDate) return value.days;
  if (value instanceof Date) return Math.floor(value.getTime() / DAY_MS);
  if (typeof value === "string") {
    const t = Date.parse(value.length === 10 ? value + "T00:00:00Z" : value);
    if (!Number.isNaN(t)) return Math.floor(t / DAY_MS);
  }
  throw new ConversionError(value, type);
}

/** Microseconds since the epoch of a datetime-like value (naive datetimes are UTC). */
export function toEpochMicros(value: Exclude<Value, null>, type: ColumnType): number | bigint {
  return microsOfInstant(toEpochMillis(value, type), value instanceof Date ? microsOf(value) : 0);
}

/** Milliseconds since the epoch of a datetime-like value (naive datetimes are UTC). */
function toEpochMillis(value: Exclude<Value, null>, type: ColumnType): number {
  if (value instanceof Date) return value.getTime();
  if (value instanceof PyDate) return value.days * DAY_MS;
  if (typeof value === "string") {
    const iso = value.includes("T") || value.length === 10 ? value : value.replace(" ", "T");
    const withZone = /Z|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + (iso.length === 10 ? "" : "Z");
    const t = Date.parse(withZone);
    if (!Number.isNaN(t)) return t;
  }
  throw new ConversionError(value, type);
}

/**
 * `ms × 1000 + us` exactly: a number while it is a safe integer (until the year 2255), a
 * `bigint` beyond.
 */
function microsOfInstant(ms: number, us: number): number | bigint {
  const micros = ms * 1000 + us;
  return Number.isSafeInteger(micros) ? micros : BigInt(ms) * 1000n + BigInt(us);
}

/**
 * The unscaled integer of a value stored as a decimal with `scale` digits after the point,
 * rounded half to even as Python's `round` does (`19.995` at scale 2 is `2000`, being really
 * 19.99499...); throws when it needs more than `precision` digits.
 */
export function toUnscaled(value: Exclude<Value, null>, type: ColumnType): bigint {
  const { precision, scale } = decimalParts(type)!;
  let text: string;
  if (typeof value === "bigint") {
    text = value.toString();
  } else if (typeof value === "number" || typeof value === "boolean" || value instanceof PyFloat) {
    const n = value instanceof PyFloat ? value.value : Number(value);
    if (!Number.isFinite(n)) throw new ConversionError(value, type);
    const rounded = pyRound(n, scale);
    text = Math.abs(rounded) < 1e21 ? rounded.toFixed(scale) : BigInt(rounded).toString();
  } else if (typeof value === "string" && /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(value)) {
    text = roundDecimalText(value.trim(), scale);
  } else {
    throw new ConversionError(value, type);
  }
  const [whole, fraction = ""] = text.replace(/^\+/, "").split(".");
  const unscaled = BigInt(whole + fraction.padEnd(scale, "0").slice(0, scale));
  const limit = 10n ** BigInt(precision);
  if (unscaled >= limit || unscaled <= -limit) throw new ConversionError(value, type);
  return unscaled;
}

/** A decimal literal rounded to `scale` digits after the point, ties to even. */
function roundDecimalText(text: string, scale: number): string {
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace(/^[+-]/, "").split(".");
  const kept = BigInt((whole || "0") + fraction.padEnd(scale, "0").slice(0, scale));
  const rest = fraction.slice(scale);
  const half = rest === ""
    ? -1
    : rest[0] > "5" || (rest[0] === "5" && /[1-9]/.test(rest.slice(1)))
    ? 1
    : rest[0] === "5"
    ? 0
    : -1;
  const up = half > 0 || (half === 0 && kept % 2n === 1n);
  const digits = (up ? kept + 1n : kept).toString().padStart(scale + 1, "0");
  const out = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative && /[1-9]/.test(out) ? "-" + out : out;
}

export { truthy };

/**
 * The value a column really stores, in canonical form: what a child's `copy_from_fk` and
 * `foreign_key` read back must equal what the sink wrote.
 */
export function normalizeValue(value: Value, type: ColumnType): Value {
  if (value === null) return null;
  // The named types first: this runs for every parent value a child reads, and a decimal's
  // pattern matched first cost a regular expression per value.
  switch (type) {
    case "int8":
    case "int16":
    case "int32":
      return toNumber(value, type, true);
    case "int64":
      return toInt64(value, type);
    case "float32":
      return floatValue(Math.fround(toNumber(value, type, false)));
    case "float64":
      return floatValue(toNumber(value, type, false));
    case "string":
      return typeof value === "string" ? value : pyStr(value);
    case "bool":
      return truthy(value);
    case "date":
      return new PyDate(toEpochDays(value, type));
    case "timestamp":
      return datetimeAt(toEpochMillis(value, type), value instanceof Date ? microsOf(value) : 0);
    default: {
      const decimal = decimalParts(type);
      if (decimal) return floatValue(decimalValue(toUnscaled(value, type), decimal.scale));
      throw new ConversionError(value, type);
    }
  }
}
