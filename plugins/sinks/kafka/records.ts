/**
 * Rows as Kafka records and back: keys (a column's text, or a JSON object of several columns),
 * values (JSON objects as our JSON lines spell them, or Avro), the partition of each key as
 * Java's default partitioner picks it (murmur2 of the key bytes, made positive, modulo the
 * partitions), and, for `read`, records decoded back into Arrow columns.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { type Cell, type ColumnCells, columnCells } from "../../../lib/output/cell_text.ts";
import { decimalText } from "../../../lib/arrow/cells.ts";
import { TextColumn } from "../_text_column.ts";
import type { EncodedRecords, RecordSpec } from "../../../lib/plugin/types.ts";
import { avroWriter, decodeAvroRow } from "./avro.ts";
import { ByteOut, int64Reader } from "../../../lib/output/byte_out.ts";
import { jsonObjectWriter, type RowWriter } from "../../../lib/output/json_bytes.ts";
import { DAY_MS } from "../../../lib/arrow/time.ts";

/** How values are spelled. */
export type ValueFormat = "json" | "avro";

/** What a table's records are made with. */
export interface RecordShape {
  format: ValueFormat;
  /** Key columns (empty: records without keys). */
  key: readonly string[];
  /** Before each Avro value: Confluent's magic byte and schema id, or nothing. */
  avroPrefix: Uint8Array;
}

/**
 * A batch's records: every value (and key) written one after another into one buffer, row
 * `i`'s from `valueOffsets[i]` to `valueOffsets[i + 1]`, and each row's partition. One object
 * per batch, not per row: per-row strings, buffers and objects were most of the garbage the
 * main thread collected.
 */
export interface RecordBlock extends EncodedRecords {
  partitions: Int32Array;
}

/**
 * Java's `Utils.murmur2` of bytes `from .. to` (the default partitioner's hash), with 32-bit
 * integer arithmetic as Java's `int` has it.
 */
