/**
 * Arrow and PostgreSQL column types, both ways: the column type created for an Arrow field, the
 * Arrow type of a stored column, and identifiers quoted. PostgreSQL names our column types
 * (`lib/arrow/types.ts`), with rules of its own: `smallint` for int8 too (marked by a comment),
 * `numeric` for decimals, `bytea`, and no unsigned ints, half floats or nanoseconds. Pure
 * functions.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import {
  arrowDecimal,
  arrowTimestamp,
  arrowType,
  type ColumnType,
  columnTypeOf,
  decimalParts,
  type DecimalType,
  isDecimalType,
  MAX_DECIMAL_PRECISION,
} from "../../../lib/arrow/types.ts";

/** Longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); longer ones are cut silently. */
export const MAX_IDENTIFIER_BYTES = 63;

export const encoder = new TextEncoder();

/**
 * Quotes an identifier for SQL, always, so any name (mixed case, keywords, spaces) is
 * taken literally; refuses names PostgreSQL would truncate.
 *
 * @example
 * ```ts
 * quoteIdent('Order "lines"'); // "\"Order \"\"lines\"\"\""
 * ```
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error("An empty name cannot be a PostgreSQL identifier");
  if (name.includes("\0")) throw new Error(`Name ${JSON.stringify(name)} contains a NUL character`);
  if (encoder.encode(name).length > MAX_IDENTIFIER_BYTES) {
    throw new Error(
      `Name "${name}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte limit for identifiers; ` +
        "choose a shorter one",
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** A column as information_schema describes it. */
export interface StoredColumn {
  name: string;
  /** `information_schema.columns.data_type`, e.g. `integer`, `numeric`, `timestamp with time zone`. */
  dataType: string;
  /** Declared precision and scale of a `numeric` column (null when unconstrained). */
  precision: number | null;
  scale: number | null;
  nullable: boolean;
  /** The column's comment, where tablestream records what PostgreSQL cannot tell (int8). */
  comment: string | null;
}

/** The comment that marks a `smallint` column as an Arrow int8 one. */
export const INT8_COMMENT = "tablestream: int8";

/** The types this sink stores, for messages. */
export const SUPPORTED =
  "int8/16/32/64, float32/64, utf8, bool, date32, timestamp (s, ms or us), decimal128, binary";

/**
 * PostgreSQL's name of each column type but decimals (`numeric(p,s)`), as information_schema
 * spells it.
 */
const PG_NAMES: Readonly<Record<Exclude<ColumnType, DecimalType>, string>> = {
  int8: "smallint",
  int16: "smallint",
  int32: "integer",
  int64: "bigint",
  float32: "real",
  float64: "double precision",
  string: "text",
  bool: "boolean",
  date: "date",
  timestamp: "timestamp with time zone",
};

/** The column type a stored column of each of {@link PG_NAMES} reads as (`smallint`: int16). */
const COLUMN_TYPES_BY_PG_NAME: ReadonlyMap<string, ColumnType> = new Map(
  Object.entries(PG_NAMES)
    .filter(([column]) => column !== "int8")
    .map(([column, pg]) => [pg, column as ColumnType]),
);

/**
 * Whether PostgreSQL keeps the values of an Arrow type exactly, as its column type: not
 * unsigned integers, half floats, dates in milliseconds, or decimals of another width than
 * 128 bits.
 */
function keepsExactly(type: arrow.DataType): boolean {
  if (arrow.DataType.isInt(type)) return type.isSigned;
  if (arrow.DataType.isFloat(type)) return type.precision !== arrow.Precision.HALF;
  if (arrow.DataType.isDate(type)) return type.unit === arrow.DateUnit.DAY;
  if (arrow.DataType.isDecimal(type)) return type.bitWidth === 128;
  return true;
}

/**
 * The PostgreSQL type of the column created for an Arrow field (as information_schema spells
 * it, with a numeric's precision and scale), or an error naming the column.
 */
export function pgType(field: arrow.Field): string {
  const type = field.type as arrow.DataType;
  if (arrow.DataType.isTimestamp(type) && type.unit === arrow.TimeUnit.NANOSECOND) {
    throw new Error(
      `Column "${field.name}" holds nanosecond timestamps; PostgreSQL keeps microseconds, ` +
        "so declare it with microseconds (as tablestream's timestamp type is)",
    );
  }
  if (arrow.DataType.isBinary(type) || arrow.DataType.isLargeBinary(type)) return "bytea";
  const column = keepsExactly(type) ? columnTypeOf(type) : undefined;
  if (column === undefined) {
    throw new Error(
      `Column "${field.name}" has Arrow type ${type}, which the PostgreSQL sink cannot store ` +
        `(it stores ${SUPPORTED})`,
    );
  }
  if (isDecimalType(column)) {
    const { precision, scale } = decimalParts(column)!;
    return `numeric(${precision},${scale})`;
  }
  if (arrow.DataType.isTimestamp(type) && !type.timezone) return "timestamp without time zone";
  return PG_NAMES[column];
}

/** A stored column's type spelled like {@link pgType}, to compare the two. */
export function storedTypeText(column: StoredColumn): string {
  return column.dataType === "numeric" && column.precision !== null
    ? `numeric(${column.precision},${column.scale ?? 0})`
    : column.dataType;
}

/** The SQL of a column definition for `CREATE TABLE`. */
export function columnDefinition(field: arrow.Field): string {
  return `${quoteIdent(field.name)} ${pgType(field)}${field.nullable ? "" : " NOT NULL"}`;
}

/**
 * The Arrow type a stored column reads as. Types tablestream does not write (json, uuid,
 * varchar...) read as text, unconstrained or very wide numerics too (exactly).
 */
export function arrowTypeOf(column: StoredColumn): arrow.DataType {
  switch (column.dataType) {
    case "smallint":
      return arrowType(column.comment === INT8_COMMENT ? "int8" : "int16");
    case "timestamp without time zone":
      return arrowTimestamp(true);
    case "numeric":
      if (column.precision !== null && column.precision <= MAX_DECIMAL_PRECISION) {
        return arrowDecimal(column.precision, column.scale ?? 0);
      }
      return new arrow.Utf8();
    case "bytea":
      return new arrow.Binary();
  }
  return arrowType(COLUMN_TYPES_BY_PG_NAME.get(column.dataType) ?? "string");
}

/** The Arrow field of a stored column. */
export function arrowFieldOf(column: StoredColumn): arrow.Field {
  return new arrow.Field(column.name, arrowTypeOf(column), column.nullable);
}
