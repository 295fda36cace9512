/**
 * Arrow and PostgreSQL column types, both ways: the column type created for an Arrow field, the
 * Arrow type of a stored column, and identifiers quoted. Pure functions.
 *
 * @module
 */
import * as arrow from "apache-arrow";

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

/** Widest decimal an Arrow Decimal128 holds. */
export const MAX_DECIMAL_PRECISION = 38;

/** The types this sink stores, for messages. */
export const SUPPORTED =
  "int8/16/32/64, float32/64, utf8, bool, date32, timestamp (s, ms or us), decimal128, binary";

/**
 * The PostgreSQL type of the column created for an Arrow field (as information_schema spells
 * it, with a numeric's precision and scale), or an error naming the column.
 */
export function pgType(field: arrow.Field): string {
  const type = field.type as arrow.DataType;
  switch (type.typeId) {
    case arrow.Type.Int: {
      const int = type as arrow.Int;
      if (!int.isSigned) break; // PostgreSQL has no unsigned integers
      return int.bitWidth <= 16 ? "smallint" : int.bitWidth === 32 ? "integer" : "bigint";
    }
    case arrow.Type.Float: {
      const precision = (type as arrow.Float).precision;
      if (precision === arrow.Precision.SINGLE) return "real";
      if (precision === arrow.Precision.DOUBLE) return "double precision";
      break;
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return "text";
    case arrow.Type.Bool:
      return "boolean";
    case arrow.Type.Date:
      if ((type as arrow.Date_).unit === arrow.DateUnit.DAY) return "date";
      break;
    case arrow.Type.Timestamp: {
      const ts = type as arrow.Timestamp;
      if (ts.unit === arrow.TimeUnit.NANOSECOND) {
        throw new Error(
          `Column "${field.name}" holds nanosecond timestamps; PostgreSQL keeps microseconds, ` +
            "so declare it with microseconds (as tablestream's timestamp type is)",
        );
      }
      return ts.timezone ? "timestamp with time zone" : "timestamp without time zone";
    }
    case arrow.Type.Decimal: {
      const decimal = type as arrow.Decimal;
      if (decimal.bitWidth === 128) return `numeric(${decimal.precision},${decimal.scale})`;
      break;
    }
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
      return "bytea";
  }
  throw new Error(
    `Column "${field.name}" has Arrow type ${type}, which the PostgreSQL sink cannot store ` +
      `(it stores ${SUPPORTED})`,
  );
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
      return column.comment === INT8_COMMENT ? new arrow.Int8() : new arrow.Int16();
    case "integer":
      return new arrow.Int32();
    case "bigint":
      return new arrow.Int64();
    case "real":
      return new arrow.Float32();
    case "double precision":
      return new arrow.Float64();
    case "boolean":
      return new arrow.Bool();
    case "date":
      return new arrow.DateDay();
    case "timestamp with time zone":
      return new arrow.TimestampMicrosecond("UTC");
    case "timestamp without time zone":
      return new arrow.TimestampMicrosecond();
    case "numeric":
      if (column.precision !== null && column.precision <= MAX_DECIMAL_PRECISION) {
        return new arrow.Decimal(column.scale ?? 0, column.precision, 128);
      }
      return new arrow.Utf8();
    case "bytea":
      return new arrow.Binary();
    default:
      return new arrow.Utf8();
  }
}

/** The Arrow field of a stored column. */
export function arrowFieldOf(column: StoredColumn): arrow.Field {
  return new arrow.Field(column.name, arrowTypeOf(column), column.nullable);
}
