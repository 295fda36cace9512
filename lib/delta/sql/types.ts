/**
 * The types and values of tablestream's Spark SQL subset, and its casts (Spark 4's ANSI
 * rules: a cast that cannot be made fails instead of giving null).
 *
 * Values are plain JavaScript: null, booleans, numbers (every numeric type: a `long` beyond
 * 2^53 or a decimal loses digits, which constraints and generation expressions do not meet in
 * practice), strings, dates as days since 1970-01-01 and timestamps as microseconds since the
 * epoch (UTC, Spark's session time zone in tablestream's tests).
 *
 * @module
 */
import * as arrow from "apache-arrow";

/** A type of the subset, as Spark names it (`decimal(p,s)` with its precision and scale). */
export type SqlType =
  | "null"
  | "boolean"
  | "byte"
  | "short"
  | "int"
  | "long"
  | "float"
  | "double"
  | `decimal(${number},${number})`
  | "string"
  | "date"
  | "timestamp"
  | "timestamp_ntz";

/** An evaluation that Spark fails too (a bad cast, a division by zero, an overflow). */
export class SqlEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SqlEvalError";
  }
}

const MICROS_PER_DAY = 86_400_000_000;

/** Integer types, narrowest first, with their ranges. */
const INTEGER_RANGES: Record<string, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-(2 ** 31), 2 ** 31 - 1],
  long: [-(2 ** 63), 2 ** 63],
};

/** Numeric types, narrowest first (decimals sit between long and float). */
const NUMERIC_ORDER = ["byte", "short", "int", "long", "decimal", "float", "double"];

/** Type names CAST accepts, with Spark's synonyms. */
const TYPE_NAMES: Record<string, SqlType> = {
  boolean: "boolean",
  tinyint: "byte",
  byte: "byte",
  smallint: "short",
  short: "short",
  int: "int",
  integer: "int",
  bigint: "long",
  long: "long",
  float: "float",
  real: "float",
  double: "double",
  string: "string",
  varchar: "string",
  char: "string",
  date: "date",
  timestamp: "timestamp",
  timestamp_ltz: "timestamp",
  timestamp_ntz: "timestamp_ntz",
  decimal: "decimal(10,0)",
  dec: "decimal(10,0)",
  numeric: "decimal(10,0)",
};

/** The type a CAST names (`int`, `decimal(10,2)`, `varchar(20)`...), or undefined. */
export function parseTypeName(name: string): SqlType | undefined {
  const match = /^([a-z_]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(name.replace(/\s+/g, ""));
  if (!match) return undefined;
  const base = TYPE_NAMES[match[1]];
  if (base?.startsWith("decimal") && match[2]) {
    return `decimal(${Number(match[2])},${Number(match[3] ?? 0)})`;
  }
  if (match[2] && base !== "string") return undefined;
  return base;
}

/** Whether a type is numeric. */
export function isNumeric(type: SqlType): boolean {
  return numericRank(type) >= 0;
}

/** Whether a type is an integer type. */
export function isIntegral(type: SqlType): boolean {
  return type in INTEGER_RANGES;
}

/** The scale of a decimal type, or undefined. */
export function decimalScale(type: SqlType): number | undefined {
  const match = /^decimal\((\d+),(\d+)\)$/.exec(type);
  return match ? Number(match[2]) : undefined;
}

function numericRank(type: SqlType): number {
  return NUMERIC_ORDER.indexOf(type.startsWith("decimal") ? "decimal" : type);
}

/** The wider of two numeric types (Spark's numeric promotion, decimals kept whole). */
export function widerNumeric(a: SqlType, b: SqlType): SqlType {
  if (a === "null") return b;
  if (b === "null") return a;
  if (a.startsWith("decimal") && b.startsWith("decimal")) {
    return decimalScale(a)! >= decimalScale(b)! ? a : b;
  }
  return numericRank(a) >= numericRank(b) ? a : b;
}

/** Fails when `value` does not fit an integer type (Spark's ANSI overflow check). */
export function checkRange(value: number, type: SqlType): number {
  const range = INTEGER_RANGES[type];
  if (range && (value < range[0] || value > range[1])) {
    throw new SqlEvalError(`${value} overflows ${type} (Spark's ARITHMETIC_OVERFLOW)`);
  }
  return value;
}

/** The subset's type of an Arrow type, or undefined when the subset has none. */
export function sqlTypeOf(type: arrow.DataType): SqlType | undefined {
  if (arrow.DataType.isInt(type)) {
    return ({ 8: "byte", 16: "short", 32: "int", 64: "long" } as const)[type.bitWidth];
  }
  if (arrow.DataType.isFloat(type)) {
    return type.precision === arrow.Precision.SINGLE ? "float" : "double";
  }
  if (arrow.DataType.isDecimal(type)) return `decimal(${type.precision},${type.scale})`;
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) return "string";
  if (arrow.DataType.isBool(type)) return "boolean";
  if (arrow.DataType.isDate(type)) return "date";
  if (arrow.DataType.isTimestamp(type)) return type.timezone ? "timestamp" : "timestamp_ntz";
  return undefined;
}

