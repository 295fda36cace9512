/**
 * Test helpers reading back what the file sinks wrote: Parquet folders as Arrow tables (and
 * the Parquet footer's own column types), CSV records, JSON lines.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import * as pq from "parquet-wasm";
import { localFs } from "../lib/delta/fs.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";
import { readTable } from "../lib/delta/read_data.ts";

/**
 * Reads a table folder the CLI wrote: a Delta table through the Delta reader (its current
 * version only), any other folder as Parquet files.
 */
export async function readOutputTable(dir: string): Promise<arrow.Table> {
  if ((await localFs.list(`${dir}/_delta_log`)).length === 0) return await readParquetDir(dir);
  return await readTable(localFs, await readSnapshot(localFs, dir));
}

/**
 * Reads every `*.parquet` file of a table folder, in part order, as one Arrow table. Hidden
 * files (temporary `.tmp-` files) are not part of the table and are skipped.
 *
 * @throws {Error} When the folder holds no Parquet file.
 */
export async function readParquetDir(dir: string): Promise<arrow.Table> {
  const names = await partFiles(dir, ".parquet");
  if (names.length === 0) throw new Error(`No Parquet files in "${dir}"`);
  const tables: arrow.Table[] = [];
  for (const name of names) {
    const bytes = await Deno.readFile(`${dir}/${name}`);
    tables.push(arrow.tableFromIPC(pq.readParquet(bytes).intoIPCStream()));
  }
  return tables[0].concat(...tables.slice(1));
}

/**
 * The visible files of a folder with the given extension (`".parquet"`), sorted by part
 * number (`part-00001...`, or the `_2` of a named file `list_2.csv`), then by name. Hidden
 * files, such as temporary `.tmp-` files, are left out.
 */
export async function partFiles(dir: string, extension: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && !entry.name.startsWith(".") && entry.name.endsWith(extension)) {
      names.push(entry.name);
    }
  }
  const part = (name: string) =>
    Number(/^part-(\d+)/.exec(name)?.[1] ?? /_(\d+)\.[^.]+$/.exec(name)?.[1] ?? Infinity);
  return names.sort((a, b) => part(a) - part(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reads a CSV file as RFC 4180 records (the header is the first), with quoted fields
 * unquoted. Accepts LF and CRLF line ends.
 */
export async function readCsv(path: string): Promise<string[][]> {
  return parseCsv(await Deno.readTextFile(path));
}

/** Parses CSV text as RFC 4180 records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (char === '"') {
        quoted = false;
        i++;
      } else {
        field += char;
        i++;
      }
    } else if (char === '"' && field === "") {
      quoted = true;
      i++;
    } else if (char === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (char === "\n" || (char === "\r" && text[i + 1] === "\n")) {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += char === "\r" ? 2 : 1;
    } else {
      field += char;
      i++;
    }
  }
  if (quoted) throw new Error("CSV ends inside a quoted field");
  if (field !== "" || record.length > 0) records.push([...record, field]);
  return records;
}

/** Reads a JSON lines file as one parsed value per non-empty line. */
export async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((line) => line !== "").map((line, i) => {
    try {
      return JSON.parse(line);
    } catch (error) {
      throw new Error(`Line ${i + 1} of "${path}" is not JSON: ${line}`, { cause: error });
    }
  });
}

/** An Arrow table's rows as plain objects, 64-bit integers as numbers. */
export function plainRows(table: arrow.Table): Record<string, unknown>[] {
  return table.toArray().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row.toJSON())) {
      out[k] = typeof v === "bigint" ? Number(v) : v;
    }
    return out;
  });
}

/** Reads a JSON file holding one array of records. */
export async function readJsonArray(path: string): Promise<Record<string, unknown>[]> {
  const parsed = JSON.parse(await Deno.readTextFile(path));
  if (!Array.isArray(parsed)) throw new Error(`"${path}" does not hold a JSON array`);
  return parsed;
}

