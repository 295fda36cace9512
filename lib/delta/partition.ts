/**
 * Partitioned writes: rows grouped by their partition values, the values' string form in
 * `add.partitionValues` (PROTOCOL.md, "Partition Value Serialization") and hive-style folder
 * names (`region=EU/`), as Spark writes them.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { dateMs, decimalAt, decimalText, isValid } from "../arrow/cells.ts";
import { TICKS_PER_SECOND } from "../arrow/time.ts";

/** The folder name Spark and Hive give a null partition value. */
export const HIVE_NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

/** Rows of a table sharing one combination of partition values. */
export interface PartitionGroup {
  /** Partition column -> serialized value (null for a null value). */
  values: Record<string, string | null>;
  /** The rows, with every column of the input. */
  table: arrow.Table;
}

/** Splits `table` by the values of `columns`, keeping row order within each group. */
export function groupByPartition(table: arrow.Table, columns: readonly string[]): PartitionGroup[] {
  if (columns.length === 0) return [{ values: {}, table }];
  const groups = new Map<string, { values: Record<string, string | null>; rows: number[][] }>();
  table.batches.forEach((batch, b) => {
    const data = columns.map((name) => batch.getChild(name)!.data[0]);
    for (let row = 0; row < batch.numRows; row++) {
      const values = data.map((d) => partitionValueAt(d, row));
      const key = JSON.stringify(values);
      let group = groups.get(key);
      if (!group) {
        const record = Object.fromEntries(columns.map((c, i) => [c, values[i]]));
        group = { values: record, rows: table.batches.map(() => []) };
        groups.set(key, group);
      }
      group.rows[b].push(row);
    }
  });
  if (groups.size === 1) {
    return [{ values: [...groups.values()][0].values, table }];
  }
  return [...groups.values()].map((group) => ({
    values: group.values,
    table: new arrow.Table(
      table.schema,
      table.batches.map((batch, b) => takeBatch(batch, Int32Array.from(group.rows[b]))),
    ),
  }));
}

/** The folder of a partition, e.g. `region=EU/day=2024-01-31`, escaped as Spark does. */
export function partitionFolder(columns: readonly string[], values: Record<string, string | null>) {
  return columns.map((c) => {
    const value = values[c];
    const text = value === null || value === "" ? HIVE_NULL_PARTITION : escapePathName(value);
    return `${escapePathName(c)}=${text}`;
  }).join("/");
}

