import { BUILTINS } from "../../tests/_engine.ts";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { withTempDir, writeConfig } from "../../tests/_cli.ts";
import { digestRows } from "../../tests/_digest.ts";
import * as arrow from "apache-arrow";
import { loadConfig } from "../config/mod.ts";
import { Engine } from "../engine/engine.ts";
import { runInputs, tableSpecs } from "../config/engine_specs.ts";
import { handoffSource, sourceChooser } from "./handoff.ts";
import { localSource, orderedBatches } from "./pool.ts";
import { recipeOf } from "./recipe.ts";

const CONFIG = `
config: { seed: 3 }
tables:
  - table_name: people
    row_count: 40000
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: email, data: fake.email() }
`;

/** The rows of `people` read through a source, as one table's digest. */
async function rowsThrough(source: ReturnType<typeof localSource>): Promise<string> {
  const batches: arrow.RecordBatch[] = [];
  const range = { table: "people", firstRowId: 1, count: 40000, epoch: 0, batchSize: 2000 };
  for await (const batch of orderedBatches(source, range)) batches.push(batch);
  return await digestRows(new arrow.Table(batches));
}

/** Runs `fn` with an engine of CONFIG and its config's path. */
async function withEngine(fn: (engine: Engine, path: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const path = await writeConfig(dir, CONFIG);
    const { config } = await loadConfig(path);
    const engine = new Engine(tableSpecs(config!), runInputs(config!, {}, new Date(0)), BUILTINS);
    await fn(engine, path);
  });
}

Deno.test("handoff: a run this thread finishes sooner than a pool starts stays in this thread", async () => {
  await withEngine(async (engine, path) => {
    let started = 0;
    const source = handoffSource(engine, {
      workers: 2,
      recipe: () => recipeOf(engine, path),
      rows: 40000,
      onStart: () => started++,
      worthMs: 60_000,
    });
    try {
      assertEquals(await rowsThrough(source), await rowsThrough(localSource(engine)));
      assertEquals([started, source.parallelism], [0, 1]);
    } finally {
      source.close();
    }
  });
});

Deno.test("handoff: a run worth a pool starts one and hands it the rest, same rows", async () => {
  await withEngine(async (engine, path) => {
    let started = 0;
    const source = handoffSource(engine, {
      workers: 2,
      recipe: () => recipeOf(engine, path),
      rows: 10_000_000, // as if much remained: the pool is started at the first piece
      onStart: () => started++,
      worthMs: 0,
    });
    try {
      const local = await rowsThrough(localSource(engine));
      // Pieces until the pool is ready are made here, the rest by the pool: the same rows.
      assertEquals(await rowsThrough(source), local);
      while (started === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      assertEquals(source.parallelism, 2);
      assertEquals(await rowsThrough(source), local, "all from the pool");
    } finally {
      source.close();
    }
  });
});

Deno.test("handoff: asked-for workers start at once, this thread makes at most half the rows", async () => {
  await withEngine(async (engine, path) => {
    let started = 0;
    const source = handoffSource(engine, {
      workers: 2,
      recipe: () => recipeOf(engine, path),
      rows: 40000,
      onStart: () => started++,
      worthMs: 60_000, // not worth one by the measure of defaulted workers: eager wins
      eager: true,
    });
    try {
      const local = await rowsThrough(localSource(engine));
      // However fast this thread is, the second half waits for the pool: it was really used.
      assertEquals(await rowsThrough(source), local);
      assertEquals([started, source.parallelism], [1, 2]);
    } finally {
      source.close();
    }
  });
});

Deno.test("handoff: a pool that is up takes over from a consumer that never waits", async () => {
  await withEngine(async (engine, path) => {
    const rows = 10_000_000;
    const source = handoffSource(engine, {
      workers: 2,
      recipe: () => recipeOf(engine, path),
      rows,
      eager: true,
    });
    try {
      // Pieces made here resolve at once: without a turn of the event loop between them, the
      // workers' "ready" was read only once this thread had made half the rows (5,000,000).
      let madeHere = 0;
      const range = { table: "people", firstRowId: 1, count: rows, epoch: 0, batchSize: 10_000 };
      for await (const batch of orderedBatches(source, range)) {
        if (source.parallelism > 1) break;
        madeHere += batch.numRows;
      }
      assertEquals(source.parallelism, 2);
      assert(madeHere < rows / 10, `this thread made ${madeHere} rows before the pool took over`);
    } finally {
      source.close();
    }
  });
});

Deno.test("chooser: defaulted workers wait for a backfill's rows to be worth a pool", async () => {
  await withEngine(async (engine, path) => {
    const local = await rowsThrough(localSource(engine));
    for (
      const [expected, worthMs, pool] of [
        [40_000, 60_000, false], // a known end, sooner than a pool starts: this thread
        [10_000_000, 0, true], // a known end far away: the pool, from the first piece
        [undefined, 60_000, false], // no end known: this thread until it has been busy that long
        [undefined, 0, true], // ... and the pool once it has
      ] as const
    ) {
      let started = 0;
      const chooser = sourceChooser(engine, {
        workers: 2,
        recipe: () => recipeOf(engine, path),
        adaptive: true,
        worthMs,
        onStart: () => started++,
      });
      try {
        chooser.expect(10);
        chooser.expect(expected);
        const source = await chooser.forRows(40_000);
        assertEquals(await rowsThrough(source), local, `${expected}, ${worthMs}`);
        if (pool) { while (started === 0) await new Promise((resolve) => setTimeout(resolve, 20)); }
        assertEquals(source.parallelism, pool ? 2 : 1, `${expected}, ${worthMs}`);
        assertEquals(started, pool ? 1 : 0);
        // Small ranges (a live tick's rows) stay in this thread either way.
        assertEquals((await chooser.forRows(10)).parallelism, 1);
      } finally {
        chooser.close();
      }
    }
  });
});
