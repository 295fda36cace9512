/**
 * Rows of a table read back from storage, kept compact for children to reference: only the
 * columns children need (the keys, what `copy_from_fk` copies, `weighted_parent`'s
 * attribute), as the Arrow vectors they were read into, ordered by primary key so the order
 * does not depend on how files were compacted.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { ColumnType } from "../engine/column_types.ts";
import { PyDate, type Value } from "../expr/values.ts";

/** The column type an Arrow column of a stored table reads as. */
export function columnTypeOfArrow(type: arrow.DataType): ColumnType {
  switch (type.typeId) {
    case arrow.Type.Int:
      return (["int8", "int16", "int32", "int64"] as const)[
        Math.log2((type as arrow.Int).bitWidth / 8)
      ];
    case arrow.Type.Float:
      return (type as arrow.Float).precision === arrow.Precision.DOUBLE ? "float64" : "float32";
    case arrow.Type.Bool:
      return "bool";
    case arrow.Type.Date:
      return "date";
    case arrow.Type.Timestamp:
      return "timestamp";
    case arrow.Type.Decimal:
      return "float64";
    default:
      return "string";
  }
}

const DAY_MS = 86_400_000;

/** Turns the Arrow value at `index` into the engine's value for its column type. */
function engineValue(vector: arrow.Vector, index: number): Value {
  const raw = vector.get(index);
  if (raw === null || raw === undefined) return null;
  const type = vector.type as arrow.DataType;
  switch (type.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Float:
      return Number(raw);
    case arrow.Type.Bool:
      return Boolean(raw);
    case arrow.Type.Date:
      return new PyDate(Math.floor(Number(raw) / DAY_MS));
    case arrow.Type.Timestamp:
      return new Date(Math.floor(Number(raw)));
    case arrow.Type.Decimal:
      return Number(String(raw));
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return raw as string;
    default:
      return raw instanceof Uint8Array ? new TextDecoder().decode(raw) : String(raw);
  }
}

/** Orders row indexes by a key column: numbers numerically, anything else as text. */
function keyOrder(keys: arrow.Vector): Int32Array | undefined {
  const n = keys.length;
  const value = (i: number): number | string | null => {
    const v = keys.get(i);
    if (v === null || v === undefined) return null;
    return typeof v === "number" || typeof v === "bigint" ? Number(v) : String(v);
  };
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = compare(value(i - 1), value(i)) <= 0;
  if (sorted) return undefined; // the common case: rows were written in key order
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const cached = Array.from({ length: n }, (_, i) => value(i));
  order.sort((a, b) => compare(cached[a], cached[b]) || a - b);
  return order;
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** A table's rows as read back, for children to reference by index. */
export class LoadedRows {
  readonly table: string;
  readonly count: number;
  /** The rows as they were read (in storage order), to hand to generation workers. */
  readonly data: arrow.Table;
  /** The column the rows are ordered by, if any. */
  readonly key?: string;
  readonly #columns = new Map<string, arrow.Vector>();
  readonly #types = new Map<string, ColumnType>();
  readonly #order?: Int32Array;

  /**
   * Keeps the columns of `data` (read from table `table`), ordered by `key` when given.
   */
  constructor(table: string, data: arrow.Table, key?: string) {
    this.table = table;
    this.count = data.numRows;
    this.data = data;
    if (key !== undefined) this.key = key;
    for (const field of data.schema.fields) {
      this.#columns.set(field.name, data.getChild(field.name)!);
      this.#types.set(field.name, columnTypeOfArrow(field.type));
    }
    if (key !== undefined && this.#columns.has(key)) this.#order = keyOrder(this.column(key));
  }

  column(name: string): arrow.Vector {
    const vector = this.#columns.get(name);
    if (!vector) {
      throw new Error(
        `Table "${this.table}" was read without column "${name}" (read: ${
          [...this.#columns.keys()].join(", ")
        })`,
      );
    }
    return vector;
  }

  /** Whether the rows were read with this column. */
  has(name: string): boolean {
    return this.#columns.has(name);
  }

  /** The value of `column` in row `index` (in key order). */
  value(column: string, index: number): Value {
    return engineValue(this.column(column), this.#order ? this.#order[index] : index);
  }

  /** The column type the engine sees for a loaded column. */
  columnType(column: string): ColumnType {
    this.column(column);
    return this.#types.get(column)!;
  }

  /** The largest whole-number value of `column`, if it has any. */
  maxInteger(column: string): number | undefined {
    const vector = this.column(column);
    let max: number | undefined;
    for (let i = 0; i < vector.length; i++) {
      const v = vector.get(i);
      if (typeof v !== "number" && typeof v !== "bigint") return undefined;
      const n = Number(v);
      if (!Number.isInteger(n)) return undefined;
      if (max === undefined || n > max) max = n;
    }
    return max;
  }
}
