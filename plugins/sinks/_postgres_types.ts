/**
 * Arrow and PostgreSQL, both ways: the column type created for an Arrow field, the Arrow
 * type of a stored column, cells spelled in COPY's text format, and rows read back as text
 * into Arrow columns. Pure functions; `postgres.ts` does the talking.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { decimalAt, decimalText } from "../../lib/arrow/cells.ts";
import { dateText, timestampText } from "../../lib/output/cell_text.ts";

/** Longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); longer ones are cut silently. */
const MAX_IDENTIFIER_BYTES = 63;

const encoder = new TextEncoder();

/**
 * Quotes an identifier for SQL, always, so any name (mixed case, keywords, spaces) is
 * taken literally; refuses names PostgreSQL would truncate.
 *
 * @example
 * ```ts
 * quoteIdent('Order "lines"'); // "\"Order \"\"lines\"\"\""
 * ```
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error("An empty name cannot be a PostgreSQL identifier");
  if (name.includes("\0")) throw new Error(`Name ${JSON.stringify(name)} contains a NUL character`);
  if (encoder.encode(name).length > MAX_IDENTIFIER_BYTES) {
    throw new Error(
      `Name "${name}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte limit for identifiers; ` +
        "choose a shorter one",
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** A column as information_schema describes it. */
export interface StoredColumn {
  name: string;
  /** `information_schema.columns.data_type`, e.g. `integer`, `numeric`, `timestamp with time zone`. */
  dataType: string;
  /** Declared precision and scale of a `numeric` column (null when unconstrained). */
  precision: number | null;
  scale: number | null;
  nullable: boolean;
  /** The column's comment, where tablestream records what PostgreSQL cannot tell (int8). */
  comment: string | null;
}

/** The comment that marks a `smallint` column as an Arrow int8 one. */
export const INT8_COMMENT = "tablestream: int8";

/** Widest decimal an Arrow Decimal128 holds. */
const MAX_DECIMAL_PRECISION = 38;

/** The types this sink stores, for messages. */
const SUPPORTED =
  "int8/16/32/64, float32/64, utf8, bool, date32, timestamp (s, ms or us), decimal128, binary";

/**
 * The PostgreSQL type of the column created for an Arrow field (as information_schema spells
 * it, with a numeric's precision and scale), or an error naming the column.
 */
