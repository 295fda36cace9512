/**
 * Parquet files written directly, without parquet-wasm, where that is much cheaper and the
 * file is what arrow-rs would write as far as readers can tell.
 *
 * Small files (at most {@link SMALL_FILE_ROWS} rows, {@link encodeSmallParquet}): a live tick's
 * data file of a few rows. Through parquet-wasm such a file costs 0.1 to 0.3 ms of CPU (the
 * batch as an Arrow IPC stream, copied into Wasm memory, then arrow-rs' writer with its per-file
 * set-up), which for 200 tables committing every 10 s was the largest part of `run`'s CPU at
 * rest. Here it is a few copies into one buffer (10 rows of 3 columns: about 20 µs). One PLAIN
 * data page per column. Flat columns of the types tablestream writes are covered: signed
 * integers, floats, strings, binaries, booleans, dates and microsecond timestamps.
 *
 * Larger files of numbers ({@link encodeFlatParquet}): a table in memory written to Delta at
 * once (`DeltaWriter.append`, a sink's write, compaction). parquet-wasm spent about 100 ms on a
 * million rows of six numeric columns even with PLAIN encoding: arrow-rs' per-value work in
 * Wasm, and the IPC copy into Wasm memory. Here the columns are written as the writer's plan
 * says arrow-rs should write them (integers DELTA_BINARY_PACKED, floats PLAIN), in pages of
 * 20,000 rows: 70-90 ms against 130-160 ms for that table, and no IPC stream. Columns the plan
 * gives a dictionary, texts (which compression pays for) and zstd are left to parquet-wasm.
 *
 * Either file is what arrow-rs writes minus what is optional: one row group, data pages v1,
 * definition levels for nullable columns, no dictionary, no page index. Column chunks carry the
 * statistics arrow-rs gives them here (null counts and bounds; none for floats, see
 * `encodingPlan`), except the bounds of a text of over 64 bytes, which arrow-rs would truncate.
 * The footer holds the Arrow schema as `ARROW:schema`, as arrow-rs puts it, so that Arrow
 * readers get back the exact types (a timestamp's time zone, an Int16); a field's
 * `PARQUET:field_id` (Delta's column mapping) is its Parquet field id, as arrow-rs writes it.
 * Each page is framed in the codec asked for with its data stored as it is: a snappy literal, or
 * (small files) zstd raw blocks. At a few hundred rows compression saves little; on bit-packed
 * deltas and random floats arrow-rs' snappy saves next to nothing either (13.70 MB against
 * 13.71 MB uncompressed for the million rows above); the file still says, and is, what was
 * asked. Any other type (nested, decimal, unsigned, other units) or no rows is left to
 * parquet-wasm: the functions return undefined.
 *
 * Format: https://github.com/apache/parquet-format (Encodings.md, LogicalTypes.md,
 * src/main/thrift/parquet.thrift).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { Bytes } from "./bytes.ts";
import { ThriftWriter } from "./thrift_writer.ts";
import type { EncodingPlan, ParquetCompression } from "./wasm_stream.ts";
import { writeDeltaBinaryPacked } from "./delta_binary_packed.ts";
import { type ColumnKind, empty, kindsOf, PHYSICAL } from "./column_kinds.ts";
import {
  type Bounds,
  gathered,
  gatherIntegers,
  PAGE_ROWS,
  writeLevels,
  writeValues,
} from "./page_values.ts";
import { type Statistics, statisticsOf } from "./column_statistics.ts";

/** The Arrow field metadata arrow-rs writes as the Parquet field id. */
const PARQUET_FIELD_ID = "PARQUET:field_id";

/** Files of at most this many rows are written here. */
export const SMALL_FILE_ROWS = 256;

const REQUIRED = 0;
const OPTIONAL = 1;
const PLAIN = 0;
const RLE = 3;
const DELTA_BINARY_PACKED = 5;
const DATA_PAGE = 0;
const CODEC: Record<ParquetCompression, number> = { none: 0, snappy: 1, zstd: 6 };

