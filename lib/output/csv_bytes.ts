/**
 * A batch's rows as CSV bytes, spelled exactly as {@link csvLines} spells them, but written
 * straight into one buffer: text columns copy their UTF-8 bytes from the Arrow column (quoted
 * when they hold a comma, quote, CR or LF) and integers are written as digits, so the text of
 * a batch is never decoded into strings, joined and encoded again. That round trip made most
 * of the garbage of a faker-heavy `generate --format csv`.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { ByteOut, integerWriter } from "./byte_out.ts";
import { cellsOf, csvSpeller } from "./cell_text.ts";

/** Writes one cell of a row (nothing for a null) at the end of `out`. */
type CellWriter = (out: ByteOut, row: number) => void;

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The rows of a batch as CSV lines (no header), each ending with a newline: the bytes of
 * `new TextEncoder().encode(csvLines(batch))`.
 */
export function csvBytes(batch: arrow.RecordBatch): Uint8Array {
  const writers = batch.schema.fields.map((_, i) => cellWriter(batch, i));
  const out = new ByteOut(Math.max(1024, batch.numRows * 16 * Math.max(1, writers.length)));
  for (let row = 0; row < batch.numRows; row++) {
    for (let c = 0; c < writers.length; c++) {
      if (c > 0) out.byte(COMMA);
      writers[c](out, row);
    }
    out.byte(LF);
  }
  return out.bytes.subarray(0, out.length);
}

/** How column `index` of the batch is written: by hand where that is simple, else spelled. */
function cellWriter(batch: arrow.RecordBatch, index: number): CellWriter {
  const data = batch.data.children[index];
  const type = data.type as arrow.DataType;
  const valid = data.nullCount > 0 ? (row: number) => data.getValid(row) : undefined;
  const direct = directWriter(data, type);
  if (direct) {
    if (!valid) return direct;
    return (out, row) => {
      if (valid(row)) direct(out, row);
    };
  }
  // Everything else through the same speller as csvLines: those cells are short.
  const column = cellsOf(batch.schema.fields[index].name, data);
  const spell = csvSpeller(column);
  // Numbers, booleans, dates and times are spelled in ASCII; other types' text may not be.
  const ascii = column.kind !== "string";
  return (out, row) => {
    const text = spell(column.cell(row));
    if (ascii) out.ascii(text);
    else out.text(text);
  };
}

/** A writer for text and integer columns, which need no string per cell; else undefined. */
function directWriter(data: arrow.Data, type: arrow.DataType): CellWriter | undefined {
  if (arrow.DataType.isUtf8(type)) return textWriter(data);
  if (!arrow.DataType.isInt(type)) return undefined;
  const values = data.values as BigInt64Array;
  return integerWriter(data, (out, row) => out.ascii(String(values[row])));
}

/** Copies a UTF-8 column's bytes, quoting the values that need it as RFC 4180 asks. */
function textWriter(data: arrow.Data): CellWriter {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  return (out, row) => {
    const start = offsets[row];
    const end = offsets[row + 1];
    for (let i = start; i < end; i++) {
      const b = bytes[i];
      // Bytes of multi-byte characters are all >= 0x80: only ASCII can need quotes.
      if (b === COMMA || b === QUOTE || b === CR || b === LF) {
        quoted(out, bytes, start, end);
        return;
      }
    }
    out.copy(bytes, start, end);
  };
}

/** A field between quotes, its own quotes doubled. */
function quoted(out: ByteOut, bytes: Uint8Array, start: number, end: number): void {
  out.reserve(2 * (end - start) + 2);
  const target = out.bytes;
  let at = out.length;
  target[at++] = QUOTE;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b === QUOTE) target[at++] = QUOTE;
    target[at++] = b;
  }
  target[at++] = QUOTE;
  out.length = at;
}