export function pgType(field: arrow.Field): string {
  const type = field.type as arrow.DataType;
  switch (type.typeId) {
    case arrow.Type.Int: {
      const int = type as arrow.Int;
      if (!int.isSigned) break; // PostgreSQL has no unsigned integers
      return int.bitWidth <= 16 ? "smallint" : int.bitWidth === 32 ? "integer" : "bigint";
    }
    case arrow.Type.Float: {
      const precision = (type as arrow.Float).precision;
      if (precision === arrow.Precision.SINGLE) return "real";
      if (precision === arrow.Precision.DOUBLE) return "double precision";
      break;
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return "text";
    case arrow.Type.Bool:
      return "boolean";
    case arrow.Type.Date:
      if ((type as arrow.Date_).unit === arrow.DateUnit.DAY) return "date";
      break;
    case arrow.Type.Timestamp: {
      const ts = type as arrow.Timestamp;
      if (ts.unit === arrow.TimeUnit.NANOSECOND) {
        throw new Error(
          `Column "${field.name}" holds nanosecond timestamps; PostgreSQL keeps microseconds, ` +
            "so declare it with microseconds (as tablestream's timestamp type is)",
        );
      }
      return ts.timezone ? "timestamp with time zone" : "timestamp without time zone";
    }
    case arrow.Type.Decimal: {
      const decimal = type as arrow.Decimal;
      if (decimal.bitWidth === 128) return `numeric(${decimal.precision},${decimal.scale})`;
      break;
    }
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
      return "bytea";
  }
  throw new Error(
    `Column "${field.name}" has Arrow type ${type}, which the PostgreSQL sink cannot store ` +
      `(it stores ${SUPPORTED})`,
  );
}

/** A stored column's type spelled like {@link pgType}, to compare the two. */
export function storedTypeText(column: StoredColumn): string {
  return column.dataType === "numeric" && column.precision !== null
    ? `numeric(${column.precision},${column.scale ?? 0})`
    : column.dataType;
}

/** The SQL of a column definition for `CREATE TABLE`. */
export function columnDefinition(field: arrow.Field): string {
  return `${quoteIdent(field.name)} ${pgType(field)}${field.nullable ? "" : " NOT NULL"}`;
}

/**
 * The Arrow type a stored column reads as. Types tablestream does not write (json, uuid,
 * varchar...) read as text, unconstrained or very wide numerics too (exactly).
 */
export function arrowTypeOf(column: StoredColumn): arrow.DataType {
  switch (column.dataType) {
    case "smallint":
      return column.comment === INT8_COMMENT ? new arrow.Int8() : new arrow.Int16();
    case "integer":
      return new arrow.Int32();
    case "bigint":
      return new arrow.Int64();
    case "real":
      return new arrow.Float32();
    case "double precision":
      return new arrow.Float64();
    case "boolean":
      return new arrow.Bool();
    case "date":
      return new arrow.DateDay();
    case "timestamp with time zone":
      return new arrow.TimestampMicrosecond("UTC");
    case "timestamp without time zone":
      return new arrow.TimestampMicrosecond();
    case "numeric":
      if (column.precision !== null && column.precision <= MAX_DECIMAL_PRECISION) {
        return new arrow.Decimal(column.scale ?? 0, column.precision, 128);
      }
      return new arrow.Utf8();
    case "bytea":
      return new arrow.Binary();
    default:
      return new arrow.Utf8();
  }
}

/** The Arrow field of a stored column. */
export function arrowFieldOf(column: StoredColumn): arrow.Field {
  return new arrow.Field(column.name, arrowTypeOf(column), column.nullable);
}

// ---------------------------------------------------------------------------------------
// Writing: COPY ... FROM STDIN in text format, spelled straight into bytes.

/** A value that COPY cannot carry; `postgres.ts` adds the table. */
export class CopyValueError extends Error {
  /** The same value fails every retry: the streaming server stops the table instead. */
  readonly healable = false;

  constructor(message: string) {
    super(message);
    this.name = "CopyValueError";
  }
}

const BACKSLASH = 0x5c;
const TAB = 0x09;
const NEWLINE = 0x0a;
const CR = 0x0d;
/** What follows a backslash for each byte COPY's text format escapes. */
const ESCAPED: Record<number, number> = {
  [BACKSLASH]: BACKSLASH,
  [NEWLINE]: 0x6e,
  [CR]: 0x72,
  [TAB]: 0x74,
};

/**
 * Escapes text for COPY's text format: backslash, newline, carriage return and tab get a
 * backslash; everything else (quotes, commas, any Unicode) goes as it is. PostgreSQL text
 * cannot hold NUL, so a NUL is refused rather than cut.
 *
 * @example
 * ```ts
 * copyText("a\tb\\c"); // "a\\tb\\\\c"
 * ```
 */
export function copyText(text: string): string {
  const out = new CopyBuffer();
  out.text(text);
  return new TextDecoder().decode(out.take());
}

/** Bytes of COPY data being spelled, growing as needed. */
export class CopyBuffer {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Appends text known to be ASCII without escapes (numbers, dates, `\N`). */
  ascii(text: string): void {
    this.reserve(text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Appends a safe integer in decimal, without going through a string. */
  integer(value: number): void {
    this.reserve(17);
    if (value < 0) {
      this.bytes[this.length++] = 0x2d; // -
      value = -value;
    }
    let width = 1;
    for (let limit = 10; value >= limit && width < 16; limit *= 10) width++;
    this.padded(value, width);
  }

  /** Appends a number with exactly `width` digits, zero-padded (time fields). */
  padded(value: number, width: number): void {
    this.reserve(width);
    const bytes = this.bytes;
    for (let at = this.length + width - 1; at >= this.length; at--) {
      const digit = value % 10;
      bytes[at] = 0x30 + digit;
      value = (value - digit) / 10;
    }
    this.length += width;
  }

  /** Appends one byte. */
  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  /**
   * Appends UTF-8 bytes, escaped for COPY. ASCII bytes never occur inside a multi-byte UTF-8
   * sequence, so escaping byte by byte is exact.
   */
  utf8(source: Uint8Array, start: number, end: number): void {
    this.reserve(2 * (end - start));
    const bytes = this.bytes;
    let at = this.length;
    for (let k = start; k < end; k++) {
      const b = source[k];
      if (
        b <= BACKSLASH && (b === BACKSLASH || b === NEWLINE || b === TAB || b === CR || b === 0)
      ) {
        if (b === 0) {
          const text = new TextDecoder().decode(source.subarray(start, end));
          throw new CopyValueError(
            `the text ${JSON.stringify(text.slice(0, 40))} contains a NUL character, which ` +
              "PostgreSQL text cannot hold",
          );
        }
        bytes[at++] = BACKSLASH;
        bytes[at++] = ESCAPED[b];
      } else {
        bytes[at++] = b;
      }
    }
    this.length = at;
  }

  /** Appends a string, escaped for COPY. */
  text(text: string): void {
    const encoded = encoder.encode(text);
    this.utf8(encoded, 0, encoded.length);
  }

  /** The bytes so far; the buffer starts over. */
  take(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

/** Spells row `i` of a column as a COPY text field into `out`. */
export type CopyCell = (i: number, out: CopyBuffer) => void;

/** COPY's text format spells null as `\N`. */
const NULL_TEXT = "\\N";
const DAY_MS = 86_400_000;
/** Days since 1970 of 0001-01-01 and 9999-12-31: years that need no special spelling. */
const FIRST_PLAIN_DAY = -719_162;
const LAST_PLAIN_DAY = 2_932_896;

/**
 * ISO 8601 text with the years PostgreSQL spells differently: beyond 9999 without the `+`
 * and zero padding, and year 0 and before as `BC` years (ISO year 0 is 1 BC).
 */
function pgYears(iso: string): string {
  const first = iso[0];
  if (first !== "+" && first !== "-" && !iso.startsWith("0000")) return iso;
  const dash = iso.indexOf("-", 1);
  const year = Number(iso.slice(0, dash));
  const rest = iso.slice(dash);
  return year > 0 ? `${year}${rest}` : `${String(1 - year).padStart(4, "0")}${rest} BC`;
}

/** `YYYY-MM-DD` of each day seen, since one batch's dates and times fall on few days. */
class DayNames {
  readonly #names = new Map<number, string>();

  get(day: number): string {
    let name = this.#names.get(day);
    if (name === undefined) this.#names.set(day, name = pgYears(dateText(day * DAY_MS)));
    return name;
  }
}

const MICROS_PER_UNIT: Record<number, number> = {
  [arrow.TimeUnit.SECOND]: 1_000_000,
  [arrow.TimeUnit.MILLISECOND]: 1_000,
  [arrow.TimeUnit.MICROSECOND]: 1,
};

/** A timestamp cell: plain-year instants spelled fast, the rest through {@link pgYears}. */
function timestampCell(values: BigInt64Array, unit: arrow.TimeUnit, utc: boolean): CopyCell {
  const factor = MICROS_PER_UNIT[unit];
  const days = new DayNames();
  const read = int64Reader(values);
  return (i, out) => {
    const micros = read(i) * factor;
    const seconds = Math.floor(micros / 1_000_000);
    const day = Math.floor(seconds / 86_400);
    if (!Number.isSafeInteger(micros) || day < FIRST_PLAIN_DAY || day > LAST_PLAIN_DAY) {
      out.ascii(pgYears(timestampText(BigInt(values[i]) * BigInt(factor), utc)));
      return;
    }
    const time = seconds - day * 86_400;
    out.ascii(days.get(day));
    out.byte(0x54); // T
    out.padded(Math.floor(time / 3600), 2);
    out.byte(0x3a); // :
    out.padded(Math.floor(time / 60) % 60, 2);
    out.byte(0x3a);
    out.padded(time % 60, 2);
    out.byte(0x2e); // .
    out.padded(micros - seconds * 1_000_000, 6);
    if (utc) out.byte(0x5a); // Z
  };
}

const TWO_32 = 2 ** 32;

/**
 * Reads 64-bit integers as numbers through 32-bit halves: reading a BigInt64Array makes a
 * bigint per value, which costs more than spelling it. NaN when beyond 2^53.
 */
function int64Reader(values: BigInt64Array): (i: number) => number {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  return (i) => {
    const high = words[2 * i + 1];
    const low = words[2 * i] >>> 0;
    const value = high * TWO_32 + low;
    return Number.isSafeInteger(value) ? value : NaN;
  };
}

function floatText(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** How each column of `batch` is spelled in COPY's text format (null as `\N`). */
export function copyCells(batch: arrow.RecordBatch): CopyCell[] {
  return batch.schema.fields.map((field, c) => copyCell(field, batch.data.children[c]));
}

function copyCell(field: arrow.Field, data: arrow.Data): CopyCell {
  const type = data.type as arrow.DataType;
  const values = data.values as ArrayLike<number | bigint>;
  const vector = arrow.makeVector(data);
  const spell = ((): CopyCell => {
    switch (type.typeId) {
      case arrow.Type.Int:
        if ((type as arrow.Int).bitWidth < 64) return (i, out) => out.integer(values[i] as number);
        {
          const read = int64Reader(data.values as BigInt64Array);
          return (i, out) => {
            const value = read(i);
            if (value === value) out.integer(value);
            else out.ascii(String(values[i])); // beyond 2^53: exact through bigint
          };
        }
      case arrow.Type.Float:
        return (i, out) => out.ascii(floatText(values[i] as number));
      case arrow.Type.Bool:
        return (i, out) => out.byte(vector.get(i) ? 0x74 : 0x66); // t, f
      case arrow.Type.Date: {
        const days = new DayNames();
        return (i, out) => out.ascii(days.get(values[i] as number));
      }
      case arrow.Type.Timestamp: {
        const ts = type as arrow.Timestamp;
        return timestampCell(data.values as BigInt64Array, ts.unit, Boolean(ts.timezone));
      }
      case arrow.Type.Decimal: {
        const scale = (type as arrow.Decimal).scale;
        return (i, out) => out.ascii(decimalText(decimalAt(data, i), scale));
      }
      case arrow.Type.Utf8: {
        const offsets = data.valueOffsets as Int32Array;
        const bytes = data.values as Uint8Array;
        return (i, out) => out.utf8(bytes, offsets[i], offsets[i + 1]);
      }
      case arrow.Type.LargeUtf8:
        return (i, out) => out.text(vector.get(i) as string);
      case arrow.Type.Binary:
      case arrow.Type.LargeBinary:
        return (i, out) => {
          // bytea's hex input `\x..`, its backslash escaped for COPY.
          out.ascii("\\\\x");
          for (const byte of vector.get(i) as Uint8Array) out.ascii(HEX[byte]);
        };
    }
    pgType(field); // throws, naming the column
    throw new Error("unreachable");
  })();
  if (data.nullCount === 0) return spell;
  return (i, out) => data.getValid(i) ? spell(i, out) : out.ascii(NULL_TEXT);
}

/** Rows `start..end` of a batch as COPY text lines into `out`, each ending with a newline. */
export function copyRows(
  cells: readonly CopyCell[],
  start: number,
  end: number,
  out: CopyBuffer,
): void {
  for (let row = start; row < end; row++) {
    for (let c = 0; c < cells.length; c++) {
      if (c > 0) out.byte(TAB);
      cells[c](row, out);
    }
    out.byte(NEWLINE);
  }
}

// ---------------------------------------------------------------------------------------
// Reading: each column selected as text in a form that converts exactly.

/**
 * The SQL that selects a column as text that {@link TextColumn} converts exactly: dates as
 * days and timestamps as microseconds since the epoch, bytea as hex, the rest as PostgreSQL
 * prints it.
 */
export function selectExpression(name: string, type: arrow.DataType): string {
  const column = quoteIdent(name);
  switch (type.typeId) {
    case arrow.Type.Date:
      return `(${column} - DATE '1970-01-01')::text`;
    case arrow.Type.Timestamp:
      return `(EXTRACT(EPOCH FROM ${column}) * 1000000)::bigint::text`;
    case arrow.Type.Binary:
      return `encode(${column}, 'hex')`;
    default:
      return `${column}::text`;
  }
}

/** Accumulates up to `capacity` values of one column, read as text, into Arrow data. */
export class TextColumn {
  readonly #type: arrow.DataType;
  readonly #name: string;
  #length = 0;
  #nullCount = 0;
  readonly #validity: Uint8Array;
  readonly #fixed?: Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
  readonly #bigints?: BigInt64Array;
  readonly #bits?: Uint8Array;
  readonly #words?: Uint32Array;
  readonly #offsets?: Int32Array;
  #bytes = new Uint8Array(0);
  #byteLength = 0;

  constructor(name: string, type: arrow.DataType, capacity: number) {
    this.#name = name;
    this.#type = type;
    this.#validity = new Uint8Array((capacity + 7) >> 3);
    switch (type.typeId) {
      case arrow.Type.Int: {
        const width = (type as arrow.Int).bitWidth;
        if (width === 64) this.#bigints = new BigInt64Array(capacity);
        else {
          this.#fixed = width === 8
            ? new Int8Array(capacity)
            : width === 16
            ? new Int16Array(capacity)
            : new Int32Array(capacity);
        }
        break;
      }
      case arrow.Type.Float:
        this.#fixed = (type as arrow.Float).precision === arrow.Precision.SINGLE
          ? new Float32Array(capacity)
          : new Float64Array(capacity);
        break;
      case arrow.Type.Date:
        this.#fixed = new Int32Array(capacity);
        break;
      case arrow.Type.Timestamp:
        this.#bigints = new BigInt64Array(capacity);
        break;
      case arrow.Type.Bool:
        this.#bits = new Uint8Array((capacity + 7) >> 3);
        break;
      case arrow.Type.Decimal:
        this.#words = new Uint32Array(capacity * 4);
        break;
      default:
        this.#offsets = new Int32Array(capacity + 1);
        this.#bytes = new Uint8Array(Math.max(64, capacity * 16));
    }
  }

  /** Appends one value as PostgreSQL spelled it (see {@link selectExpression}); null for null. */
  push(text: string | null): void {
    const i = this.#length++;
    if (text === null) {
      this.#nullCount++;
      if (this.#offsets) this.#offsets[i + 1] = this.#byteLength;
      return;
    }
    this.#validity[i >> 3] |= 1 << (i & 7);
    const type = this.#type;
    switch (type.typeId) {
      case arrow.Type.Int:
      case arrow.Type.Timestamp:
        if (this.#bigints) this.#bigints[i] = BigInt(text);
        else this.#fixed![i] = Number(text);
        return;
      case arrow.Type.Float:
      case arrow.Type.Date:
        this.#fixed![i] = Number(text);
        return;
      case arrow.Type.Bool:
        if (text === "t" || text === "true") this.#bits![i >> 3] |= 1 << (i & 7);
        return;
      case arrow.Type.Decimal: {
        const bits = BigInt.asUintN(128, this.#unscaled(text, (type as arrow.Decimal).scale));
        for (let w = 0; w < 4; w++) {
          this.#words![i * 4 + w] = Number((bits >> BigInt(32 * w)) & 0xffffffffn);
        }
        return;
      }
      case arrow.Type.Binary:
        this.#append(i, hexBytes(text));
        return;
      default:
        this.#appendText(i, text);
    }
  }

  #unscaled(text: string, scale: number): bigint {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (!m || (m[3] ?? "").length > scale) {
      throw new Error(`Column "${this.#name}": ${JSON.stringify(text)} is not a ${this.#type}`);
    }
    const unscaled = BigInt(m[2] + (m[3] ?? "").padEnd(scale, "0"));
    return m[1] ? -unscaled : unscaled;
  }

  #reserve(bytes: number): void {
    const need = this.#byteLength + bytes;
    if (need <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(need, this.#bytes.length * 2));
    grown.set(this.#bytes.subarray(0, this.#byteLength));
    this.#bytes = grown;
  }

  #appendText(i: number, text: string): void {
    this.#reserve(text.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    const { written } = encoder.encodeInto(text, this.#bytes.subarray(this.#byteLength));
    this.#byteLength += written;
    this.#offsets![i + 1] = this.#byteLength;
  }

  #append(i: number, bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.#byteLength);
    this.#byteLength += bytes.length;
    this.#offsets![i + 1] = this.#byteLength;
  }

  /** The finished column; the accumulator must not be used afterwards. */
  finish(): arrow.Data {
    const length = this.#length;
    const nullBitmap = this.#nullCount ? this.#validity.subarray(0, (length + 7) >> 3) : undefined;
    const common = { length, nullCount: this.#nullCount, nullBitmap };
    // deno-lint-ignore no-explicit-any -- makeData's overloads are keyed by the static type
    const type = this.#type as any;
    if (this.#offsets) {
      return arrow.makeData({
        ...common,
        type,
        valueOffsets: this.#offsets.subarray(0, length + 1),
        data: this.#bytes.subarray(0, this.#byteLength),
      });
    }
    const data = this.#bits?.subarray(0, (length + 7) >> 3) ??
      this.#words?.subarray(0, length * 4) ??
      this.#bigints?.subarray(0, length) ??
      this.#fixed!.subarray(0, length);
    return arrow.makeData({ ...common, type, data });
  }
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
