/**
 * Reading a snapshot's rows as Arrow: the active Parquet files, partition values from the
 * log, every column cast to the table schema's Arrow type.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { type Add, decodePath } from "./actions.ts";
import { joinPath, readTail } from "./fs.ts";
import type { DeltaFs } from "./fs.ts";
import type { Snapshot } from "./snapshot.ts";
import { deltaToArrowSchema } from "./schema.ts";
import { ColumnMapping, nullData } from "./column_mapping.ts";
import { widenData } from "./type_widening.ts";
import {
  type DeletionVectorDescriptor,
  keptRanges,
  readDeletionVector,
} from "./deletion_vector.ts";
import { parquetBatches, parquetSchema, type ParquetSource } from "../parquet/mod.ts";
import { parquetRowCount } from "../parquet/footer.ts";
import { DAY_MS, floorDiv, tickConverter } from "../arrow/time.ts";

/** Options of {@link readTable}. */
export interface ReadTableOptions {
  /** Only these columns (all when omitted); the result keeps the table schema's order. */
  columns?: string[];
}

/** Options of {@link readTableBatches}. */
export interface ReadBatchesOptions extends ReadTableOptions {
  /**
   * A batch's buffers may be reused by the next batch: for a reader that keeps nothing of a
   * batch once it asks for the next, or copies what it keeps (see `parquetBatches`).
   */
  reuse?: boolean;
}

const TWO_64 = 1n << 64n;

/**
 * Reads the rows of `snapshot` (files in add order) as one Arrow table whose schema is the
 * table schema, restricted to `options.columns`. Only the chosen columns are decoded.
 *
 * @example
 * ```ts
 * import { localFs } from "./fs.ts";
 * import { readSnapshot } from "./log_reader.ts";
 * const snapshot = await readSnapshot(localFs, "out/orders");
 * const ids = await readTable(localFs, snapshot, { columns: ["id"] });
 * ```
 */
export async function readTable(
  fs: DeltaFs,
  snapshot: Snapshot,
  options: ReadTableOptions = {},
): Promise<arrow.Table> {
  const { schema, batches } = readTableBatches(fs, snapshot, options);
  const all: arrow.RecordBatch[] = [];
  for await (const batch of batches) all.push(batch);
  return all.length > 0 ? new arrow.Table(schema, all) : new arrow.Table(schema);
}

/**
 * {@link readTable} a batch at a time: the schema, and the batches as each data file's row
 * groups are decoded, so a reader that keeps a compact form of the rows never holds all of
 * them as Arrow data at once. Only the chosen columns' bytes are read where `fs` reads ranges.
 */
export function readTableBatches(
  fs: DeltaFs,
  snapshot: Snapshot,
  options: ReadBatchesOptions = {},
): { schema: arrow.Schema; batches: AsyncGenerator<arrow.RecordBatch> } {
  const tableSchema = deltaToArrowSchema(snapshot.metadata.schemaString, snapshot.table);
  let fields = tableSchema.fields;
  if (options.columns) {
    const known = new Set(fields.map((f) => f.name));
    const unknown = options.columns.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw new Error(
        `Delta table "${snapshot.table}" has no column ${unknown.map((c) => `"${c}"`).join(", ")}` +
          ` (columns: ${[...known].join(", ")})`,
      );
    }
    const wanted = new Set(options.columns);
    fields = fields.filter((f) => wanted.has(f.name));
  }
  const schema = new arrow.Schema(fields);
  const partitionColumns = new Set(snapshot.metadata.partitionColumns);
  const mapping = new ColumnMapping(snapshot.protocol, snapshot.metadata, snapshot.table);
  return {
    schema,
    batches: fileBatches(fs, snapshot, schema, partitionColumns, {
      dataFields: fields.filter((f) => !partitionColumns.has(f.name)).map((f) => f.name),
      mapping,
      reuse: options.reuse ?? false,
    }),
  };
}

