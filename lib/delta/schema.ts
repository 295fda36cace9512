/**
 * Conversion between Arrow schemas and Delta's `schemaString` (Spark's JSON schema).
 *
 * Primitive types map one to one, through our column types (`lib/arrow/types.ts`): Delta only
 * names them. Its own rules: `timestamp` is an instant (Arrow microseconds, UTC) and
 * `timestamp_ntz` a wall-clock time (Arrow microseconds, no time zone); no unsigned integers
 * or half floats; a bare `decimal` is Spark's `decimal(10,0)`. Structs, arrays and maps are
 * converted on a best-effort basis.
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
  type DecimalType,
  isDecimalType,
  MAX_DECIMAL_PRECISION,
} from "../arrow/types.ts";
import { UnsupportedTableFeature } from "./snapshot.ts";

/** Delta's name of each column type but decimals, which Delta spells as we do. */
const DELTA_NAMES: Readonly<Record<Exclude<ColumnType, DecimalType>, string>> = {
  int8: "byte",
  int16: "short",
  int32: "integer",
  int64: "long",
  float32: "float",
  float64: "double",
  string: "string",
  bool: "boolean",
  date: "date",
  timestamp: "timestamp",
};

/** The column type of each of Delta's {@link DELTA_NAMES}. */
const COLUMN_TYPES_BY_DELTA_NAME: ReadonlyMap<string, ColumnType> = new Map(
  Object.entries(DELTA_NAMES).map(([column, delta]) => [delta, column as ColumnType]),
);

/** A Spark JSON data type: a primitive name or a nested type object. */
export type DeltaType =
  | string
  | { type: "struct"; fields: DeltaField[] }
  | { type: "array"; elementType: DeltaType; containsNull: boolean }
  | { type: "map"; keyType: DeltaType; valueType: DeltaType; valueContainsNull: boolean };

/** A field of a Spark JSON struct. */
export interface DeltaField {
  name: string;
  type: DeltaType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

/**
 * The Delta `schemaString` for an Arrow schema.
 *
 * @example
 * ```ts
 * import * as arrow from "apache-arrow";
 * arrowToDeltaSchema(new arrow.Schema([new arrow.Field("id", new arrow.Int64(), true)]));
 * // '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}'
 * ```
 */
export function arrowToDeltaSchema(schema: arrow.Schema): string {
  return JSON.stringify({ type: "struct", fields: schema.fields.map(toDeltaField) });
}

function toDeltaField(field: arrow.Field): DeltaField {
  return {
    name: field.name,
    type: toDeltaType(field.type, field.name),
    nullable: field.nullable,
    metadata: {},
  };
}

function toDeltaType(type: arrow.DataType, name: string): DeltaType {
  if (arrow.DataType.isInt(type) && !type.isSigned) {
    throw new Error(`Column "${name}": Delta has no unsigned integers; use a signed type`);
  }
  if (arrow.DataType.isFloat(type) && type.precision === arrow.Precision.HALF) {
    throw new Error(`Column "${name}": Delta has no half-precision float; use float or double`);
  }
  if (arrow.DataType.isDecimal(type) && type.precision > MAX_DECIMAL_PRECISION) {
    throw new Error(`Column "${name}": Delta decimals have at most 38 digits of precision`);
  }
  if (arrow.DataType.isTimestamp(type) && !type.timezone) return "timestamp_ntz";
  const column = columnTypeOf(type);
  if (column !== undefined) return isDecimalType(column) ? column : DELTA_NAMES[column];
  if (arrow.DataType.isBinary(type) || arrow.DataType.isLargeBinary(type)) return "binary";
  if (arrow.DataType.isStruct(type)) {
    return { type: "struct", fields: type.children.map(toDeltaField) };
  }
  if (arrow.DataType.isList(type)) {
    const element = type.children[0];
    return {
      type: "array",
      elementType: toDeltaType(element.type, `${name}.element`),
      containsNull: element.nullable,
    };
  }
  if (arrow.DataType.isMap(type)) {
    const [key, value] = type.children[0].type.children;
    return {
      type: "map",
      keyType: toDeltaType(key.type, `${name}.key`),
      valueType: toDeltaType(value.type, `${name}.value`),
      valueContainsNull: value.nullable,
    };
  }
  throw new Error(`Column "${name}": Arrow type ${type} has no Delta equivalent`);
}

/**
 * The Arrow schema for a Delta `schemaString`. Throws {@link UnsupportedTableFeature} for a
 * type this code does not know (`table` names the table in that message).
 *
 * @example
 * ```ts
 * deltaToArrowSchema('{"type":"struct","fields":[{"name":"t","type":"timestamp","nullable":true,"metadata":{}}]}');
 * // Schema<{ t: Timestamp<MICROSECOND, UTC> }>
 * ```
 */
export function deltaToArrowSchema(schemaString: string, table = "(table)"): arrow.Schema {
  const fields = parseDeltaSchema(schemaString);
  try {
    return new arrow.Schema(fields.map(toArrowField));
  } catch (error) {
    if (error instanceof UnknownType) throw new UnsupportedTableFeature(table, error.message);
    throw error;
  }
}

/** The top-level fields of a Delta `schemaString`; throws a clear error when it is malformed. */
export function parseDeltaSchema(schemaString: string): DeltaField[] {
  let parsed: { type?: string; fields?: DeltaField[] };
  try {
    parsed = JSON.parse(schemaString);
  } catch (error) {
    throw new Error(`Malformed Delta schemaString: ${(error as Error).message}`, { cause: error });
  }
  if (parsed?.type !== "struct" || !Array.isArray(parsed.fields)) {
    throw new Error(`Malformed Delta schemaString: the top level must be a struct with fields`);
  }
  return parsed.fields;
}

class UnknownType extends Error {}

function toArrowField(field: DeltaField): arrow.Field {
  return new arrow.Field(field.name, toArrowType(field.type, field.name), field.nullable ?? true);
}

function toArrowType(type: DeltaType, name: string): arrow.DataType {
  if (typeof type === "string") {
    const column = COLUMN_TYPES_BY_DELTA_NAME.get(type);
    if (column !== undefined) return arrowType(column);
    if (type === "timestamp_ntz") return arrowTimestamp(true);
    if (type === "binary") return new arrow.Binary();
    const decimal = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(type);
    if (decimal) return arrowDecimal(Number(decimal[1]), Number(decimal[2]));
    if (type === "decimal") return arrowDecimal(10, 0); // Spark's default precision
    throw new UnknownType(`column "${name}" has the unknown type "${type}"`);
  }
  switch (type.type) {
    case "struct":
      return new arrow.Struct(type.fields.map(toArrowField));
    case "array":
      return new arrow.List(
        new arrow.Field(
          "element",
          toArrowType(type.elementType, `${name}.element`),
          type.containsNull,
        ),
      );
    case "map":
      return new arrow.Map_(
        new arrow.Field(
          "entries",
          new arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>([
            new arrow.Field("key", toArrowType(type.keyType, `${name}.key`), false),
            new arrow.Field(
              "value",
              toArrowType(type.valueType, `${name}.value`),
              type.valueContainsNull,
            ),
          ]),
          false,
        ),
      );
  }
  throw new UnknownType(`column "${name}" has the unknown type ${JSON.stringify(type)}`);
}
