/**
 * Parquet through parquet-wasm: encoding Arrow tables, and decoding chosen columns back.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { encodeFlatParquet, encodeSmallParquet } from "./direct_file.ts";
import * as pq from "parquet-wasm";
import { isValid } from "../arrow/cells.ts";
import { Scratch, wasmBatch } from "./ffi.ts";
import { tableToIPCStream } from "./_ipc.ts";
import {
  type ColumnEncoding,
  encodeIpc,
  type EncodingPlan,
  IpcParquetStream,
  PARQUET_COMPRESSIONS,
  type ParquetCompression,
} from "./wasm_stream.ts";

export { type EncodingPlan, PARQUET_COMPRESSIONS, type ParquetCompression };

/** A Parquet file's chosen top-level columns as Arrow, and its row count. */
export interface ParquetRead {
  /** The chosen columns that exist in the file (none when no chosen column exists). */
  table: arrow.Table;
  numRows: number;
}

/**
 * Where a Parquet file's bytes come from: its size and any range of it, read when the
 * decoder asks (the footer, then the column chunks of the chosen columns), so that a reader
 * of one column of a wide file reads that column's bytes only.
 */
export interface ParquetSource {
  readonly size: number;
  /** `length` bytes from `offset`. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A file already in memory as a {@link ParquetSource}. */
export function bytesSource(bytes: Uint8Array): ParquetSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}

/**
 * Decodes only `columns` (top-level names; all when omitted) of a Parquet file. Names the
 * file lacks are skipped. The synchronous `pq.readParquet` ignores its `columns` option in
 * parquet-wasm 0.8.0, so this goes through `ParquetFile`, which projects.
 */
export async function readParquetColumns(
  file: Uint8Array | ParquetSource,
  columns?: readonly string[],
): Promise<ParquetRead> {
  const batches: arrow.RecordBatch[] = [];
  let numRows = 0;
  let empty: arrow.RecordBatch | undefined;
  for await (const batch of parquetBatches(file, columns)) {
    numRows += batch.numRows;
    if (batch.numCols === 0) empty = batch;
    else batches.push(batch);
  }
  return { table: empty ? new arrow.Table() : new arrow.Table(batches), numRows };
}

/** Options of {@link parquetBatches}. */
export interface ParquetBatchOptions {
  /**
   * Batches are read into one buffer that the next batch overwrites (see `ffi.ts`), so that
   * reading makes no garbage: for a reader that keeps nothing of a batch once it asks for the
   * next, or copies what it keeps. Otherwise each batch owns its buffers.
   */
  reuse?: boolean;
}

/**
 * The chosen `columns` (top-level names; all when omitted) of a Parquet file, batch by batch,
 * read and decoded one row group at a time: the decoder's memory (Wasm memory, which never
 * shrinks) then holds a column chunk and a batch, not a file. When none of the chosen columns
 * is in the file, one batch without columns carries the file's row count.
 *
 * @example
 * ```ts
 * for await (const batch of parquetBatches(bytesSource(bytes), ["id"])) {
 *   console.log(batch.numRows);
 * }
 * ```
 */
export async function* parquetBatches(
  source: Uint8Array | ParquetSource,
  columns?: readonly string[],
  options: ParquetBatchOptions = {},
): AsyncGenerator<arrow.RecordBatch> {
  const scratch = options.reuse ? new Scratch() : undefined;
  const input = source instanceof Uint8Array ? bytesSource(source) : source;
  const file = await pq.ParquetFile.fromFile(blobOf(input));
  try {
    let chosen: string[] | undefined;
    if (columns) {
      const schema = file.schema();
      try {
        chosen = columns.filter((name) => hasField(schema, name));
      } finally {
        schema.free();
      }
      if (chosen.length === 0) {
        const numRows = file.metadata().fileMetadata().numRows();
        yield new arrow.RecordBatch(
          new arrow.Schema([]),
          arrow.makeData({
            type: new arrow.Struct([]),
            length: numRows,
            nullCount: 0,
            children: [],
          }),
        );
        return;
      }
    }
    // Batches of READ_BATCH_ROWS: far fewer than parquet-wasm's 1,024 rows.
    const streamOptions = { batchSize: READ_BATCH_ROWS, ...(chosen ? { columns: chosen } : {}) };
    const stream = await file.stream(streamOptions) as unknown as AsyncIterable<pq.RecordBatch>;
    for await (const batch of stream) {
      const read = wasmBatch(batch, scratch);
      if (read) {
        batch.free();
        yield read;
      } else {
        yield* arrow.tableFromIPC(batch.intoIPCStream()).batches;
      }
    }
  } finally {
    file.free();
  }
}

