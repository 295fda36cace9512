/**
 * PostgreSQL sink benchmarks (`deno task bench`), on the tests' server (tests/_postgres.ts):
 * flushing one 100k-row batch of the example's `orders` table (COPY and the progress row in
 * one transaction), into a table without and with a primary key, and reading 100k rows back.
 * Generating the rows, opening sinks and dropping tables are not timed.
 */
import type * as arrow from "apache-arrow";
import { loadConfig } from "../config/mod.ts";
import { Engine } from "../engine/engine.ts";
import { engineOptions, runInputs, tableSpecs } from "../config/engine_specs.ts";
import { testClient, testPostgres } from "../../tests/_postgres.ts";
import { createPostgresSink } from "../../plugins/sinks/postgres/mod.ts";

const EXAMPLE = new URL("../../examples/streaming_config.yaml", import.meta.url).pathname;
const BATCH_ROWS = 100_000;

const found = await testPostgres();
if (found.found) {
  const server = found.value;
  const { config } = await loadConfig(EXAMPLE);
  const specs = tableSpecs(config!).map((s) => ({
    ...s,
    rowCount: Math.max(s.rowCount, BATCH_ROWS),
  }));
  const engine = new Engine(
    specs,
    runInputs(config!, { seed: 1 }, new Date("2026-01-01T00:00Z")),
    engineOptions(config!),
  );
  const orders = engine.table("orders");
  const batch = orders.batch(1, BATCH_ROWS);
  const schema = `tablestream_bench_${crypto.randomUUID().slice(0, 8)}`;
  const db = await testClient(server);
  globalThis.addEventListener("unload", () => {
    // Best effort: a throwaway cluster goes anyway; a given server keeps no bench schema.
    db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      .catch(() => {})
      .then(() => db.end())
      .catch(() => {});
  });
  const options = { ...server.connection, schema };
  const key = orders.spec.primaryKey;

  /** Flushes the batch into `name` with a sink of its own; only the write and flush are timed. */
  const flushInto = async (b: Deno.BenchContext, name: string, primaryKey?: string) => {
    const sink = createPostgresSink(options);
    await sink.open([{ name, schema: batch.schema, primaryKey }], { mode: "append" });
    b.start();
    await sink.write(name, batch);
    await sink.flush({ tick: 0 });
    b.end();
    await sink.close();
  };

  Deno.bench("flush one 100k-row orders batch: COPY + progress row, no primary key", {
    group: "flush",
    baseline: true,
  }, async (b) => {
    await flushInto(b, "orders_nokey");
    await db.query(`TRUNCATE "${schema}"."orders_nokey"`);
  });

  Deno.bench("flush one 100k-row orders batch into a new table with its primary key", {
    group: "flush",
  }, async (b) => {
    await flushInto(b, "orders_key", key);
    await db.query(`DROP TABLE "${schema}"."orders_key"`);
  });

  const reader = createPostgresSink(options);
  await reader.open([{ name: "orders_read", schema: batch.schema }], { mode: "error" });
  await reader.write("orders_read", batch);
  await reader.close();
  const columns = batch.schema.fields.map((f) => f.name);
  Deno.bench("read 100k rows of every orders column back into Arrow", {
    group: "read",
  }, async () => {
    const rows: arrow.Table = await reader.read!("orders_read", columns);
    if (rows.numRows !== BATCH_ROWS) throw new Error("wrong row count");
  });
}
