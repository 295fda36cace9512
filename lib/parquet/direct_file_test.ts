import * as arrow from "apache-arrow";
import { assert, assertEquals } from "../../tests/_assert.ts";
import {
  awkwardBatch,
  batchOf,
  column,
  decimalColumn,
  type PlainValue,
  SAMPLE_SCHEMA,
  sampleBatch,
} from "../../tests/_batches.ts";
import { withTempDir } from "../../tests/_cli.ts";
import { readParquetFooter } from "../../tests/_read.ts";
import { type ColumnEncoding, encodeIpc, type EncodingPlan } from "./wasm_stream.ts";
import { tableToIPCStream } from "./_ipc.ts";
import { encodeParquet, encodingPlan, readParquetColumns } from "./mod.ts";
import { encodeFlatParquet, encodeSmallParquet, SMALL_FILE_ROWS } from "./direct_file.ts";

/** parquet-wasm's (arrow-rs') file of the same table: the reference. */
function arrowRsFile(table: arrow.Table, compression: "snappy" | "zstd" | "none"): Uint8Array {
  return encodeIpc(
    tableToIPCStream(table),
    encodingPlan(compression, table.schema, table.batches[0]),
  );
}

/** A table's schema and rows as plain values, to compare two reads. */
function contents(table: arrow.Table) {
  return {
    fields: table.schema.fields.map((f) => `${f.name}: ${f.type} ${f.nullable}`),
    rows: table.toArray().map((row) =>
      JSON.stringify(row, (_, v) => typeof v === "bigint" ? `${v}n` : v)
    ),
  };
}

/**
 * Asserts two tables hold the same fields and rows, naming the first row that differs (a diff
 * of every row of a large table would take minutes and gigabytes to print).
 */
function assertSameContents(actual: arrow.Table, expected: arrow.Table, what: string): void {
  const [a, b] = [contents(actual), contents(expected)];
  assertEquals(a.fields, b.fields, what);
  assertEquals(a.rows.length, b.rows.length, `${what}: rows`);
  const row = a.rows.findIndex((r, i) => r !== b.rows[i]);
  assertEquals(
    row < 0 ? undefined : a.rows[row],
    row < 0 ? undefined : b.rows[row],
    `${what}: row ${row}`,
  );
}

/** The text and binary columns of a table with a value of more than 64 bytes. */
function longTexts(table: arrow.Table): string[] {
  const encoder = new TextEncoder();
  return table.schema.fields.filter((field) => {
    if (!arrow.DataType.isUtf8(field.type) && !arrow.DataType.isBinary(field.type)) return false;
    return [...table.getChild(field.name)!].some((v) =>
      v !== null && (typeof v === "string" ? encoder.encode(v) : v as Uint8Array).length > 64
    );
  }).map((field) => field.name);
}

/** A batch whose fields carry Parquet field ids, as Delta's column mapping gives them. */
function withFieldIds(batch: arrow.RecordBatch): arrow.RecordBatch {
  const fields = batch.schema.fields.map((f, i) =>
    new arrow.Field(`col-${i}`, f.type, f.nullable, new Map([["PARQUET:field_id", String(i + 1)]]))
  );
  const schema = new arrow.Schema(fields);
  return new arrow.RecordBatch(
    schema,
    arrow.makeData({
      type: new arrow.Struct(fields),
      length: batch.numRows,
      nullCount: 0,
      children: batch.data.children,
    }),
  );
}

