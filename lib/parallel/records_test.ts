import { BUILTINS } from "../../tests/_engine.ts";
import { assertEquals } from "../../tests/_assert.ts";
import { cli, withTempDir, writeConfig } from "../../tests/_cli.ts";
import { loadConfig } from "../config/mod.ts";
import { Engine } from "../engine/engine.ts";
import { runInputs, tableSpecs } from "../config/engine_specs.ts";
import type { EncodedRecords, RecordSpec } from "../plugin/types.ts";
import { encodeRecords } from "../../plugins/sinks/kafka/records.ts";
import { orderedBatches, orderedRecords, type RowRange, WorkerPool } from "./pool.ts";
import { recipeOf } from "./recipe.ts";
import { generateToSink } from "./generate.ts";
import { createKafkaSink } from "../../plugins/sinks/kafka/mod.ts";
import { kafkaTest, testKafka } from "../../tests/_kafka.ts";

const CONFIG = `
config: { seed: 5 }
tables:
  - table_name: facts
    row_count: 30000
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: amount, data: "random.randint(0, 1000)" }
      - { column_name: price, data: "round(random.random() * 100, 2)" }
      - { column_name: label, data: "random.choice(['a', 'b', None])" }
      - { column_name: day, data: "date(2026, 1, 1) + timedelta(days=random.randint(0, 300))" }
`;

/** Records flattened for comparison: each row's key, value and partition. */
function rowsOf(pieces: EncodedRecords[]): [string | null, string, number | null][] {
  const text = (bytes: Uint8Array, from: number, to: number) =>
    new TextDecoder().decode(bytes.subarray(from, to));
  return pieces.flatMap((r) =>
    Array.from({ length: r.rows }, (_, i): [string | null, string, number | null] => [
      r.keys ? text(r.keys, r.keyOffsets![i], r.keyOffsets![i + 1]) : null,
      text(r.values, r.valueOffsets[i], r.valueOffsets[i + 1]),
      r.partitions ? r.partitions[i] : null,
    ])
  );
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

Deno.test("records: workers make the keyed records one thread makes of the same rows", async () => {
  await withEngine(async (engine, path) => {
    const range: RowRange = {
      table: "facts",
      firstRowId: 1_000,
      count: 25_000,
      epoch: 0,
      batchSize: 4_000,
    };
    const pool = await WorkerPool.start(recipeOf(engine, path), 2, engine);
    try {
      for (
        const spec of [
          { format: "json", key: ["id"], avroPrefix: new Uint8Array(), partitions: 6 },
          { format: "json", key: [], avroPrefix: new Uint8Array(), partitions: 3 },
          { format: "json", key: ["label", "id"], avroPrefix: new Uint8Array(), partitions: 4 },
        ] satisfies RecordSpec[]
      ) {
        const made: EncodedRecords[] = [];
        for await (const r of orderedRecords(pool, range, spec)) made.push(r);
        const here: EncodedRecords[] = [];
        for await (const b of orderedBatches(pool, range)) here.push(encodeRecords(b, spec));
        assertEquals(made.reduce((n, r) => n + r.rows, 0), range.count);
        assertEquals(rowsOf(made), rowsOf(here), `key ${spec.key}`);
      }
    } finally {
      pool.close();
    }
  });
});

kafkaTest(
  await testKafka(),
  "records: generate into Kafka with workers sends what one thread sends",
  async (k) => {
    await withEngine(async (engine, path) => {
      const prefix = `t${crypto.randomUUID().slice(0, 8)}.`;
      const sink = (run: string) =>
        createKafkaSink({
          brokers: k.brokers,
          topic: (t) => `${prefix}${run}.${t}`,
          progressTopic: `${prefix}${run}.progress`,
          partitions: 3,
        });
      const pool = await WorkerPool.start(recipeOf(engine, path), 2, engine);
      let written = 0;
      const counted = sink("workers");
      const writeRecords = counted.writeRecords!.bind(counted);
      counted.writeRecords = (table, records) => {
        written += records.rows;
        return writeRecords(table, records);
      };
      try {
        await generateToSink(engine, counted, {
          tables: ["facts"],
          source: pool,
          batchSize: 4_000,
        });
      } finally {
        pool.close();
      }
      assertEquals(written, 30_000, "every row went as records made by the workers");
      await generateToSink(engine, sink("one"), { tables: ["facts"], batchSize: 4_000 });
      const columns = ["id", "amount", "price", "label", "day"];
      const read = async (run: string) => {
        const table = await sink(run).read!("facts", columns);
        return table.toArray().map((row) =>
          JSON.stringify(row.toJSON(), (_, v) => typeof v === "bigint" ? String(v) : v)
        );
      };
      const [workers, one] = [await read("workers"), await read("one")];
      assertEquals(workers.length, 30_000);
      assertEquals(workers.sort(), one.sort());
    });
  },
);

kafkaTest(
  await testKafka(),
  "records: run --fast-forward into Kafka with workers commits what one thread commits",
  async (k) => {
    await withTempDir(async (dir) => {
      const prefix = `t${crypto.randomUUID().slice(0, 8)}.`;
      const config = (run: string) =>
        writeConfig(
          `${dir}/${run}`,
          `version: 1
config: { seed: 5, tick_interval: 10s }
sinks:
  default:
    type: kafka
    options:
      brokers: [${k.brokers.map((b) => `"${b}"`).join(", ")}]
      topic: "${prefix}${run}.{table}"
      progress_topic: "${prefix}${run}.progress"
      partitions: 3
tables:
  - table_name: facts
    row_count: 20000
    cadence: { rows_per_minute: 60000 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: amount, data: "random.randint(0, 1000)" }
`,
        );
      for (const [run, workers] of [["workers", "2"], ["one", "1"]]) {
        await Deno.mkdir(`${dir}/${run}`, { recursive: true });
        const done = await cli(
          "run",
          "-c",
          await config(run),
          "--fast-forward",
          "--start-time",
          "2024-01-01T00:00:00Z",
          "--until",
          "2024-01-01T00:03:00Z",
          "--commit-rows",
          "10000",
          "--workers",
          workers,
        );
        assertEquals(done.code, 0, done.stderr);
        assertEquals(done.stderr.includes("Generating in 2 workers"), workers === "2", done.stderr);
      }
      const read = async (run: string) => {
        const sink = createKafkaSink({
          brokers: k.brokers,
          topic: (t) => `${prefix}${run}.${t}`,
          progressTopic: `${prefix}${run}.progress`,
        });
        const table = await sink.read!("facts", ["id", "amount"]);
        return table.toArray().map((row) => `${row.id} ${row.amount}`);
      };
      const [workers, one] = [await read("workers"), await read("one")];
      assertEquals(workers.length, 200_000); // 20,000 at the start, 60,000 a minute for 3 minutes
      assertEquals(workers.sort(), one.sort());
    });
  },
);
