/**
 * Cells as text: how every text output (CSV, JSON lines, stdout, `preview`) reads a value out
 * of an Arrow column and spells it. One place, so the formats agree with each other.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { decimalAt, decimalText } from "../arrow/cells.ts";
import { DAY_MS, SECONDS_PER_DAY, tickConverter } from "../arrow/time.ts";

/**
 * A cell read out of a column, ready to be spelled: dates and timestamps are already ISO
 * strings, decimals their exact digits (`"19.90"`), 64-bit integers stay `bigint`, 32-bit
 * floats are their shortest round-trip value.
 */
export type Cell = string | number | bigint | boolean | null;

/** What a column holds, for alignment and quoting decisions. */
export type CellKind =
  | "integer"
  | "float"
  | "decimal"
  | "boolean"
  | "string"
  | "date"
  | "timestamp";

/** One column of a batch, readable cell by cell. */
export interface ColumnCells {
  /** The column name. */
  readonly name: string;
  /** The kind of every non-null cell of the column. */
  readonly kind: CellKind;
  /** A 32-bit float column (its cells are their shortest round-trip values). */
  readonly single?: boolean;
  /** The cell at `index` (0-based within the batch); `null` for a null. */
  cell(index: number): Cell;
}

const MICROS_PER_SECOND = 1_000_000n;

/**
 * Spells a timestamp given in microseconds since the epoch as ISO 8601 with six fraction
 * digits, and a `Z` when the instant is UTC.
 *
 * @example
 * ```ts
 * timestampText(1_704_164_645_123_456n); // "2024-01-02T03:04:05.123456Z"
 * ```
 */
