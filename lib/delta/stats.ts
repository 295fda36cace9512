/**
 * Per-file statistics for `add.stats` (PROTOCOL.md, "Per-file Statistics"): numRecords and,
 * per data column, minValues, maxValues and nullCount, so engines can skip files.
 *
 * Bounds are always safe for skipping: a float column with NaN or an infinity in the file gets
 * none (Spark orders NaN above every number); int64 and decimal bounds are written exactly as
 * raw JSON numbers; long strings are cut to a prefix (the max padded up so it stays an upper
 * bound); timestamps are truncated to milliseconds, as the protocol says.
 *
 * @module
 */
import { dateMs, decimalAt, decimalText, isValid } from "../arrow/cells.ts";
import { tickConverter } from "../arrow/time.ts";
import * as arrow from "apache-arrow";

/** The statistics of one data file. */
export interface FileStats {
  numRecords: number;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
  nullCount: Record<string, unknown>;
}

/** `JSON.rawJSON` (V8 11.4+), which Deno's bundled TypeScript library does not declare yet. */
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** Characters of a string bound kept, as Spark's `delta.dataSkippingStringPrefixLength`. */
export const STRING_PREFIX_LENGTH = 32;
/** Appended to a cut string max so it stays an upper bound: the largest code point. */
const MAX_CODE_POINT = "\u{10FFFF}";

/**
 * The statistics of `table` (one data file's rows) as the JSON string `add.stats` holds.
 * Columns named in `skip` (partition columns) are left out.
 *
 * @example
 * ```ts
 * statsJson(arrow.tableFromArrays({ id: Int32Array.of(3, 1) }));
 * // '{"numRecords":2,"minValues":{"id":1},"maxValues":{"id":3},"nullCount":{"id":0}}'
 * ```
 */
export function statsJson(table: arrow.Table, skip: readonly string[] = []): string {
  return JSON.stringify(fileStats(table, skip), (_key, value) =>
    // Exact int64 and decimal bounds: raw JSON numbers, never rounded through a double.
    typeof value === "bigint" ? rawJSON(value.toString()) : value);
}

/** The statistics of `table` as an object (bounds of int64 columns are bigints). */
export function fileStats(table: arrow.Table, skip: readonly string[] = []): FileStats {
  const stats: FileStats = {
    numRecords: table.numRows,
    minValues: {},
    maxValues: {},
    nullCount: {},
  };
  for (const field of table.schema.fields) {
    if (skip.includes(field.name)) continue;
    const column = table.getChild(field.name)!;
    collect(field, column.data, stats.minValues, stats.maxValues, stats.nullCount);
  }
  return stats;
}

/** Adds one column's bounds and null count (nested for structs) to the three maps. */
function collect(
  field: arrow.Field,
  chunks: readonly arrow.Data[],
  min: Record<string, unknown>,
  max: Record<string, unknown>,
  nulls: Record<string, unknown>,
): void {
  const type = field.type;
  if (arrow.DataType.isStruct(type)) {
    const childMin: Record<string, unknown> = {};
    const childMax: Record<string, unknown> = {};
    const childNulls: Record<string, unknown> = {};
    type.children.forEach((child: arrow.Field, i: number) => {
      // A null struct row makes its fields null too: fold the parent's validity in.
      const data = chunks.map((d) => withParentNulls(d.children[i], d));
      collect(child, data, childMin, childMax, childNulls);
    });
    if (Object.keys(childMin).length) min[field.name] = childMin;
    if (Object.keys(childMax).length) max[field.name] = childMax;
    nulls[field.name] = childNulls;
    return;
  }
  nulls[field.name] = chunks.reduce((n, d) => n + d.nullCount, 0);
  // Lists and maps get a null count only, as Spark writes them.
  if (arrow.DataType.isList(type) || arrow.DataType.isMap(type)) return;
  const bounds = columnBounds(type, chunks);
  if (bounds) {
    min[field.name] = bounds.min;
    max[field.name] = bounds.max;
  }
}

/**
 * A child's data with its parent struct's null rows counted as nulls. (Slicing a struct in
 * Arrow JS slices its children too, so row i of both is the same row.)
 */
