/**
 * Column types: the names a config may declare, their Arrow types, the default for an
 * expression's static type, and the conversion of a value into a column's storage.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { PyDate, pyStr, type StaticType, type Value } from "../expr/values.ts";

/** The storage types tablestream writes. */
export type ColumnType =
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "float32"
  | "float64"
  | "string"
  | "bool"
  | "date"
  | "timestamp";

/** Every {@link ColumnType}, for messages and suggestions. */
export const COLUMN_TYPES: readonly ColumnType[] = [
  "int8",
  "int16",
  "int32",
  "int64",
  "float32",
  "float64",
  "string",
  "bool",
  "date",
  "timestamp",
];

/** The Arrow type of a column type; timestamps are microseconds in UTC. */
export function arrowType(type: ColumnType): arrow.DataType {
  switch (type) {
    case "int8":
      return new arrow.Int8();
    case "int16":
      return new arrow.Int16();
    case "int32":
      return new arrow.Int32();
    case "int64":
      return new arrow.Int64();
    case "float32":
      return new arrow.Float32();
    case "float64":
      return new arrow.Float64();
    case "string":
      return new arrow.Utf8();
    case "bool":
      return new arrow.Bool();
    case "date":
      return new arrow.DateDay();
    case "timestamp":
      return new arrow.TimestampMicrosecond("UTC");
  }
}

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
  }
}

/** A value that cannot be stored in its column. */
export class ConversionError extends Error {
  constructor(value: Value, type: ColumnType) {
    super(`Cannot store ${describe(value)} in a ${type} column`);
    this.name = "ConversionError";
  }
}

function describe(value: Value): string {
  const text = pyStr(value);
  return `the value ${text.length > 40 ? text.slice(0, 40) + "…" : JSON.stringify(text)}`;
}

/** Converts a value to a number for numeric columns (Python's int()/float() rules). */
export function toNumber(value: Exclude<Value, null>, type: ColumnType, integer: boolean): number {
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "boolean") n = value ? 1 : 0;
  else if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) {
    n = Number(value);
  } else throw new ConversionError(value, type);
  if (!integer) return n;
  n = Math.trunc(n);
  const [min, max] = INTEGER_RANGES[type] ?? [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  if (!(n >= min && n <= max)) throw new ConversionError(value, type);
  return n;
}

const INTEGER_RANGES: Partial<Record<ColumnType, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/** Days since the epoch of a date-like value. */
export function toEpochDays(value: Exclude<Value, null>, type: ColumnType): number {
  if (value instanceof PyDate) return value.days;
  if (value instanceof Date) return Math.floor(value.getTime() / 86400000);
  if (typeof value === "string") {
    const t = Date.parse(value.length === 10 ? value + "T00:00:00Z" : value);
    if (!Number.isNaN(t)) return Math.floor(t / 86400000);
  }
  throw new ConversionError(value, type);
}

/** Microseconds since the epoch of a datetime-like value (naive datetimes are UTC). */
export function toEpochMicros(value: Exclude<Value, null>, type: ColumnType): number {
  if (value instanceof Date) return value.getTime() * 1000;
  if (value instanceof PyDate) return value.days * 86400000000;
  if (typeof value === "string") {
    const iso = value.includes("T") || value.length === 10 ? value : value.replace(" ", "T");
    const withZone = /Z|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + (iso.length === 10 ? "" : "Z");
    const t = Date.parse(withZone);
    if (!Number.isNaN(t)) return t * 1000;
  }
  throw new ConversionError(value, type);
}

/** Python truthiness. */
export function truthy(value: Value): boolean {
  if (value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object" && !(value instanceof Date) && !(value instanceof PyDate)) {
    return Object.keys(value).length > 0;
  }
  return true;
}

/**
 * The value a column really stores, in canonical form: what a child's `copy_from_fk` and
 * `foreign_key` read back must equal what the sink wrote.
 */
export function normalizeValue(value: Value, type: ColumnType, floatText = false): Value {
  if (value === null) return null;
  switch (type) {
    case "int8":
    case "int16":
    case "int32":
    case "int64":
      return toNumber(value, type, true);
    case "float32":
      return Math.fround(toNumber(value, type, false));
    case "float64":
      return toNumber(value, type, false);
    case "string":
      return typeof value === "string" ? value : pyStr(value, floatText);
    case "bool":
      return truthy(value);
    case "date":
      return new PyDate(toEpochDays(value, type));
    case "timestamp":
      return new Date(Math.floor(toEpochMicros(value, type) / 1000));
  }
}
