/**
 * Resume: Delta tables on disk are read back at start, and the run continues exactly where
 * they are: our own tables from their last committed tick, foreign tables as parents.
 */
import { shopYaml } from "../../tests/_shop.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { deltaFixtureTest } from "../../tests/_external.ts";
import { withTempDir } from "../../tests/_cli.ts";
import { joinPath, localFs } from "../delta/fs.ts";
import { readSnapshot } from "../delta/log_reader.ts";
import { serializeCommit } from "../delta/actions.ts";
import { createMemorySink } from "../../plugins/sinks/memory.ts";
import { config, MemoryStore, plainRows, START, tableRows } from "../../tests/_server.ts";
import { StreamingServer, type StreamingServerOptions } from "./server.ts";
import { waitFor } from "../../tests/_wait.ts";

const SHOP_YAML = shopYaml({
  seed: 5,
  customers: { rows: 20, perMinute: 12, attribute: "name", since: true },
  orders: { rows: 50, perMinute: 90, zipf: 1.1, quantity: true },
  lookup: "regions with names",
});
const SHOP = config(SHOP_YAML);
const TICK = 10_000;

function run(dir: string, options: Partial<StreamingServerOptions>) {
  return new StreamingServer({
    config: SHOP,
    output: dir,
    startTime: new Date(START),
    fastForward: true,
    commitRows: 40,
    sleep: () => Promise.resolve(),
    ...options,
  }).start();
}

Deno.test("resume: a run in three parts equals one uninterrupted run, row for row", async () => {
  await withTempDir(async (dir) => {
    const whole = `${dir}/whole`;
    const parts = `${dir}/parts`;
    assertEquals((await run(whole, { until: new Date(START + 90 * TICK) })).failed, []);
    await run(parts, { until: new Date(START + 17 * TICK) });
    await run(parts, { ticks: 40 });
    const last = await run(parts, { until: new Date(START + 90 * TICK) });
    assertEquals(last.failed, []);
    for (const table of ["customers", "orders", "regions"]) {
      assertEquals(await tableRows(`${parts}/${table}`), await tableRows(`${whole}/${table}`));
    }
    // The disabled table was written once, in the first run only.
    assertEquals((await readSnapshot(localFs, `${parts}/regions`)).version, 0);
    const orders = await readSnapshot(localFs, `${parts}/orders`);
    const [txn] = [...orders.txns.values()];
    assertEquals(txn.version, 90, "the last committed tick is the txn version");
  });
});

Deno.test("resume: stopping mid-run and restarting loses and duplicates nothing", async () => {
  await withTempDir(async (dir) => {
    const server = new StreamingServer({
      config: SHOP,
      output: `${dir}/t`,
      startTime: new Date(START),
      fastForward: true,
      commitRows: 5,
      until: new Date(START + 200 * TICK),
    });
    const done = server.start();
    await server.ready;
    // Real progress first: past the first few ticks, so the restart continues a stream.
    const ordersTick = () => server.status().tables.find((t) => t.table === "orders")?.tick ?? -1;
    await waitFor("orders to commit past tick 20", ordersTick, (tick) => tick >= 20);
    await server.stop();
    const first = await done;
    const stopped = first.tables.find((t) => t.table === "orders")!;
    assert(stopped.tick >= 20 && stopped.tick < 200, `stopped mid-run (at tick ${stopped.tick})`);
    assertEquals(
      (await readSnapshot(localFs, `${dir}/t/orders`)).txns.values().next().value?.version,
      stopped.tick,
      "the restart starts from the tick the first run reached",
    );
    await run(`${dir}/t`, { until: new Date(START + 200 * TICK), commitRows: 5 });
    await run(`${dir}/whole`, { until: new Date(START + 200 * TICK) });
    for (const table of ["customers", "orders"]) {
      assertEquals(await tableRows(`${dir}/t/${table}`), await tableRows(`${dir}/whole/${table}`));
    }
  });
});

Deno.test("tick 0 of run writes what generate writes for the same reference time", async () => {
  await withTempDir(async (dir) => {
    await run(`${dir}/run`, { ticks: 0 });
    const { cli } = await import("../../tests/_cli.ts");
    const config = `${dir}/shop.yaml`;
    await Deno.writeTextFile(config, SHOP_YAML);
    const generated = await cli(
      "generate",
      "--config",
      config,
      "--output",
      `${dir}/gen`,
      "--reference-time",
      new Date(START).toISOString(),
    );
    assertEquals(generated.code, 0, generated.stderr);
    for (const table of ["customers", "orders", "regions"]) {
      assertEquals(await tableRows(`${dir}/run/${table}`), await tableRows(`${dir}/gen/${table}`));
    }
  });
});