function withParentNulls(child: arrow.Data, parent: arrow.Data): arrow.Data {
  if (parent.nullCount === 0) return child;
  const bitmap = new Uint8Array(Math.ceil((child.offset + child.length) / 8));
  let nullCount = 0;
  for (let i = 0; i < child.length; i++) {
    const bit = child.offset + i;
    if (isValid(parent, i) && isValid(child, i)) bitmap[bit >> 3] |= 1 << (bit & 7);
    else nullCount++;
  }
  return new arrow.Data(
    child.type,
    child.offset,
    child.length,
    nullCount,
    [child.valueOffsets, child.values, bitmap, child.typeIds],
    child.children,
  );
}

/** The JSON min and max of a primitive column, or undefined when it has none to state. */
function columnBounds(
  type: arrow.DataType,
  chunks: readonly arrow.Data[],
): { min: unknown; max: unknown } | undefined {
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) {
    return stringBounds(chunks);
  }
  if (arrow.DataType.isDecimal(type)) {
    const b = numericBounds(chunks, (d, i) => decimalAt(d, i));
    return b && { min: decimalJson(b.min, type.scale), max: decimalJson(b.max, type.scale) };
  }
  if (arrow.DataType.isDate(type)) {
    const b = numericBounds(chunks, (d, i) => dateMs(d, i));
    return b && { min: isoDate(b.min), max: isoDate(b.max) };
  }
  if (arrow.DataType.isTimestamp(type)) {
    const b = int64Bounds(chunks) ?? numericBounds(chunks, (d, i) => BigInt(d.values[i]));
    if (!b) return undefined;
    // Truncated down to milliseconds, as the protocol says (readers widen the max by 1 ms).
    const ms = tickConverter(type.unit, arrow.TimeUnit.MILLISECOND);
    const local = !type.timezone; // timestamp_ntz: a wall-clock time, without the "Z" (as Spark)
    return { min: isoTimestamp(ms(b.min), local), max: isoTimestamp(ms(b.max), local) };
  }
  if (arrow.DataType.isInt(type)) {
    const b = type.bitWidth === 64
      ? int64Bounds(chunks) ?? numericBounds(chunks, (d, i) => d.values[i] as bigint)
      : typedBounds(chunks) ?? numericBounds(chunks, (d, i) => d.values[i] as number);
    return b && { min: b.min, max: b.max };
  }
  if (arrow.DataType.isFloat(type)) {
    const b = (type.precision !== arrow.Precision.HALF ? typedBounds(chunks) : undefined) ??
      numericBounds(chunks, (d, i) => Number(d.values[i]));
    // Infinities have no JSON form, so no bound is stated. Nor is one with NaN in the file:
    // Spark orders NaN above every number (`x > 100` holds for it), so a max that leaves NaN
    // out would let Spark skip a file whose NaN rows match.
    if (!b || b.nan || !Number.isFinite(b.min) || !Number.isFinite(b.max)) return undefined;
    return { min: b.min, max: b.max };
  }
  return undefined; // Booleans, binary: null counts only, as Spark writes them.
}

/**
 * The smallest and largest non-null, non-NaN value read by `at`, if any, and whether NaN was
 * seen.
 */
function numericBounds<T extends number | bigint>(
  chunks: readonly arrow.Data[],
  at: (data: arrow.Data, index: number) => T,
): { min: T; max: T; nan: boolean } | undefined {
  let min: T | undefined;
  let max: T | undefined;
  let nan = false;
  for (const data of chunks) {
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const v = at(data, i);
      if (v !== v) {
        nan = true;
        continue;
      }
      if (min === undefined || v < min) min = v;
      if (max === undefined || v > max) max = v;
    }
  }
  return min === undefined ? undefined : { min, max: max!, nan };
}

/**
 * Bounds of number-valued typed arrays without nulls, in one tight loop per chunk (the
 * common case, and a hot one: every data file). Undefined when a chunk has nulls, so the
 * general path decides.
 */
