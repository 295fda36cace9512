import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { encodeParquet, ParquetStream, readParquetColumns } from "./mod.ts";

Deno.test("a streamed Parquet file is the file encodeParquet makes of the same rows", async () => {
  const batches = [sampleBatch(700, 0), sampleBatch(1, 700), sampleBatch(2000, 701)];
  const table = new arrow.Table(SAMPLE_SCHEMA, batches);
  for (const compression of ["snappy", "zstd", "none"] as const) {
    const stream = new ParquetStream(compression);
    for (const batch of batches) await stream.write(batch);
    const streamed = await stream.finish();
    assertEquals(streamed, encodeParquet(table, compression), compression);
  }
  const back = await readParquetColumns(encodeParquet(table), ["id"]);
  assertEquals(back.numRows, 2701);
  assertEquals([...back.table.getChild("id")!].map(String).slice(699, 702), ["699", "700", "701"]);
});
