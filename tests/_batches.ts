/**
 * Test helpers building Arrow batches with explicit types from plain values, the way the
 * engine's batches look (every column nullable). No type is ever guessed.
 *
 * @module
 */
import * as arrow from "apache-arrow";

/** A plain cell for {@link column}: numbers, bigints (Int64, timestamps in µs), strings... */
export type PlainValue = number | bigint | string | boolean | null;

/**
 * One column's Arrow data of an explicit type. Int64 takes bigints, DateDay days since the
 * epoch, TimestampMicrosecond microseconds since the epoch (bigint), Bool booleans.
 */
export function column(type: arrow.DataType, values: readonly PlainValue[]): arrow.Data {
  const length = values.length;
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  values.forEach((value, i) => {
    if (value === null) nullCount++;
    else nullBitmap[i >> 3] |= 1 << (i % 8);
  });
  const base = { type, length, nullCount, nullBitmap } as const;
  const or = <T>(value: PlainValue, zero: T) => (value === null ? zero : value) as T;
  if (arrow.DataType.isUtf8(type)) {
    const encoder = new TextEncoder();
    const parts = values.map((value) => encoder.encode(or(value, "")));
    const valueOffsets = new Int32Array(length + 1);
    parts.forEach((part, i) => valueOffsets[i + 1] = valueOffsets[i] + part.length);
    const data = new Uint8Array(valueOffsets[length]);
    parts.forEach((part, i) => data.set(part, valueOffsets[i]));
    return arrow.makeData({ ...base, type, valueOffsets, data });
  }
  if (arrow.DataType.isBool(type)) {
    const data = new Uint8Array(Math.ceil(length / 8));
    values.forEach((value, i) => {
      if (value === true) data[i >> 3] |= 1 << (i % 8);
    });
    return arrow.makeData({ ...base, type, data });
  }
  const ArrayType = typedArrayFor(type);
  const data = new ArrayType(length);
  values.forEach((value, i) => data[i] = or(value, ArrayType === BigInt64Array ? 0n : 0));
  // deno-lint-ignore no-explicit-any -- makeData's overloads key on the type; this is generic
  return arrow.makeData({ ...base, type, data } as any);
}

// deno-lint-ignore no-explicit-any -- a typed array constructor of either element kind
function typedArrayFor(type: arrow.DataType): any {
  switch (String(type)) {
    case "Int8":
      return Int8Array;
    case "Int16":
      return Int16Array;
    case "Int32":
    case "Date32<DAY>":
      return Int32Array;
    case "Int64":
    case "Timestamp<MICROSECOND, UTC>":
    case "Timestamp<MICROSECOND>":
      return BigInt64Array;
    case "Float32":
      return Float32Array;
    case "Float64":
      return Float64Array;
  }
  throw new Error(`No test builder for ${type}`);
}

/** A record batch from named columns of {@link column} data. */
export function batchOf(columns: Record<string, arrow.Data>): arrow.RecordBatch {
  const fields = Object.entries(columns).map(([name, data]) =>
    new arrow.Field(name, data.type, true)
  );
  const length = Object.values(columns)[0]?.length ?? 0;
  const struct = arrow.makeData({
    type: new arrow.Struct(fields),
    length,
    nullCount: 0,
    children: Object.values(columns),
  });
  return new arrow.RecordBatch(new arrow.Schema(fields), struct);
}

/** The schema of {@link sampleBatch}: one column of every type the engine produces. */
export const SAMPLE_TYPES = {
  id: new arrow.Int64(),
  tiny: new arrow.Int8(),
  small: new arrow.Int16(),
  n: new arrow.Int32(),
  ratio: new arrow.Float32(),
  score: new arrow.Float64(),
  name: new arrow.Utf8(),
  active: new arrow.Bool(),
  day: new arrow.DateDay(),
  at: new arrow.TimestampMicrosecond("UTC"),
} as const;

/** The schema shared by every {@link sampleBatch}. */
export const SAMPLE_SCHEMA = new arrow.Schema(
  Object.entries(SAMPLE_TYPES).map(([name, type]) => new arrow.Field(name, type, true)),
);

/** 2024-01-02T03:04:05.123456Z in microseconds. */
export const SAMPLE_MICROS = 1_704_164_645_123_456n;

/**
 * `rows` rows of every engine type with ids `start`, `start + 1`, ...; every fifth row (id
 * divisible by 5) is null in every column but `id`.
 */
export function sampleBatch(rows: number, start = 0): arrow.RecordBatch {
  return sampleRows(Array.from({ length: rows }, (_, i) => ({ id: start + i })));
}

/**
 * The rows of {@link sampleBatch} with the given ids, each at a version: a row at version v > 0
 * has ` v<v>` after its name (as an update would change it) and `n` plus v; a null entry is a
 * row of nulls in every column (a delete's `after`).
 */
