/**
 * Rows as JSON objects written straight into bytes, spelled exactly as our JSON lines spell
 * them (cell_text.ts's `jsonObjects`): integers as digits without a string or a `bigint` of
 * their own, text that needs no escaping copied byte for byte from the Arrow column, and
 * everything else through the same spellers as the JSON lines. The JSON lines sink writes
 * its files with it, and the Kafka sink its JSON values and keys.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { type ColumnCells, columnCells, floatJson, jsonSpeller } from "./cell_text.ts";
import { ByteOut, integerWriter } from "./byte_out.ts";

/** Writes one row's bytes (a value or a key) at the end of `out`. */
export type RowWriter = (out: ByteOut, row: number) => void;

const encoder = new TextEncoder();
const NULL = encoder.encode("null");

/** A writer of each row of a batch as a JSON object, its columns in schema order. */
export function jsonObjectWriter(batch: arrow.RecordBatch): RowWriter {
  const columns = columnCells(batch);
  const writers = columns.map((column, i) =>
    jsonCellWriter(batch.data.children[i] as arrow.Data, column)
  );
  // Objects are spelled by hand: keys keep their order, and a column named "__proto__" stays a key.
  const keys = columns.map((column, i) =>
    encoder.encode((i === 0 ? "{" : ",") + JSON.stringify(column.name) + ":")
  );
  return (out, row) => {
    for (let i = 0; i < writers.length; i++) {
      out.copy(keys[i]);
      writers[i](out, row);
    }
    if (writers.length === 0) out.byte(0x7b); // "{"
    out.byte(0x7d); // "}"
  };
}

/**
 * The rows of a batch as JSON lines: the bytes of `new TextEncoder().encode(jsonlLines(batch))`
 * (cell_text.ts), one object per row, each line ending with a newline.
 */
export function jsonlBytes(batch: arrow.RecordBatch): Uint8Array {
  const write = jsonObjectWriter(batch);
  const out = new ByteOut(Math.max(1024, batch.numRows * 32 * Math.max(1, batch.numCols)));
  for (let row = 0; row < batch.numRows; row++) {
    write(out, row);
    out.byte(0x0a);
  }
  return out.bytes.subarray(0, out.length);
}

/** A writer of one column's cells as JSON values, `null` for a null. */
function jsonCellWriter(data: arrow.Data, column: ColumnCells): RowWriter {
  const spell = jsonSpeller(column);
  const generic: RowWriter = (out, row) => out.text(spell(column.cell(row)));
  const fast = fastCellWriter(data, generic);
  if (!fast) return generic;
  if (data.nullCount === 0) return fast;
  return (out, row) => data.getValid(row) ? fast(out, row) : out.copy(NULL);
}

/** Writers of the common types that need no string per cell; `generic` for their rare cases. */
function fastCellWriter(data: arrow.Data, generic: RowWriter): RowWriter | undefined {
  const type = data.type as arrow.DataType;
  // Beyond 2^53 cellJson quotes it: the generic speller does.
  if (arrow.DataType.isInt(type)) return integerWriter(data, generic);
  if (arrow.DataType.isFloat(type) && type.precision === arrow.Precision.DOUBLE) {
    const values = data.values as Float64Array;
    return (out, row) => out.ascii(floatJson(values[row]));
  }
  if (arrow.DataType.isUtf8(type)) return utf8Writer(data, generic);
  return undefined;
}

/**
 * Text as a JSON string: the column's own UTF-8 bytes between quotes when they hold nothing
 * JSON escapes (a quote, a backslash, a control character; JSON.stringify leaves every other
 * character as it is), which is nearly all generated text.
 */
export function utf8Writer(data: arrow.Data, generic: RowWriter): RowWriter {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const clean = plainRun(bytes, offsets[0], offsets[data.length]);
  return (out, row) => {
    const from = offsets[row], to = offsets[row + 1];
    if (!clean && !plainRun(bytes, from, to)) {
      generic(out, row);
      return;
    }
    out.byte(0x22);
    out.copy(bytes, from, to);
    out.byte(0x22);
  };
}

/** Whether bytes `from .. to` hold no quote, backslash or control character. */
function plainRun(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (b < 0x20 || b === 0x22 || b === 0x5c) return false;
  }
  return true;
}
