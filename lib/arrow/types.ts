/**
 * Column types, the storage types tablestream writes, and Arrow's types, both ways: the Arrow
 * type a column of each type is written as, and the column type an Arrow type's values are.
 * Delta's and PostgreSQL's type names are mapped on top of these in their own layers, with
 * the rules that are theirs alone (Delta's `timestamp_ntz`, PostgreSQL's `numeric`).
 *
 * @module
 */
import * as arrow from "apache-arrow";

/** A fixed-point decimal with `p` digits, `s` of them after the point (1 <= p <= 38). */
export type DecimalType = `decimal(${number},${number})`;

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
  | "timestamp"
  | DecimalType;

/** Most digits a decimal may have: Arrow's decimal128 and Delta Lake's limit. */
export const MAX_DECIMAL_PRECISION = 38;

/** The decimal type of precision `p` and scale `s`; throws when they are out of range. */
export function decimalType(precision: number, scale: number): DecimalType {
  if (
    !Number.isInteger(precision) || !Number.isInteger(scale) || precision < 1 ||
    precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision
  ) {
    throw new RangeError(
      `A decimal needs 1 to ${MAX_DECIMAL_PRECISION} digits and a scale from 0 to its digits, got (${precision}, ${scale})`,
    );
  }
  return `decimal(${precision},${scale})`;
}

/** Precision and scale of a decimal type, or undefined for other types. */
export function decimalParts(type: ColumnType): { precision: number; scale: number } | undefined {
  const match = /^decimal\((\d+),(\d+)\)$/.exec(type);
  return match ? { precision: Number(match[1]), scale: Number(match[2]) } : undefined;
}

/** Whether a column type is a decimal. */
export function isDecimalType(type: ColumnType): type is DecimalType {
  return type.startsWith("decimal(");
}

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

/** The Arrow decimal (128 bits) of `precision` digits, `scale` of them after the point. */
export function arrowDecimal(precision: number, scale: number): arrow.Decimal {
  return new arrow.Decimal(scale, precision, 128);
}

/**
 * The Arrow type of a timestamp: microseconds, an instant in UTC (the `timestamp` column
 * type), or with `wallClock` a time of day on a calendar with no time zone (Delta's
 * `timestamp_ntz`, PostgreSQL's `timestamp without time zone`).
 */
export function arrowTimestamp(wallClock = false): arrow.TimestampMicrosecond {
  return wallClock ? new arrow.TimestampMicrosecond() : new arrow.TimestampMicrosecond("UTC");
}

/** The Arrow type of a column type; timestamps are microseconds in UTC. */
export function arrowType(type: ColumnType): arrow.DataType {
  const decimal = decimalParts(type);
  if (decimal) return arrowDecimal(decimal.precision, decimal.scale);
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
      return arrowTimestamp();
    default:
      throw new Error(`Unknown column type ${type}`);
  }
}

const INT_TYPES = ["int8", "int16", "int32", "int64"] as const;

/**
 * The column type whose values an Arrow type holds, or undefined when none does (binary,
 * nested types...). Integers go by their width, signed or not; a half float is a `float32`;
 * dates and timestamps of every unit and zone are `date` and `timestamp`; a decimal keeps its
 * precision and scale. Where a layer refuses some of these (Delta has no unsigned integers),
 * it says so before asking.
 *
 * @example
 * ```ts
 * import * as arrow from "apache-arrow";
 * columnTypeOf(new arrow.TimestampMillisecond()); // "timestamp"
 * columnTypeOf(new arrow.Decimal(2, 10, 128)); // "decimal(10,2)"
 * columnTypeOf(new arrow.Binary()); // undefined
 * ```
 */
export function columnTypeOf(type: arrow.DataType): ColumnType | undefined {
  switch (type.typeId) {
    case arrow.Type.Int:
      return INT_TYPES[Math.log2((type as arrow.Int).bitWidth / 8)];
    case arrow.Type.Float:
      return (type as arrow.Float).precision === arrow.Precision.DOUBLE ? "float64" : "float32";
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return "string";
    case arrow.Type.Bool:
      return "bool";
    case arrow.Type.Date:
      return "date";
    case arrow.Type.Timestamp:
      return "timestamp";
    case arrow.Type.Decimal: {
      const { precision, scale } = type as arrow.Decimal;
      return `decimal(${precision},${scale})`;
    }
    default:
      return undefined;
  }
}