export function sampleRows(
  rows: readonly ({ id: number; version?: number } | null)[],
): arrow.RecordBatch {
  const cell = <T extends PlainValue>(make: (id: number, version: number) => T) =>
    rows.map((row) => row === null || row.id % 5 === 0 ? null : make(row.id, row.version ?? 0));
  return batchOf({
    id: column(SAMPLE_TYPES.id, rows.map((row) => row === null ? null : BigInt(row.id))),
    tiny: column(SAMPLE_TYPES.tiny, cell((id) => (id % 200) - 100)),
    small: column(SAMPLE_TYPES.small, cell((id) => -id)),
    n: column(SAMPLE_TYPES.n, cell((id, v) => id * 1000 + v)),
    ratio: column(SAMPLE_TYPES.ratio, cell((id) => id + 0.1)),
    score: column(SAMPLE_TYPES.score, cell((id) => id / 3)),
    name: column(SAMPLE_TYPES.name, cell((id, v) => sampleName(id, v)!)),
    active: column(SAMPLE_TYPES.active, cell((id) => id % 2 === 0)),
    day: column(SAMPLE_TYPES.day, cell((id) => 19_724 + id)),
    at: column(SAMPLE_TYPES.at, cell((id) => SAMPLE_MICROS + BigInt(id))),
  });
}

/** The `name` of a {@link sampleRows} row at a version (null for ids divisible by 5). */
export function sampleName(id: number, version = 0): string | null {
  if (id % 5 === 0) return null;
  return `name ${id}, "quoted"` + (version > 0 ? ` v${version}` : "");
}

/**
 * `rows` rows that text writers must take care over, drawn from a fixed seed: text with commas,
 * quotes, backslashes, CR, LF, control characters and characters of 2 to 4 bytes; integers of
 * 16, 32 and 64 bits, safe and beyond 2^53 and both ends of int64; floats whole, tiny, huge,
 * negative zero and not finite; decimals; and nulls in every column but `id`.
 */
export function awkwardBatch(rows: number): arrow.RecordBatch {
  const pieces = [
    "a",
    ",",
    '"',
    "\\",
    "\r",
    "\n",
    "\t",
    "\u0001",
    "é",
    "名",
    "😀",
    " ",
    "x y",
    '""',
    "\u007f",
  ];
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const nulls = (every: number, i: number) => i % every === every - 1;
  const texts = Array.from({ length: rows }, (_, i) => {
    if (nulls(11, i)) return null;
    let text = "";
    for (let k = next() % 6; k > 0; k--) text += pieces[next() % pieces.length];
    return text;
  });
  const ints = texts.map((_, i) => nulls(13, i) ? null : (next() - 2 ** 30) * (i % 3 ? 1 : 4));
  const longs = texts.map((_, i) =>
    nulls(7, i) ? null : BigInt(next()) ** BigInt(1 + (i % 3)) * (i % 2 ? -1n : 1n)
  );
  const edges = [
    2n ** 53n - 1n,
    -(2n ** 53n) + 1n,
    2n ** 53n,
    -(2n ** 53n),
    2n ** 63n - 1n,
    -(2n ** 63n),
  ];
  const floats = [0, -0, 80, 0.1, 1e-5, 1e16, 1e21, -2.5e-300, NaN, Infinity, -Infinity, 123.456];
  const decimals = decimalColumn(
    texts.map(() => BigInt((next() % 2_000_000) - 1_000_000)),
    10,
    2,
  );
  return batchOf({
    id: column(new arrow.Int32(), texts.map((_, i) => i)),
    text: column(new arrow.Utf8(), texts),
    int32: column(new arrow.Int32(), ints.map((v) => v === null ? null : v | 0)),
    int16: column(new arrow.Int16(), ints.map((v) => v === null ? null : (v << 16) >> 16)),
    int64: column(new arrow.Int64(), longs),
    edges: column(new arrow.Int64(), texts.map((_, i) => edges[i % edges.length])),
    float: column(
      new arrow.Float64(),
      texts.map((_, i) => nulls(5, i) ? null : floats[i % floats.length]),
    ),
    amount: decimals,
  });
}

/**
 * A Decimal128(precision, scale) column of unscaled values (`1999n` at scale 2 is 19.99): four
 * little-endian 32-bit words per value, null where the value is.
 */
export function decimalColumn(
  values: (bigint | null)[],
  precision: number,
  scale: number,
): arrow.Data {
  const words = new Uint32Array(values.length * 4);
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === null) return;
    bitmap[i >> 3] |= 1 << (i & 7);
    const bits = BigInt.asUintN(128, v);
    for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((bits >> BigInt(32 * w)) & 0xffffffffn);
  });
  return arrow.makeData({
    type: new arrow.Decimal(scale, precision, 128),
    length: values.length,
    nullCount: values.filter((v) => v === null).length,
    nullBitmap: bitmap,
    data: words,
  });
}

/**
 * A batch of a column type arrow-rs cannot write to Parquet (an interval of months, days and
 * nanoseconds: 16 bytes a row): parquet-wasm fails on it.
 */
export function unwritableBatch(rows = 1): arrow.RecordBatch {
  return new arrow.RecordBatch({
    i: arrow.makeData({
      type: new arrow.Interval(arrow.IntervalUnit.MONTH_DAY_NANO),
      length: rows,
      nullCount: 0,
      data: new Int32Array(4 * rows),
    }),
  });
}
