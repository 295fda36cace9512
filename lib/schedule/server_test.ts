import { assert, assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { shopYaml } from "../../tests/_shop.ts";
import {
  config,
  memoryServer,
  MemoryStore,
  plainRows,
  runLive,
  START,
} from "../../tests/_server.ts";
import { Timeline } from "../stream/timeline.ts";
import { prometheusText, type ServerStatus, statusLines } from "./status.ts";

const CADENCE = config(`
version: 1
config:
  seed: 3
  tick_interval: 10s
tables:
  - table_name: fast
    row_count: 5
    cadence: { rows_per_minute: 60 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: at, data: datetime.now() }
  - table_name: slow
    row_count: 0
    cadence: { rows_per_minute: 1 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: at, data: datetime.now() }
  - table_name: fraction
    row_count: 2
    cadence: { rows_per_minute: 2.5 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
  - table_name: half
    row_count: 0
    cadence: { rows_per_minute: 0.5 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
  - table_name: seven
    row_count: 1
    cadence: { rows_per_minute: 7 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
`);

Deno.test("cadence on an injected clock: exact rows over 1000 ticks, fractional rates", async () => {
  const store = new MemoryStore();
  const summary = await runLive(store, { config: CADENCE }, 1000, 10_000, 5);
  assertEquals(summary.failed, []);
  const measured = (table: string) =>
    summary.tables.find((t) => t.table === table)!.measuredRowsPerMinute;
  assertEquals([measured("fast"), measured("seven")], [60, 7]);
  // 1000 ticks of 10 s = 10,000 s = 166.67 minutes.
  const expected = { fast: 5 + 10_000, slow: 166, fraction: 2 + 416, half: 83, seven: 1 + 1166 };
  for (const [table, rows] of Object.entries(expected)) {
    assertEquals(store.rows(table).numRows, rows, table);
    const ids = plainRows(store.rows(table)).map((r) => r.id);
    assertEquals(ids, Array.from({ length: rows }, (_, i) => i + 1), `${table}: no gap, no repeat`);
  }
  // Live and caught up: one commit per tick that has rows, recording that tick.
  const slow = store.tables.get("slow")!.commits;
  assertEquals(slow.length, 1 + 166);
  assertEquals(slow.slice(1, 4).map((c) => c.point?.tick), [6, 12, 18]);
  const timeline = new Timeline({
    startMs: START,
    intervalMs: 10_000,
    initialRows: 2,
    rowsPerMinute: 2.5,
    policy: "append",
    baseRowId: 1,
  });
  for (const commit of store.tables.get("fraction")!.commits.slice(1)) {
    const tick = commit.point!.tick;
    const rows = commit.batches.reduce((n, b) => n + b.numRows, 0);
    assertEquals(rows, timeline.tickRows(tick).count, `fraction tick ${tick}`);
  }
  // datetime.now() is the row's arrival on the logical clock: spread evenly, not bunched.
  const at = plainRows(store.rows("slow")).map((r) => r.at);
  assertEquals(at.slice(0, 3), [START + 60_000, START + 120_000, START + 180_000]);
  const fast = plainRows(store.rows("fast")).map((r) => r.at as number);
  assertEquals(fast.slice(0, 7), [START, START, START, START, START, START + 1_000, START + 2_000]);
});

Deno.test("the measured rate is the cadence's: the initial rows are left out", async () => {
  const store = new MemoryStore();
  const initial = config(`
config: { seed: 3, tick_interval: 10s }
tables:
  - table_name: t
    row_count: 1000
    cadence: { rows_per_minute: 60 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
`);
  // 50 s: younger than the rate's minute, so the initial commit is inside its window.
  const summary = await runLive(store, { config: initial }, 5, 10_000, 1);
  const status = summary.tables[0];
  assertEquals([status.rowsWritten, status.streamedRows, status.commits], [1050, 50, 6]);
  assertEquals(status.measuredRowsPerMinute, 60);
});

Deno.test("a shaped table's status has the rate its shape asks for now, beside the mean", async () => {
  const store = new MemoryStore();
  const ramp = config(`
config: { seed: 3, tick_interval: 10s }
tables:
  - table_name: t
    row_count: 0
    cadence:
      rows_per_minute: 60
      phases: [{from: 0, to: 600, for: 10m}]
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
`);
  // 5 ticks of the ramp: 50 s in, it asks for 600 × 50/600 = 50 rows a minute.
  const summary = await runLive(store, { config: ramp }, 5, 10_000, 1);
  const status = summary.tables[0];
  assertEquals([status.rowsPerMinute, status.targetRowsPerMinute], [60, 50]);
  const server: ServerStatus = {
    startedAt: new Date(START).toISOString(),
    fastForward: false,
    phase: "running",
    tables: [status],
  };
  assertStringIncludes(statusLines(server, START)[2], "50/min (mean 60)");
  assertStringIncludes(
    prometheusText(server),
    'tablestream_target_rows_per_minute{table="t"} 50\n',
  );
});

const SHOP = config(shopYaml({
  seed: 11,
  customers: { rows: 3, perMinute: 6, attribute: "email" },
  orders: { rows: 10, perMinute: 120, zipf: 0.5, copy: "email", at: true },
  lookup: "countries",
}));

/** Checks that every orders commit references only customers committed before it. */
function assertChildrenSeeCommittedParents(store: MemoryStore): void {
  const customers = store.tables.get("customers")!.commits;
  const emails = new Map<number, string>();
  for (const row of plainRows(store.rows("customers"))) {
    emails.set(row.id as number, row.email as string);
  }
  let newest = 0;
  for (const commit of store.tables.get("orders")!.commits) {
    // Parent rows visible to this commit: those of customer commits made before it.
    const committed = customers.filter((c) => c.sequence < commit.sequence)
      .reduce((n, c) => n + c.batches.reduce((m, b) => m + b.numRows, 0), 0);
    for (const batch of commit.batches) {
      for (let i = 0; i < batch.numRows; i++) {
        const id = Number(batch.getChild("customer_id")!.get(i));
        assert(id >= 1 && id <= committed, `order references customer ${id} of ${committed}`);
        assertEquals(batch.getChild("email")!.get(i), emails.get(id), "copy_from_fk copies");
        newest = Math.max(newest, id);
      }
    }
  }
  assert(newest > 3, "orders reference customers created while streaming");
}

Deno.test("a child references only parent rows committed before its own commit", async () => {
  const store = new MemoryStore();
  const summary = await runLive(store, { config: SHOP }, 200, 10_000, 3);
  assertEquals(summary.failed, []);
  assertChildrenSeeCommittedParents(store);
  assertEquals(store.rows("customers").numRows, 3 + 200);
  assertEquals(store.rows("orders").numRows, 10 + 4000);
});

Deno.test("a commit interval gathers ticks into fewer commits: same rows, same guarantees", async () => {
  const perTick = new MemoryStore();
  await runLive(perTick, { config: SHOP }, 120, 10_000, 3);
  const gathered = new MemoryStore();
  const summary = await runLive(
    gathered,
    { config: SHOP, commitIntervalMs: 60_000 },
    120,
    10_000,
    3,
  );
  assertEquals(summary.failed, []);
  for (const table of ["customers", "orders", "countries", "prices"]) {
    assertEquals(plainRows(gathered.rows(table)), plainRows(perTick.rows(table)), table);
  }
  // Commits land on every 6th tick, each recording the last tick it holds (exactly-once).
  const ticks = gathered.tables.get("orders")!.commits.map((c) => c.point?.tick);
  assertEquals(ticks, Array.from({ length: 21 }, (_, i) => i * 6));
  assertEquals(gathered.tables.get("customers")!.commits.length, 21);
  assertChildrenSeeCommittedParents(gathered);
  // A replace table still commits each tick: children may look at any epoch.
  assertEquals(gathered.tables.get("prices")!.commits.length, 121);
});

Deno.test("replace regenerates every tick in one overwrite; disabled is written once", async () => {
  const store = new MemoryStore();
  await runLive(store, { config: SHOP }, 5, 10_000, 3);
  const prices = store.tables.get("prices")!.commits;
  assertEquals(prices.length, 6);
  assert(prices.every((c) => c.replace), "every commit replaces");
  assertEquals(prices.map((c) => c.point?.tick), [0, 1, 2, 3, 4, 5]);
  assertEquals(store.rows("prices").numRows, 3);
  const values = [0, 1, 2, 3, 4, 5].map((v) => plainRows(store.rows("prices", v)));
  assertEquals(values.map((rows) => rows.map((r) => r.id)), new Array(6).fill([1, 2, 3]));
  assertEquals(new Set(values.map((rows) => JSON.stringify(rows))).size, 6, "each tick differs");
  assertEquals(store.tables.get("countries")!.commits.length, 1);

  // Running again resumes: the disabled table is not written again, replace goes on at 6.
  await runLive(store, { config: SHOP }, 7, 10_000, 3);
  assertEquals(store.tables.get("countries")!.commits.length, 1);
  assertEquals(store.tables.get("prices")!.commits.map((c) => c.point?.tick).slice(6), [6, 7]);
  // Replace ticks are deterministic: a fresh run gives the same rows at each tick.
  const again = new MemoryStore();
  await runLive(again, { config: SHOP }, 5, 10_000, 3);
  for (let v = 0; v <= 5; v++) {
    assertEquals(plainRows(again.rows("prices", v)), values[v], `prices at tick ${v}`);
  }
});

Deno.test("fast-forward: same rows whatever the commit size; stop conditions", async () => {
  const run = async (commitRows: number, stop: { ticks?: number; until?: Date }) => {
    const store = new MemoryStore();
    const server = memoryServer(store, { config: SHOP, fastForward: true, commitRows, ...stop });
    const summary = await server.start();
    assertEquals(summary.failed, []);
    return store;
  };
  const small = await run(7, { ticks: 60 });
  const large = await run(100_000, { ticks: 60 });
  for (const table of ["customers", "orders", "countries", "prices"]) {
    assertEquals(plainRows(small.rows(table)), plainRows(large.rows(table)), table);
  }
  assert(small.tables.get("orders")!.commits.length > large.tables.get("orders")!.commits.length);
  assertEquals(large.rows("orders").numRows, 10 + 60 * 20);
  const until = await run(1000, { until: new Date(START + 30 * 10_000) });
  assertEquals(until.rows("orders").numRows, 10 + 30 * 20);
  assertEquals(plainRows(until.rows("customers")), plainRows(small.rows("customers")).slice(0, 33));
});

Deno.test("run warns of a column whose values' type is only known per row (untyped-column)", async () => {
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  const store = new MemoryStore();
  const server = memoryServer(store, {
    config: config(`
version: 1
config: { seed: 1, tick_interval: 10s }
tables:
  - table_name: mixed
    row_count: 3
    cadence: { rows_per_minute: 6 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: typed, data: "[1, 2.5][row_id % 2]" }
      - { column_name: text, data: "[1, 'a'][row_id % 2]" }
`),
    fastForward: true,
    ticks: 2,
    log: {
      info() {},
      error() {},
      warn: (message, fields) => warnings.push({ message, fields }),
    },
  });
  assertEquals((await server.start()).failed, []);
  assertEquals(warnings.map((w) => w.fields), [{
    table: "mixed",
    column: "text",
    code: "untyped-column",
  }]);
  assertEquals(plainRows(store.rows("mixed")).map((r) => r.text), ["a", "1", "a", "1", "a"]);
});
