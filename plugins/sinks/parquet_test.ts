import * as arrow from "apache-arrow";
import { encodeParquet } from "../../lib/parquet/mod.ts";
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { SAMPLE_MICROS, SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { partFiles, readParquetDir, readParquetFooter } from "../../tests/_read.ts";
import { createParquetSink, type ParquetSinkOptions } from "./parquet.ts";

const TABLES = [{ name: "events", schema: SAMPLE_SCHEMA }];

async function writeSample(
  options: Omit<ParquetSinkOptions, "dir">,
  batches: arrow.RecordBatch[],
): Promise<string> {
  const dir = await Deno.makeTempDir();
  const sink = createParquetSink({ dir, ...options });
  await sink.open(TABLES, { mode: "error" });
  for (const batch of batches) await sink.write("events", batch);
  await sink.close();
  return `${dir}/events`;
}

Deno.test("parquet sink keeps every Arrow type, value and null", async () => {
  const batch = sampleBatch(12);
  const table = await readParquetDir(await writeSample({}, [batch]));
  assertEquals(
    table.schema.fields.map((field) => `${field.name}: ${field.type}`),
    [
      "id: Int64",
      "tiny: Int8",
      "small: Int16",
      "n: Int32",
      "ratio: Float32",
      "score: Float64",
      "name: Utf8",
      "active: Bool",
      "day: Date32<DAY>",
      "at: Timestamp<MICROSECOND, UTC>",
    ],
  );
  assert(table.schema.fields.every((field) => field.nullable));
  assertEquals(table.numRows, 12);
  for (const field of SAMPLE_SCHEMA.fields) {
    const read = table.getChild(field.name)!;
    const want = batch.getChild(field.name)!;
    assertEquals(read.nullCount, want.nullCount, field.name);
    for (let i = 0; i < 12; i++) assertEquals(read.get(i), want.get(i), `${field.name}[${i}]`);
  }
  // Microseconds survive exactly, not only to the millisecond arrow-js `get` shows.
  const at = table.getChild("at")!.data[0];
  assertEquals(at.values[1], SAMPLE_MICROS + 1n);
  assertEquals(table.getChild("id")!.get(11), 11n);
  assertEquals(table.getChild("score")!.get(5), null);
});

Deno.test("parquet sink writes Parquet logical types, not only an Arrow hint", async () => {
  const dir = await writeSample({}, [sampleBatch(3)]);
  const [file] = await partFiles(dir, ".parquet");
  const footer = await readParquetFooter(`${dir}/${file}`);
  assertEquals(footer.numRows, 3);
  const byName = Object.fromEntries(footer.columns.map((c) => [c.name, c]));
  assertEquals(byName.at, {
    name: "at",
    physicalType: "INT64",
    repetition: "OPTIONAL",
    logicalType: "TIMESTAMP(isAdjustedToUTC=true, unit=MICROS)",
  });
  assertEquals(byName.day.physicalType, "INT32");
  assertEquals(byName.day.logicalType, "DATE");
  assertEquals(byName.id.physicalType, "INT64");
  assertEquals(byName.name.logicalType, "STRING");
  assertEquals(byName.active.physicalType, "BOOLEAN");
  assertEquals(byName.score.physicalType, "DOUBLE");
  assertEquals(byName.ratio.physicalType, "FLOAT");
  assertEquals(byName.tiny.logicalType, "INT(8, signed)");
});

Deno.test("parquet sink splits files at targetFileRows and keeps row order", async () => {
  const batches = [sampleBatch(4, 0), sampleBatch(9, 4), sampleBatch(2, 13)];
  const dir = await writeSample({ targetFileRows: 5 }, batches);
  const files = await partFiles(dir, ".parquet");
  assertEquals(files.length, 3);
  const runId = files[0].slice("part-00000-".length, -".parquet".length);
  assert(/^[0-9a-f]{8}$/.test(runId), files[0]);
  assertEquals(files, [0, 1, 2].map((i) => `part-0000${i}-${runId}.parquet`));
  const rows = [];
  for (const file of files) rows.push((await readParquetFooter(`${dir}/${file}`)).numRows);
  assertEquals(rows, [5, 5, 5]);
  const table = await readParquetDir(dir);
  assertEquals([...table.getChild("id")!], Array.from({ length: 15 }, (_, i) => BigInt(i)));
  assertEquals(table.getChild("name")!.get(7), `name 7, "quoted"`);
});

Deno.test("parquet sink encodes large files as their rows come: the files a buffered write makes", async () => {
  // Files of 60,000 rows (enough to be encoded in the encoder worker as they fill), then a
  // flush in the middle of one: its rest is a file of its own, as buffered rows would make.
  const batches = Array.from({ length: 16 }, (_, i) => sampleBatch(10_000, 10_000 * i));
  const dir = await Deno.makeTempDir();
  const sink = createParquetSink({ dir, targetFileRows: 60_000 });
  await sink.open(TABLES, { mode: "error" });
  for (const batch of batches.slice(0, 13)) await sink.write("events", batch);
  await sink.flush();
  for (const batch of batches.slice(13)) await sink.write("events", batch);
  await sink.close();
  const files = await partFiles(`${dir}/events`, ".parquet");
  const rows = [];
  for (const file of files) rows.push((await readParquetFooter(`${dir}/events/${file}`)).numRows);
  assertEquals(rows, [60_000, 60_000, 10_000, 30_000]);
  // Each file is the file the rows make encoded at once.
  const first = new arrow.Table(SAMPLE_SCHEMA, batches.slice(0, 6));
  assertEquals(await Deno.readFile(`${dir}/events/${files[0]}`), encodeParquet(first));
  const table = await readParquetDir(`${dir}/events`);
  assertEquals(table.numRows, 160_000);
  assertEquals(
    [...table.getChild("id")!].every((id, i) => id === BigInt(i)),
    true,
  );
});

Deno.test("parquet sink drops a file being encoded when its run is discarded", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createParquetSink({ dir, targetFileRows: 200_000 });
  await sink.open(TABLES, { mode: "error" });
  for (let i = 0; i < 6; i++) await sink.write("events", sampleBatch(10_000, 10_000 * i));
  await sink.abort!();
  // Nothing was published, and no encoder worker is left running (the test sanitizers).
  assertEquals([...Deno.readDirSync(dir)].filter((e) => !e.name.startsWith(".")), []);
});