/** The bytes of this machine's typed arrays are little-endian, as Parquet's PLAIN values. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A column's pieces: its Data in every batch of the table. */
function pieces(table: arrow.Table, column: number): arrow.Data[] {
  return table.batches.map((batch) => batch.data.children[column]);
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

/** How a column's values are written: PLAIN, or DELTA_BINARY_PACKED (integers). */
type ValueEncoding = "plain" | "delta";

interface WrittenChunk {
  name: string;
  kind: ColumnKind;
  encodings: number[];
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
  const kinds = kindsOf(table.schema);
  if (!kinds) return undefined;
  const { file } = scratch;
  file.length = 0;
  writeFile(file, table, compression, kinds, kinds.map(() => "plain"), rows);
  return file.bytes().slice();
}

/** Rows of a larger file, at most: one row group of arrow-rs' default size. */
export const FLAT_FILE_ROWS = 1024 * 1024;

/**
 * A larger file of flat numeric columns written here, or undefined when it is not for this
 * writer: then parquet-wasm writes it. Its columns are written as the plan says arrow-rs
 * should write them, in data pages of {@link PAGE_ROWS} rows: integers, dates and timestamps
 * DELTA_BINARY_PACKED (INT64 values within +-2^51), floats and booleans PLAIN. A column the plan
 * gives a dictionary, a text or binary column (which compression pays for), zstd, or more
 * than {@link FLAT_FILE_ROWS} rows, is left to parquet-wasm. Pages are framed as snappy
 * literals: on bit-packed deltas and floats arrow-rs' snappy saves next to nothing (a million
 * rows of the numeric bench table: 13.70 MB against 13.71 MB uncompressed).
 */
export function encodeFlatParquet(table: arrow.Table, plan: EncodingPlan): Uint8Array | undefined {
  const rows = table.numRows;
  const { compression } = plan;
  if (!LITTLE_ENDIAN || rows <= SMALL_FILE_ROWS || rows > FLAT_FILE_ROWS) return undefined;
  if (compression === "zstd") return undefined;
  const kinds = kindsOf(table.schema);
  if (!kinds) return undefined;
  const encodings: ValueEncoding[] = [];
  let bytesPerRow = 0;
  for (const [c, field] of table.schema.fields.entries()) {
    const planned = plan.columns.find((column) => column.name === field.name)?.encoding;
    const encoding = flatEncoding(kinds[c], planned);
    if (!encoding) return undefined;
    encodings.push(encoding);
    bytesPerRow += (encoding === "delta" ? 8 : kinds[c].width ?? 1) + (field.nullable ? 1 : 0);
  }
  const pages = Math.ceil(rows / PAGE_ROWS) * kinds.length;
  // Room for the whole file at once: a delta takes at most 53 bits.
  const file = new Bytes(rows * bytesPerRow + pages * 64 + 64 * 1024);
  return writeFile(file, table, compression, kinds, encodings, PAGE_ROWS)
    ? file.bytes()
    : undefined;
}

/** How a larger file writes a column the plan encodes so, if it does. */
function flatEncoding(kind: ColumnKind, planned: string | undefined): ValueEncoding | undefined {
  switch (kind.physical) {
    case PHYSICAL.BOOLEAN: // arrow-rs gives booleans no dictionary
      return "plain";
    case PHYSICAL.FLOAT:
    case PHYSICAL.DOUBLE:
      return planned === "plain" ? "plain" : undefined;
    case PHYSICAL.INT32:
    case PHYSICAL.INT64:
      return planned === "delta" ? "delta" : undefined;
    default:
      return undefined;
  }
}

/**
 * Writes the file of `table` into `file`: each column's pages of `pageRows` rows, then the
 * footer. False when a value cannot be written as its encoding needs (an INT64 beyond
 * +-2^51 to delta encode).
 */
function writeFile(
  file: Bytes,
  table: arrow.Table,
  compression: ParquetCompression,
  kinds: ColumnKind[],
  encodings: ValueEncoding[],
  pageRows: number,
): boolean {
  const { page, header } = scratch;
  file.put(MAGIC);
  const chunks: WrittenChunk[] = [];
  for (const [c, field] of table.schema.fields.entries()) {
    const kind = kinds[c];
    const delta = encodings[c] === "delta";
    const datas = pieces(table, c);
    const offset = file.length;
    const bounds: Bounds = { min: Infinity, max: -Infinity };
    let uncompressed = 0;
    for (const pageDatas of pagesOf(datas, pageRows)) {
      let pageRowCount = 0;
      for (const data of pageDatas) pageRowCount += data.length;
      page.length = 0;
      if (field.nullable) writeLevels(page, pageDatas, pageRowCount);
      if (delta) {
        const count = gatherIntegers(pageDatas, bounds);
        if (count < 0) return false;
        writeDeltaBinaryPacked(page, gathered, count, kind.physical === PHYSICAL.INT32);
      } else {
        writeValues(page, pageDatas, kind);
      }
      const body = framed(page.bytes(), compression);
      header.reset();
      header.structValue(() => {
        header.i32(1, DATA_PAGE);
        header.i32(2, page.length);
        header.i32(3, body.length);
        header.struct(5, () => {
          header.i32(1, pageRowCount);
          header.i32(2, delta ? DELTA_BINARY_PACKED : PLAIN);
          header.i32(3, RLE);
          header.i32(4, RLE);
        });
      });
      const headerBytes = header.bytes();
      file.put(headerBytes);
      file.put(body);
      uncompressed += headerBytes.length + page.length;
    }
    const statistics = statisticsOf(datas, kind, delta ? bounds : undefined);
    chunks.push({
      name: field.name,
      kind,
      encodings: delta ? [DELTA_BINARY_PACKED, RLE] : [PLAIN, RLE],
      ...(statistics ? { statistics } : {}),
      offset,
      compressed: file.length - offset,
      uncompressed,
    });
  }
  header.reset();
  const footer = fileMetaData(header, table.schema, table.numRows, chunks, compression);
  file.put(footer);
  file.u32(footer.length);
  file.put(MAGIC);
  return true;
}

/** A column's pieces cut into pages of `pageRows` rows (the last may be short). */
function* pagesOf(datas: arrow.Data[], pageRows: number): Generator<arrow.Data[]> {
  let page: arrow.Data[] = [];
  let rows = 0;
  for (const data of datas) {
    for (let at = 0; at < data.length;) {
      const take = Math.min(pageRows - rows, data.length - at);
      page.push(at === 0 && take === data.length ? data : data.slice(at, take));
      rows += take;
      at += take;
      if (rows === pageRows) {
        yield page;
        page = [];
        rows = 0;
      }
    }
  }
  if (page.length > 0) yield page;
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
          w.listOfI32(2, chunk.encodings);
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