/**
 * Where each column is in the files: the logical names of the columns to decode, and how
 * they are found there (physical names or field ids: PROTOCOL.md, "Reader Requirements for
 * Column Mapping").
 */
interface FileLayout {
  dataFields: string[];
  mapping: ColumnMapping;
  /** See {@link ReadBatchesOptions.reuse}. */
  reuse: boolean;
}

/**
 * Logical name -> the file column holding it, for one file; and in mode `id`, the file's
 * footer schema, whose fields carry the ids.
 */
async function fileColumns(
  layout: FileLayout,
  source: ParquetSource | Uint8Array,
): Promise<{ columns: Map<string, string>; schema?: arrow.Schema }> {
  const schema = layout.mapping.byId ? await parquetSchema(source) : undefined;
  const columns = new Map(
    layout.dataFields.map((name) => [name, layout.mapping.fileColumn(name, schema)]),
  );
  return { columns, schema };
}

/** A data file for the Parquet reader: read range by range where `fs` can, else whole. */
async function parquetSource(fs: DeltaFs, path: string): Promise<ParquetSource | Uint8Array> {
  const readRange = fs.readRange;
  if (!readRange) return await fs.readFile(path);
  const stat = await fs.stat(path);
  if (!stat) throw new Deno.errors.NotFound(`${path} does not exist`);
  return { size: stat.size, read: (offset, length) => readRange(path, offset, length) };
}

async function* fileBatches(
  fs: DeltaFs,
  snapshot: Snapshot,
  schema: arrow.Schema,
  partitionColumns: ReadonlySet<string>,
  layout: FileLayout,
): AsyncGenerator<arrow.RecordBatch> {
  const fields = schema.fields;
  const { mapping, reuse } = layout;
  for (const add of snapshot.files) {
    const path = joinPath(snapshot.table, decodePath(add.path));
    const failed = (error: unknown) =>
      new Error(
        `Cannot read data file ${path} of Delta table "${snapshot.table}": ${
          (error as Error).message
        }`,
        { cause: error },
      );
    const deleted = await deletedRows(fs, snapshot.table, add, path);
    const stats = parseStats(add);
    let batches: AsyncGenerator<arrow.RecordBatch>;
    let columns: Map<string, string>;
    let fileSchema: arrow.Schema | undefined;
    try {
      const source = await parquetSource(fs, path);
      ({ columns, schema: fileSchema } = await fileColumns(layout, source));
      batches = parquetBatches(source, [...columns.values()], { reuse });
    } catch (error) {
      throw failed(error);
    }
    let first = 0; // the batch's first row in the file (deletion vectors count by position)
    for (;;) {
      let next: IteratorResult<arrow.RecordBatch>;
      try {
        next = await batches.next();
      } catch (error) {
        throw failed(error);
      }
      if (next.done) break;
      const batch = next.value;
      const length = batch.numRows;
      if (length === 0) continue;
      const children = fields.map((field) => {
        if (partitionColumns.has(field.name)) {
          const name = mapping.physicalName(field.name);
          return partitionData(field, add.partitionValues?.[name] ?? null, length, snapshot.table);
        }
        const name = columns.get(field.name)!;
        const column = batch.getChild(name);
        // A column missing from an older file (schema evolution) reads as nulls.
        if (!column) return nullData(field.type, length);
        const fileType = fileSchema?.fields.find((f) => f.name === name)?.type;
        const data = mapping.toLogical(column.data[0], field.name, field.type, fileType);
        return castData(data, field, mapping.physicalName(field.name), stats, path);
      });
      const struct = arrow.makeData({
        type: new arrow.Struct(fields),
        length,
        nullCount: 0,
        children,
      });
      const whole = new arrow.RecordBatch(schema, struct);
      if (!deleted) {
        yield whole;
      } else {
        // The rows a deletion vector marks are skipped: what is left, as zero-copy slices.
        for (const [start, end] of keptRanges(deleted, first, length)) {
          yield start === 0 && end === length ? whole : whole.slice(start, end);
        }
      }
      first += length;
    }
  }
}

