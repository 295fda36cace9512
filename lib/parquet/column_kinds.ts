/**
 * How each Arrow type is written in Parquet by the direct writer (direct_file.ts): its physical
 * type, converted and logical types, as arrow-rs maps them.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { ThriftWriter } from "./thrift_writer.ts";

// parquet.thrift's enums.
export const PHYSICAL = {
  BOOLEAN: 0,
  INT32: 1,
  INT64: 2,
  FLOAT: 4,
  DOUBLE: 5,
  BYTE_ARRAY: 6,
} as const;
const CONVERTED = { UTF8: 0, DATE: 6, TIMESTAMP_MICROS: 10, INT_8: 15, INT_16: 16 } as const;

/** How one column is written: its Parquet type and how its values are laid out. */
export interface ColumnKind {
  physical: number;
  /** Bytes per value for fixed-width values copied as they are in Arrow. */
  width?: number;
  /** Int8 and Int16 values, widened to INT32. */
  widen?: boolean;
  converted?: number;
  /** Writes the LogicalType union, when the type has one. */
  logical?: (w: ThriftWriter) => void;
}

export const empty = () => {};

/** The Parquet type of an Arrow type, as arrow-rs maps it; undefined when not written here. */
export function kindOf(type: arrow.DataType): ColumnKind | undefined {
  if (arrow.DataType.isInt(type)) {
    if (!type.isSigned) return undefined;
    const bits = type.bitWidth;
    if (bits === 64) return { physical: PHYSICAL.INT64, width: 8 };
    if (bits === 32) return { physical: PHYSICAL.INT32, width: 4 };
    return {
      physical: PHYSICAL.INT32,
      widen: true,
      converted: bits === 8 ? CONVERTED.INT_8 : CONVERTED.INT_16,
      logical: (w) =>
        w.struct(10, () => {
          w.i8(1, bits);
          w.bool(2, true);
        }),
    };
  }
  if (arrow.DataType.isFloat(type)) {
    if (type.precision === arrow.Precision.DOUBLE) return { physical: PHYSICAL.DOUBLE, width: 8 };
    if (type.precision === arrow.Precision.SINGLE) return { physical: PHYSICAL.FLOAT, width: 4 };
    return undefined;
  }
  if (arrow.DataType.isUtf8(type)) {
    return {
      physical: PHYSICAL.BYTE_ARRAY,
      converted: CONVERTED.UTF8,
      logical: (w) => w.struct(1, empty),
    };
  }
  if (arrow.DataType.isBinary(type)) return { physical: PHYSICAL.BYTE_ARRAY };
  if (arrow.DataType.isBool(type)) return { physical: PHYSICAL.BOOLEAN };
  if (arrow.DataType.isDate(type)) {
    if (type.unit !== arrow.DateUnit.DAY) return undefined;
    return {
      physical: PHYSICAL.INT32,
      width: 4,
      converted: CONVERTED.DATE,
      logical: (w) => w.struct(6, empty),
    };
  }
  if (arrow.DataType.isTimestamp(type)) {
    if (type.unit !== arrow.TimeUnit.MICROSECOND) return undefined;
    // arrow-rs: a time zone, whichever, means instants (adjusted to UTC); none, wall-clock time,
    // which has no converted type.
    const utc = !!type.timezone;
    return {
      physical: PHYSICAL.INT64,
      width: 8,
      ...(utc ? { converted: CONVERTED.TIMESTAMP_MICROS } : {}),
      logical: (w) =>
        w.struct(8, () => {
          w.bool(1, utc);
          w.struct(2, () => w.struct(2, empty));
        }),
    };
  }
  return undefined;
}

/** The kinds of a schema's columns, or undefined when one is not written here. */
export function kindsOf(schema: arrow.Schema): ColumnKind[] | undefined {
  const kinds = schema.fields.map((f) => kindOf(f.type));
  if (kinds.length === 0 || kinds.some((k) => !k)) return undefined;
  return kinds as ColumnKind[];
}
