import * as arrow from "apache-arrow";
import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { parquetRowCount, type ReadTail } from "./footer.ts";
import { encodeParquet } from "./mod.ts";

/** The tail reader of bytes in memory, recording how much it was asked for. */
function tailOf(bytes: Uint8Array, asked: number[] = []): ReadTail {
  return (length) => {
    asked.push(length);
    return Promise.resolve({
      bytes: bytes.subarray(Math.max(0, bytes.length - length)),
      size: bytes.length,
    });
  };
}

Deno.test("a Parquet file's row count from its footer, in one or two reads", async () => {
  for (const rows of [0, 1, 70_000]) {
    const batches = rows === 0 ? [] : [sampleBatch(rows, 0)];
    const bytes = encodeParquet(new arrow.Table(SAMPLE_SCHEMA, batches));
    const asked: number[] = [];
    assertEquals(await parquetRowCount(tailOf(bytes, asked)), rows);
    assertEquals(asked.length, 1, "a small footer is in the first read");
  }
  // A footer larger than the first read: a second read of exactly the footer.
  const wide = new arrow.Table(
    Object.fromEntries(
      Array.from({ length: 600 }, (_, i) => [
        `a_rather_long_column_name_${i}`,
        arrow.vectorFromArray([i, i + 1], new arrow.Int32()),
      ]),
    ),
  );
  const bytes = encodeParquet(wide);
  const asked: number[] = [];
  assertEquals(await parquetRowCount(tailOf(bytes, asked)), 2);
  assertEquals(asked.length, 2);
});

Deno.test("a file that is not Parquet, or cut short, is a clear error", async () => {
  const bytes = encodeParquet(new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(10, 0)]));
  await assertRejects(
    () => parquetRowCount(tailOf(bytes.subarray(0, bytes.length - 1))),
    Error,
    "PAR1",
  );
  const tooLong = bytes.slice();
  new DataView(tooLong.buffer).setUint32(tooLong.length - 8, 1 << 30, true);
  await assertRejects(() => parquetRowCount(tailOf(tooLong)), Error, "larger than the file");
  const tooShort = bytes.slice();
  new DataView(tooShort.buffer).setUint32(tooShort.length - 8, 1, true);
  await assertRejects(() => parquetRowCount(tailOf(tooShort)), Error, "footer");
});
