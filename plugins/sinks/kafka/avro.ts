/**
 * Avro for the Kafka sink: a record schema derived from a table's Arrow schema (every column
 * a union of null and its type, with Avro's logical types for dates, timestamps and decimals),
 * the binary encoding of rows straight from Arrow columns, and its decoding (for `read`).
 * With a Schema Registry, values carry Confluent's wire format: a zero byte, the schema id
 * (4 bytes, big-endian), then the Avro binary.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { decimalAt } from "../../../lib/arrow/cells.ts";
import { DAY_MS } from "../../../lib/arrow/time.ts";
import { ByteOut, int64Reader } from "../../../lib/output/byte_out.ts";
import type { RowWriter } from "../../../lib/output/json_bytes.ts";

/** An Avro schema, as JSON. */
export type AvroSchema = Record<string, unknown>;

/** A name Avro accepts: `[A-Za-z_][A-Za-z0-9_]*`. */
export function avroName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

function avroType(type: arrow.DataType): unknown {
  if (arrow.DataType.isInt(type)) return type.bitWidth === 64 ? "long" : "int";
  if (arrow.DataType.isFloat(type)) {
    return type.precision === arrow.Precision.SINGLE ? "float" : "double";
  }
  if (arrow.DataType.isUtf8(type)) return "string";
  if (arrow.DataType.isBool(type)) return "boolean";
  if (arrow.DataType.isDate(type)) return { type: "int", logicalType: "date" };
  if (arrow.DataType.isTimestamp(type)) {
    return {
      type: "long",
      logicalType: type.timezone ? "timestamp-micros" : "local-timestamp-micros",
    };
  }
  if (arrow.DataType.isDecimal(type)) {
    return { type: "bytes", logicalType: "decimal", precision: type.precision, scale: type.scale };
  }
  throw new Error(`Avro has no type for column type ${type}`);
}

/**
 * The Avro record schema of a table: its columns in order, each `["null", type]` with default
 * null (so readers with a newer schema still read older records).
 */
export function avroSchema(table: string, schema: arrow.Schema): AvroSchema {
  for (const field of schema.fields) {
    if (avroName(field.name) !== field.name) {
      throw new Error(
        `Column "${field.name}" of table "${table}" is not a valid Avro field name ` +
          "(letters, digits and _, not starting with a digit); rename it or use format: json",
      );
    }
  }
  return {
    type: "record",
    name: avroName(table),
    namespace: "tablestream",
    fields: schema.fields.map((f) => ({
      name: f.name,
      type: ["null", avroType(f.type)],
      default: null,
    })),
  };
}

/** Writes one column's cell of a row; the union branch included. */
type CellWriter = RowWriter;

function cellWriter(data: arrow.Data): CellWriter {
  const type = data.type as arrow.DataType;
  const values = data.values as ArrayLike<number | bigint>;
  const nullable = data.nullCount > 0;
  const value = valueWriter(data, type, values);
  if (!nullable) {
    return (out, row) => {
      out.reserve(1);
      out.bytes[out.length++] = 2; // branch 1 (the type), zigzag
      value(out, row);
    };
  }
  return (out, row) => {
    out.reserve(1);
    if (!data.getValid(row)) {
      out.bytes[out.length++] = 0;
      return;
    }
    out.bytes[out.length++] = 2;
    value(out, row);
  };
}