Deno.test("--tables: a child run alone follows a parent another server writes", async () => {
  await withTempDir(async (dir) => {
    const until = new Date(START + 60 * TICK);
    // The parent first creates its table (another process would start first, as well).
    await run(`${dir}/split`, { tables: ["customers", "regions"], ticks: 0 });
    const [parent, child] = await Promise.all([
      run(`${dir}/split`, { tables: ["customers", "regions"], until, commitRows: 3 }),
      run(`${dir}/split`, { tables: ["orders"], until, pollMs: 1 }),
    ]);
    assertEquals([...parent.failed, ...child.failed], []);
    await run(`${dir}/one`, { until });
    for (const table of ["customers", "orders"]) {
      assertEquals(
        await tableRows(`${dir}/split/${table}`),
        await tableRows(`${dir}/one/${table}`),
      );
    }
  });
});

Deno.test("--tables: a parent missing on disk is a clear error", async () => {
  await withTempDir(async (dir) => {
    const error = await assertRejects(() => run(dir, { tables: ["orders"] }));
    assertStringIncludes(error.message, `Table "customers" (read by "orders")`);
    assertStringIncludes(error.message, "does not exist");
  });
});

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = joinPath(from, entry.name);
    const target = joinPath(to, entry.name);
    if (entry.isDirectory) await copyDir(source, target);
    else await Deno.copyFile(source, target);
  }
}

const ACCOUNTS = config(`
version: 1
config:
  seed: 2
tables:
  - table_name: accounts
    row_count: 0
    cadence: { rows_per_minute: 60 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
  - table_name: payments
    row_count: 300
    cadence: { rows_per_minute: 600 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - column_name: account_id
        data: foreign_key("accounts", "id")
      - column_name: account_copy
        data: copy_from_fk("account_id", "accounts", "id")
`);

deltaFixtureTest(
  "a foreign parent (a Spark table) is read as stored: keys and copied columns",
  async (fixture) => {
    await withTempDir(async (dir) => {
      // 200 rows, ids 0..199, written by Spark with an overwrite and a restore in its log.
      await copyDir(fixture("spark-basic-with-inserts-overwrite-restore"), `${dir}/accounts`);
      const summary = await run(dir, { config: ACCOUNTS, tables: ["payments"], ticks: 10 });
      assertEquals(summary.failed, []);
      const payments = await tableRows(`${dir}/payments`);
      assertEquals(payments.length, 300 + 10 * 100);
      const ids = new Set(payments.map((p) => p.account_id));
      assert([...ids].every((id) => Number(id) >= 0 && Number(id) <= 199), "keys are Spark's ids");
      assert(ids.size > 150, `payments spread over the parent's rows (${ids.size})`);
      assert(payments.every((p) => p.account_copy === p.account_id), "copy_from_fk reads them");
      // The foreign table is untouched.
      assertEquals((await readSnapshot(localFs, `${dir}/accounts`)).version, 3);
    });
  },
);

deltaFixtureTest(
  "a foreign table in the config is adopted: rows kept, new keys after the largest",
  async (fixture) => {
    await withTempDir(async (dir) => {
      await copyDir(fixture("spark-basic-with-inserts-overwrite-restore"), `${dir}/accounts`);
      const first = await run(dir, { config: ACCOUNTS, ticks: 6 });
      assertEquals(first.failed, []);
      const accounts = await tableRows(`${dir}/accounts`);
      // 6 ticks of 10 s at 60 rows/min: 60 new accounts after Spark's 200, ids 200..259.
      assertEquals(accounts.map((a) => a.id), Array.from({ length: 260 }, (_, i) => i));
      // Payments reference both the kept Spark rows and the new ones.
      const payments = await tableRows(`${dir}/payments`);
      assert(payments.every((p) => Number(p.account_id) <= 259));
      assert(payments.some((p) => Number(p.account_id) >= 200), "new accounts are referenced");
      // A restart continues the adopted table exactly.
      await run(dir, { config: ACCOUNTS, ticks: 4 });
      const whole = `${dir}/whole`;
      await copyDir(fixture("spark-basic-with-inserts-overwrite-restore"), `${whole}/accounts`);
      await run(whole, { config: ACCOUNTS, ticks: 10 });
      assertEquals(await tableRows(`${dir}/accounts`), await tableRows(`${whole}/accounts`));
      assertEquals(await tableRows(`${dir}/payments`), await tableRows(`${whole}/payments`));
    });
  },
);