/** The rows of a file its deletion vector marks as deleted, or undefined when it has none. */
async function deletedRows(
  fs: DeltaFs,
  table: string,
  add: Add,
  path: string,
): Promise<number[] | undefined> {
  const dv = add.deletionVector as DeletionVectorDescriptor | null | undefined;
  if (!dv) return undefined;
  try {
    return await readDeletionVector(fs, table, dv);
  } catch (error) {
    throw new Error(
      `Cannot read data file ${path} of Delta table "${table}": ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * The table's row count from the `numRecords` stats of its files, or undefined when some
 * file has no stats.
 *
 * @example
 * ```ts
 * import { localFs } from "./fs.ts";
 * import { readSnapshot } from "./log_reader.ts";
 * countRows(await readSnapshot(localFs, "out/orders")); // e.g. 1200, or undefined
 * ```
 */
export function countRows(snapshot: Snapshot): number | undefined {
  let total = 0;
  for (const add of snapshot.files) {
    const n = parseStats(add)?.numRecords;
    if (typeof n !== "number") return undefined;
    total += n - deletedCount(add);
  }
  return total;
}

/** A table's row count, and how it was found. */
export interface RowCount {
  rows: number;
  /** Files whose count came from their Parquet footer (they had no `numRecords` stats). */
  fromFooters: number;
}

/** Footers read at once. */
const FOOTER_CONCURRENCY = 16;

/**
 * The table's row count, always known: `numRecords` where a file has stats, otherwise the
 * row count in the file's Parquet footer (only the file's last bytes are read), as engines
 * count a table without statistics; rows deletion vectors remove are not counted.
 *
 * @example
 * ```ts
 * import { localFs } from "./fs.ts";
 * import { readSnapshot } from "./log_reader.ts";
 * const { rows } = await countRowsFromFiles(localFs, await readSnapshot(localFs, "out/t"));
 * ```
 */
export async function countRowsFromFiles(fs: DeltaFs, snapshot: Snapshot): Promise<RowCount> {
  let rows = 0;
  const missing: Add[] = [];
  for (const add of snapshot.files) {
    const n = parseStats(add)?.numRecords;
    if (typeof n === "number") rows += n - deletedCount(add);
    else missing.push(add);
  }
  for (let i = 0; i < missing.length; i += FOOTER_CONCURRENCY) {
    const counts = await Promise.all(
      missing.slice(i, i + FOOTER_CONCURRENCY).map(async (add) => {
        const path = joinPath(snapshot.table, decodePath(add.path));
        try {
          return await parquetRowCount((length) => readTail(fs, path, length)) -
            deletedCount(add);
        } catch (error) {
          throw new Error(
            `Cannot count the rows of data file ${path} of Delta table "${snapshot.table}": ${
              (error as Error).message
            }`,
            { cause: error },
          );
        }
      }),
    );
    for (const n of counts) rows += n;
  }
  return { rows, fromFooters: missing.length };
}

/** Rows of a file its deletion vector removes (numRecords counts them: PROTOCOL.md). */
function deletedCount(add: Add): number {
  const dv = add.deletionVector as DeletionVectorDescriptor | null | undefined;
  return dv ? Number(dv.cardinality) : 0;
}

interface FileStats {
  numRecords?: number;
  minValues?: Record<string, unknown>;
  maxValues?: Record<string, unknown>;
}

function parseStats(add: Add): FileStats | undefined {
  if (!add.stats) return undefined;
  try {
    return JSON.parse(add.stats) as FileStats;
  } catch {
    return undefined; // Stats are optional; unreadable stats are as good as none.
  }
}

/** Casts one chunk of a file column to the table schema's type. */
function castData(
  data: arrow.Data,
  field: arrow.Field,
  physicalName: string,
  stats: FileStats | undefined,
  path: string,
): arrow.Data {
  const target = field.type;
  if (arrow.util.compareTypes(data.type, target)) return data;
  if (arrow.DataType.isTimestamp(target) && arrow.DataType.isTimestamp(data.type)) {
    return castTimestamp(data as arrow.Data<arrow.Timestamp>, target, physicalName, stats);
  }
  // A file written before the column's type was widened (type_widening.ts).
  const widened = widenData(data, target);
  if (widened) return widened;
  if (arrow.DataType.isDecimal(target) && arrow.DataType.isDecimal(data.type)) {
    if (data.type.scale !== target.scale || data.type.bitWidth !== 128) {
      throw new Error(
        `Cannot read column "${field.name}" of ${path}: file type ${data.type} does not match ${target}`,
      );
    }
    return arrow.makeData({ ...dataProps(data), type: target, data: sliceValues(data, 4) });
  }
  if (arrow.DataType.isDate(target) && arrow.DataType.isDate(data.type)) {
    const days = new Int32Array(data.length);
    const vector = arrow.makeVector(data);
    for (let i = 0; i < data.length; i++) {
      const ms = vector.get(i) as number | null;
      if (ms !== null) days[i] = Math.floor(ms / DAY_MS);
    }
    return arrow.makeData({ ...dataProps(data), type: target, data: days });
  }
  // Other mismatches (large vs small strings, int widths, map/list child names): by value.
  try {
    return arrow.vectorFromArray(arrow.makeVector(data).toArray(), target).data[0];
  } catch (error) {
    throw new Error(
      `Cannot read column "${field.name}" of ${path}: file type ${data.type} does not convert to ${target}`,
      { cause: error },
    );
  }
}

function dataProps(data: arrow.Data) {
  return {
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap && data.offset === 0 ? data.nullBitmap : bitmapOf(data),
  };
}

/** The validity bitmap of `data`, re-based at offset 0. */
function bitmapOf(data: arrow.Data): Uint8Array | undefined {
  if (data.nullCount === 0) return undefined;
  const bitmap = new Uint8Array(Math.ceil(data.length / 8));
  for (let i = 0; i < data.length; i++) if (data.getValid(i)) bitmap[i >> 3] |= 1 << (i & 7);
  return bitmap;
}

function sliceValues(data: arrow.Data, stride: number) {
  const values = data.values as Uint32Array;
  return values.subarray(data.offset * stride, (data.offset + data.length) * stride);
}

/**
 * Converts a timestamp column to microseconds. INT96 timestamps arrive as nanoseconds that
 * wrapped around 64 bits beyond 1677..2262 (the Parquet reader multiplies with wrapping);
 * the file's min/max stats, when present, pick the right multiple of 2^64 back exactly.
 */
function castTimestamp(
  data: arrow.Data<arrow.Timestamp>,
  target: arrow.Timestamp,
  name: string,
  stats: FileStats | undefined,
): arrow.Data {
  const unit = data.type.unit;
  const toMicros = tickConverter(unit, arrow.TimeUnit.MICROSECOND);
  const raw = sliceValues(data, 1) as unknown as BigInt64Array;
  const out = new BigInt64Array(data.length);
  let window: [bigint, bigint] | undefined;
  if (unit === arrow.TimeUnit.NANOSECOND) {
    const min = Date.parse(String(stats?.minValues?.[name] ?? ""));
    const max = Date.parse(String(stats?.maxValues?.[name] ?? ""));
    if (Number.isFinite(min) && Number.isFinite(max)) {
      window = [BigInt(min) * 1_000_000n, (BigInt(max) + 1n) * 1_000_000n];
    }
  }
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    let value = raw[i];
    if (window && (value < window[0] || value >= window[1])) {
      const center = (window[0] + window[1]) / 2n;
      const k = roundDiv(center - value, TWO_64);
      value += k * TWO_64;
    }
    out[i] = toMicros(value);
  }
  return arrow.makeData({ ...dataProps(data), type: target, data: out });
}

function roundDiv(a: bigint, b: bigint): bigint {
  return floorDiv(a + b / 2n, b);
}

/** A column of `length` copies of one partition value, typed per the schema. */
function partitionData(
  field: arrow.Field,
  value: string | null,
  length: number,
  table: string,
): arrow.Data {
  const type = field.type;
  // The protocol writes a null partition value as null or "". `__HIVE_DEFAULT_PARTITION__`
  // is only a folder name: in the log it is that string, as Spark and delta-rs read it.
  if (value === null || value === "") {
    return nullData(type, length);
  }
  const bad = () =>
    new Error(
      `Delta table "${table}": partition value "${value}" of column "${field.name}" is not a valid ${type}`,
    );
  if (arrow.DataType.isTimestamp(type)) {
    const micros = parseTimestampMicros(value);
    if (micros === undefined) throw bad();
    return arrow.makeData({ type, length, data: new BigInt64Array(length).fill(micros) });
  }
  if (arrow.DataType.isDate(type)) {
    const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) throw bad();
    const days = Math.floor(epochMs(+m[1], +m[2], +m[3], 0, 0, 0) / DAY_MS);
    return arrow.makeData({
      type: new arrow.DateDay(),
      length,
      data: new Int32Array(length).fill(days),
    });
  }
  if (arrow.DataType.isDecimal(type)) {
    const unscaled = parseDecimal(value, type.scale);
    if (unscaled === undefined) throw bad();
    const words = new Uint32Array(length * 4);
    const bits = BigInt.asUintN(128, unscaled);
    for (let w = 0; w < 4; w++) {
      const word = Number((bits >> BigInt(32 * w)) & 0xffffffffn);
      for (let i = 0; i < length; i++) words[i * 4 + w] = word;
    }
    return arrow.makeData({ type, length, data: words });
  }
  let parsed: unknown = value;
  if (arrow.DataType.isInt(type)) {
    if (!/^-?\d+$/.test(value)) throw bad();
    parsed = type.bitWidth === 64 ? BigInt(value) : Number(value);
  } else if (arrow.DataType.isFloat(type)) {
    parsed = Number(value);
    if (Number.isNaN(parsed) && value !== "NaN") throw bad();
  } else if (arrow.DataType.isBool(type)) {
    if (value !== "true" && value !== "false") throw bad();
    parsed = value === "true";
  } else if (arrow.DataType.isBinary(type)) {
    parsed = new TextEncoder().encode(value);
  }
  return arrow.vectorFromArray(new Array(length).fill(parsed), type).data[0];
}

/** Milliseconds since the epoch of a UTC wall-clock time, for any year (Date.UTC maps 0..99). */
function epochMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

/**
 * Microseconds since the epoch of a partition timestamp: `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC)
 * or ISO 8601 with a `Z` or offset.
 */
export function parseTimestampMicros(text: string): bigint | undefined {
  const m =
    /^(-?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/
      .exec(text.trim());
  if (!m) return undefined;
  const ms = epochMs(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  if (!Number.isFinite(ms)) return undefined;
  let micros = BigInt(ms) * 1000n + BigInt((m[7] ?? "").padEnd(6, "0").slice(0, 6));
  const zone = m[8];
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1n : 1n;
    const digits = zone.slice(1).replace(":", "");
    const minutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    micros -= sign * minutes * 60_000_000n;
  }
  return micros;
}

/** The unscaled integer of a decimal string at `scale`, or undefined when it does not fit. */
function parseDecimal(text: string, scale: number): bigint | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === "" && !m[3])) return undefined;
  const fraction = m[3] ?? "";
  if (fraction.length > scale && /[^0]/.test(fraction.slice(scale))) return undefined;
  const digits = (m[2] || "0") + fraction.padEnd(scale, "0").slice(0, scale);
  const unscaled = BigInt(digits);
  return m[1] === "-" ? -unscaled : unscaled;
}
