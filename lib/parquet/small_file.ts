/**
 * Small Parquet files written directly, without parquet-wasm: a live tick's data file of a few
 * rows. Through parquet-wasm such a file costs 0.1 to 0.3 ms of CPU (the batch as an Arrow IPC
 * stream, copied into Wasm memory, then arrow-rs' writer with its per-file set-up), which for
 * 200 tables committing every 10 s was the largest part of `run`'s CPU at rest. Here it is a
 * few copies into one buffer (10 rows of 3 columns: about 20 µs).
 *
 * The file is what arrow-rs writes, minus what only pays on larger files: one row group, one
 * PLAIN data page (v1) per column, definition levels for nullable columns, no dictionary, no
 * page index. Column chunks carry the statistics arrow-rs gives them here (null counts and
 * bounds; none for floats, see `encodingPlan`), except the bounds of a text of over 64 bytes,
 * which arrow-rs would truncate. The footer holds the Arrow schema as `ARROW:schema`, as arrow-rs
 * puts it, so that Arrow readers get back the exact types (a timestamp's time zone, an Int16); a
 * field's `PARQUET:field_id` (Delta's column mapping) is its Parquet field id, as arrow-rs writes
 * it. Each page is framed in the codec asked for with its data stored as it is: a snappy literal,
 * or zstd raw blocks. At a few hundred rows compression saves little, and the file still says,
 * and is, what was asked.
 *
 * Flat columns of the types tablestream writes are covered: signed integers, floats, strings,
 * binaries, booleans, dates and microsecond timestamps; any other type (nested, decimal,
 * unsigned, other units), no rows, or more than {@link SMALL_FILE_ROWS}, is left to
 * parquet-wasm ({@link encodeSmallParquet} returns undefined).
 *
 * Format: https://github.com/apache/parquet-format (Encodings.md, LogicalTypes.md,
 * src/main/thrift/parquet.thrift).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { isValid } from "../arrow/cells.ts";
import { Bytes } from "./bytes.ts";
import { ThriftWriter } from "./thrift_writer.ts";
import type { ParquetCompression } from "./wasm_stream.ts";

/** The Arrow field metadata arrow-rs writes as the Parquet field id. */
const PARQUET_FIELD_ID = "PARQUET:field_id";

/** Files of at most this many rows are written here. */
export const SMALL_FILE_ROWS = 256;

// parquet.thrift's enums.
const PHYSICAL = { BOOLEAN: 0, INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const CONVERTED = { UTF8: 0, DATE: 6, TIMESTAMP_MICROS: 10, INT_8: 15, INT_16: 16 } as const;
const REQUIRED = 0;
const OPTIONAL = 1;
const PLAIN = 0;
const RLE = 3;
const DATA_PAGE = 0;
const CODEC: Record<ParquetCompression, number> = { none: 0, snappy: 1, zstd: 6 };

/** The bytes of this machine's typed arrays are little-endian, as Parquet's PLAIN values. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** How one column is written: its Parquet type and how its values are laid out. */
interface ColumnKind {
  physical: number;
  /** Bytes per value for fixed-width values copied as they are in Arrow. */
  width?: number;
  /** Int8 and Int16 values, widened to INT32. */
  widen?: boolean;
  converted?: number;
  /** Writes the LogicalType union, when the type has one. */
  logical?: (w: ThriftWriter) => void;
}

const empty = () => {};

/** The Parquet type of an Arrow type, as arrow-rs maps it; undefined when not written here. */
function kindOf(type: arrow.DataType): ColumnKind | undefined {
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

// Arrow JS slices a column's value and offset buffers to the slice, but not its validity
// bitmap (isValid reads it at `data.offset`) nor a boolean column's values, which
// `data.offset` indexes too (bits of a byte).

/** A column's pieces: its Data in every batch of the table. */
function pieces(table: arrow.Table, column: number): arrow.Data[] {
  return table.batches.map((batch) => batch.data.children[column]);
}

/**
 * Definition levels, RLE/bit-packed hybrid of bit width 1, behind their 4-byte length: one
 * RLE run when nothing is null, else one bit-packed run.
 */
function writeLevels(page: Bytes, datas: arrow.Data[], rows: number): void {
  const start = page.length;
  page.u32(0);
  if (datas.every((d) => d.nullCount === 0)) {
    page.varint(rows * 2);
    page.byte(1);
  } else {
    const groups = Math.ceil(rows / 8);
    page.varint(groups * 2 + 1);
    page.room(groups);
    const bits = page.buffer.subarray(page.length, page.length + groups);
    bits.fill(0);
    let row = 0;
    for (const data of datas) {
      for (let i = 0; i < data.length; i++, row++) {
        if (isValid(data, i)) bits[row >> 3] |= 1 << (row & 7);
      }
    }
    page.length += groups;
  }
  page.view.setUint32(start, page.length - start - 4, true);
}

/** The PLAIN values of a column's valid rows. */
function writeValues(page: Bytes, datas: arrow.Data[], kind: ColumnKind): void {
  if (kind.physical === PHYSICAL.BOOLEAN) return writeBooleans(page, datas);
  for (const data of datas) {
    if (kind.physical === PHYSICAL.BYTE_ARRAY) writeByteArrays(page, data);
    else if (kind.widen) writeWidened(page, data);
    else writeFixed(page, data, kind.width!);
  }
}

function writeFixed(page: Bytes, data: arrow.Data, width: number): void {
  const values = data.values as ArrayBufferView;
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (data.nullCount === 0) {
    page.put(bytes.subarray(0, data.length * width));
    return;
  }
  page.room(data.length * width);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) continue;
    const at = i * width;
    page.buffer.set(bytes.subarray(at, at + width), page.length);
    page.length += width;
  }
}

