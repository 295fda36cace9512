import * as arrow from "apache-arrow";
import {
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../../tests/_assert.ts";
import { batchOf, column, SAMPLE_SCHEMA, SAMPLE_TYPES, sampleBatch } from "../../tests/_batches.ts";
import { plainRows } from "../../tests/_read.ts";
import type { ChangeBatch } from "../../lib/plugin/types.ts";
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

/** Rows of `sampleBatch` values with other ids (a change's rows after). */
function withIds(batch: arrow.RecordBatch, ids: (bigint | null)[]): arrow.RecordBatch {
  const columns: Record<string, arrow.Data> = {};
  for (const field of SAMPLE_SCHEMA.fields) {
    columns[field.name] = field.name === "id"
      ? column(SAMPLE_TYPES.id, ids)
      : batch.getChild(field.name)!.data[0];
  }
  return batchOf(columns);
}

Deno.test("memory sink: changes are applied by primary key at commit, and kept as events", async () => {
  const store = new MemoryStore();
  const sink = createMemorySink({ store });
  await sink.open([{ name: "t", schema: SAMPLE_SCHEMA, primaryKey: "id", appId: "app" }], {
    mode: "append",
  });
  await sink.write("t", sampleBatch(4)); // ids 0..3
  const changes: ChangeBatch = {
    ops: ["u", "d"],
    ticks: [1, 1],
    timesMs: [1_000, 2_000],
    versions: [1, 0],
    before: sampleBatch(2, 1), // ids 1 and 2
    after: withIds(sampleBatch(2, 101), [1n, null]),
  };
  await sink.writeChanges!("t", changes);
  assertEquals(store.tables.size, 0, "nothing is visible before the flush");
  await sink.write("t", sampleBatch(1, 4)); // tick 1's row, after its changes
  await sink.flush({ tick: 1 });
  const rows = plainRows(store.rows("t")).sort((a, b) => Number(a.id) - Number(b.id));
  assertEquals(rows.map((r) => r.id), [0, 1, 3, 4]);
  assertEquals(rows[1], { ...plainRows(new arrow.Table(sampleBatch(1, 101)))[0], id: 1 });
  assertEquals(store.inspect("t")!.rows, 4);
  assertEquals(store.changes("t"), [changes]);
  // Changes staged and then aborted are not committed.
  await sink.writeChanges!("t", {
    ...changes,
    ops: ["d"],
    ticks: [2],
    timesMs: [3_000],
    versions: [1],
    before: sampleBatch(1, 1),
    after: withIds(sampleBatch(1), [null]),
  });
  await sink.abort!();
  assertEquals(store.changes("t").length, 1, "aborted changes are dropped");
  // A change of a row the table does not hold is an error, not a silent no-op.
  const again = createMemorySink({ store });
  await again.open([{ name: "t", schema: SAMPLE_SCHEMA, primaryKey: "id", appId: "app" }], {
    mode: "append",
  });
  await again.writeChanges!("t", changes); // row 2 is gone already
  await again.flush({ tick: 2 });
  const error = assertThrows(() => store.rows("t"));
  assertStringIncludes(
    (error as Error).message,
    "deletes the row with id 2, which the table does not hold",
  );
});
