/**
 * Rows spelled in COPY's text format, byte by byte into a reusable buffer, and sent with
 * `COPY ... FROM STDIN`.
 *
 * @module
 */
import { encoder, pgType, quoteIdent } from "./types.ts";
import type { Connection } from "./connection.ts";
import * as arrow from "apache-arrow";
import { decimalAt, decimalText } from "../../../lib/arrow/cells.ts";
import { DAY_MS, MICROS_PER_TICK, SECONDS_PER_DAY } from "../../../lib/arrow/time.ts";
import { dateText, timestampText } from "../../../lib/output/cell_text.ts";

// @ts-types="@types/pg-copy-streams"
import { from as copyFrom } from "pg-copy-streams";

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

export const BACKSLASH = 0x5c;
export const TAB = 0x09;
export const NEWLINE = 0x0a;
export const CR = 0x0d;
/** What follows a backslash for each byte COPY's text format escapes. */
export const ESCAPED: Record<number, number> = {
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
export const NULL_TEXT = "\\N";
/** Days since 1970 of 0001-01-01 and 9999-12-31: years that need no special spelling. */
export const FIRST_PLAIN_DAY = -719_162;
export const LAST_PLAIN_DAY = 2_932_896;

/**
 * ISO 8601 text with the years PostgreSQL spells differently: beyond 9999 without the `+`
 * and zero padding, and year 0 and before as `BC` years (ISO year 0 is 1 BC).
 */
export function pgYears(iso: string): string {
  const first = iso[0];
  if (first !== "+" && first !== "-" && !iso.startsWith("0000")) return iso;
  const dash = iso.indexOf("-", 1);
  const year = Number(iso.slice(0, dash));
  const rest = iso.slice(dash);
  return year > 0 ? `${year}${rest}` : `${String(1 - year).padStart(4, "0")}${rest} BC`;
}

/** `YYYY-MM-DD` of each day seen, since one batch's dates and times fall on few days. */
export class DayNames {
  readonly #names = new Map<number, string>();

  get(day: number): string {
    let name = this.#names.get(day);
    if (name === undefined) this.#names.set(day, name = pgYears(dateText(day * DAY_MS)));
    return name;
  }
}

/** A timestamp cell: plain-year instants spelled fast, the rest through {@link pgYears}. */
export function timestampCell(values: BigInt64Array, unit: arrow.TimeUnit, utc: boolean): CopyCell {
  const factor = MICROS_PER_TICK[unit]!; // PostgreSQL refuses nanoseconds (pgType)
  const days = new DayNames();
  const read = int64Reader(values);
  return (i, out) => {
    const micros = read(i) * factor;
    const seconds = Math.floor(micros / 1_000_000);
    const day = Math.floor(seconds / SECONDS_PER_DAY);
    if (!Number.isSafeInteger(micros) || day < FIRST_PLAIN_DAY || day > LAST_PLAIN_DAY) {
      out.ascii(pgYears(timestampText(BigInt(values[i]) * BigInt(factor), utc)));
      return;
    }
    const time = seconds - day * SECONDS_PER_DAY;
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

export const TWO_32 = 2 ** 32;

/**
 * Reads 64-bit integers as numbers through 32-bit halves: reading a BigInt64Array makes a
 * bigint per value, which costs more than spelling it. NaN when beyond 2^53.
 */
export function int64Reader(values: BigInt64Array): (i: number) => number {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  return (i) => {
    const high = words[2 * i + 1];
    const low = words[2 * i] >>> 0;
    const value = high * TWO_32 + low;
    return Number.isSafeInteger(value) ? value : NaN;
  };
}

export function floatText(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

export const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** How each column of `batch` is spelled in COPY's text format (null as `\N`). */
export function copyCells(batch: arrow.RecordBatch): CopyCell[] {
  return batch.schema.fields.map((field, c) => copyCell(field, batch.data.children[c]));
}

export function copyCell(field: arrow.Field, data: arrow.Data): CopyCell {
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

/** Copies batches into `target` with one COPY; returns the bytes sent. */
export async function copyInto(
  db: Connection,
  target: string,
  schema: arrow.Schema,
  batches: readonly arrow.RecordBatch[],
): Promise<number> {
  const columns = schema.fields.map((f) => quoteIdent(f.name)).join(", ");
  const stream = db.raw.query(copyFrom(`COPY ${target} (${columns}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on("finish", resolve);
    stream.on("error", reject);
  });
  done.catch(() => {}); // awaited below; a failure while writing is reported first
  let bytes = 0;
  const buffer = new CopyBuffer();
  try {
    for (const batch of batches) {
      const cells = copyCells(batch);
      for (let start = 0; start < batch.numRows; start += COPY_CHUNK_ROWS) {
        const end = Math.min(batch.numRows, start + COPY_CHUNK_ROWS);
        try {
          copyRows(cells, start, end, buffer);
        } catch (error) {
          if (error instanceof CopyValueError) {
            throw new Error(`${error.message} (a row among ${start + 1}..${end} of a batch)`, {
              cause: error,
            });
          }
          throw error;
        }
        const chunk = buffer.take();
        bytes += chunk.length;
        if (!stream.write(chunk)) {
          await Promise.race([new Promise((resolve) => stream.once("drain", resolve)), done]);
        }
      }
    }
    stream.end();
  } catch (error) {
    stream.destroy(error as Error); // sends CopyFail: the server drops the COPY
    throw error;
  }
  await done;
  return bytes;
}

/** Rows spelled into one chunk of COPY data. */
export const COPY_CHUNK_ROWS = 4_096;