Deno.test("parquet sink writes a table without rows as one file with its schema", async () => {
  const dir = await writeSample({}, []);
  const files = await partFiles(dir, ".parquet");
  assertEquals(files.length, 1);
  const table = await readParquetDir(dir);
  assertEquals(table.numRows, 0);
  assertEquals(
    table.schema.fields.map((f) => String(f.type)),
    SAMPLE_SCHEMA.fields.map((f) => String(f.type)),
  );
});

Deno.test("parquet sink compresses with zstd, snappy or nothing", async () => {
  for (const compression of ["zstd", "snappy", "none"] as const) {
    const dir = await writeSample({ compression }, [sampleBatch(20)]);
    const table = await readParquetDir(dir);
    assertEquals(table.numRows, 20, compression);
    assertEquals(table.getChild("name")!.get(19), `name 19, "quoted"`, compression);
  }
});

Deno.test("parquet sink reads a sliced batch from its offset", async () => {
  const dir = await writeSample({}, [sampleBatch(10).slice(3, 7)]);
  const table = await readParquetDir(dir);
  assertEquals([...table.getChild("id")!], [3n, 4n, 5n, 6n]);
  assertEquals(table.getChild("n")!.get(2), null);
  assertEquals(table.getChild("n")!.get(3), 6000);
});

Deno.test("parquet sink refuses bad options when created", () => {
  assertThrows(() => createParquetSink({ dir: ".", targetFileRows: 0 }), Error, "at least 1");
  assertThrows(
    // @ts-expect-error: a compression the type does not allow, as a user config could hold
    () => createParquetSink({ dir: ".", compression: "lzo" }),
    Error,
    "snappy, zstd or none",
  );
});