function typedBounds(
  chunks: readonly arrow.Data[],
): { min: number; max: number; nan: boolean } | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let seen = false;
  let nan = false;
  for (const data of chunks) {
    if (data.nullCount > 0) return undefined;
    const values = data.values as Float64Array;
    for (let i = 0; i < data.length; i++) {
      const v = values[i];
      if (v !== v) {
        nan = true;
        continue;
      }
      seen = true;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return seen ? { min, max, nan } : undefined;
}

/**
 * Bounds of int64 chunks without nulls whose values are all safe integers, read as pairs
 * of 32-bit words (a BigInt per value is what makes the general path slow); undefined
 * otherwise, so the exact BigInt path decides. Values are compared by their high word
 * (signed) and then their low word (unsigned) as integers: no double is made per value.
 */
function int64Bounds(chunks: readonly arrow.Data[]): { min: bigint; max: bigint } | undefined {
  let minHi = 0x7fffffff, minLo = 0xffffffff;
  let maxHi = -0x80000000, maxLo = 0;
  let seen = false;
  for (const data of chunks) {
    if (data.nullCount > 0) return undefined;
    if (data.length === 0) continue;
    seen = true;
    const values = data.values as BigInt64Array;
    const words = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
    for (let i = 0; i < words.length; i += 2) {
      const hi = words[i + 1];
      if (hi < minHi || (hi === minHi && (words[i] >>> 0) < minLo)) {
        minHi = hi;
        minLo = words[i] >>> 0;
      }
      if (hi > maxHi || (hi === maxHi && (words[i] >>> 0) > maxLo)) {
        maxHi = hi;
        maxLo = words[i] >>> 0;
      }
    }
  }
  // Beyond +-2^52 a double could round two values together: the exact path decides.
  if (!seen || minHi < -0x100000 || maxHi >= 0x100000) return undefined;
  return { min: BigInt(minHi * 4294967296 + minLo), max: BigInt(maxHi * 4294967296 + maxLo) };
}

/** String bounds compared as UTF-8 bytes (code point order), as Spark and delta-rs do. */
function stringBounds(chunks: readonly arrow.Data[]): { min: string; max: string } | undefined {
  // The bounds found so far as (bytes, start, end) ranges: compared in place, no copies.
  let min: { bytes: Uint8Array; start: number; end: number } | undefined;
  let max: { bytes: Uint8Array; start: number; end: number } | undefined;
  for (const data of chunks) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const start = offsets[i], end = offsets[i + 1];
      if (min === undefined || compareBytes(bytes, start, end, min.bytes, min.start, min.end) < 0) {
        min = { bytes, start, end };
      }
      if (max === undefined || compareBytes(bytes, start, end, max.bytes, max.start, max.end) > 0) {
        max = { bytes, start, end };
      }
    }
  }
  if (min === undefined || max === undefined) return undefined;
  const decoder = new TextDecoder();
  return {
    min: prefixMin(decoder.decode(min.bytes.subarray(min.start, min.end))),
    max: prefixMax(decoder.decode(max.bytes.subarray(max.start, max.end))),
  };
}

/** Compares byte ranges `a[as..ae)` and `b[bs..be)` as unsigned bytes. */
function compareBytes(
  a: Uint8Array,
  as: number,
  ae: number,
  b: Uint8Array,
  bs: number,
  be: number,
): number {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = a[as + i] - b[bs + i];
    if (d !== 0) return d;
  }
  return (ae - as) - (be - bs);
}

/** A prefix is never greater than the string: still a lower bound. */
function prefixMin(value: string): string {
  const points = Array.from(value);
  return points.length <= STRING_PREFIX_LENGTH
    ? value
    : points.slice(0, STRING_PREFIX_LENGTH).join("");
}

/** A prefix followed by the largest code point is greater than every string it starts. */
function prefixMax(value: string): string {
  const points = Array.from(value);
  return points.length <= STRING_PREFIX_LENGTH
    ? value
    : points.slice(0, STRING_PREFIX_LENGTH).join("") + MAX_CODE_POINT;
}

/** A decimal as a raw JSON number with its scale, e.g. -12.50 for (-1250, 2). */
function decimalJson(unscaled: bigint, scale: number): unknown {
  return rawJSON(decimalText(unscaled, scale));
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function isoTimestamp(ms: bigint, local: boolean): string {
  const text = new Date(Number(ms)).toISOString();
  return local ? text.slice(0, -1) : text;
}