/** The tables this writer takes: every type, nulls, several batches, slices, wide values. */
function smallTables(): Record<string, arrow.Table> {
  const awkward = awkwardBatch(60);
  const flat = awkward.schema.fields.filter((f) => !arrow.DataType.isDecimal(f.type));
  const sliced = sampleBatch(90, 100).slice(7, 67);
  const extra = batchOf({
    bytes: arrow.makeData({
      type: new arrow.Binary(),
      length: 3,
      nullCount: 1,
      nullBitmap: Uint8Array.of(0b101),
      valueOffsets: Int32Array.of(0, 2, 2, 5),
      data: Uint8Array.of(0, 255, 1, 2, 3),
    }),
    local: column(new arrow.TimestampMicrosecond(), [0n, null, -1n]),
    yes: column(new arrow.Bool(), [null, null, null]),
    text: column(new arrow.Utf8(), ["x".repeat(100), "y", null]),
  });
  const required = new arrow.Schema([
    new arrow.Field("id", new arrow.Int64(), false),
    new arrow.Field("flag", new arrow.Bool(), false),
  ]);
  return {
    sample: new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(37), sampleBatch(1, 37), sliced]),
    awkward: new arrow.Table(awkward.select(flat.map((f) => f.name))),
    extra: new arrow.Table(extra),
    required: new arrow.Table(required, [
      new arrow.RecordBatch(
        required,
        arrow.makeData({
          type: new arrow.Struct(required.fields),
          length: 9,
          nullCount: 0,
          children: [
            arrow.makeData({
              type: new arrow.Int64(),
              data: BigInt64Array.of(1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n),
            }),
            arrow.makeData({
              type: new arrow.Bool(),
              length: 9,
              data: Uint8Array.of(0b10110101, 1),
            }),
          ],
        }),
      ),
    ]),
    full: new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(SMALL_FILE_ROWS)]),
    mapped: new arrow.Table(withFieldIds(sampleBatch(20))),
  };
}

Deno.test("a small file written here reads back as arrow-rs' file of the same rows, in every codec", async () => {
  for (const [name, table] of Object.entries(smallTables())) {
    for (const compression of ["snappy", "zstd", "none"] as const) {
      const ours = encodeSmallParquet(table, compression);
      assert(ours, `${name}: written here`);
      const back = await readParquetColumns(ours);
      const reference = await readParquetColumns(arrowRsFile(table, compression));
      assertEquals(back.numRows, table.numRows, `${name} ${compression}`);
      assertEquals(contents(back.table), contents(reference.table), `${name} ${compression}`);
      assertEquals(contents(back.table), contents(table), `${name} ${compression}: the rows given`);
    }
  }
});

Deno.test("a small file's footer has arrow-rs' column types and bounds, floats without", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, table] of Object.entries(smallTables())) {
      await Deno.writeFile(`${dir}/ours.parquet`, encodeSmallParquet(table, "snappy")!);
      await Deno.writeFile(`${dir}/theirs.parquet`, arrowRsFile(table, "snappy"));
      const ours = await readParquetFooter(`${dir}/ours.parquet`);
      const theirs = await readParquetFooter(`${dir}/theirs.parquet`);
      assertEquals(ours.columns, theirs.columns, name);
      assertEquals(ours.numRows, theirs.numRows, name);
      // arrow-rs truncates the bounds of a long text; this writer leaves them out.
      const long = longTexts(table);
      assertEquals(
        ours.columnsWithBounds,
        theirs.columnsWithBounds.filter((c) => !long.includes(c)),
        name,
      );
      for (const [column, statistics] of Object.entries(theirs.statistics)) {
        const expected = long.includes(column) ? { nulls: statistics.nulls } : statistics;
        assertEquals(ours.statistics[column], expected, `${name}.${column}`);
      }
      assertEquals(Object.keys(ours.statistics), Object.keys(theirs.statistics), name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("larger files, no rows and types not written here are left to parquet-wasm", () => {
  assertEquals(
    encodeSmallParquet(
      new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(SMALL_FILE_ROWS + 1)]),
      "snappy",
    ),
    undefined,
  );
  assertEquals(encodeSmallParquet(new arrow.Table(SAMPLE_SCHEMA), "snappy"), undefined);
  const decimals = batchOf({ amount: decimalColumn([1999n, null], 10, 2) });
  assertEquals(encodeSmallParquet(new arrow.Table(decimals), "snappy"), undefined);
  const unsigned = batchOf({
    u: arrow.makeData({ type: new arrow.Uint32(), data: Uint32Array.of(1, 2) }),
  });
  assertEquals(encodeSmallParquet(new arrow.Table(unsigned), "snappy"), undefined);
});

