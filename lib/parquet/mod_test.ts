import * as arrow from "apache-arrow";
import * as pq from "parquet-wasm";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch, unwritableBatch } from "../../tests/_batches.ts";
import { readParquetFooter } from "../../tests/_read.ts";
import {
  deltaPacks,
  encodeParquet,
  encodeParquetBatches,
  encodeParquetWasm,
  mostlyDistinct,
  ParquetStream,
  readParquetColumns,
} from "./mod.ts";

Deno.test("a streamed Parquet file is the file parquet-wasm makes of the same rows at once", async () => {
  const batches = [sampleBatch(700, 0), sampleBatch(1, 700), sampleBatch(2000, 701)];
  const table = new arrow.Table(SAMPLE_SCHEMA, batches);
  for (const compression of ["snappy", "zstd", "none"] as const) {
    const stream = new ParquetStream(compression, SAMPLE_SCHEMA);
    for (const batch of batches) await stream.write(batch);
    const streamed = await stream.finish();
    assertEquals(streamed, encodeParquetWasm(table, compression), compression);
  }
  const back = await readParquetColumns(encodeParquet(table), ["id"]);
  assertEquals(back.numRows, 2701);
  assertEquals([...back.table.getChild("id")!].map(String).slice(699, 702), ["699", "700", "701"]);
});

Deno.test("a large table encoded batch by batch is the file encoded at once", async () => {
  // 50 batches of 8,000 rows: more than the 16 MB past which a table goes batch by batch.
  const batches = Array.from({ length: 50 }, (_, i) => sampleBatch(8_000, 8_000 * i));
  const table = new arrow.Table(SAMPLE_SCHEMA, batches);
  for (const compression of ["snappy", "zstd"] as const) {
    assertEquals(await encodeParquetBatches(table, compression), encodeParquet(table, compression));
  }
  const small = new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(10)]);
  assertEquals(await encodeParquetBatches(small), encodeParquet(small));
});

Deno.test("a stream of many batches waits for its encoder without a timer turn, and is parquet-wasm's file", async () => {
  // More batches than the encoder is handed ahead of it: the writer waits for it again and
  // again. A timer set before the first write has not fired when the file is done, so no
  // wait went through a timer (4 ms each once nested, the thread idle meanwhile).
  const batches = Array.from({ length: 40 }, (_, i) => sampleBatch(50, 50 * i));
  const table = new arrow.Table(SAMPLE_SCHEMA, batches);
  let timerFired = false;
  const timer = setTimeout(() => timerFired = true, 0);
  const stream = new ParquetStream("snappy", SAMPLE_SCHEMA);
  for (const batch of batches) await stream.write(batch);
  const bytes = await stream.finish();
  const fired = timerFired;
  clearTimeout(timer);
  assertEquals(fired, false);
  assertEquals(bytes, encodeParquetWasm(table, "snappy"));
});

Deno.test("float columns carry no Parquet statistics, so Spark cannot skip their NaN rows", async () => {
  // arrow-rs leaves NaN out of min and max; Spark, for which NaN is above every number, would
  // skip a row group with min -1, max 1 for `x > 100` although its NaN rows match.
  const table = new arrow.Table({
    id: arrow.makeVector(Int32Array.of(1, 2, 3)),
    x: arrow.makeVector(Float64Array.of(-1, NaN, 1)),
    y: arrow.makeVector(Float32Array.of(0.5, 0.25, 2)),
    name: arrow.vectorFromArray(["a", "b", "c"], new arrow.Utf8()),
  });
  const path = await Deno.makeTempFile({ suffix: ".parquet" });
  try {
    for (const bytes of [encodeParquet(table), await streamed(table)]) {
      await Deno.writeFile(path, bytes);
      assertEquals((await readParquetFooter(path)).columnsWithBounds, ["id", "name"]);
    }
  } finally {
    await Deno.remove(path);
  }
});

