import { assertEquals } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { readJsonArray, readJsonl } from "../../tests/_read.ts";
import { createJsonSink } from "./json.ts";
import { createJsonlSink } from "./jsonl.ts";

async function write(create: typeof createJsonSink, batches: number[]): Promise<string> {
  const dir = await Deno.makeTempDir();
  const sink = create({ dir });
  await sink.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "error" });
  let start = 0;
  for (const rows of batches) {
    await sink.write("users", sampleBatch(rows, start));
    start += rows;
  }
  await sink.close();
  return dir;
}

Deno.test("json sink writes one array of the records jsonl writes, across batches", async () => {
  const json = await write(createJsonSink, [4, 3]);
  const jsonl = await write(createJsonlSink, [4, 3]);
  const records = await readJsonArray(`${json}/users/part-00000.json`);
  assertEquals(records, await readJsonl(`${jsonl}/users/part-00000.jsonl`));
  assertEquals(records.length, 7);
  const text = await Deno.readTextFile(`${json}/users/part-00000.json`);
  assertEquals(text.split("\n").length, 7 + 3); // "[", a line per record, "]", final newline
});

Deno.test("json sink writes [] for a table without rows", async () => {
  const dir = await write(createJsonSink, []);
  assertEquals(await Deno.readTextFile(`${dir}/users/part-00000.json`), "[]\n");
});