/** Hive's escaping of a folder name: `%XX` for the characters Spark escapes. */
function escapePathName(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f"#%'*/:=?\\\u007f{[\]^]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/**
 * The serialized partition value of row `row`: decimal text for numbers, `YYYY-MM-DD` for
 * dates, ISO 8601 in UTC with microseconds for timestamps, `true`/`false`, null for null (and
 * for the strings `""` and `__HIVE_DEFAULT_PARTITION__`, as Spark writes them).
 */
export function partitionValueAt(data: arrow.Data, row: number): string | null {
  if (!isValid(data, row)) return null;
  const type = data.type;
  const i = row; // Value buffers are sliced with the data; bitmaps are not (see isValid).
  if (arrow.DataType.isUtf8(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const text = new TextDecoder().decode(data.values.subarray(offsets[i], offsets[i + 1]));
    // Both share the null value's folder, and engines read them differently from the log
    // (Spark reads a logged "" as an empty string, Polars the folder name as null): logged as
    // null, as Spark writes them, every engine reads them alike.
    return text === "" || text === HIVE_NULL_PARTITION ? null : text;
  }
  if (arrow.DataType.isInt(type)) return String(data.values[i]);
  if (arrow.DataType.isFloat(type)) {
    const value = Number(data.values[i]);
    // String(-0) is "0": negative zero would read back as positive in every engine.
    return Object.is(value, -0) ? "-0" : String(value);
  }
  if (arrow.DataType.isBool(type)) {
    const bit = data.offset + i;
    return ((data.values[bit >> 3] >> (bit & 7)) & 1) === 1 ? "true" : "false";
  }
  if (arrow.DataType.isDate(type)) return new Date(dateMs(data, i)).toISOString().slice(0, 10);
  if (arrow.DataType.isDecimal(type)) return decimalText(decimalAt(data, i), type.scale);
  if (arrow.DataType.isTimestamp(type)) return isoMicros(BigInt(data.values[i]), type.unit);
  throw new Error(`Cannot partition by a column of type ${type}`);
}

/** Whether a type can be a partition column. */
export function isPartitionable(type: arrow.DataType): boolean {
  return arrow.DataType.isUtf8(type) || arrow.DataType.isInt(type) ||
    arrow.DataType.isFloat(type) || arrow.DataType.isBool(type) ||
    arrow.DataType.isDate(type) || arrow.DataType.isDecimal(type) ||
    arrow.DataType.isTimestamp(type);
}

function isoMicros(value: bigint, unit: arrow.TimeUnit): string {
  const perSecond = TICKS_PER_SECOND[unit];
  let seconds = value / perSecond;
  let fraction = value % perSecond;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += perSecond;
  }
  const micros = fraction * 1000000n / perSecond;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${base}.${String(micros).padStart(6, "0")}Z`;
}

/** The rows `indices` of a batch, in that order. */
export function takeBatch(batch: arrow.RecordBatch, indices: Int32Array): arrow.RecordBatch {
  const children = batch.schema.fields.map((_, c) =>
    takeData(batch.getChildAt(c)!.data[0], indices)
  );
  const data = arrow.makeData({
    type: new arrow.Struct(batch.schema.fields),
    length: indices.length,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(batch.schema, data);
}

/** Copies the rows `indices` of one column's data into new buffers. */
function takeData(data: arrow.Data, indices: Int32Array): arrow.Data {
  const type = data.type;
  const n = indices.length;
  const { bitmap, nullCount } = takeValidity(data, indices);
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const newOffsets = new Int32Array(n + 1);
    let size = 0;
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      size += offsets[i + 1] - offsets[i];
      newOffsets[k + 1] = size;
    }
    const bytes = new Uint8Array(size);
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      bytes.set(data.values.subarray(offsets[i], offsets[i + 1]), newOffsets[k]);
    }
    return new arrow.Data(type, 0, n, nullCount, [newOffsets, bytes, bitmap, undefined]);
  }
  if (arrow.DataType.isBool(type)) {
    const values = new Uint8Array(Math.ceil(n / 8));
    for (let k = 0; k < n; k++) {
      const i = data.offset + indices[k];
      if ((data.values[i >> 3] >> (i & 7)) & 1) values[k >> 3] |= 1 << (k & 7);
    }
    return new arrow.Data(type, 0, n, nullCount, [undefined, values, bitmap, undefined]);
  }
  if (data.children.length === 0 && data.values) {
    const stride = data.stride;
    // Any typed array (Int32Array, BigInt64Array, Uint32Array words of a decimal...).
    const source = data.values as Int32Array;
    const values = new (source.constructor as Int32ArrayConstructor)(n * stride);
    for (let k = 0; k < n; k++) {
      const from = indices[k] * stride;
      values.set(source.subarray(from, from + stride), k * stride);
    }
    return new arrow.Data(type, 0, n, nullCount, [undefined, values, bitmap, undefined]);
  }
  // Nested columns: through Arrow's own getters and builders.
  const vector = arrow.makeVector(data);
  const values = Array.from(indices, (i) => plainValue(vector.get(i)));
  return arrow.vectorFromArray(values, type).data[0];
}

/**
 * A nested value as the builders take it: a list's Vector as an array (the builders read a
 * Vector of strings as empty strings), a struct row as an object, recursively.
 */
function plainValue(value: unknown): unknown {
  if (value instanceof arrow.Vector) return Array.from(value, plainValue);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, plainValue(v)]));
  if (
    value !== null && typeof value === "object" && "toJSON" in value && !(value instanceof Date)
  ) {
    const row = (value as { toJSON(): Record<string, unknown> }).toJSON();
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plainValue(v)]));
  }
  return value;
}

function takeValidity(
  data: arrow.Data,
  indices: Int32Array,
): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (data.nullCount === 0) return { bitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(Math.ceil(indices.length / 8));
  let nullCount = 0;
  for (let k = 0; k < indices.length; k++) {
    if (isValid(data, indices[k])) bitmap[k >> 3] |= 1 << (k & 7);
    else nullCount++;
  }
  return { bitmap, nullCount };
}