/** Days since the epoch of a calendar date (proleptic Gregorian, as Spark 3+). */
export function daysOf(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / 86_400_000);
}

/** The UTC calendar fields of a timestamp (microseconds). */
export function fieldsOf(micros: number): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
} {
  const ms = Math.floor(micros / 1000);
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    micro: micros - Math.floor(micros / 1_000_000) * 1_000_000,
  };
}

const pad = (n: number, width = 2) =>
  n < 0 ? `-${String(-n).padStart(width, "0")}` : String(n).padStart(width, "0");

/** A date's text as Spark casts it to string: `2024-03-01`. */
export function dateText(days: number): string {
  const f = fieldsOf(days * MICROS_PER_DAY);
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
}

/** A timestamp's text as Spark casts it to string: `2024-03-01 12:00:00.5`. */
export function timestampText(micros: number): string {
  const f = fieldsOf(micros);
  const fraction = f.micro ? `.${String(f.micro).padStart(6, "0").replace(/0+$/, "")}` : "";
  return `${dateText(Math.floor(micros / MICROS_PER_DAY))} ${pad(f.hour)}:${pad(f.minute)}:${
    pad(f.second)
  }${fraction}`;
}

/** A double's text as Spark (Java's Double.toString) writes it: `1.0`, `1.5E10`. */
export function doubleText(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  const abs = Math.abs(value);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) {
    const text = String(value);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split("e");
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Spark's date text forms: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, then ` ...` or `T...`. */
const DATE_TEXT = /^([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?$/;

/** Spark's timestamp text: a date, then an optional time, fraction and zone. */
const TIMESTAMP_TEXT =
  /^([+-]?\d{4,7})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?$/i;

/** The date a text names, or undefined when Spark could not read it as one. */
export function parseDate(text: string): number | undefined {
  const match = DATE_TEXT.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2] ?? 1), Number(match[3] ?? 1)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysOf(year, month, day);
}

/** The timestamp a text names (UTC unless it has a zone), or undefined. */
export function parseTimestamp(text: string, wallClock = false): number | undefined {
  const match = TIMESTAMP_TEXT.exec(text.trim());
  if (!match) {
    const days = /^[+-]?\d{4,7}(-\d{1,2})?$/.test(text.trim()) ? parseDate(text) : undefined;
    return days === undefined ? undefined : days * MICROS_PER_DAY;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [hour, minute, second] = [
    Number(match[4] ?? 0),
    Number(match[5] ?? 0),
    Number(match[6] ?? 0),
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const micro = Number((match[7] ?? "").padEnd(6, "0").slice(0, 6));
  let micros = daysOf(year, month, day) * MICROS_PER_DAY +
    ((hour * 60 + minute) * 60 + second) * 1_000_000 + micro;
  const zone = match[8]?.toUpperCase();
  if (zone && zone !== "Z" && zone !== "UTC" && !wallClock) {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const hours = Number(digits.length <= 2 ? digits : digits.slice(0, -2));
    const minutes = digits.length <= 2 ? 0 : Number(digits.slice(-2));
    micros -= sign * (hours * 60 + minutes) * 60_000_000;
  }
  return micros;
}

function daysInMonth(year: number, month: number): number {
  // 2001 is not a leap year: February's 29th comes from the year itself.
  return new Date(Date.UTC(2001, month, 0)).getUTCDate() + (month === 2 && isLeap(year) ? 1 : 0);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The text of a value of `type` as Spark's CAST(... AS STRING) writes it. */
export function textOf(value: unknown, type: SqlType): string {
  if (type === "date") return dateText(value as number);
  if (type === "timestamp" || type === "timestamp_ntz") return timestampText(value as number);
  if (type === "float" || type === "double") return doubleText(value as number);
  const scale = decimalScale(type);
  if (scale !== undefined) return (value as number).toFixed(scale);
  return String(value);
}

/**
 * Casts a non-null value from one type to another as Spark 4 does (ANSI mode: a text that
 * does not read as the type, or a number out of range, fails).
 */
export function castValue(value: unknown, from: SqlType, to: SqlType): unknown {
  if (from === to || from === "null") return value;
  const fail = (): never => {
    throw new SqlEvalError(
      `cannot cast ${from === "string" ? `"${value}"` : String(value)} (${from}) to ${to} ` +
        "(Spark's CAST_INVALID_INPUT)",
    );
  };
  if (to === "string") return textOf(value, from);
  if (to === "boolean") {
    if (from === "string") {
      const text = (value as string).trim().toLowerCase();
      if (["true", "t", "yes", "y", "1"].includes(text)) return true;
      if (["false", "f", "no", "n", "0"].includes(text)) return false;
      return fail();
    }
    if (isNumeric(from)) return value !== 0;
    return fail();
  }
  if (to === "date") {
    if (from === "string") return parseDate(value as string) ?? fail();
    if (from === "timestamp" || from === "timestamp_ntz") {
      return Math.floor((value as number) / MICROS_PER_DAY);
    }
    return fail();
  }
  if (to === "timestamp" || to === "timestamp_ntz") {
    if (from === "string") return parseTimestamp(value as string, to === "timestamp_ntz") ?? fail();
    if (from === "date") return (value as number) * MICROS_PER_DAY;
    if (from === "timestamp" || from === "timestamp_ntz") return value;
    return fail();
  }
  // Numeric targets.
  let number: number;
  if (from === "string") {
    const text = (value as string).trim();
    if (
      isIntegral(to)
        ? !/^[+-]?\d+$/.test(text)
        : !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)
    ) {
      return fail();
    }
    number = Number(text);
  } else if (from === "boolean") number = value ? 1 : 0;
  else if (isNumeric(from)) number = value as number;
  else return fail();
  if (isIntegral(to)) {
    if (!Number.isFinite(number)) return fail();
    return checkRange(Math.trunc(number), to);
  }
  const scale = decimalScale(to);
  if (scale !== undefined) {
    const precision = Number(/^decimal\((\d+)/.exec(to)![1]);
    const rounded = roundHalfUp(number, scale);
    if (Math.abs(rounded) >= 10 ** (precision - scale)) return fail();
    return rounded;
  }
  return to === "float" ? Math.fround(number) : number;
}

/** Rounds half away from zero to `scale` digits (Spark's decimal rounding). */
function roundHalfUp(value: number, scale: number): number {
  const factor = 10 ** scale;
  const scaled = Math.abs(value) * factor;
  const rounded = Math.round(Number(scaled.toPrecision(15))) / factor;
  return value < 0 ? -rounded : rounded;
}
