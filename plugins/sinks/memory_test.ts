import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { createMemorySink, MemoryStore } from "./memory.ts";
import { assertCommitPointChecked } from "../../tests/_sink_contract.ts";

Deno.test("memory sink: commit points, properties, replace, time travel", async () => {
  const store = new MemoryStore();
  const sink = createMemorySink({ store });
  await sink.open([{ name: "t", schema: SAMPLE_SCHEMA, appId: "app" }], { mode: "append" });
  await sink.write("t", sampleBatch(3));
  await sink.flush({ tick: 0, properties: { k: "v" } });
  await sink.flush({ tick: 1 }); // a tick without rows still records its commit point
  await sink.write("t", sampleBatch(2, 3));
  await sink.flush({ tick: 2, replace: true });
  await sink.close();
  const stored = await sink.inspect!("t");
  assertEquals(stored?.version, 2);
  assertEquals(stored?.properties, { k: "v" });
  assertEquals([...stored!.commits], [["app", 2]]);
  assertEquals(stored?.rows, 2);
  assertEquals((await sink.read!("t", ["id"], { version: 0 })).numRows, 3);
  assertEquals(await sink.inspect!("missing"), null);
  const again = createMemorySink({ store });
  await assertRejects(
    () => again.open([{ name: "t", schema: SAMPLE_SCHEMA }], { mode: "error" }),
    Error,
    "already exists",
  );
});

Deno.test("memory sink: a commit point that no longer follows the table is refused whole", async () => {
  const store = new MemoryStore();
  await assertCommitPointChecked(() => createMemorySink({ store }));
});