export function murmur2(bytes: Uint8Array, from: number, to: number): number {
  const m = 0x5bd1e995;
  const length = to - from;
  let h = (0x9747b28c ^ length) | 0;
  const whole = from + (length & ~3);
  for (let i = from; i < whole; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The last 1 to 3 bytes, as Java's switch falls through them.
  const tail = length & 3;
  if (tail === 3) h ^= bytes[whole + 2] << 16;
  if (tail >= 2) h ^= bytes[whole + 1] << 8;
  if (tail >= 1) h = Math.imul(h ^ bytes[whole], m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

/**
 * Java's default partitioner for a keyed record (`Utils.toPositive(Utils.murmur2(key)) %
 * partitions`): a Java consumer or Kafka Streams sees the same partition for a key.
 */
export function javaPartition(key: Uint8Array, partitions: number): number {
  return (murmur2(key, 0, key.length) & 0x7fffffff) % partitions;
}

/** The text of a key cell: strings as they are, numbers and the rest as JSON spells them. */
function keyText(cell: Cell): string {
  if (cell === null) return "";
  if (typeof cell === "string") return cell;
  return String(cell);
}

/** A key of several columns: a JSON object of them. */
function keyObject(columns: readonly ColumnCells[], row: number): string {
  return "{" + columns.map((c) => {
    const cell = c.cell(row);
    const json = typeof cell === "bigint"
      ? (cell <= BigInt(Number.MAX_SAFE_INTEGER) && cell >= -BigInt(Number.MAX_SAFE_INTEGER)
        ? String(cell)
        : `"${cell}"`)
      : JSON.stringify(cell);
    return `${JSON.stringify(c.name)}:${json}`;
  }).join(",") + "}";
}

/**
 * A writer of each row's key. One column: its text ({@link keyText}), written without a string
 * for integers and text; several: a JSON object of them.
 */
function keyWriter(batch: arrow.RecordBatch, key: readonly string[]): RowWriter {
  const cells = columnCells(batch);
  const columns = key.map((name) => cells.find((c) => c.name === name)!);
  if (columns.length > 1) return (out, row) => out.text(keyObject(columns, row));
  const column = columns[0];
  const data = batch.data.children[cells.indexOf(column)] as arrow.Data;
  const generic: RowWriter = (out, row) => out.text(keyText(column.cell(row)));
  const type = data.type as arrow.DataType;
  let fast: RowWriter | undefined;
  if (arrow.DataType.isInt(type) && type.bitWidth < 64) {
    const values = data.values as Int32Array;
    fast = (out, row) => out.digits(values[row]);
  } else if (arrow.DataType.isInt(type) && type.isSigned) {
    const read = int64Reader(data.values as BigInt64Array);
    fast = (out, row) => {
      const value = read(row);
      if (value === undefined) generic(out, row);
      else out.digits(value);
    };
  } else if (arrow.DataType.isUtf8(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    fast = (out, row) => out.copy(bytes, offsets[row], offsets[row + 1]);
  }
  if (!fast) return generic;
  const known = fast;
  // A null key cell is the empty text, as keyText spells it.
  return data.nullCount === 0 ? known : (out, row) => {
    if (data.getValid(row)) known(out, row);
  };
}

/** Writes every row with `write`: the bytes, and where each row starts and ends. */
function writeRows(rows: number, write: RowWriter): { bytes: Uint8Array; offsets: Int32Array } {
  const out = new ByteOut();
  const offsets = new Int32Array(rows + 1);
  for (let row = 0; row < rows; row++) {
    write(out, row);
    offsets[row + 1] = out.length;
  }
  return { bytes: out.finish(), offsets };
}

/**
 * The records of a batch, as `spec` asks ({@link RecordSpec}: made here by `write`, or in a
 * generation worker). Keys: one column's text (`42`, `alice@example.com`), or for several
 * columns a JSON object of them, partitioned as Java's partitioner does; without key
 * columns, no key and no partitions ({@link spreadKeyless} gives them theirs).
 */
export function encodeRecords(batch: arrow.RecordBatch, spec: RecordSpec): EncodedRecords {
  const rows = batch.numRows;
  const values = writeRows(
    rows,
    spec.format === "avro" ? avroWriter(batch, spec.avroPrefix) : jsonObjectWriter(batch),
  );
  const records = { rows, values: values.bytes, valueOffsets: values.offsets };
  return spec.key.length === 0 ? records : { ...records, ...encodeKeys(batch, spec) };
}

/** The keys of a batch's rows (`spec.key`'s columns) and each key's partition, as Java's. */
export function encodeKeys(
  batch: arrow.RecordBatch,
  spec: Pick<RecordSpec, "key" | "partitions">,
): Required<Pick<EncodedRecords, "keys" | "keyOffsets" | "partitions">> {
  const rows = batch.numRows;
  const keys = writeRows(rows, keyWriter(batch, spec.key));
  const offsets = keys.offsets;
  const partitions = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    partitions[row] = (murmur2(keys.bytes, offsets[row], offsets[row + 1]) & 0x7fffffff) %
      spec.partitions;
  }
  return { keys: keys.bytes, keyOffsets: offsets, partitions };
}

/**
 * Records with their partitions: keyless ones go round the partitions from `next` (returned
 * updated), as Java's partitioner spreads records without keys.
 */
export function spreadKeyless(
  records: EncodedRecords,
  partitions: number,
  next: number,
): { block: RecordBlock; next: number } {
  if (records.partitions) return { block: { ...records, partitions: records.partitions }, next };
  const spread = new Int32Array(records.rows);
  for (let row = 0; row < records.rows; row++) {
    spread[row] = next;
    next = (next + 1) % partitions;
  }
  return { block: { ...records, partitions: spread }, next };
}

const utf8 = new TextDecoder();

/** The text {@link TextColumn} takes for a JSON value of a column. */
function jsonCellText(value: unknown, type: arrow.DataType): string | null {
  if (value === null || value === undefined) return null;
  if (arrow.DataType.isDate(type)) {
    return String(Math.round(Date.parse(`${value}T00:00:00Z`) / DAY_MS));
  }
  if (arrow.DataType.isTimestamp(type)) return isoMicros(String(value));
  if (arrow.DataType.isBool(type)) return value ? "true" : "false";
  return String(value);
}

/** Microseconds since the epoch of an ISO timestamp with up to 6 fraction digits. */
export function isoMicros(text: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)?$/.exec(text);
  if (!m) throw new Error(`"${text}" is not an ISO timestamp`);
  const ms = Date.parse(m[1] + (m[3] ?? "Z"));
  return String(BigInt(ms) * 1000n + BigInt((m[2] ?? "").padEnd(6, "0")));
}

/** The text {@link TextColumn} takes for a decoded Avro cell. */
function avroCellText(
  cell: number | bigint | string | boolean | null,
  type: arrow.DataType,
): string | null {
  if (cell === null) return null;
  if (arrow.DataType.isDecimal(type)) return decimalText(cell as bigint, type.scale);
  if (arrow.DataType.isBool(type)) return cell ? "true" : "false";
  return String(cell);
}

/** Decodes record values into a batch of the chosen columns of `schema`. */
export function decodeValues(
  values: readonly (Uint8Array | null)[],
  schema: arrow.Schema,
  columns: readonly string[],
  shape: Pick<RecordShape, "format" | "avroPrefix">,
): arrow.RecordBatch {
  const fields = columns.map((name) => schema.fields.find((f) => f.name === name)!);
  const indexes = fields.map((f) => schema.fields.indexOf(f));
  const out = fields.map((f) => new TextColumn(f.name, f.type, values.length));
  for (const value of values) {
    if (!value) continue;
    if (shape.format === "avro") {
      const cells = decodeAvroRow(schema, value.subarray(shape.avroPrefix.length));
      indexes.forEach((at, i) => out[i].push(avroCellText(cells[at], fields[i].type)));
    } else {
      const object = JSON.parse(utf8.decode(value));
      fields.forEach((f, i) => out[i].push(jsonCellText(object[f.name], f.type)));
    }
  }
  const children = out.map((c) => c.finish());
  const length = children[0]?.length ?? values.filter(Boolean).length;
  const target = new arrow.Schema(fields);
  return new arrow.RecordBatch(
    target,
    arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children }),
  );
}