function writeWidened(page: Bytes, data: arrow.Data): void {
  const values = data.values as Int8Array | Int16Array;
  page.room(data.length * 4);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) continue;
    page.view.setInt32(page.length, values[i], true);
    page.length += 4;
  }
}

function writeByteArrays(page: Bytes, data: arrow.Data): void {
  const offsets = data.valueOffsets as Int32Array;
  const values = data.values as Uint8Array;
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) continue;
    const start = offsets[i];
    const end = offsets[i + 1];
    page.u32(end - start);
    page.put(values.subarray(start, end));
  }
}

/** Booleans bit-packed, LSB first, across all pieces (a byte may hold values of two). */
function writeBooleans(page: Bytes, datas: arrow.Data[]): void {
  let count = 0;
  for (const data of datas) count += data.length;
  page.room(Math.ceil(count / 8));
  const start = page.length;
  let n = 0;
  for (const data of datas) {
    const values = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const at = data.offset + i;
      if (n % 8 === 0) page.buffer[start + (n >> 3)] = 0;
      if ((values[at >> 3] >> (at & 7)) & 1) page.buffer[start + (n >> 3)] |= 1 << (n & 7);
      n++;
    }
  }
  page.length = start + Math.ceil(n / 8);
}

/** Bounds longer than this are left out of a column's statistics (a text's). */
const MAX_BOUND_BYTES = 64;

/** A column chunk's statistics: its nulls, and its least and greatest values' PLAIN bytes. */
interface Statistics {
  nulls: number;
  min?: Uint8Array;
  max?: Uint8Array;
}

/** The statistics arrow-rs writes of a column (floats have none: see `encodingPlan`). */
function statisticsOf(datas: arrow.Data[], kind: ColumnKind): Statistics | undefined {
  if (kind.physical === PHYSICAL.FLOAT || kind.physical === PHYSICAL.DOUBLE) return undefined;
  let nulls = 0;
  for (const data of datas) nulls += data.nullCount;
  const bounds = kind.physical === PHYSICAL.BYTE_ARRAY
    ? byteBounds(datas)
    : kind.physical === PHYSICAL.BOOLEAN
    ? booleanBounds(datas)
    : numberBounds(datas, kind.physical === PHYSICAL.INT64);
  return { nulls, ...bounds };
}

function numberBounds(datas: arrow.Data[], wide: boolean): Omit<Statistics, "nulls"> {
  let min: number | bigint | undefined;
  let max: number | bigint | undefined;
  for (const data of datas) {
    const values = data.values as Int32Array | BigInt64Array;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const v = values[i];
      if (min === undefined || v < min) min = v;
      if (max === undefined || v > max) max = v;
    }
  }
  if (min === undefined || max === undefined) return {};
  const plain = (v: number | bigint) => {
    const bytes = new Uint8Array(wide ? 8 : 4);
    const view = new DataView(bytes.buffer);
    if (wide) view.setBigInt64(0, v as bigint, true);
    else view.setInt32(0, v as number, true);
    return bytes;
  };
  return { min: plain(min), max: plain(max) };
}