/**
 * A {@link ParquetSource} as the `Blob` that `ParquetFile.fromFile` takes. parquet-wasm 0.8.0
 * uses only a blob's `size` and `slice(start, end).arrayBuffer()` (one call per range it
 * reads); a real `Blob` would hold a copy of the whole file, and reading it first (all of it,
 * for one column) left buffers of the file's size to the collector for every file.
 * `ffi_test.ts` ("one column of a file") pins that only the chosen column is read through it.
 */
function blobOf(source: ParquetSource): Blob {
  return {
    size: source.size,
    slice(start = 0, end = source.size) {
      const to = Math.min(end, source.size);
      return {
        async arrayBuffer() {
          const bytes = await source.read(start, Math.max(0, to - start));
          // parquet-wasm copies the whole ArrayBuffer: one of exactly these bytes.
          return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
            ? bytes.buffer
            : bytes.slice().buffer;
        },
      };
    },
  } as unknown as Blob;
}

/**
 * The Arrow schema of a Parquet file as arrow-rs reads it from the footer, field metadata
 * included (a Parquet field id as `PARQUET:field_id`).
 */
export async function parquetSchema(source: Uint8Array | ParquetSource): Promise<arrow.Schema> {
  const input = source instanceof Uint8Array ? bytesSource(source) : source;
  const file = await pq.ParquetFile.fromFile(blobOf(input));
  try {
    return arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
  } finally {
    file.free();
  }
}

/** Rows per batch when reading Parquet. */
const READ_BATCH_ROWS = 65_536;

/** Whether a top-level field exists; `Schema.indexOf` throws for a missing name. */
function hasField(schema: pq.Schema, name: string): boolean {
  try {
    return schema.indexOf(name) >= 0;
  } catch {
    return false;
  }
}

/** Throws a clear error for a compression name that is not one of {@link PARQUET_COMPRESSIONS}. */
export function checkCompression(name: string): ParquetCompression {
  if (!(PARQUET_COMPRESSIONS as readonly string[]).includes(name)) {
    throw new Error(
      `Unknown Parquet compression "${name}"; use snappy, zstd or none`,
    );
  }
  return name as ParquetCompression;
}

/** How a sink cuts and compresses its Parquet files. */
export interface ParquetFileOptions {
  /** Column compression; snappy by default. */
  compression?: ParquetCompression;
  /** Most rows per file; 1,000,000 by default. */
  targetFileRows?: number;
}

/** {@link ParquetFileOptions} with defaults filled in and checked, with clear errors. */
export function resolveFileOptions(options: ParquetFileOptions): Required<ParquetFileOptions> {
  const compression = checkCompression(options.compression ?? "snappy");
  const targetFileRows = options.targetFileRows ?? 1_000_000;
  if (!Number.isSafeInteger(targetFileRows) || targetFileRows < 1) {
    throw new Error(`targetFileRows must be a whole number of at least 1, got ${targetFileRows}`);
  }
  return { compression, targetFileRows };
}

/**
 * Encodes an Arrow table as a Parquet file. Types map as arrow-rs writes them: Int64 to
 * INT64, DateDay to DATE, Timestamp(µs, "UTC") to TIMESTAMP(isAdjustedToUTC=true, MICROS),
 * Decimal to DECIMAL. A table without batches gives a file holding only the schema. Float
 * and double columns carry no column statistics (see `writerProperties`). A file of a few
 * hundred rows of flat columns, or of more rows of numeric columns, is written directly
 * (direct_file.ts), any other by parquet-wasm.
 *
 * @example
 * ```ts
 * const bytes = encodeParquet(arrow.tableFromArrays({ id: Int32Array.of(1, 2) }), "zstd");
 * ```
 */
export function encodeParquet(
  table: arrow.Table,
  compression: ParquetCompression = "snappy",
): Uint8Array {
  const small = encodeSmallParquet(table, compression);
  if (small) return small;
  // One plan for both writers: choosing it samples every column of the first batch.
  const plan = encodingPlan(compression, table.schema, table.batches[0]);
  return encodeFlatParquet(table, plan) ?? encodeParquetWasm(table, compression, plan);
}

/**
 * The file parquet-wasm (arrow-rs) writes of a table, whatever its size: what
 * {@link encodeParquet} writes of all but small files, and what a streamed file is, byte for
 * byte.
 */
