/**
 * The values of a data page of the direct writer (direct_file.ts): definition levels, PLAIN
 * values, and the integers a DELTA_BINARY_PACKED page is made of.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import { isValid } from "../arrow/cells.ts";
import type { Bytes } from "./bytes.ts";
import { type ColumnKind, PHYSICAL } from "./column_kinds.ts";
import { DELTA_SAFE } from "./delta_binary_packed.ts";

/** Rows per data page of a larger file: arrow-rs' default limit. */
export const PAGE_ROWS = 20_000;

// Arrow JS slices a column's value and offset buffers to the slice, but not its validity
// bitmap (isValid reads it at `data.offset`) nor a boolean column's values, which
// `data.offset` indexes too (bits of a byte).

/**
 * Definition levels, RLE/bit-packed hybrid of bit width 1, behind their 4-byte length: one
 * RLE run when nothing is null, else one bit-packed run.
 */
export function writeLevels(page: Bytes, datas: arrow.Data[], rows: number): void {
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
export function writeValues(page: Bytes, datas: arrow.Data[], kind: ColumnKind): void {
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

/** The valid values of a page of an integer column, as doubles, reused page after page. */
export let gathered = new Float64Array(PAGE_ROWS);

/** High words of the INT64 values delta encoded here: within +-2^51. */
const SAFE_HIGH = DELTA_SAFE / 2 ** 32;

/** The least and greatest of the values gathered so far. */
export interface Bounds {
  min: number;
  max: number;
}

/**
 * Gathers a page's valid integers into {@link gathered}, widening `bounds`; their count, or
 * -1 when an INT64 is beyond +-2^51. One loop per kind of array rather than one loop that asks
 * per value: each stays monomorphic, and this is most of a large file's encoding time.
 */
export function gatherIntegers(datas: arrow.Data[], bounds: Bounds): number {
  let rows = 0;
  for (const data of datas) rows += data.length;
  if (gathered.length < rows) gathered = new Float64Array(rows);
  let n = 0;
  for (const data of datas) {
    n = data.values instanceof BigInt64Array
      ? gatherInt64(data, gathered, n, bounds)
      : gatherInt32(data, gathered, n, bounds);
    if (n < 0) return -1;
  }
  return n;
}

/** An INT64 piece's valid values from `n` on, read as pairs of 32-bit words (no BigInts). */
function gatherInt64(
  data: arrow.Data,
  out: Float64Array,
  n: number,
  bounds: Bounds,
): number {
  const values = data.values as BigInt64Array;
  const length = data.length;
  const words = new Int32Array(values.buffer, values.byteOffset, length * 2);
  const nulls = data.nullCount > 0;
  let min = bounds.min;
  let max = bounds.max;
  for (let i = 0; i < length; i++) {
    if (nulls && !isValid(data, i)) continue;
    const high = words[2 * i + 1];
    if (high >= SAFE_HIGH || high < -SAFE_HIGH) return -1;
    const v = high * 4294967296 + (words[2 * i] >>> 0);
    out[n++] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  bounds.min = min;
  bounds.max = max;
  return n;
}

/** An INT32 piece's (or Int8, Int16) valid values from `n` on. */
function gatherInt32(
  data: arrow.Data,
  out: Float64Array,
  n: number,
  bounds: Bounds,
): number {
  const values = data.values as Int32Array | Int16Array | Int8Array;
  const length = data.length;
  const nulls = data.nullCount > 0;
  let min = bounds.min;
  let max = bounds.max;
  for (let i = 0; i < length; i++) {
    if (nulls && !isValid(data, i)) continue;
    const v = values[i];
    out[n++] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  bounds.min = min;
  bounds.max = max;
  return n;
}