Deno.test("a table written under another config is adopted; a mismatched schema fails alone", async () => {
  await withTempDir(async (dir) => {
    await run(dir, { ticks: 3 });
    const before = await tableRows(`${dir}/customers`);
    // A new seed is another config: kept rows, a new state, ids continue.
    const again = await run(dir, { ticks: 3, seed: 99 });
    assertEquals(again.failed, []);
    const after = await tableRows(`${dir}/customers`);
    assertEquals(after.slice(0, before.length), before);
    assertEquals(after.length, before.length + 20 + 6);
    assertEquals(after[before.length].id, before.length + 1);

    const other = config(
      SHOP_YAML.replace(
        "{ column_name: name, data: fake.name() }",
        "{ column_name: name, data: 42 }",
      ),
    );
    const mismatch = await run(dir, { config: other, ticks: 1 });
    assertEquals(mismatch.failed.map((f) => f.table).sort(), ["customers", "orders"]);
    assertStringIncludes(mismatch.failed.find((f) => f.table === "customers")!.error, '"name" is');
    // orders copies the name, so its own column changed type as well.
    assertStringIncludes(mismatch.failed.find((f) => f.table === "orders")!.error, "customer_name");
    assertEquals(await tableRows(`${dir}/customers`), after, "nothing was written to it");
  });
});

Deno.test("a config that comes back after another adopts the table anew, under a fresh application id", async () => {
  await withTempDir(async (dir) => {
    assertEquals((await run(dir, { ticks: 3 })).failed, []);
    assertEquals((await run(dir, { ticks: 3, seed: 99 })).failed, []);
    // Seed 5 again: its first state's commit points (ticks 0..3) are still in the log, and
    // its new state starts at tick 0, so it takes another id rather than clash with them.
    assertEquals((await run(dir, { ticks: 3 })).failed, []);
    const ids = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r.id));
    assertEquals(ids(await tableRows(`${dir}/customers`)), range(3 * (20 + 6)));
    assertEquals(ids(await tableRows(`${dir}/regions`)), range(3 * 4));
    const appIds = [...(await readSnapshot(localFs, `${dir}/customers`)).txns.keys()];
    assertEquals(appIds.filter((id) => id.endsWith(":2")).length, 1, appIds.join(", "));
    // And it resumes under that id.
    assertEquals((await run(dir, { ticks: 3 })).failed, []);
    assertEquals(ids(await tableRows(`${dir}/customers`)), range(3 * (20 + 6) + 6));
    assertEquals(ids(await tableRows(`${dir}/regions`)), range(3 * 4));
  });
});

/** 1..n. */
function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

Deno.test("a write that fails once is retried and lands once", async () => {
  const store = new MemoryStore();
  let failures = 1;
  const summary = await new StreamingServer({
    config: SHOP,
    startTime: new Date(START),
    fastForward: true,
    ticks: 5,
    commitRows: 10,
    sleep: () => Promise.resolve(),
    sink: (table) => {
      const sink = createMemorySink({ store });
      return table !== "orders" ? sink : {
        ...sink,
        flush: (point) => failures-- > 0 ? Promise.reject(new Error("flaky")) : sink.flush(point),
      };
    },
  }).start();
  assertEquals(summary.failed, []);
  const orders = summary.tables.find((t) => t.table === "orders")!;
  assertEquals(orders.errors, 1);
  const ids = plainRows(store.rows("orders")).map((r) => r.order_id);
  assertEquals(ids, Array.from({ length: 50 + 5 * 15 }, (_, i) => i + 1));
});

Deno.test("a stored table with a feature our writer lacks stops at start, unretried and untouched", async () => {
  await withTempDir(async (dir) => {
    assertEquals((await run(dir, { ticks: 2 })).failed, []);
    // Another engine adds a CHECK constraint to customers (writer version 3) that our SQL
    // subset does not evaluate (a random number).
    const table = `${dir}/customers`;
    const before = await readSnapshot(localFs, table);
    const metaData = {
      ...before.metadata,
      configuration: {
        ...before.metadata.configuration,
        "delta.constraints.positive": "id > rand() - 1",
      },
    };
    await Deno.writeTextFile(
      joinPath(table, "_delta_log", `${String(before.version + 1).padStart(20, "0")}.json`),
      serializeCommit([
        { commitInfo: { operation: "ADD CONSTRAINT" } },
        { protocol: { minReaderVersion: 1, minWriterVersion: 3 } },
        { metaData },
      ]),
    );
    const summary = await run(dir, { ticks: 2 });
    const failed = summary.failed.find((f) => f.table === "customers");
    assertStringIncludes(failed?.error ?? "", 'CHECK constraint "positive"');
    assertStringIncludes(failed?.error ?? "", "tablestream does not write to it");
    const status = summary.tables.find((t) => t.table === "customers")!;
    assertEquals(status.errors, 0, "refused at start, not retried");
    assertEquals((await readSnapshot(localFs, table)).version, before.version + 1);
  });
});