export function timestampText(micros: bigint, utc = true): string {
  let seconds: number;
  let fraction: number;
  if (micros <= MAX_SAFE && micros >= -MAX_SAFE) {
    // Plain numbers are several times faster than bigint arithmetic, and exact up to 2^53.
    const value = Number(micros);
    seconds = Math.floor(value / 1_000_000);
    fraction = value - seconds * 1_000_000;
  } else {
    let whole = micros / MICROS_PER_SECOND;
    let rest = micros % MICROS_PER_SECOND;
    if (rest < 0n) {
      // BigInt division truncates towards zero; the fraction of an ISO time counts forwards.
      rest += MICROS_PER_SECOND;
      whole -= 1n;
    }
    seconds = Number(whole);
    fraction = Number(rest);
  }
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const time = seconds - days * SECONDS_PER_DAY;
  const hour = Math.floor(time / 3600);
  const minute = Math.floor((time % 3600) / 60);
  return `${dayText(days)}T${pad2(hour)}:${pad2(minute)}:${pad2(time % 60)}.${
    String(fraction).padStart(6, "0")
  }${utc ? "Z" : ""}`;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Spells a date given as milliseconds since the epoch (midnight UTC) as `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * dateText(19_724 * 86_400_000); // "2024-01-02"
 * ```
 */
export function dateText(ms: number): string {
  return dayText(Math.floor(ms / DAY_MS));
}

/** `YYYY-MM-DD` of a day count since 1970-01-01, by Hinnant's civil-from-days algorithm. */
function dayText(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${yearText(year)}-${pad2(month)}-${pad2(day)}`;
}

/** Four digits, or ISO 8601's expanded form (`+012345`, `-000001`) outside 0000-9999. */
function yearText(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, "0");
  return (year < 0 ? "-" : "+") + String(Math.abs(year)).padStart(6, "0");
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * The shortest decimal that reads back as the same 32-bit float, as a number, so that a
 * `Float32` 0.1 prints as `0.1` rather than `0.10000000149011612`. Of two equally near
 * decimals the one with the even last digit is taken, as numpy does (`2755769.25` is
 * `2755769.2`).
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = nearestWithDigits(value, digits);
    if (Math.fround(candidate) === value) return candidate;
  }
  return nearestWithDigits(value, 9);
}

/** The decimal of `digits` significant digits nearest to `value`, ties to the even digit. */
function nearestWithDigits(value: number, digits: number): number {
  // toPrecision rounds ties away from zero: only an exact tie needs another look.
  const rounded = Number(value.toPrecision(digits));
  const [mantissa, exponent] = value.toExponential(100).split("e");
  const all = mantissa.replace(/[-.]/g, "");
  if (!/^50*$/.test(all.slice(digits)) || Number(all[digits - 1]) % 2 === 1) return rounded;
  const sign = value < 0 ? "-" : "";
  const down = Number(`${sign}${all[0]}.${all.slice(1, digits)}e${exponent}`);
  return Math.fround(down) === Math.fround(rounded) ? down : rounded;
}

/** Reads the columns of a batch as {@link ColumnCells}, in schema order. */
export function columnCells(batch: arrow.RecordBatch): ColumnCells[] {
  return batch.schema.fields.map((field, i) => cellsOf(field.name, batch.data.children[i]));
}

/** Reads one column's data (named `name`) as {@link ColumnCells}. */
export function cellsOf(name: string, data: arrow.Data): ColumnCells {
  const type = data.type as arrow.DataType;
  const values = data.values as ArrayLike<number | bigint>;
  const vector = arrow.makeVector(data);
  const valid = data.nullCount > 0 ? (i: number) => data.getValid(i) : () => true;
  const column = (kind: CellKind, read: (i: number) => Cell, single?: boolean): ColumnCells => ({
    name,
    kind,
    ...(single ? { single } : {}),
    cell: (i) => valid(i) ? read(i) : null,
  });
  if (arrow.DataType.isInt(type)) {
    return column("integer", type.bitWidth === 64 ? (i) => BigInt(values[i]) : (i) => values[i]);
  }
  if (arrow.DataType.isFloat(type)) {
    return type.precision === arrow.Precision.SINGLE
      ? column("float", (i) => shortestFloat32(values[i] as number), true)
      : column("float", (i) => Number(vector.get(i)));
  }
  if (arrow.DataType.isDecimal(type)) {
    return column("decimal", (i) => decimalText(decimalAt(data, i), type.scale));
  }
  if (arrow.DataType.isBool(type)) return column("boolean", (i) => Boolean(vector.get(i)));
  if (arrow.DataType.isUtf8(type)) return column("string", utf8Reader(data, vector));
  if (arrow.DataType.isDate(type)) return column("date", (i) => dateText(Number(vector.get(i))));
  if (arrow.DataType.isTimestamp(type)) {
    const toMicros = tickConverter(type.unit, arrow.TimeUnit.MICROSECOND);
    const utc = type.timezone !== null && type.timezone !== "";
    return column("timestamp", (i) => timestampText(toMicros(BigInt(values[i])), utc));
  }
  // Types the engine does not produce still print, as arrow-js spells them.
  return column("string", (i) => genericCell(vector.get(i)));
}

const UTF8 = new TextDecoder();

/**
 * Reads the strings of a UTF-8 column. When the column's bytes are all ASCII (names, emails,
 * codes: most generated text), they are decoded once and each cell is a slice, since byte
 * offsets are then character offsets; a decode per cell costs far more.
 */
function utf8Reader(data: arrow.Data, vector: arrow.Vector): (i: number) => string {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const start = offsets[0];
  // Decoded at the first cell read: writers of bytes (csv_bytes.ts, json_bytes.ts) read the
  // cells of a text column only for the few values they cannot copy, if any.
  let read: ((i: number) => string) | undefined;
  return (i) => {
    if (!read) {
      const chunk = bytes.subarray(start, offsets[data.length]);
      const text = UTF8.decode(chunk);
      // Only ASCII (or invalid) bytes decode one to one into UTF-16 units: any character of
      // two or more bytes leaves the text shorter than its bytes.
      read = text.length !== chunk.length
        ? (i) => String(vector.get(i))
        : (i) => text.slice(offsets[i] - start, offsets[i + 1] - start);
    }
    return read(i);
  };
}

function genericCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "bigint":
    case "boolean":
      return value;
    default:
      return JSON.stringify(value, (_key, v) => typeof v === "bigint" ? v.toString() : v);
  }
}

/**
 * Spells a cell as plain text: `""` for null, `true`/`false`, numbers in shortest round-trip
 * form (`NaN`, `Infinity`, `-Infinity` as such).
 */
export function cellText(cell: Cell): string {
  return cell === null ? "" : String(cell);
}

/**
 * Spells a cell as a JSON value. A `bigint` is a JSON number when it is a safe integer and a
 * string beyond 2^53; non-finite floats, which JSON cannot hold, are `null`.
 */
export function cellJson(cell: Cell): string {
  if (typeof cell === "bigint") {
    return cell <= BigInt(Number.MAX_SAFE_INTEGER) && cell >= BigInt(Number.MIN_SAFE_INTEGER)
      ? cell.toString()
      : `"${cell}"`;
  }
  if (typeof cell === "number" && !Number.isFinite(cell)) return "null";
  return JSON.stringify(cell);
}

/**
 * Spells a float as Python prints it, and so as pandas' `to_csv` (tablefaker's CSV export)
 * writes it: the shortest round-trip digits, whole values with `.0` (`80.0`, so readers see
 * a float), and exponent form below 1e-4 and from 1e16 up (`1e-05`, `1e+16`). A 32-bit
 * float (`single`, given as its shortest round-trip value) is spelled as numpy spells a
 * `float32`, whose exponent form starts at 1e6 (`2.7557692e+06`). NaN and the infinities
 * keep JavaScript's spelling (`NaN`, `Infinity`), which readers of CSV accept as well.
 *
 * @example
 * ```ts
 * pythonFloatText(80); // "80.0"
 * pythonFloatText(0.00001); // "1e-05"
 * pythonFloatText(2755769.2, true); // "2.7557692e+06"
 * ```
 */
export function pythonFloatText(value: number, single = false): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  // numpy decides on the float32 value itself, not on its shortest digits.
  const magnitude = Math.abs(single ? Math.fround(value) : value);
  if (magnitude < 1e-4 || magnitude >= (single ? 1e6 : 1e16)) {
    // Without an argument, toExponential gives the shortest digits that read back the same.
    const [digits, exponent] = value.toExponential().split("e");
    const power = Math.abs(Number(exponent));
    return `${digits}e${exponent[0]}${power < 10 ? "0" : ""}${power}`;
  }
  // Between 1e-4 and 1e16, String() is positional and shortest, as Python's repr.
  const text = String(value);
  return text.includes(".") ? text : text + ".0";
}

/**
 * Spells a boolean as Python prints it, and so as pandas' `to_csv` (tablefaker's CSV export)
 * writes it: `True`, `False`.
 */
export function pythonBoolText(value: boolean): string {
  return value ? "True" : "False";
}

/**
 * Spells a float as a JSON number that reads back as a float: whole values get `.0`
 * (`80.0`, as Python's `json` and pandas' `to_json` write them), so that readers inferring
 * types from the values (pandas, Spark, DuckDB) see a float column; otherwise the shortest
 * round-trip form. Non-finite values, which JSON cannot hold, are `null`.
 */
export function floatJson(value: number): string {
  if (!Number.isFinite(value)) return "null";
  const text = String(value);
  return Number.isInteger(value) && !text.includes("e") ? text + ".0" : text;
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Quotes a CSV field as RFC 4180 asks: only when it holds a comma, a quote, CR or LF, with
 * inner quotes doubled.
 *
 * @example
 * ```ts
 * csvField('say "hi", then go'); // "\"say \"\"hi\"\", then go\""
 * ```
 */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV header line of a schema, ending with a newline. */
export function csvHeader(schema: arrow.Schema): string {
  return schema.fields.map((field) => csvField(field.name)).join(",") + "\n";
}

/**
 * How CSV spells the cells of a column: as tablefaker's CSV (pandas' `to_csv`) spells them
 * where a reader could tell the difference (floats and booleans as Python prints them), and
 * text quoted as RFC 4180 asks (only text can hold a comma, quote or line break).
 */
export function csvSpeller(column: ColumnCells): (cell: Cell) => string {
  switch (column.kind) {
    case "string":
      return (cell) => cell === null ? "" : csvField(cell as string);
    case "float": {
      const single = column.single ?? false;
      return (cell) => cell === null ? "" : pythonFloatText(cell as number, single);
    }
    case "boolean":
      return (cell) => cell === null ? "" : pythonBoolText(cell as boolean);
    default:
      return cellText;
  }
}

/**
 * The rows of a batch as CSV lines (no header), each ending with a newline: nulls empty,
 * floats and booleans as Python prints them (`80.0`, `1e-05`, `True`), dates `YYYY-MM-DD`,
 * timestamps ISO 8601 in UTC.
 */
export function csvLines(batch: arrow.RecordBatch): string {
  const fields = columnCells(batch).map((column) => {
    const spell = csvSpeller(column);
    return (row: number) => spell(column.cell(row));
  });
  const lines: string[] = new Array(batch.numRows);
  for (let row = 0; row < batch.numRows; row++) {
    let line = fields.length > 0 ? fields[0](row) : "";
    for (let i = 1; i < fields.length; i++) line += "," + fields[i](row);
    lines[row] = line;
  }
  // One join beats growing a string row by row, which leaves a deep rope to flatten.
  return lines.length > 0 ? lines.join("\n") + "\n" : "";
}

/** Options of {@link jsonlLines}. */
export interface JsonlOptions {
  /** When set, every object starts with `"_table": table`, to tell tables apart in one stream. */
  table?: string;
}

/**
 * Spells the cells of a column as JSON values: decimals as exact JSON numbers (`19.90`),
 * floats as numbers that read back as floats (`80.0`, {@link floatJson}), everything else by
 * {@link cellJson}.
 */
export function jsonSpeller(column: ColumnCells): (cell: Cell) => string {
  switch (column.kind) {
    case "decimal":
      return (cell) => (cell === null ? "null" : String(cell));
    case "float":
      return (cell) => (cell === null ? "null" : floatJson(cell as number));
    default:
      return cellJson;
  }
}

/** The rows of a batch as JSON objects (no separators), one per row in column order. */
export function jsonObjects(batch: arrow.RecordBatch, options: JsonlOptions = {}): string[] {
  const columns = columnCells(batch);
  const spell = columns.map(jsonSpeller);
  // Objects are spelled by hand: keys keep their order, and a column named "__proto__" stays a key.
  const keys = columns.map((column) => JSON.stringify(column.name) + ":");
  const lead = options.table === undefined ? "" : `"_table":${JSON.stringify(options.table)},`;
  const objects: string[] = new Array(batch.numRows);
  for (let row = 0; row < batch.numRows; row++) {
    let line = "{" + lead;
    for (let i = 0; i < columns.length; i++) {
      line += (i > 0 ? "," : "") + keys[i] + spell[i](columns[i].cell(row));
    }
    objects[row] = line + "}";
  }
  return objects;
}

/** The rows of a batch as JSON lines, one object per row in column order. */
export function jsonlLines(batch: arrow.RecordBatch, options: JsonlOptions = {}): string {
  const lines = jsonObjects(batch, options);
  return lines.length > 0 ? lines.join("\n") + "\n" : "";
}