/** Whether two byte arrays are equal (without a diff of their every byte when not). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A deterministic stream of floats in [0, 1) (mulberry32). */
function randomFrom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A larger table of every type a larger file takes, in batches of uneven sizes and a slice,
 * with nulls, extremes and wide deltas: 45,001 rows, so pages of 20,000 rows end inside
 * batches and the last block of the last page is short.
 */
function largeTable(rows = 45_001): arrow.Table {
  const random = randomFrom(7);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const maybe = <T>(v: T, nulls = 0.1) => random() < nulls ? null : v;
  const values = (make: (i: number) => PlainValue) =>
    Array.from({ length: rows }, (_, i) => make(i));
  const extremes = [-(2 ** 31), 2 ** 31 - 1, 0, -1];
  const columns = {
    id: column(new arrow.Int64(), values((i) => maybe(BigInt(i + 1), 0.01))),
    // Deltas up to 2^51: miniblock widths over 32 bits.
    wide: column(new arrow.Int64(), values(() => BigInt(int(-(2 ** 50), 2 ** 50)))),
    // Deltas of 25 to 32 bits.
    mid: column(new arrow.Int64(), values(() => maybe(BigInt(int(-(2 ** 30), 2 ** 30))))),
    // INT32 deltas that wrap: extremes side by side.
    i32: column(new arrow.Int32(), values((i) => i % 7 === 0 ? int(-1000, 1000) : extremes[i % 4])),
    i16: column(new arrow.Int16(), values(() => maybe(int(-32768, 32767)))),
    i8: column(new arrow.Int8(), values(() => int(-128, 127))),
    day: column(new arrow.DateDay(), values(() => maybe(int(-20000, 40000)))),
    ts: column(
      new arrow.TimestampMicrosecond("UTC"),
      values((i) => maybe(1_700_000_000_000_000n + BigInt(i) * 1_000_003n)),
    ),
    local: column(new arrow.TimestampMicrosecond(), values(() => BigInt(int(0, 2 ** 40)))),
    x: column(new arrow.Float64(), values(() => maybe(random() * 1e6 - 5e5))),
    y: column(new arrow.Float32(), values(() => Math.fround(random()))),
    flag: column(new arrow.Bool(), values(() => maybe(random() < 0.3))),
    none: column(new arrow.Int64(), values(() => null)),
  };
  const whole = batchOf(columns);
  const required = new arrow.Schema(
    whole.schema.fields.map((f) => new arrow.Field(f.name, f.type, f.name !== "i8")),
  );
  const batch = new arrow.RecordBatch(
    required,
    arrow.makeData({
      type: new arrow.Struct(required.fields),
      length: rows,
      nullCount: 0,
      children: whole.data.children,
    }),
  );
  const cuts = [0, ...[1, 300, 17_000, 17_001, 39_999].filter((cut) => cut < rows), rows];
  return new arrow.Table(cuts.slice(1).map((end, i) => batch.slice(cuts[i], end)));
}

/** The plan of a larger table: integers delta encoded, floats plain and without statistics. */
function largePlan(table: arrow.Table, compression: "snappy" | "none"): EncodingPlan {
  return {
    compression,
    columns: table.schema.fields.flatMap((f): ColumnEncoding[] =>
      arrow.DataType.isFloat(f.type)
        ? [{ name: f.name, encoding: "plain" as const, noStatistics: true }]
        : arrow.DataType.isBool(f.type)
        ? []
        : [{ name: f.name, encoding: "delta" as const }]
    ),
  };
}

Deno.test("a larger file of numbers written here reads back as arrow-rs' file of the same rows", async () => {
  const table = largeTable();
  for (const compression of ["snappy", "none"] as const) {
    const plan = largePlan(table, compression);
    const ours = encodeFlatParquet(table, plan);
    assert(ours, `written here (${compression})`);
    const back = await readParquetColumns(ours);
    const reference = await readParquetColumns(
      encodeIpc(tableToIPCStream(table, (n) => new Uint8Array(n)), plan),
    );
    assertEquals(back.numRows, table.numRows);
    assertSameContents(back.table, reference.table, compression);
    assertSameContents(back.table, table, `${compression}: the rows given`);
  }
});

