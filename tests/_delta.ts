/**
 * Test helpers for Delta tables: a table of every type the writer maps, and a table's cells
 * as comparable text (exact: NaN, the infinities and -0 kept).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { localFs } from "../lib/delta/fs.ts";
import { latestVersion, readSnapshot } from "../lib/delta/log_reader.ts";

/** One column of every primitive type the writer maps, with nulls in every column. */
export function allTypesTable(start: number, rows: number): arrow.Table {
  const valid = (i: number) => (start + i) % 5 !== 4;
  const bitmap = new Uint8Array(Math.ceil(rows / 8));
  let nulls = 0;
  for (let i = 0; i < rows; i++) {
    if (valid(i)) bitmap[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  const fixed = <T extends arrow.DataType>(type: T, values: ArrayBufferView) =>
    arrow.makeVector(new arrow.Data(type, 0, rows, nulls, [undefined, values, bitmap, undefined]));
  const index = Array.from({ length: rows }, (_, i) => start + i);
  const decimals = new Uint32Array(rows * 4);
  index.forEach((n, i) => {
    const v = BigInt.asUintN(128, BigInt(n * 125 - 300));
    for (let w = 0; w < 4; w++) decimals[i * 4 + w] = Number((v >> BigInt(32 * w)) & 0xffffffffn);
  });
  const strings = index.map((n) => valid(n - start) ? `name-${n}-é` : null);
  const binaries = index.map((n) => valid(n - start) ? Uint8Array.of(n & 255, 7) : null);
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from(index, BigInt)),
    s: arrow.vectorFromArray(strings, new arrow.Utf8()),
    l: fixed(new arrow.Int64(), BigInt64Array.from(index, (n) => BigInt(n) * 10_000_000_000n)),
    i: fixed(new arrow.Int32(), Int32Array.from(index, (n) => n * 7 - 50)),
    sh: fixed(new arrow.Int16(), Int16Array.from(index, (n) => n - 10)),
    b: fixed(new arrow.Int8(), Int8Array.from(index, (n) => (n % 200) - 100)),
    d: fixed(new arrow.Float64(), Float64Array.from(index, (n) => n / 4)),
    f: fixed(new arrow.Float32(), Float32Array.from(index, (n) => n / 2)),
    bool: arrow.vectorFromArray(index.map((n) => valid(n - start) ? n % 2 === 0 : null)),
    date: fixed(new arrow.DateDay(), Int32Array.from(index, (n) => 19_000 + n)),
    ts: fixed(
      new arrow.TimestampMicrosecond("UTC"),
      BigInt64Array.from(index, (n) => 1_700_000_000_000_000n + BigInt(n) * 1_000_001n),
    ),
    dec: fixed(new arrow.Decimal(2, 10, 128), decimals),
    bin: arrow.vectorFromArray(binaries, new arrow.Binary()),
  });
}

/**
 * A JSON replacer that keeps what JSON.stringify would lose: NaN, Infinity, -Infinity (all
 * `null` in JSON) and -0 (`0`) become tagged objects, so two texts are equal exactly when
 * their values are, as `Object.is` compares numbers (NaN equals NaN, -0 differs from 0).
 */
export function exactJson(_key: string, value: unknown): unknown {
  if (typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))) {
    return { number: Object.is(value, -0) ? "-0" : String(value) };
  }
  return value;
}

/**
 * Every cell of a table as comparable text, row by row: values compare as `Object.is`
 * compares them, so NaN, the infinities and -0 never pass for null or 0.
 */
export function cells(table: arrow.Table, sortBy = "id"): string[] {
  const rows: string[] = [];
  const names = table.schema.fields.map((f) => f.name).sort();
  const raw = (name: string, i: number): unknown => {
    const column = table.getChild(name)!;
    if (!column.isValid(i)) return null;
    const type = column.type;
    if (arrow.DataType.isTimestamp(type) || arrow.DataType.isDate(type)) {
      // Exact stored integers: the getters round through milliseconds.
      let k = i;
      for (const data of column.data) {
        if (k < data.length) return String(data.values[k]);
        k -= data.length;
      }
    }
    const value = column.get(i);
    if (value instanceof Uint8Array) return Array.from(value).join(",");
    if (arrow.DataType.isDecimal(type)) return String(value);
    return typeof value === "bigint" ? String(value) : value;
  };
  const order = Array.from({ length: table.numRows }, (_, i) => i)
    .sort((a, b) => Number(raw(sortBy, a)) - Number(raw(sortBy, b)));
  for (const i of order) rows.push(JSON.stringify(names.map((n) => [n, raw(n, i)]), exactJson));
  return rows;
}

/** The last tick a Delta table's commit points record (-1 before the table exists). */
export async function committedTick(table: string): Promise<number> {
  if (await latestVersion(localFs, table) === null) return -1;
  const txns = [...(await readSnapshot(localFs, table)).txns.values()];
  return Math.max(-1, ...txns.map((t) => t.version));
}

/** Copies a folder (a table, an output) with `cp -R`. */
export async function copyDir(from: string, to: string): Promise<void> {
  const result = await new Deno.Command("cp", { args: ["-R", from, to], stderr: "piped" })
    .output();
  if (!result.success) {
    throw new Error(`cp -R ${from} ${to} failed: ${new TextDecoder().decode(result.stderr)}`);
  }
}