/** The DuckDB column type for an Arrow type the engine produces. */
function duckType(type: arrow.DataType): string {
  if (arrow.DataType.isInt(type)) {
    return { 8: "TINYINT", 16: "SMALLINT", 32: "INTEGER", 64: "BIGINT" }[type.bitWidth]!;
  }
  if (arrow.DataType.isFloat(type)) {
    return type.precision === arrow.Precision.SINGLE ? "REAL" : "DOUBLE";
  }
  if (arrow.DataType.isDecimal(type)) return `DECIMAL(${type.precision},${type.scale})`;
  if (arrow.DataType.isBool(type)) return "BOOLEAN";
  if (arrow.DataType.isDate(type)) return "DATE";
  if (arrow.DataType.isTimestamp(type)) return "TIMESTAMP";
  return "VARCHAR";
}

/**
 * Runs SQL files of INSERT statements in DuckDB, into a table `name` created from `schema`,
 * and reads the rows back in insertion order (dates and timestamps as ISO text).
 */
export async function readSqlFiles(
  paths: readonly string[],
  name: string,
  schema: arrow.Schema,
): Promise<Record<string, unknown>[]> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;
  try {
    const columns = schema.fields.map((f) => `${quote(f.name)} ${duckType(f.type)}`);
    await db.run(`CREATE TABLE ${quote(name)} (${columns.join(", ")})`);
    for (const path of paths) {
      const text = await Deno.readTextFile(path);
      if (text.trim() !== "") await db.run(text);
    }
    const select = schema.fields.map((f) =>
      arrow.DataType.isDate(f.type) || arrow.DataType.isTimestamp(f.type)
        ? `CAST(${quote(f.name)} AS VARCHAR) AS ${quote(f.name)}`
        : quote(f.name)
    );
    const reader = await db.runAndReadAll(
      `SELECT ${select.join(", ")} FROM ${quote(name)} ORDER BY rowid`,
    );
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** A leaf column as the Parquet footer describes it, independent of any Arrow schema hint. */
export interface ParquetColumn {
  name: string;
  /** `"INT64"`, `"INT32"`, `"BYTE_ARRAY"`, ... */
  physicalType: string;
  /** `"OPTIONAL"` or `"REQUIRED"`. */
  repetition: string;
  /** `"TIMESTAMP(isAdjustedToUTC=true, unit=MICROS)"`, `"DATE"`, `"INT(64, signed)"`, ... */
  logicalType?: string;
  /** The field id, when the file gives one (Delta's column mapping). */
  fieldId?: number;
}

/** What the footer of one Parquet file says. */
export interface ParquetFooter {
  numRows: number;
  numRowGroups: number;
  columns: ParquetColumn[];
  /** Leaf columns (dotted paths) whose chunks state a min and a max, in every row group. */
  columnsWithBounds: string[];
  /** The first row group's statistics by leaf column: nulls, and bounds as hex bytes. */
  statistics: Record<string, { nulls?: number; min?: string; max?: string }>;
  /** The encodings the first row group's chunks list, by leaf column. */
  encodings: Record<string, string[]>;
}

/**
 * Reads a Parquet file's footer (Thrift compact protocol) directly, so a test sees the
 * Parquet logical types themselves and not the Arrow schema arrow-rs stores beside them.
 */
export async function readParquetFooter(path: string): Promise<ParquetFooter> {
  const bytes = await Deno.readFile(path);
  const tail = new TextDecoder().decode(bytes.subarray(bytes.length - 4));
  if (tail !== "PAR1") throw new Error(`"${path}" does not end with PAR1`);
  const size = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
  const meta = new CompactReader(bytes.subarray(bytes.length - 8 - size, bytes.length - 8))
    .struct();
  const schema = (meta.get(2) ?? []) as ThriftStruct[];
  const decoder = new TextDecoder();
  const columns = schema.slice(1).map((element): ParquetColumn => ({
    name: decoder.decode(element.get(4) as Uint8Array),
    physicalType: PHYSICAL_TYPES[element.get(1) as number] ?? "GROUP",
    repetition: REPETITIONS[element.get(3) as number] ?? "UNKNOWN",
    logicalType: logicalTypeText(element.get(10) as ThriftStruct | undefined),
    ...(element.has(9) ? { fieldId: Number(element.get(9)) } : {}),
  }));
  const rowGroups = (meta.get(4) ?? []) as ThriftStruct[];
  return {
    numRows: Number(meta.get(3)),
    numRowGroups: rowGroups.length,
    columns,
    columnsWithBounds: columnsWithBounds(rowGroups),
    statistics: firstStatistics(rowGroups[0]),
    encodings: firstEncodings(rowGroups[0]),
  };
}

/** parquet.thrift's Encoding values, by number. */
const ENCODINGS: Record<number, string> = {
  0: "PLAIN",
  2: "PLAIN_DICTIONARY",
  3: "RLE",
  4: "BIT_PACKED",
  5: "DELTA_BINARY_PACKED",
  6: "DELTA_LENGTH_BYTE_ARRAY",
  7: "DELTA_BYTE_ARRAY",
  8: "RLE_DICTIONARY",
  9: "BYTE_STREAM_SPLIT",
};

/** A row group's column chunks: each one's leaf column path and metadata. */
function chunksOf(
  group: ThriftStruct | undefined,
): { path: string; meta: ThriftStruct | undefined }[] {
  const decoder = new TextDecoder();
  return ((group?.get(1) ?? []) as ThriftStruct[]).map((chunk) => {
    const meta = chunk.get(3) as ThriftStruct | undefined;
    const path = ((meta?.get(3) ?? []) as Uint8Array[]).map((p) => decoder.decode(p)).join(".");
    return { path, meta };
  });
}

/** A row group's chunks' encodings, by leaf column. */
function firstEncodings(group: ThriftStruct | undefined): ParquetFooter["encodings"] {
  const found: ParquetFooter["encodings"] = {};
  for (const { path, meta } of chunksOf(group)) {
    found[path] = ((meta?.get(2) ?? []) as number[]).map((e) => ENCODINGS[e] ?? String(e));
  }
  return found;
}

/** A row group's column statistics (min_value and max_value, as hex), by leaf column. */
function firstStatistics(group: ThriftStruct | undefined): ParquetFooter["statistics"] {
  const hex = (b: unknown) =>
    b instanceof Uint8Array
      ? [...b].map((x) => x.toString(16).padStart(2, "0")).join("")
      : undefined;
  const found: ParquetFooter["statistics"] = {};
  for (const { path, meta } of chunksOf(group)) {
    const statistics = meta?.get(12) as ThriftStruct | undefined;
    if (!statistics) continue;
    const nulls = statistics.get(3);
    found[path] = {
      ...(nulls !== undefined ? { nulls: Number(nulls) } : {}),
      ...(statistics.has(6) ? { min: hex(statistics.get(6)) } : {}),
      ...(statistics.has(5) ? { max: hex(statistics.get(5)) } : {}),
    };
  }
  return found;
}

/** The leaf columns whose chunk metadata holds a min and a max in every row group. */
function columnsWithBounds(rowGroups: ThriftStruct[]): string[] {
  const counts = new Map<string, number>();
  for (const group of rowGroups) {
    for (const { path, meta } of chunksOf(group)) {
      const statistics = meta?.get(12) as ThriftStruct | undefined;
      // min_value and max_value (6, 5), or the deprecated min and max (2, 1).
      const bounded = statistics !== undefined &&
        (statistics.has(5) || statistics.has(1)) && (statistics.has(6) || statistics.has(2));
      if (bounded) counts.set(path, (counts.get(path) ?? 0) + 1);
    }
  }
  return [...counts].filter(([, n]) => n === rowGroups.length).map(([path]) => path);
}

const PHYSICAL_TYPES = [
  "BOOLEAN",
  "INT32",
  "INT64",
  "INT96",
  "FLOAT",
  "DOUBLE",
  "BYTE_ARRAY",
  "FIXED_LEN_BYTE_ARRAY",
];
const REPETITIONS = ["REQUIRED", "OPTIONAL", "REPEATED"];
const SIMPLE_LOGICAL: Record<number, string> = {
  1: "STRING",
  2: "MAP",
  3: "LIST",
  4: "ENUM",
  5: "DECIMAL",
  6: "DATE",
  7: "TIME",
  11: "UNKNOWN",
  12: "JSON",
  13: "BSON",
  14: "UUID",
  15: "FLOAT16",
};
const TIME_UNITS: Record<number, string> = { 1: "MILLIS", 2: "MICROS", 3: "NANOS" };

function logicalTypeText(union: ThriftStruct | undefined): string | undefined {
  if (!union) return undefined;
  const [[id, value]] = union;
  if (id === 8) {
    const timestamp = value as ThriftStruct;
    const [[unit]] = timestamp.get(2) as ThriftStruct;
    return `TIMESTAMP(isAdjustedToUTC=${timestamp.get(1)}, unit=${TIME_UNITS[unit]})`;
  }
  if (id === 10) {
    const int = value as ThriftStruct;
    return `INT(${int.get(1)}, ${int.get(2) ? "signed" : "unsigned"})`;
  }
  return SIMPLE_LOGICAL[id] ?? `LOGICAL(${id})`;
}

type ThriftValue = number | bigint | boolean | Uint8Array | ThriftValue[] | ThriftStruct;
type ThriftStruct = Map<number, ThriftValue>;

/** Just enough of the Thrift compact protocol to read a Parquet footer. */
class CompactReader {
  #bytes: Uint8Array;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  struct(): ThriftStruct {
    const fields: ThriftStruct = new Map();
    let last = 0;
    for (;;) {
      const head = this.#byte();
      if (head === 0) return fields;
      const type = head & 0x0f;
      const delta = head >> 4;
      const id = delta === 0 ? Number(this.#zigzag()) : last + delta;
      last = id;
      // In a field header, the boolean's value is its type: 1 true, 2 false.
      fields.set(id, type === 1 ? true : type === 2 ? false : this.#value(type));
    }
  }

  #value(type: number): ThriftValue {
    switch (type) {
      case 1:
      case 2:
        return this.#byte() === 1;
      case 3: {
        const byte = this.#byte();
        return byte > 127 ? byte - 256 : byte;
      }
      case 4:
      case 5:
        return Number(this.#zigzag());
      case 6:
        return this.#zigzag();
      case 7: {
        const view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset + this.#pos, 8);
        this.#pos += 8;
        return view.getFloat64(0, true);
      }
      case 8: {
        const length = Number(this.#varint());
        const bytes = this.#bytes.subarray(this.#pos, this.#pos + length);
        this.#pos += length;
        return bytes;
      }
      case 9:
      case 10: {
        const head = this.#byte();
        const size = head >> 4 === 15 ? Number(this.#varint()) : head >> 4;
        return Array.from({ length: size }, () => this.#value(head & 0x0f));
      }
      case 11: {
        const size = Number(this.#varint());
        if (size === 0) return [];
        const kinds = this.#byte();
        return Array.from({ length: size }, () => [
          this.#value(kinds >> 4),
          this.#value(kinds & 0x0f),
        ]);
      }
      case 12:
        return this.struct();
      default:
        throw new Error(`Unknown Thrift compact type ${type} at byte ${this.#pos}`);
    }
  }

  #byte(): number {
    if (this.#pos >= this.#bytes.length) throw new Error("Parquet footer ends early");
    return this.#bytes[this.#pos++];
  }

  #varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.#byte();
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  #zigzag(): bigint {
    const n = this.#varint();
    return (n >> 1n) ^ -(n & 1n);
  }
}