export function encodeParquetWasm(
  table: arrow.Table,
  compression: ParquetCompression = "snappy",
  plan: EncodingPlan = encodingPlan(compression, table.schema, table.batches[0]),
): Uint8Array {
  return encodeIpc(tableToIPCStream(table), plan);
}

/**
 * The writer's settings: the codec; no column statistics for floating-point columns; delta
 * encoding for integer columns whose deltas are about as narrow as dictionary indexes would
 * be; and no dictionary for other columns whose values are mostly distinct in `sample` (a
 * first batch).
 *
 * arrow-rs leaves NaN out of a column's min and max, and Spark's Parquet reader, for which NaN
 * is above every number, then skips row groups whose NaN rows match a filter (`x > 100`). The
 * Delta log's statistics still let engines skip whole files.
 *
 * A dictionary pays for columns of few values (a status, a country); for keys, amounts, UUIDs
 * and timestamps arrow-rs hashes every value until its dictionary page is full and then falls
 * back to plain encoding anyway: most of the encoding time of such a table (a million rows of
 * six numeric columns: 0.33-0.41 s with dictionaries, 0.12-0.14 s without; the file 18.2 MB
 * against 24.3 MB), for little size. Integers (keys, counts, dates, timestamps) are delta
 * encoded (DELTA_BINARY_PACKED: differences bit-packed, no hashing) unless a dictionary's
 * indexes would be much narrower (a few far-apart codes): the same table then takes
 * 0.09 s and 15.9 MB, against 0.20 s and 19.5 MB with a dictionary for its few-valued
 * integer columns. Every reader we test against (Spark 3.3 and later, delta-rs, DuckDB)
 * reads it.
 */
export function encodingPlan(
  compression: ParquetCompression,
  schema: arrow.Schema,
  sample?: arrow.RecordBatch,
): EncodingPlan {
  const columns: ColumnEncoding[] = [];
  for (const field of schema.fields) {
    // Top-level columns only: parquet-wasm names a column by one path part.
    const column = sample?.getChild(field.name);
    const encoding = column && deltaPacks(column)
      ? "delta"
      : column && mostlyDistinct(column)
      ? "plain"
      : undefined;
    const noStatistics = arrow.DataType.isFloat(field.type);
    if (encoding || noStatistics) {
      columns.push({
        name: field.name,
        ...(noStatistics ? { noStatistics } : {}),
        ...(encoding ? { encoding } : {}),
      });
    }
  }
  return { compression, columns };
}

/** Values of a column's first rows looked at to decide its encoding. */
const DICTIONARY_SAMPLE = 4096;

/**
 * Whether more than half of a flat column's first values (at least 256 of them) are distinct:
 * then a dictionary holds nearly every value once and saves little. Nested columns are left to
 * arrow-rs.
 */
export function mostlyDistinct(column: arrow.Vector): boolean {
  if (column.type.children?.length) return false;
  const n = Math.min(column.length, DICTIONARY_SAMPLE);
  if (n < 256) return false;
  const seen = new Set<unknown>();
  for (let i = 0; i < n; i++) {
    const value = column.get(i);
    seen.add(value instanceof Date ? value.getTime() : value);
  }
  return seen.size * 2 > n;
}

/**
 * Whether an integer column (integers, dates, timestamps: INT32 and INT64 in Parquet) is
 * better delta encoded than given a dictionary, judged on its first values (at least 256):
 * a delta takes about as many bits as the spread of the values, a dictionary index as many
 * as the number of distinct values needs. Delta wins unless it would be more than two bits
 * wider (a few far-apart codes such as HTTP statuses keep their dictionary).
 */
