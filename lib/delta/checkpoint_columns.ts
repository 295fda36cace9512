/**
 * The checkpoint's Arrow columns, built straight into typed buffers (values, validity bitmaps,
 * offsets) by the schema's declared types. Arrow's generic `vectorFromArray` took three
 * quarters of a checkpoint's CPU: a builder object per nested field, a visitor call, a bitmap
 * write and a buffer check per value, and buffers grown step by step. A live run checkpoints
 * every table every few commits, so that was the largest cost of an idle stream.
 *
 * A checkpoint's rows come in runs of one action each (the adds, then the removes...), so a
 * column is built from the cells of its run alone, placed among rows that are null: the work
 * is that of the action's own cells, not of every row for every nested field.
 *
 * Only the types a checkpoint uses are built: strings, 32- and 64-bit integers, booleans,
 * structs, lists and string maps. A value is read as its field's type says, never guessed
 * from the value; one that does not fit fails naming the column.
 *
 * @module
 */
import { concatBytes } from "../parquet/wasm_stream.ts";
import * as arrow from "apache-arrow";

/** A cell of a checkpoint column: a JS value of the field's type, or null / undefined. */
export type Cell = unknown;

/** Where cells sit in their column: cell `i` is row `at + i` of `length`; the rest are null. */
export interface Placement {
  at: number;
  length: number;
}

/**
 * An Arrow column of `type` holding `cells` (null or undefined for a null cell) at `place`
 * (by default, the whole column). Integers may be numbers or bigints; a map is a plain object
 * (key -> string or null) or a `Map`; a list is an array; a struct is an object whose
 * missing fields are null. `name` names the column in errors.
 *
 * @example
 * ```ts
 * const data = columnData(new arrow.Int64(), [1, null, 3n], "add.size", { at: 2, length: 6 });
 * data.nullCount; // 4
 * ```
 */
export function columnData(
  type: arrow.DataType,
  cells: readonly Cell[],
  name: string,
  place: Placement = { at: 0, length: cells.length },
): arrow.Data {
  if (place.at < 0 || place.at + cells.length > place.length) {
    throw new RangeError(
      `Cannot place ${cells.length} cells at row ${place.at} of ${place.length}`,
    );
  }
  if (arrow.DataType.isUtf8(type)) return utf8Data(type, cells, name, place);
  if (arrow.DataType.isInt(type)) return intData(type, cells, name, place);
  if (arrow.DataType.isBool(type)) return boolData(type, cells, name, place);
  if (arrow.DataType.isStruct(type)) return structData(type, cells, name, place);
  if (arrow.DataType.isMap(type)) return mapData(type, cells, name, place);
  if (arrow.DataType.isList(type)) return listData(type, cells, name, place);
  throw new Error(`Cannot build checkpoint column "${name}": type ${type} is not supported`);
}

/** The validity bitmap of placed cells and the null count (no bitmap when none is null). */
function validity(
  cells: readonly Cell[],
  { at, length }: Placement,
): { nullBitmap?: Uint8Array; nullCount: number } {
  let valid = 0;
  for (let i = 0; i < cells.length; i++) if (cells[i] != null) valid++;
  if (valid === length) return { nullCount: 0 };
  const nullBitmap = new Uint8Array(bitmapBytes(length));
  for (let i = 0; i < cells.length; i++) {
    const row = at + i;
    if (cells[i] != null) nullBitmap[row >> 3] |= 1 << (row & 7);
  }
  return { nullBitmap, nullCount: length - valid };
}

/** Arrow pads buffers to 8 bytes; a bitmap of `n` bits in whole 64-bit words. */
function bitmapBytes(n: number): number {
  return ((n + 63) >> 6) << 3;
}

function typeError(name: string, expected: string, value: Cell): Error {
  const shown = typeof value === "bigint" ? `${value}n` : JSON.stringify(value);
  return new Error(
    `Cannot build checkpoint column "${name}": expected ${expected}, got ${shown}`,
  );
}

/**
 * Offsets of placed runs of items (`ends[i]`: the items up to and with cell `i`): zero before
 * the run and the last end after it, so rows outside the run are empty.
 */
function placedOffsets(ends: Int32Array, { at, length }: Placement): Int32Array {
  const valueOffsets = new Int32Array(length + 1);
  valueOffsets.set(ends, at + 1);
  valueOffsets.fill(ends.length ? ends[ends.length - 1] : 0, at + 1 + ends.length);
  return valueOffsets;
}

const UTF8 = new TextEncoder();
/** Offsets are 32-bit: a column of strings holds at most this many bytes. */
const MAX_STRING_BYTES = 2 ** 31 - 1;

/**
 * Strings: all cells joined and encoded with one call. When the bytes are as many as the
 * UTF-16 code units every string is ASCII, and the offsets are the strings' lengths;
 * otherwise each string is encoded on its own (joined, a lone surrogate at the end of one and
 * another at the start of the next would become one character).
 */
