/**
 * The column chunk statistics the direct writer (direct_file.ts) writes, as arrow-rs gives
 * them: null counts and bounds as PLAIN bytes; none for floats (see `encodingPlan`), none for
 * a text bound of over 64 bytes (arrow-rs would truncate it).
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import { isValid } from "../arrow/cells.ts";
import { type ColumnKind, PHYSICAL } from "./column_kinds.ts";
import type { Bounds } from "./page_values.ts";

/** Bounds longer than this are left out of a column's statistics (a text's). */
const MAX_BOUND_BYTES = 64;

/** A column chunk's statistics: its nulls, and its least and greatest values' PLAIN bytes. */
export interface Statistics {
  nulls: number;
  min?: Uint8Array;
  max?: Uint8Array;
}

/**
 * The statistics arrow-rs writes of a column (floats have none: see `encodingPlan`); of an
 * integer column, from the `gathered` bounds of its values when they were gathered already.
 */
export function statisticsOf(
  datas: arrow.Data[],
  kind: ColumnKind,
  gathered?: Bounds,
): Statistics | undefined {
  if (kind.physical === PHYSICAL.FLOAT || kind.physical === PHYSICAL.DOUBLE) return undefined;
  let nulls = 0;
  for (const data of datas) nulls += data.nullCount;
  const bounds = gathered
    ? integerBounds(gathered, kind.physical === PHYSICAL.INT64)
    : kind.physical === PHYSICAL.BYTE_ARRAY
    ? byteBounds(datas)
    : kind.physical === PHYSICAL.BOOLEAN
    ? booleanBounds(datas)
    : numberBounds(datas, kind.physical === PHYSICAL.INT64);
  return { nulls, ...bounds };
}

function numberBounds(datas: arrow.Data[], wide: boolean): Omit<Statistics, "nulls"> {
  let min: number | bigint | undefined;
  let max: number | bigint | undefined;
  for (const data of datas) {
    const values = data.values as Int32Array | BigInt64Array;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const v = values[i];
      if (min === undefined || v < min) min = v;
      if (max === undefined || v > max) max = v;
    }
  }
  if (min === undefined || max === undefined) return {};
  return { min: plainInteger(min, wide), max: plainInteger(max, wide) };
}

/** An integer bound's PLAIN bytes: INT64 (`wide`) or INT32, little-endian. */
function plainInteger(v: number | bigint, wide: boolean): Uint8Array {
  const bytes = new Uint8Array(wide ? 8 : 4);
  const view = new DataView(bytes.buffer);
  if (wide) view.setBigInt64(0, BigInt(v), true);
  else view.setInt32(0, Number(v), true);
  return bytes;
}

function booleanBounds(datas: arrow.Data[]): Omit<Statistics, "nulls"> {
  let seen = 0; // bit 1: a false, bit 2: a true
  for (const data of datas) {
    const values = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const at = data.offset + i;
      seen |= (values[at >> 3] >> (at & 7)) & 1 ? 2 : 1;
    }
  }
  if (seen === 0) return {};
  return { min: Uint8Array.of(seen & 1 ? 0 : 1), max: Uint8Array.of(seen & 2 ? 1 : 0) };
}

/** Byte arrays in unsigned lexicographic order, as Parquet orders strings and binaries. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function byteBounds(datas: arrow.Data[]): Omit<Statistics, "nulls"> {
  let min: Uint8Array | undefined;
  let max: Uint8Array | undefined;
  for (const data of datas) {
    const offsets = data.valueOffsets as Int32Array;
    const values = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) continue;
      const v = values.subarray(offsets[i], offsets[i + 1]);
      if (min === undefined || compareBytes(v, min) < 0) min = v;
      if (max === undefined || compareBytes(v, max) > 0) max = v;
    }
  }
  if (!min || !max || min.length > MAX_BOUND_BYTES || max.length > MAX_BOUND_BYTES) return {};
  return { min: min.slice(), max: max.slice() };
}

/** Bounds gathered as numbers, as PLAIN bytes; none when no value was gathered. */
function integerBounds(bounds: Bounds, wide: boolean): Omit<Statistics, "nulls"> {
  if (bounds.min > bounds.max) return {};
  return { min: plainInteger(bounds.min, wide), max: plainInteger(bounds.max, wide) };
}
