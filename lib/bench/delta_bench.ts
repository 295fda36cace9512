/**
 * Delta benchmarks (`deno task bench`): appending a 100k-row batch of the example's `orders`
 * table (data files + commit), and reading the log of a table with 1,000 commits with and
 * without checkpoints. Set-up (generating rows, building the long logs) is not timed.
 */
import * as arrow from "apache-arrow";
import { loadConfig } from "../config/mod.ts";
import { Engine } from "../engine/engine.ts";
import { engineOptions, runInputs, tableSpecs } from "../config/engine_specs.ts";
import { joinPath, localFs } from "../delta/fs.ts";
import { readSnapshot } from "../delta/log_reader.ts";
import { DeltaWriter } from "../delta/writer.ts";

const EXAMPLE = new URL("../../examples/streaming_config.yaml", import.meta.url).pathname;
const BATCH_ROWS = 100_000;
const LONG_LOG_COMMITS = 1_000;

async function ordersBatch(rows: number): Promise<arrow.Table> {
  const { config } = await loadConfig(EXAMPLE);
  const specs = tableSpecs(config!).map((s) => ({ ...s, rowCount: Math.max(s.rowCount, rows) }));
  const engine = new Engine(
    specs,
    runInputs(config!, { seed: 1 }, new Date("2026-01-01T00:00Z")),
    engineOptions(config!),
  );
  return new arrow.Table([engine.table("orders").batch(1, rows)]);
}

const root = await Deno.makeTempDir({ prefix: "tablestream-bench-" });
const batch = await ordersBatch(BATCH_ROWS);

async function appender(name: string, compression: "snappy" | "zstd") {
  const writer = await DeltaWriter.open(joinPath(root, name), {
    schema: batch.schema,
    appId: "bench",
    compression,
  });
  const { added } = await writer.append(batch);
  console.log(`${name}: one ${BATCH_ROWS}-row batch is ${(added[0].size / 1e6).toFixed(2)} MB`);
  return writer;
}

const snappy = await appender("append-snappy", "snappy");
const zstd = await appender("append-zstd", "zstd");

Deno.bench("append one 100k-row orders batch (snappy): files + commit", {
  group: "append",
  baseline: true,
}, async () => {
  await snappy.append(batch);
});

Deno.bench("append one 100k-row orders batch (zstd): files + commit", {
  group: "append",
}, async () => {
  await zstd.append(batch);
});

/** A table of LONG_LOG_COMMITS one-row commits, with a checkpoint every `interval` (0: none). */
async function longLog(name: string, interval: number): Promise<string> {
  const path = joinPath(root, name);
  const writer = await DeltaWriter.open(path, {
    schema: batch.schema,
    appId: "bench",
    checkpointInterval: interval,
  });
  const row = batch.slice(0, 1);
  for (let c = 0; c < LONG_LOG_COMMITS; c++) await writer.append(row);
  return path;
}

const withCheckpoints = await longLog("log-checkpointed", 10);
const withoutCheckpoints = await longLog("log-plain", 0);

Deno.bench("read the log of 1,000 commits, checkpoint every 10", {
  group: "read-log",
  baseline: true,
}, async () => {
  const snapshot = await readSnapshot(localFs, withCheckpoints);
  if (snapshot.files.length !== LONG_LOG_COMMITS) throw new Error("wrong snapshot");
});

Deno.bench("read the log of 1,000 commits, no checkpoint", {
  group: "read-log",
}, async () => {
  const snapshot = await readSnapshot(localFs, withoutCheckpoints);
  if (snapshot.files.length !== LONG_LOG_COMMITS) throw new Error("wrong snapshot");
});

globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));