Deno.test("a larger file's footer: arrow-rs' types and statistics, its columns delta encoded", async () => {
  const table = largeTable();
  const plan = largePlan(table, "snappy");
  await withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/ours.parquet`, encodeFlatParquet(table, plan)!);
    await Deno.writeFile(
      `${dir}/theirs.parquet`,
      encodeIpc(tableToIPCStream(table, (n) => new Uint8Array(n)), plan),
    );
    const ours = await readParquetFooter(`${dir}/ours.parquet`);
    const theirs = await readParquetFooter(`${dir}/theirs.parquet`);
    assertEquals(ours.columns, theirs.columns);
    assertEquals([ours.numRows, ours.numRowGroups], [theirs.numRows, 1]);
    assertEquals(ours.statistics, theirs.statistics);
    assertEquals(ours.columnsWithBounds, theirs.columnsWithBounds);
    for (const field of table.schema.fields) {
      const expected = plan.columns.find((c) => c.name === field.name)?.encoding === "delta"
        ? "DELTA_BINARY_PACKED"
        : "PLAIN";
      assertEquals(ours.encodings[field.name], [expected, "RLE"], field.name);
      assertEquals(theirs.encodings[field.name].includes(expected), true, field.name);
    }
  });
});

Deno.test("larger files this writer cannot make as asked are left to parquet-wasm", async () => {
  const table = largeTable(1_000);
  const plan = largePlan(table, "snappy");
  assert(encodeFlatParquet(table, plan), "the table as it is");
  // zstd (which compresses), a dictionary (no encoding planned), a text column.
  assertEquals(encodeFlatParquet(table, { ...plan, compression: "zstd" }), undefined);
  const dictionary = { ...plan, columns: plan.columns.filter((c) => c.name !== "i16") };
  assertEquals(encodeFlatParquet(table, dictionary), undefined);
  const texts = new arrow.Table(sampleBatch(1_000));
  assertEquals(encodeFlatParquet(texts, encodingPlan("snappy", texts.schema)), undefined);
  // Small files are the small writer's; files beyond one row group, parquet-wasm's.
  assertEquals(encodeFlatParquet(largeTable(SMALL_FILE_ROWS), plan), undefined);
  // An INT64 beyond +-2^51 is not delta encoded here, and encodeParquet still writes it.
  const big = batchOf({ v: column(new arrow.Int64(), [1n, 2n ** 51n, 3n]) });
  const many = new arrow.Table(Array.from({ length: 200 }, () => big));
  const bigPlan = {
    compression: "snappy" as const,
    columns: [{ name: "v", encoding: "delta" as const }],
  };
  assertEquals(encodeFlatParquet(many, bigPlan), undefined);
  const back = await readParquetColumns(encodeParquet(many));
  assertSameContents(back.table, many, "an INT64 of 2^51");
});

Deno.test("encodeParquet writes a larger numeric table here, as its plan says", async () => {
  const table = largeTable(30_000);
  const plan = encodingPlan("snappy", table.schema, table.batches[0]);
  // The plan gives the all-null column a dictionary: parquet-wasm writes that table.
  assertEquals(encodeFlatParquet(table, plan), undefined);
  // The plan is made from the first batch: one of thousands of rows.
  const selected = table.select(["id", "wide", "mid", "day", "ts", "x", "flag"]);
  const numbers = new arrow.Table(selected.batches.slice(2));
  const numbersPlan = encodingPlan("snappy", numbers.schema, numbers.batches[0]);
  assertEquals(numbersPlan.columns.map((c) => c.encoding), [
    "delta",
    "delta",
    "delta",
    "delta",
    "delta",
    "plain",
  ]);
  const written = encodeParquet(numbers);
  const direct = encodeFlatParquet(numbers, numbersPlan);
  assert(direct && sameBytes(written, direct), "encodeParquet's file is the one written here");
  assertSameContents((await readParquetColumns(written)).table, numbers, "encodeParquet");
});