function utf8Data(
  type: arrow.Utf8,
  cells: readonly Cell[],
  name: string,
  place: Placement,
): arrow.Data {
  const n = cells.length;
  const strings: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = cells[i];
    if (v == null) strings[i] = "";
    else if (typeof v === "string") strings[i] = v;
    else throw typeError(name, "a string", v);
  }
  const joined = strings.join("");
  let data: Uint8Array = UTF8.encode(joined);
  const parts = data.length === joined.length ? undefined : strings.map((s) => UTF8.encode(s));
  if (parts) data = concatBytes(parts);
  if (data.length > MAX_STRING_BYTES) {
    throw new Error(
      `Cannot build checkpoint column "${name}": its strings take ${data.length} bytes, ` +
        `more than Arrow's 32-bit offsets reach; optimize the table into fewer files`,
    );
  }
  const ends = new Int32Array(n);
  for (let i = 0, end = 0; i < n; i++) {
    end += parts ? parts[i].length : strings[i].length;
    ends[i] = end;
  }
  const valueOffsets = placedOffsets(ends, place);
  return arrow.makeData({
    type,
    length: place.length,
    ...validity(cells, place),
    valueOffsets,
    data,
  });
}

const TWO_32 = 2 ** 32;

/** 32- and 64-bit signed integers from numbers or bigints (a null row holds 0). */
function intData(
  type: arrow.Int,
  cells: readonly Cell[],
  name: string,
  place: Placement,
): arrow.Data {
  const { at, length } = place;
  if (type.bitWidth === 32 && type.isSigned) {
    const data = new Int32Array(length);
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i];
      if (v == null) continue;
      const x = typeof v === "bigint" ? Number(v) : v;
      if (typeof x !== "number" || !Number.isInteger(x) || x !== (x | 0)) {
        throw typeError(name, "a 32-bit integer", v);
      }
      data[at + i] = x;
    }
    return arrow.makeData({ type, length, ...validity(cells, place), data });
  }
  if (type.bitWidth === 64 && type.isSigned) {
    const data = new BigInt64Array(length);
    // Numbers go in as two 32-bit words (little-endian, as Arrow's buffers are here): no
    // bigint per cell.
    const words = new Int32Array(data.buffer);
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i];
      if (v == null) continue;
      if (typeof v === "bigint") data[at + i] = v;
      else if (typeof v === "number" && Number.isSafeInteger(v)) {
        const high = Math.floor(v / TWO_32);
        words[2 * (at + i)] = v - high * TWO_32;
        words[2 * (at + i) + 1] = high;
      } else if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 2 ** 63) {
        // Past 2^53 (a JSON number read from another writer's log): the double as it is.
        data[at + i] = BigInt(v);
      } else throw typeError(name, "a 64-bit integer", v);
    }
    return arrow.makeData({ type, length, ...validity(cells, place), data });
  }
  throw new Error(`Cannot build checkpoint column "${name}": type ${type} is not supported`);
}

function boolData(
  type: arrow.Bool,
  cells: readonly Cell[],
  name: string,
  place: Placement,
): arrow.Data {
  const data = new Uint8Array(bitmapBytes(place.length));
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v == null || v === false) continue;
    if (v !== true) throw typeError(name, "a boolean", v);
    const row = place.at + i;
    data[row >> 3] |= 1 << (row & 7);
  }
  return arrow.makeData({ type, length: place.length, ...validity(cells, place), data });
}

/** A struct: each child column of the cells' fields (null under a null cell), placed alike. */
function structData(
  type: arrow.Struct,
  cells: readonly Cell[],
  name: string,
  place: Placement,
): arrow.Data {
  const n = cells.length;
  for (let i = 0; i < n; i++) {
    const v = cells[i];
    if (v != null && (typeof v !== "object" || Array.isArray(v))) {
      throw typeError(name, "an object", v);
    }
  }
  const children = type.children.map((f) => {
    const fieldCells: Cell[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = cells[i] as Record<string, Cell> | null | undefined;
      fieldCells[i] = v == null ? null : v[f.name];
    }
    return columnData(f.type, fieldCells, `${name}.${f.name}`, place);
  });
  return arrow.makeData({ type, length: place.length, ...validity(cells, place), children });
}

/** A list: offsets into one child column of every cell's items. */
function listData(
  type: arrow.List,
  cells: readonly Cell[],
  name: string,
  place: Placement,
): arrow.Data {
  const ends = new Int32Array(cells.length);
  const items: Cell[] = [];
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v != null) {
      if (!Array.isArray(v)) throw typeError(name, "an array", v);
      for (const item of v) items.push(item);
    }
    ends[i] = items.length;
  }
  const child = columnData(type.children[0].type, items, `${name}.element`);
  return arrow.makeData({
    type,
    length: place.length,
    ...validity(cells, place),
    valueOffsets: placedOffsets(ends, place),
    child,
  });
}

/** A map: offsets into one child column of key/value structs (keys never null). */
function mapData(
  type: arrow.Map_,
  cells: readonly Cell[],
  name: string,
  place: Placement,
): arrow.Data {
  const ends = new Int32Array(cells.length);
  const keys: Cell[] = [];
  const items: Cell[] = [];
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v instanceof Map) {
      for (const [key, value] of v) {
        keys.push(key);
        items.push(value);
      }
    } else if (v != null) {
      if (typeof v !== "object" || Array.isArray(v)) throw typeError(name, "a map", v);
      for (const key of Object.keys(v)) {
        keys.push(key);
        items.push((v as Record<string, Cell>)[key]);
      }
    }
    ends[i] = keys.length;
  }
  const entries = type.children[0].type as arrow.Struct;
  const [keyField, valueField] = entries.children;
  const entryData = arrow.makeData({
    type: entries,
    length: keys.length,
    nullCount: 0,
    children: [
      columnData(keyField.type, keys, `${name}.key`),
      columnData(valueField.type, items, `${name}.value`),
    ],
  });
  return arrow.makeData({
    type,
    length: place.length,
    ...validity(cells, place),
    valueOffsets: placedOffsets(ends, place),
    child: entryData,
  });
}
