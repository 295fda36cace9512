import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { BUILTINS } from "../../tests/_engine.ts";
import { withTempDir, writeConfig } from "../../tests/_cli.ts";
import { loadConfig } from "../config/mod.ts";
import { runInputs, tableSpecs } from "../config/engine_specs.ts";
import { Engine } from "../engine/engine.ts";
import { type BatchSource, orderedBatches, WorkerPool } from "./pool.ts";
import { recipeOf } from "./recipe.ts";

/** A source whose batches finish in reverse order of request, each a column of row ids. */
function shuffledSource(parallelism: number): BatchSource & { requests: number[][] } {
  const requests: number[][] = [];
  let waiting: (() => void)[] = [];
  return {
    parallelism,
    ahead: 3 * parallelism,
    requests,
    batch(_table, firstRowId, count) {
      requests.push([firstRowId, count]);
      const ids = Float64Array.from({ length: count }, (_, i) => firstRowId + i);
      const batch = new arrow.RecordBatch({
        id: arrow.makeData({ type: new arrow.Float64(), data: ids }),
      });
      return new Promise((resolve) => {
        waiting.unshift(() => resolve(batch));
        // Later requests resolve first: order must come from the consumer, not the source.
        queueMicrotask(() => {
          const all = waiting;
          waiting = [];
          for (const resolveOne of all) resolveOne();
        });
      });
    },
    close() {},
  };
}

Deno.test("ordered batches cover the range once, in row order, whatever order pieces finish in", async () => {
  for (const parallelism of [1, 2, 3]) {
    const source = shuffledSource(parallelism);
    const ids: number[] = [];
    const range = { table: "t", firstRowId: 11, count: 25_003, epoch: 0, batchSize: 4_000 };
    for await (const batch of orderedBatches(source, range)) {
      ids.push(...(batch.getChild("id")!.toArray() as Float64Array));
    }
    assertEquals(ids.length, 25_003);
    assertEquals(ids.every((id, i) => id === 11 + i), true, `parallelism ${parallelism}`);
    assertEquals(source.requests.every(([, n]) => n <= 4_000), true, "pieces fit a batch");
  }
});

Deno.test("a range worth it is cut into at least one piece per worker", async () => {
  const source = shuffledSource(3);
  const range = { table: "t", firstRowId: 1, count: 6_000, epoch: 0, batchSize: 10_000 };
  for await (const _ of orderedBatches(source, range)) { /* drain */ }
  assertEquals(source.requests.map(([, n]) => n), [2_000, 2_000, 2_000]);
  // Below 1,000 rows a piece, messaging would cost more than it saves: one piece.
  const small = shuffledSource(3);
  for await (const _ of orderedBatches(small, { ...range, count: 1_500 })) { /* drain */ }
  assertEquals(small.requests.map(([, n]) => n), [1_500]);
});

Deno.test("workers not ready in time are stopped and the start fails, saying why", async () => {
  await withTempDir(async (dir) => {
    // A plugin file that never finishes loading in a worker (it loads at once in this thread).
    await Deno.writeTextFile(
      `${dir}/stuck.js`,
      `if (typeof WorkerGlobalScope !== "undefined") { while (true) {} }
export default ({ defineDistribution }) =>
  defineDistribution({
    name: "first",
    summary: "Always the first parent.",
    options: {},
    create: () => ({ sample: () => 0 }),
  });
`,
    );
    const path = await writeConfig(
      dir,
      `plugins: [stuck.js]
tables:
  - table_name: t
    row_count: 10
    columns:
      - { column_name: id, data: row_id }
`,
    );
    const { config } = await loadConfig(path);
    const engine = new Engine(tableSpecs(config!), runInputs(config!, {}, new Date(0)), BUILTINS);
    const started = performance.now();
    const error = await assertRejects(() =>
      WorkerPool.start(recipeOf(engine, path), 2, engine, 1_500)
    );
    assert(performance.now() - started < 10_000, "the start fails soon after its deadline");
    assert(
      /2 of 2 generation workers were not ready after 1.5 s .*--workers 1/s.test(String(error)),
      String(error),
    );
  });
});
