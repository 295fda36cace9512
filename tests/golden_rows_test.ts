/**
 * Speed never changes a row: digests of every value that configs covering the engine's
 * paths generate (faker, random, foreign keys with each distribution, copies, nulls, every
 * storage type, the streaming timeline), pinned from before the performance work. A change
 * that moves any value, in any row, fails here.
 */
import * as arrow from "apache-arrow";
import { assertEquals } from "./_assert.ts";
import { loadConfig } from "../lib/config/mod.ts";
import { Engine } from "../lib/engine/engine.ts";
import { engineOptions, runInputs, tableSpecs } from "../lib/config/engine_specs.ts";
import { StreamingServer } from "../lib/schedule/server.ts";
import { createMemorySink, MemoryStore } from "../plugins/sinks/memory.ts";
import { digestRows } from "./_digest.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const NOW = new Date("2026-01-01T00:00:00Z");

/** Every table of a config generated in batches of 997 rows (an odd size on purpose). */
async function configDigests(file: string, rows: number): Promise<Record<string, string>> {
  const { config } = await loadConfig(file);
  const specs = tableSpecs(config!).map((s) => ({ ...s, rowCount: Math.min(s.rowCount, rows) }));
  const engine = new Engine(specs, runInputs(config!, {}, NOW), engineOptions(config!));
  const digests: Record<string, string> = {};
  for (const generator of engine.tables()) {
    const batches: arrow.RecordBatch[] = [];
    const { startRowId, rowCount } = generator.spec;
    for (let done = 0; done < rowCount; done += 997) {
      batches.push(generator.batch(startRowId + done, Math.min(997, rowCount - done)));
    }
    digests[generator.name] = await digestRows(new arrow.Table(batches));
  }
  return digests;
}

const TYPES_CONFIG = `
version: 1
config:
  seed: 99
  locale: de_DE
tables:
  - table_name: kinds
    row_count: 3000
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: i8
        data: random.randint(-100, 100)
        type: int8
      - column_name: i16
        data: random.randint(-30000, 30000)
        type: int16
      - column_name: big
        data: random.randint(-9000000000000, 9000000000000)
      - column_name: f32
        data: random.uniform(-1, 1)
        type: float32
      - column_name: money
        data: round(random.uniform(0, 999), 2)
        parquet_type: decimal128(10,2)
      - column_name: flag
        data: random.random() < 0.3
      - column_name: tier
        data: random.choice(["gold", "silver", "bronze"])
      - column_name: day
        data: fake.date_between(start_date="-2y", end_date="today")
      - column_name: at
        data: fake.date_time_between(start_date="-30d", end_date="now")
      - column_name: name
        data: fake.name()
        null_percentage: 0.25
      - column_name: text
        data: str(i8) + "/" + fake.city()
  - table_name: refs
    row_count: 3000
    columns:
      - column_name: id
        data: row_id
      - column_name: uniform
        data: foreign_key("kinds", "id")
      - column_name: zipf
        data: foreign_key("kinds", "id", distribution="zipf", param=1.1)
      - column_name: unique
        data: foreign_key("kinds", "id", is_unique=True)
      - column_name: weighted
        data: 'foreign_key("kinds", "id", distribution="weighted_parent", parent_attr="tier", weights={"gold": 5, "silver": 2})'
      - column_name: copied
        data: copy_from_fk("zipf", "kinds", "name")
`;

Deno.test("generated rows are exactly the pinned ones (batch runs)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-golden-" });
  try {
    await Deno.writeTextFile(`${dir}/types.yaml`, TYPES_CONFIG);
    const actual = {
      example: await configDigests(`${ROOT}examples/streaming_config.yaml`, 5000),
      people: await configDigests(`${ROOT}lib/bench/configs/people.yaml`, 3000),
      numeric: await configDigests(`${ROOT}lib/bench/configs/numeric.yaml`, 3000),
      copy_fk: await configDigests(`${ROOT}lib/bench/configs/copy_fk.yaml`, 3000),
      types: await configDigests(`${dir}/types.yaml`, 3000),
    };
    assertEquals(actual, GOLDEN_BATCH);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("streamed rows are exactly the pinned ones (run --fast-forward)", async () => {
  const store = new MemoryStore();
  const server = new StreamingServer({
    config: `${ROOT}examples/streaming_config.yaml`,
    sink: () => createMemorySink({ store }),
    startTime: NOW,
    fastForward: true,
    ticks: 400,
    commitRows: 700,
  });
  await server.start();
  const actual: Record<string, string> = {};
  for (const [name, table] of store.tables) {
    const batches = table.commits.flatMap((c) => c.batches);
    actual[name] = await digestRows(new arrow.Table(table.schema, batches));
  }
  assertEquals(actual, GOLDEN_STREAM);
});

const GOLDEN_BATCH = {
  copy_fk: {
    customers: "0502d82809198be59a0ad7fa",
    orders_copy: "f6d5f0e70752e4ccab9185fb",
    orders_plain: "15757716e2a4d81a7535354f",
  },
  example: {
    customers: "db638f5656dca8f1baaccd3d",
    orders: "f721abc0d7e0e4dec27bb465",
    person: "ce7bad4d98c5c8cd8e1d8451",
  },
  numeric: { facts: "6ac058faca3dd99dda2e510f", parents: "af00d1890f046377f6d90307" },
  people: { people: "c9a9db057bda0f519a45edbe" },
  types: { kinds: "c95be05b67f673e4dd668bf5", refs: "f8f3502f55970ed0d4356f5c" },
};

const GOLDEN_STREAM = {
  customers: "411ac334a246e3d2e4f53d48",
  orders: "c282cbf98f2d4f246db7ffca",
  person: "568efb896cc97a0179875815",
};