async function streamed(table: arrow.Table): Promise<Uint8Array> {
  const stream = new ParquetStream("snappy", table.schema);
  for (const batch of table.batches) await stream.write(batch);
  return await stream.finish();
}

/** The encodings arrow-rs used for each column of a file's first row group. */
async function encodingsOf(bytes: Uint8Array): Promise<Record<string, string[]>> {
  const file = await pq.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  try {
    const group = file.metadata().rowGroup(0);
    const out: Record<string, string[]> = {};
    for (let i = 0; i < group.numColumns(); i++) {
      const column = group.column(i);
      out[column.columnPath().join(".")] = column.encodings().map((e) => pq.Encoding[e]);
    }
    return out;
  } finally {
    file.free();
  }
}

Deno.test("columns of mostly distinct values are written without a dictionary, columns of few values with one", async () => {
  const n = 10_000;
  const table = new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(i))),
    status: arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => ["paid", "open", "sent"][i % 3]),
      new arrow.Utf8(),
    ),
  });
  assert(mostlyDistinct(table.getChild("id")!));
  assert(!mostlyDistinct(table.getChild("status")!));
  const encodings = await encodingsOf(encodeParquet(table));
  assert(!encodings.id.some((e) => e.includes("DICTIONARY")), encodings.id.join());
  assert(encodings.status.some((e) => e.includes("DICTIONARY")), encodings.status.join());
  // The streaming encoder decides on its first batch the same way.
  const stream = new ParquetStream("snappy", table.schema);
  for (const batch of table.batches) await stream.write(batch);
  assertEquals(await encodingsOf(await stream.finish()), encodings);
  // The values are the same either way.
  const back = await readParquetColumns(encodeParquet(table));
  assertEquals([...back.table.getChild("status")!].slice(0, 4), ["paid", "open", "sent", "paid"]);
});

Deno.test("integer columns are delta encoded unless a dictionary is much narrower, and read back", async () => {
  const n = 10_000;
  const table = new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(i + 1))),
    amount: arrow.makeVector(Int32Array.from({ length: n }, (_, i) => (i * 7919) % 1001)),
    code: arrow.makeVector(Int32Array.from({ length: n }, (_, i) => [200, 404, 500, 301][i % 4])),
    day: arrow.vectorFromArray(
      Array.from(
        { length: n },
        (_, i) => (i % 5 ? new Date(Date.UTC(2026, 0, 1 + (i % 300))) : null),
      ),
      new arrow.DateDay(),
    ),
  });
  assert(deltaPacks(table.getChild("id")!));
  // 1001 values over a spread of 1001: a delta is as narrow as a dictionary index.
  assert(deltaPacks(table.getChild("amount")!));
  // Four codes 300 apart: two bits of index against nine of delta.
  assert(!deltaPacks(table.getChild("code")!));
  assert(deltaPacks(table.getChild("day")!));
  const bytes = encodeParquet(table);
  const encodings = await encodingsOf(bytes);
  for (const column of ["id", "amount", "day"] as const) {
    assert(encodings[column].includes("DELTA_BINARY_PACKED"), encodings[column].join());
    assert(!encodings[column].some((e) => e.includes("DICTIONARY")), encodings[column].join());
  }
  assert(encodings.code.some((e) => e.includes("DICTIONARY")), encodings.code.join());
  const back = (await readParquetColumns(bytes)).table;
  for (const column of ["id", "amount", "code", "day"] as const) {
    assertEquals([...back.getChild(column)!], [...table.getChild(column)!], column);
  }
});

Deno.test("a streamed file whose encoding failed is an error, not a file of no rows", async () => {
  // parquet-wasm's stream swallows the encoder's error and ends a valid file without rows.
  const stream = new ParquetStream("snappy", unwritableBatch().schema);
  await stream.write(unwritableBatch());
  await stream.write(unwritableBatch());
  await assertRejects(
    () => stream.finish(),
    Error,
    "The Parquet encoder failed: its file holds 0 of 2 rows",
  );
});