function valueWriter(
  data: arrow.Data,
  type: arrow.DataType,
  values: ArrayLike<number | bigint>,
): CellWriter {
  if (arrow.DataType.isInt(type)) {
    if (type.bitWidth === 64) {
      return type.isSigned
        ? int64Writer(values as BigInt64Array)
        : (out, row) => out.bigLong(BigInt(values[row]));
    }
    return (out, row) => out.long(values[row] as number);
  }
  if (arrow.DataType.isFloat(type)) {
    if (type.precision === arrow.Precision.SINGLE) {
      return (out, row) => {
        out.reserve(4);
        out.view.setFloat32(out.length, values[row] as number, true);
        out.length += 4;
      };
    }
    return (out, row) => {
      out.reserve(8);
      out.view.setFloat64(out.length, values[row] as number, true);
      out.length += 8;
    };
  }
  if (arrow.DataType.isUtf8(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    return (out, row) => out.raw(bytes, offsets[row], offsets[row + 1]);
  }
  if (arrow.DataType.isBool(type)) {
    const vector = arrow.makeVector(data);
    return (out, row) => {
      out.reserve(1);
      out.bytes[out.length++] = vector.get(row) ? 1 : 0;
    };
  }
  if (arrow.DataType.isDate(type)) {
    // DateDay holds days; DateMillisecond milliseconds.
    const unit = (type as arrow.Date_).unit === arrow.DateUnit.DAY ? 1 : DAY_MS;
    return (out, row) => out.long(Math.floor(Number(values[row]) / unit));
  }
  if (arrow.DataType.isTimestamp(type)) {
    const factor = { 0: 1_000_000n, 1: 1_000n, 2: 1n, 3: 0n }[type.unit];
    if (factor === 1n) return int64Writer(values as BigInt64Array);
    return (out, row) => {
      const raw = BigInt(values[row]);
      out.bigLong(factor === 0n ? raw / 1_000n : raw * factor);
    };
  }
  if (arrow.DataType.isDecimal(type)) {
    return (out, row) => out.raw(twosComplement(decimalAt(data, row)));
  }
  throw new Error(`Avro has no type for column type ${type}`);
}

/** The shortest big-endian two's complement of an integer (Avro's decimal bytes). */
export function twosComplement(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let n = value;
  do {
    bytes.unshift(Number(BigInt.asUintN(8, n)));
    n >>= 8n;
  } while (
    !((n === 0n && (bytes[0] & 0x80) === 0) || (n === -1n && (bytes[0] & 0x80) !== 0))
  );
  return new Uint8Array(bytes);
}

/** Longs of a 64-bit column, read without a `bigint` per value while they are safe integers. */
function int64Writer(values: BigInt64Array): CellWriter {
  const read = int64Reader(values);
  return (out, row) => {
    const value = read(row);
    if (value === undefined) out.bigLong(values[row]);
    else out.long(value);
  };
}

/**
 * A writer of each row of a batch as Avro binary, prefixed by `prefix` (Confluent's magic byte
 * and schema id, or nothing).
 */
export function avroWriter(batch: arrow.RecordBatch, prefix: Uint8Array): RowWriter {
  const writers = batch.data.children.map((child) => cellWriter(child as arrow.Data));
  return (out: ByteOut, row: number) => {
    out.copy(prefix);
    for (const write of writers) write(out, row);
  };
}

/** Each row of a batch as its own Avro binary, prefixed by `prefix` (the fields of an envelope). */
export function avroRows(batch: arrow.RecordBatch, prefix: Uint8Array): Uint8Array[] {
  const write = avroWriter(batch, prefix);
  const out = new ByteOut();
  const ends: number[] = [];
  for (let row = 0; row < batch.numRows; row++) {
    write(out, row);
    ends.push(out.length);
  }
  const bytes = out.finish();
  return ends.map((end, row) => bytes.subarray(row === 0 ? 0 : ends[row - 1], end));
}

/** Confluent's wire-format prefix for a schema id. */
export function confluentPrefix(schemaId: number): Uint8Array {
  const prefix = new Uint8Array(5);
  new DataView(prefix.buffer).setInt32(1, schemaId, false);
  return prefix;
}

/** Reads Avro binary. */
class In {
  offset = 0;
  view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  bigLong(): bigint {
    let shift = 0n;
    let n = 0n;
    for (;;) {
      const byte = this.bytes[this.offset++];
      n |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7n;
    }
    return (n >> 1n) ^ -(n & 1n);
  }
  raw(): Uint8Array {
    const length = Number(this.bigLong());
    const part = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return part;
  }
}

/** A decoded cell: numbers, bigints (64-bit ints, timestamps in µs, decimals unscaled), strings. */
export type AvroCell = number | bigint | string | boolean | null;

const utf8 = new TextDecoder();

/** Decodes rows encoded by {@link avroWriter} (after any prefix) into cells, column by column. */
export function decodeAvroRow(schema: arrow.Schema, bytes: Uint8Array): AvroCell[] {
  const input = new In(bytes);
  return schema.fields.map((field) => {
    const branch = input.bigLong();
    if (branch === 0n) return null;
    const type = field.type as arrow.DataType;
    if (arrow.DataType.isInt(type)) {
      const v = input.bigLong();
      return type.bitWidth === 64 ? v : Number(v);
    }
    if (arrow.DataType.isFloat(type)) {
      const single = type.precision === arrow.Precision.SINGLE;
      const v = single
        ? input.view.getFloat32(input.offset, true)
        : input.view.getFloat64(input.offset, true);
      input.offset += single ? 4 : 8;
      return v;
    }
    if (arrow.DataType.isUtf8(type)) return utf8.decode(input.raw());
    if (arrow.DataType.isBool(type)) return input.bytes[input.offset++] === 1;
    if (arrow.DataType.isDate(type)) return Number(input.bigLong());
    if (arrow.DataType.isTimestamp(type)) return input.bigLong();
    if (arrow.DataType.isDecimal(type)) {
      const part = input.raw();
      let n = 0n;
      for (const byte of part) n = (n << 8n) | BigInt(byte);
      return part.length > 0 && part[0] & 0x80 ? BigInt.asIntN(part.length * 8, n) : n;
    }
    throw new Error(`Avro has no type for column type ${type}`);
  });
}