function booleanBounds(datas: arrow.Data[]): Omit<Statistics, "nulls"> {
  let seen = 0; // bit 1: a false, bit 2: a true
  for (const data of datas) {
    const values = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const at = data.offset + i;
      seen |= (values[at >> 3] >> (at & 7)) & 1 ? 2 : 1;
    }
  }
  if (seen === 0) return {};
  return { min: Uint8Array.of(seen & 1 ? 0 : 1), max: Uint8Array.of(seen & 2 ? 1 : 0) };
}

/** Byte arrays in unsigned lexicographic order, as Parquet orders strings and binaries. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function byteBounds(datas: arrow.Data[]): Omit<Statistics, "nulls"> {
  let min: Uint8Array | undefined;
  let max: Uint8Array | undefined;
  for (const data of datas) {
    const offsets = data.valueOffsets as Int32Array;
    const values = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const v = values.subarray(offsets[i], offsets[i + 1]);
      if (min === undefined || compareBytes(v, min) < 0) min = v;
      if (max === undefined || compareBytes(v, max) > 0) max = v;
    }
  }
  if (!min || !max || min.length > MAX_BOUND_BYTES || max.length > MAX_BOUND_BYTES) return {};
  return { min: min.slice(), max: max.slice() };
}

/** A page's bytes in the codec's framing, stored as they are (see the module doc). */
function framed(page: Uint8Array, compression: ParquetCompression): Uint8Array {
  if (compression === "none") return page;
  const out = scratch.framed;
  out.length = 0;
  if (compression === "snappy") {
    // The length, then one literal of it all (tag 60 to 63: its length - 1 in 1 to 4 bytes).
    out.varint(page.length);
    const n = page.length - 1;
    if (page.length === 0) return out.bytes();
    if (n < 60) {
      out.byte(n << 2);
    } else {
      const size = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
      out.byte((59 + size) << 2);
      for (let i = 0, v = n; i < size; i++, v >>>= 8) out.byte(v & 0xff);
    }
    out.put(page);
    return out.bytes();
  }
  // zstd: one single-segment frame with a 4-byte content size, of raw blocks of up to 128 KB.
  out.u32(0xfd2fb528);
  out.byte(0xa0);
  out.u32(page.length);
  const block = 128 * 1024;
  let at = 0;
  do {
    const size = Math.min(block, page.length - at);
    const last = at + size >= page.length ? 1 : 0;
    const header = size * 8 + last; // Block_Size << 3 | Raw (0) << 1 | Last_Block
    out.byte(header & 0xff);
    out.byte((header >>> 8) & 0xff);
    out.byte((header >>> 16) & 0xff);
    out.put(page.subarray(at, at + size));
    at += size;
  } while (at < page.length);
  return out.bytes();
}

/** `ARROW:schema`: the schema as an IPC message, base64, as arrow-rs writes it; per schema. */
const arrowSchemas = new WeakMap<arrow.Schema, string>();
function arrowSchemaText(schema: arrow.Schema): string {
  let text = arrowSchemas.get(schema);
  if (text === undefined) {
    const stream = arrow.tableToIPC(new arrow.Table(schema), "stream");
    // The stream's first message is the schema: continuation marker, length, flatbuffer.
    const length = new DataView(stream.buffer, stream.byteOffset).getInt32(4, true);
    let binary = "";
    for (const b of stream.subarray(0, 8 + length)) binary += String.fromCharCode(b);
    text = btoa(binary);
    arrowSchemas.set(schema, text);
  }
  return text;
}

interface WrittenChunk {
  name: string;
  kind: ColumnKind;
  statistics?: Statistics;
  offset: number;
  compressed: number;
  uncompressed: number;
}

/**
 * The Parquet file of `table`, written here, or undefined when it is not for this writer (see
 * the module doc): then parquet-wasm writes it.
 */
