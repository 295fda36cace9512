/**
 * Rows as Kafka records and back: keys (a column's text, or a JSON object of several columns),
 * values (JSON objects as our JSON lines spell them, or Avro), the partition of each key as
 * Java's default partitioner picks it (murmur2 of the key bytes, made positive, modulo the
 * partitions), and, for `read`, records decoded back into Arrow columns.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { Buffer } from "node:buffer";
import { kafkaClient } from "./client_module.ts";
import { type Cell, columnCells, jsonObjects } from "../../../lib/output/cell_text.ts";
import { decimalText } from "../../../lib/arrow/cells.ts";
import { TextColumn } from "../_text_column.ts";
import { avroRows, decodeAvroRow } from "./avro.ts";
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

/** One row as a record: key and value bytes, and its partition. */
export interface RowRecord {
  key: Buffer | undefined;
  value: Buffer;
  partition: number;
}

const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of each text, as views of one buffer: one encoding call per batch rather than
 * one per row (with a copy and a buffer each), which was most of a row's cost.
 */
export function utf8Views(texts: readonly string[]): Buffer[] {
  const joined = texts.join("");
  const bytes = encoder.encode(joined);
  const views: Buffer[] = new Array(texts.length);
  if (bytes.length === joined.length) {
    // All ASCII (one byte per UTF-16 unit): offsets are the texts' lengths.
    let at = 0;
    for (let i = 0; i < texts.length; i++) {
      const length = texts[i].length;
      views[i] = Buffer.from(bytes.buffer, bytes.byteOffset + at, length);
      at += length;
    }
    return views;
  }
  let at = 0;
  const into = new Uint8Array(joined.length * 3);
  for (let i = 0; i < texts.length; i++) {
    const { written } = encoder.encodeInto(texts[i], into.subarray(at));
    views[i] = Buffer.from(into.buffer, at, written);
    at += written;
  }
  return views;
}

/** The text of a key cell: strings as they are, numbers and the rest as JSON spells them. */
function keyText(cell: Cell): string {
  if (cell === null) return "";
  if (typeof cell === "string") return cell;
  return String(cell);
}

/**
 * Java's default partitioner for a keyed record (`Utils.toPositive(Utils.murmur2(key)) %
 * partitions`): a Java consumer or Kafka Streams sees the same partition for a key.
 */
export function javaPartition(key: Uint8Array, partitions: number): number {
  return (kafkaClient().murmur2(Buffer.from(key.buffer, key.byteOffset, key.byteLength)) &
    0x7fffffff) %
    partitions;
}

/**
 * The records of a batch. Keys: one column's text (`42`, `alice@example.com`), or for several
 * columns a JSON object of them; without key columns, no key, and rows go round the partitions
 * from `next` (returned updated), as Java's partitioner spreads keyless records.
 */
export function batchRecords(
  batch: arrow.RecordBatch,
  shape: RecordShape,
  partitions: number,
  next: number,
): { records: RowRecord[]; next: number } {
  const values = shape.format === "avro"
    ? avroRows(batch, shape.avroPrefix).map((v) => Buffer.from(v.buffer, v.byteOffset, v.length))
    : utf8Views(jsonObjects(batch));
  const keyColumns = columnCells(batch).filter((c) => shape.key.includes(c.name));
  keyColumns.sort((a, b) => shape.key.indexOf(a.name) - shape.key.indexOf(b.name));
  const records: RowRecord[] = new Array(batch.numRows);
  if (keyColumns.length === 0) {
    for (let row = 0; row < batch.numRows; row++) {
      records[row] = { key: undefined, value: values[row], partition: next };
      next = (next + 1) % partitions;
    }
    return { records, next };
  }
  const texts: string[] = new Array(batch.numRows);
  for (let row = 0; row < batch.numRows; row++) {
    texts[row] = keyColumns.length === 1
      ? keyText(keyColumns[0].cell(row))
      : "{" + keyColumns.map((c) => {
        const cell = c.cell(row);
        const json = typeof cell === "bigint"
          ? (cell <= BigInt(Number.MAX_SAFE_INTEGER) && cell >= -BigInt(Number.MAX_SAFE_INTEGER)
            ? String(cell)
            : `"${cell}"`)
          : JSON.stringify(cell);
        return `${JSON.stringify(c.name)}:${json}`;
      }).join(",") + "}";
  }
  const keys = utf8Views(texts);
  const murmur2 = kafkaClient().murmur2;
  for (let row = 0; row < batch.numRows; row++) {
    const key = keys[row];
    records[row] = { key, value: values[row], partition: (murmur2(key) & 0x7fffffff) % partitions };
  }
  return { records, next };
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