export function deltaPacks(column: arrow.Vector): boolean {
  const type = column.type;
  const integer = arrow.DataType.isInt(type) || arrow.DataType.isTimestamp(type) ||
    (arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY);
  if (!integer) return false;
  const n = Math.min(column.length, DICTIONARY_SAMPLE);
  if (n < 256) return false;
  const seen = new Set<number>();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  // The stored values (days, timestamp ticks), as the encoder sees them; a double is close
  // enough for counting bits.
  let left = n;
  for (const data of column.data) {
    for (let i = 0; i < data.length && left > 0; i++, left--) {
      if (!isValid(data, i)) continue;
      const v = Number(data.values[i]);
      seen.add(v);
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (seen.size < 2) return seen.size > 0;
  const spreadBits = Math.ceil(Math.log2(max - min + 1));
  const indexBits = Math.ceil(Math.log2(seen.size));
  return seen.size * 2 > n || spreadBits <= indexBits + 2;
}

/** A Parquet file written batch by batch: encoded here ({@link ParquetStream}) or elsewhere. */
export interface ParquetFileStream {
  /** Adds a batch of the file's schema; waits while the encoder is behind. */
  write(batch: arrow.RecordBatch): Promise<void>;
  /** Ends the file and returns its bytes. */
  finish(): Promise<Uint8Array>;
  /** Drops the file. */
  abort(): void;
}

/**
 * One Parquet file encoded while its batches arrive, rather than all at once at the end:
 * the encoding of a file overlaps the generation of its rows (in workers), and the file's
 * bytes are what {@link encodeParquet} would make of the same rows.
 *
 * @example
 * ```ts
 * const file = new ParquetStream("snappy", batch.schema);
 * await file.write(batch);
 * const bytes = await file.finish();
 * ```
 */
export class ParquetStream implements ParquetFileStream {
  readonly #compression: ParquetCompression;
  readonly #schema: arrow.Schema;
  readonly #plan?: EncodingPlan;
  /** The encoder, started by the first batch, which chooses its settings. */
  #encoder?: IpcParquetStream;
  #aborted = false;

  /**
   * A file of batches of `schema`, compressed with `compression`, with the writer's settings of
   * `plan` when it was made already, else of the first batch.
   */
  constructor(compression: ParquetCompression, schema: arrow.Schema, plan?: EncodingPlan) {
    this.#compression = compression;
    this.#schema = schema;
    this.#plan = plan;
  }

  #start(first: arrow.RecordBatch): IpcParquetStream {
    return this.#encoder ??= new IpcParquetStream(
      this.#plan ?? encodingPlan(this.#compression, this.#schema, first),
    );
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    if (this.#aborted) throw abandoned();
    await this.#start(batch).write(tableToIPCStream(new arrow.Table([batch])));
  }

  finish(): Promise<Uint8Array> {
    if (this.#aborted) return Promise.reject(abandoned());
    // No batch came: the file of the schema alone (parquet-wasm's stream cannot make it).
    if (!this.#encoder) {
      return Promise.resolve(schemaOnlyFile(this.#schema, this.#compression));
    }
    return this.#encoder.finish();
  }

  abort(): void {
    this.#aborted = true;
    this.#encoder?.abort();
  }
}

/**
 * Tables whose IPC stream would be this many bytes or more are encoded batch by batch (see
 * {@link encodeParquetBatches}): the size past which `tableToIPCStream` gives a stream a
 * buffer of its own.
 */
const BATCHED_IPC_BYTES = 16 << 20;

/**
 * {@link encodeParquet}'s file of a table, the same bytes, made batch by batch through the
 * streaming encoder when the table is large: each batch's IPC stream then goes through the one
 * buffer streams share, where a whole million-row table needed a new buffer of its size, whose
 * pages the system zeroes and maps (48 MB: 29-52 ms, a third of the encoding). A million numeric
 * rows: 111-132 ms against 147-152 ms.
 */
export async function encodeParquetBatches(
  table: arrow.Table,
  compression: ParquetCompression = "snappy",
): Promise<Uint8Array> {
  if (table.batches.length < 2 || ipcBytes(table) < BATCHED_IPC_BYTES) {
    return encodeParquet(table, compression);
  }
  const plan = encodingPlan(compression, table.schema, table.batches[0]);
  const flat = encodeFlatParquet(table, plan);
  if (flat) return flat;
  const stream = new ParquetStream(compression, table.schema, plan);
  try {
    for (const batch of table.batches) await stream.write(batch);
    return await stream.finish();
  } catch (error) {
    stream.abort();
    throw error;
  }
}

/** About the bytes of a table's columns: what its IPC stream holds. */
function ipcBytes(table: arrow.Table): number {
  let bytes = 0;
  for (const batch of table.batches) {
    for (const data of batch.data.children) {
      for (const buffer of [data.values, data.valueOffsets, data.nullBitmap]) {
        bytes += (buffer as ArrayBufferView | undefined)?.byteLength ?? 0;
      }
    }
  }
  return bytes;
}

/**
 * The file of a stream that got no batch: the schema alone (parquet-wasm's stream cannot make
 * it).
 */
export function schemaOnlyFile(schema: arrow.Schema, compression: ParquetCompression): Uint8Array {
  return encodeParquet(new arrow.Table(schema), compression);
}

function abandoned(): Error {
  return new Error("The Parquet file was abandoned");
}