export function encodeSmallParquet(
  table: arrow.Table,
  compression: ParquetCompression,
): Uint8Array | undefined {
  const rows = table.numRows;
  if (!LITTLE_ENDIAN || rows === 0 || rows > SMALL_FILE_ROWS) return undefined;
  const kinds = table.schema.fields.map((f) => kindOf(f.type));
  if (kinds.length === 0 || kinds.some((k) => !k)) return undefined;
  const { file, page, header } = scratch;
  file.length = 0;
  file.put(MAGIC);
  const chunks: WrittenChunk[] = [];
  table.schema.fields.forEach((field, c) => {
    const kind = kinds[c]!;
    const datas = pieces(table, c);
    page.length = 0;
    if (field.nullable) writeLevels(page, datas, rows);
    writeValues(page, datas, kind);
    const body = framed(page.bytes(), compression);
    header.reset();
    header.structValue(() => {
      header.i32(1, DATA_PAGE);
      header.i32(2, page.length);
      header.i32(3, body.length);
      header.struct(5, () => {
        header.i32(1, rows);
        header.i32(2, PLAIN);
        header.i32(3, RLE);
        header.i32(4, RLE);
      });
    });
    const offset = file.length;
    const headerBytes = header.bytes();
    file.put(headerBytes);
    file.put(body);
    const statistics = statisticsOf(datas, kind);
    chunks.push({
      name: field.name,
      kind,
      ...(statistics ? { statistics } : {}),
      offset,
      compressed: file.length - offset,
      uncompressed: headerBytes.length + page.length,
    });
  });
  header.reset();
  const footer = fileMetaData(header, table.schema, rows, chunks, compression);
  file.put(footer);
  file.u32(footer.length);
  file.put(MAGIC);
  return file.bytes().slice();
}

const MAGIC = new TextEncoder().encode("PAR1");

/**
 * The buffers a file is made in, reused file after file (encoding is synchronous, so no two
 * files share them at once); the file itself is copied out of them.
 */
const scratch = {
  file: new Bytes(16 * 1024),
  page: new Bytes(4 * 1024),
  framed: new Bytes(4 * 1024),
  header: new ThriftWriter(),
};

/** The footer: schema, one row group of `chunks`, the Arrow schema. */
function fileMetaData(
  w: ThriftWriter,
  schema: arrow.Schema,
  rows: number,
  chunks: WrittenChunk[],
  compression: ParquetCompression,
): Uint8Array {
  w.structValue(() => {
    w.i32(1, 1);
    const leaves = schema.fields.map((field, c) => ({ field, kind: chunks[c].kind }));
    w.listOfStructs(2, [undefined, ...leaves], (leaf) => {
      if (!leaf) {
        w.binary(4, "arrow_schema");
        w.i32(5, leaves.length);
        return;
      }
      const { field, kind } = leaf;
      w.i32(1, kind.physical);
      w.i32(3, field.nullable ? OPTIONAL : REQUIRED);
      w.binary(4, field.name);
      if (kind.converted !== undefined) w.i32(6, kind.converted);
      // Delta's column mapping names each column's field id so, as arrow-rs takes it.
      const fieldId = field.metadata.get(PARQUET_FIELD_ID);
      if (fieldId !== undefined) w.i32(9, Number(fieldId));
      if (kind.logical) w.struct(10, () => kind.logical!(w));
    });
    w.i64(3, rows);
    w.listOfStructs(4, [chunks], (all) => {
      w.listOfStructs(1, all, (chunk) => {
        w.i64(2, chunk.offset);
        w.struct(3, () => {
          w.i32(1, chunk.kind.physical);
          w.listOfI32(2, [PLAIN, RLE]);
          w.listOfStrings(3, [chunk.name]);
          w.i32(4, CODEC[compression]);
          w.i64(5, rows);
          w.i64(6, chunk.uncompressed);
          w.i64(7, chunk.compressed);
          w.i64(9, chunk.offset);
          const statistics = chunk.statistics;
          if (statistics) {
            w.struct(12, () => {
              w.i64(3, statistics.nulls);
              if (statistics.max) w.binary(5, statistics.max);
              if (statistics.min) w.binary(6, statistics.min);
            });
          }
        });
      });
      w.i64(2, all.reduce((n, c) => n + c.uncompressed, 0));
      w.i64(3, rows);
      w.i64(5, all[0].offset);
      w.i64(6, all.reduce((n, c) => n + c.compressed, 0));
    });
    w.listOfStructs(5, [["ARROW:schema", arrowSchemaText(schema)]], ([key, value]) => {
      w.binary(1, key);
      w.binary(2, value);
    });
    w.binary(6, "tablestream");
    // Every column's values ordered as its type orders them (TypeDefinedOrder): what tells a
    // reader that min_value and max_value can be trusted.
    w.listOfStructs(7, leaves, () => w.struct(1, empty));
  });
  return w.bytes();
}
