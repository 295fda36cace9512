import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { batchOf, column, SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { readJsonl } from "../../tests/_read.ts";
import { createJsonlSink } from "./jsonl.ts";

Deno.test("jsonl sink writes one object per row that parses back", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createJsonlSink({ dir });
  await sink.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "error" });
  await sink.write("users", sampleBatch(6));
  await sink.close();
  const rows = await readJsonl(`${dir}/users/part-00000.jsonl`);
  assertEquals(rows.length, 6);
  assertEquals(rows[0], {
    id: 0,
    tiny: null,
    small: null,
    n: null,
    ratio: null,
    score: null,
    name: null,
    active: null,
    day: null,
    at: null,
  });
  assertEquals(rows[2], {
    id: 2,
    tiny: -98,
    small: -2,
    n: 2000,
    ratio: 2.1,
    score: 2 / 3,
    name: 'name 2, "quoted"',
    active: true,
    day: "2024-01-04",
    at: "2024-01-02T03:04:05.123458Z",
  });
  assertEquals(Object.keys(rows[2]), SAMPLE_SCHEMA.fields.map((f) => f.name));
});

Deno.test("jsonl sink writes int64 beyond 2^53 as a string, and odd text safely", async () => {
  const batch = batchOf({
    big: column(new arrow.Int64(), [2n ** 53n - 1n, 2n ** 53n, -(2n ** 63n)]),
    text: column(new arrow.Utf8(), ['quote " and \\ slash', "line\nbreak", "\u2028 sep"]),
  });
  const dir = await Deno.makeTempDir();
  const sink = createJsonlSink({ dir });
  await sink.open([{ name: "t", schema: batch.schema }], { mode: "error" });
  await sink.write("t", batch);
  await sink.close();
  const text = await Deno.readTextFile(`${dir}/t/part-00000.jsonl`);
  assertEquals(text.split("\n").length, 4); // three lines and the final newline
  assertEquals(await readJsonl(`${dir}/t/part-00000.jsonl`), [
    { big: 9007199254740991, text: 'quote " and \\ slash' },
    { big: "9007199254740992", text: "line\nbreak" },
    { big: "-9223372036854775808", text: "\u2028 sep" },
  ]);
});

Deno.test("jsonl sink writes an empty file for a table without rows", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createJsonlSink({ dir });
  await sink.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "error" });
  await sink.write("users", sampleBatch(0));
  await sink.close();
  assertEquals(await Deno.readTextFile(`${dir}/users/part-00000.jsonl`), "");
});
