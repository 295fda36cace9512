import { BUILTINS } from "../../tests/_engine.ts";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { withTempDir, writeConfig } from "../../tests/_cli.ts";
import { digestRows } from "../../tests/_digest.ts";
import { loadConfig } from "../config/mod.ts";
import { Engine } from "../engine/engine.ts";
import { runInputs, tableSpecs } from "../config/engine_specs.ts";
import { readSnapshot } from "../delta/log_reader.ts";
import { readTable } from "../delta/read_data.ts";
import { statsJson } from "../delta/stats.ts";
import { readParquetColumns } from "../parquet/mod.ts";
import { localFs } from "../delta/fs.ts";
import { createDeltaSink } from "../../plugins/sinks/delta.ts";
import type { ParquetPart, Sink } from "../plugin/types.ts";
import { generateToSink } from "./generate.ts";
import { localSource, orderedParts, WorkerPool } from "./pool.ts";
import { MIN_PART_ROWS } from "./parts.ts";
import { recipeOf } from "./recipe.ts";
import { handoffSource } from "./handoff.ts";

const ROWS = 2 * MIN_PART_ROWS + 5_000;

const CONFIG = `
config: { seed: 5 }
tables:
  - table_name: facts
    row_count: ${ROWS}
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: amount, data: "random.randint(0, 1000)" }
      - { column_name: price, data: "round(random.random() * 100, 2)" }
      - { column_name: label, data: "random.choice(['a', 'b', None])" }
      - { column_name: day, data: "date(2026, 1, 1) + timedelta(days=random.randint(0, 300))" }
`;

/** Runs `fn` with an engine of CONFIG, its config's path and a scratch folder. */
async function withEngine(
  fn: (engine: Engine, path: string, dir: string) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const path = await writeConfig(dir, CONFIG);
    const { config } = await loadConfig(path);
    const engine = new Engine(tableSpecs(config!), runInputs(config!, {}, new Date(0)), BUILTINS);
    await fn(engine, path, dir);
  });
}

Deno.test("parts: workers encode the Delta files, the rows and their stats are the ones of one thread", async () => {
  await withEngine(async (engine, path, dir) => {
    const pool = await WorkerPool.start(recipeOf(engine, path), 2, engine);
    try {
      await generateToSink(engine, createDeltaSink({ dir: `${dir}/workers` }), {
        tables: ["facts"],
        source: pool,
      });
    } finally {
      pool.close();
    }
    await generateToSink(engine, createDeltaSink({ dir: `${dir}/one` }), { tables: ["facts"] });
    const fs = localFs;
    const workers = await readSnapshot(fs, `${dir}/workers/facts`);
    const one = await readSnapshot(fs, `${dir}/one/facts`);
    // One file per worker for a range smaller than a file per worker; one file in one thread.
    assertEquals(workers.files.length, 2);
    assertEquals(one.files.length, 1);
    const rows = await readTable(fs, workers);
    assertEquals(rows.numRows, ROWS);
    assertEquals(await digestRows(rows), await digestRows(await readTable(fs, one)));
    for (const add of workers.files) {
      const bytes = await Deno.readFile(`${dir}/workers/facts/${decodeURIComponent(add.path)}`);
      assertEquals(add.size, bytes.length);
      // The stats a worker computed are those of the file's rows, as this thread computes them.
      assertEquals(add.stats, statsJson((await readParquetColumns(bytes)).table));
    }
  });
});

Deno.test("parts: a range of many files is cut at the sink's file size, in row order", async () => {
  await withEngine(async (engine) => {
    const source = { ...localSource(engine), parallelism: 2 };
    const spec = { compression: "snappy" as const, fileRows: 40_000, stats: "delta" as const };
    const range = { table: "facts", firstRowId: 1, count: ROWS, epoch: 0, batchSize: 7_000 };
    const parts: ParquetPart[] = [];
    for await (const part of orderedParts(source, range, spec)) parts.push(part);
    assertEquals(parts.map((p) => p.rows), [40_000, 40_000, 25_000]);
    let id = 1;
    for (const part of parts) {
      const ids = [...(await readParquetColumns(part.bytes, ["id"])).table.getChild("id")!];
      assertEquals([ids[0], ids.at(-1)], [BigInt(id), BigInt(id + part.rows - 1)]);
      id += part.rows;
    }
  });
});

Deno.test("parts: a sink without the capability, or one thread, gets batches", async () => {
  await withEngine(async (engine) => {
    const calls: string[] = [];
    const sink: Sink = {
      open: () => Promise.resolve(),
      write: (_table, batch) => {
        calls.push(`batch ${batch.numRows}`);
        return Promise.resolve();
      },
      flush: () => Promise.resolve(),
      close: () => Promise.resolve(),
      parquetPartSpec: () => ({ compression: "none", fileRows: 1_000_000 }),
      writeParquetPart: (_table, part) => {
        calls.push(`part ${part.rows}`);
        return Promise.resolve();
      },
    };
    await generateToSink(engine, sink, { tables: ["facts"], batchSize: 100_000 });
    assertEquals(calls, [`batch ${ROWS / 2}`, `batch ${ROWS / 2}`]);
    calls.length = 0;
    const two = { ...localSource(engine), parallelism: 2 };
    await generateToSink(engine, sink, { tables: ["facts"], source: two });
    assertEquals(calls, [`part ${ROWS / 2}`, `part ${ROWS / 2}`]);
    calls.length = 0;
    const { part: _, ...batchesOnly } = two;
    await generateToSink(engine, sink, { tables: ["facts"], source: batchesOnly, batchSize: ROWS });
    assert(calls.every((c) => c.startsWith("batch")), calls.join());
  });
});

Deno.test("parts: a pool that joins in the middle of a table makes the rest of it, rows in order", async () => {
  await withEngine(async (engine, path, dir) => {
    const source = handoffSource(engine, {
      workers: 2,
      recipe: () => recipeOf(engine, path),
      rows: 10_000_000, // as if much remained: the pool is started at the first batch
      worthMs: 0,
    });
    const delta = createDeltaSink({ dir: `${dir}/handoff` });
    // The first batch is written only once the pool is ready, so it joins after it.
    const sink: Sink = {
      ...delta,
      async write(table, batch) {
        await delta.write(table, batch);
        while (source.parallelism < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      },
    };
    try {
      await generateToSink(engine, sink, { tables: ["facts"], source, batchSize: 5_000 });
    } finally {
      source.close();
    }
    await generateToSink(engine, createDeltaSink({ dir: `${dir}/one` }), { tables: ["facts"] });
    const handoff = await readSnapshot(localFs, `${dir}/handoff/facts`);
    // The batch made here, in the sink's own file, then the pool's two files.
    assertEquals(
      handoff.files.map((add) => JSON.parse(add.stats!).numRecords),
      [5_000, (ROWS - 5_000) / 2, (ROWS - 5_000) / 2],
    );
    const one = await readSnapshot(localFs, `${dir}/one/facts`);
    assertEquals(
      await digestRows(await readTable(localFs, handoff)),
      await digestRows(await readTable(localFs, one)),
    );
  });
});
