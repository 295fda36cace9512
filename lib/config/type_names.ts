/**
 * The type names a tablefaker config may declare, and the storage type each stands for:
 * `type:` takes pandas dtype names (`int32`, `Int64`, `float`, `string`, `boolean`,
 * `category`, `datetime64[ns]`...), `parquet_type:` Arrow type names (`int16`, `float64`,
 * `decimal128(10,2)`, `timestamp[us]`, `date32`...).
 *
 * Delta Lake has no unsigned integers, so `uint8` and friends are stored in the next wider
 * signed type; it keeps timestamps in microseconds, so every timestamp unit is stored as
 * microseconds in UTC.
 *
 * @module
 */
import { type ColumnType, decimalType, MAX_DECIMAL_PRECISION } from "../arrow/types.ts";

/** pandas dtype names (and a few Python ones) and their storage types. */
export const TYPE_NAMES: Readonly<Record<string, ColumnType>> = {
  int: "int64",
  int8: "int8",
  int16: "int16",
  int32: "int32",
  int64: "int64",
  Int8: "int8",
  Int16: "int16",
  Int32: "int32",
  Int64: "int64",
  uint8: "int16",
  uint16: "int32",
  uint32: "int64",
  uint64: "int64",
  UInt8: "int16",
  UInt16: "int32",
  UInt32: "int64",
  UInt64: "int64",
  float: "float64",
  float16: "float32",
  float32: "float32",
  float64: "float64",
  Float32: "float32",
  Float64: "float64",
  double: "float64",
  str: "string",
  string: "string",
  object: "string",
  category: "string",
  bool: "bool",
  boolean: "bool",
  date: "date",
  datetime: "timestamp",
  "datetime64[ns]": "timestamp",
  "datetime64[us]": "timestamp",
  "datetime64[ms]": "timestamp",
  "datetime64[s]": "timestamp",
  "datetime64[ns, UTC]": "timestamp",
  timestamp: "timestamp",
};

/** Arrow type names without parameters and their storage types. */
const ARROW_NAMES: Readonly<Record<string, ColumnType>> = {
  int8: "int8",
  int16: "int16",
  int32: "int32",
  int64: "int64",
  uint8: "int16",
  uint16: "int32",
  uint32: "int64",
  uint64: "int64",
  float16: "float32",
  halffloat: "float32",
  float32: "float32",
  float: "float32",
  float64: "float64",
  double: "float64",
  bool: "bool",
  boolean: "bool",
  string: "string",
  str: "string",
  utf8: "string",
  large_string: "string",
  large_utf8: "string",
  date32: "date",
  "date32[day]": "date",
  date64: "date",
  "date64[ms]": "date",
  timestamp: "timestamp",
};

/** Names a `parquet_type:` hint lists. */
export const PARQUET_TYPE_EXAMPLES = [
  ...Object.keys(ARROW_NAMES),
  "timestamp[us]",
  "timestamp[ms, tz=UTC]",
  "decimal128(10,2)",
];

const TIMESTAMP = /^timestamp\[(s|ms|us|ns)(?:,\s*tz=([^\]]+))?\]$/;
const DECIMAL = /^decimal(?:128|256)?\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\)$/;

/**
 * The storage type of an Arrow type name, or why it cannot be stored (`{ error }`), or
 * undefined when it is no Arrow type name.
 *
 * @example
 * ```ts
 * parquetType("decimal128(10,2)"); // "decimal(10,2)"
 * parquetType("timestamp[ms, tz=UTC]"); // "timestamp"
 * ```
 */
export function parquetType(name: string): ColumnType | { error: string } | undefined {
  const text = name.trim();
  if (Object.hasOwn(ARROW_NAMES, text)) return ARROW_NAMES[text];
  if (TIMESTAMP.test(text)) return "timestamp";
  const decimal = DECIMAL.exec(text);
  if (decimal) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2] ?? 0);
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
      return {
        error:
          `A decimal needs 1 to ${MAX_DECIMAL_PRECISION} digits (Delta Lake's limit) and a scale from 0 ` +
          `to its digits; got (${precision}, ${scale})`,
      };
    }
    return decimalType(precision, scale);
  }
  if (/^(large_)?binary$|^fixed_size_binary/.test(text)) {
    return { error: "Binary columns are not supported; store the bytes as a hex or base64 string" };
  }
  if (/^(list|large_list|struct|map|dictionary)\b/.test(text)) {
    return { error: "Nested Arrow types are not supported; store the value as a JSON string" };
  }
  return undefined;
}
