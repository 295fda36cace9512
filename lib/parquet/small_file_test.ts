import * as arrow from "apache-arrow";
import { assert, assertEquals } from "../../tests/_assert.ts";
import {
  awkwardBatch,
  batchOf,
  column,
  decimalColumn,
  SAMPLE_SCHEMA,
  sampleBatch,
} from "../../tests/_batches.ts";
import { readParquetFooter } from "../../tests/_read.ts";
import { encodeIpc } from "./wasm_stream.ts";
import { tableToIPCStream } from "./_ipc.ts";
import { encodingPlan, readParquetColumns } from "./mod.ts";
import { encodeSmallParquet, SMALL_FILE_ROWS } from "./small_file.ts";

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
