import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { createMemorySink, MemoryStore } from "./memory.ts";
import { createRoutingSink } from "./_router.ts";

Deno.test("routing sink sends each table to its sink", async () => {
  const a = new MemoryStore();
  const b = new MemoryStore();
  const sink = createRoutingSink([
    { sink: createMemorySink({ store: a }), tables: ["x", "y"] },
    { sink: createMemorySink({ store: b }), tables: ["z"] },
  ]);
  await sink.open(["x", "y", "z"].map((name) => ({ name, schema: SAMPLE_SCHEMA })), {
    mode: "append",
  });
  await sink.write("x", sampleBatch(2));
  await sink.write("z", sampleBatch(3));
  await sink.flush({ tick: 0 });
  await sink.close();
  assertEquals([...a.tables.keys()].sort(), ["x", "y"]);
  assertEquals([...b.tables.keys()], ["z"]);
  assertEquals([a.rows("x").numRows, a.rows("y").numRows, b.rows("z").numRows], [2, 0, 3]);
  assertEquals((await sink.inspect!("z"))?.rows, 3);
  await assertRejects(() => sink.write("w", sampleBatch(1)), Error, 'Table "w" has no sink');
});
