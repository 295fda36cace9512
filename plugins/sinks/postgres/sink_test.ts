/**
 * The PostgreSQL sink against a real server (see tests/_postgres.ts for how one is found or
 * started): what is written is read back in SQL and through the sink, and compared.
 */
import { BUILTINS } from "../../../tests/_engine.ts";
import { classifyError } from "../../../lib/plugin/sink_errors.ts";
import { assertCommitPointChecked } from "../../../tests/_sink_contract.ts";
import * as arrow from "apache-arrow";
// @ts-types="@types/pg"
import type pg from "pg";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../../tests/_assert.ts";
import { batchOf, column, SAMPLE_SCHEMA, sampleBatch } from "../../../tests/_batches.ts";
import { cells } from "../../../tests/_delta.ts";
import {
  count,
  opened,
  postgresTest,
  progressOf,
  query,
  sinkOn,
  testClient,
  type TestPostgres,
  testPostgres,
  USERS_TABLE,
  withSchema,
} from "../../../tests/_postgres.ts";
import { config } from "../../../tests/_server.ts";
import { Engine } from "../../../lib/engine/engine.ts";
import { runInputs, tableSpecs } from "../../../lib/config/engine_specs.ts";
import { generateToSink } from "../../../lib/parallel/generate.ts";
import type { Sink } from "../../../lib/plugin/types.ts";
import { createMemorySink, MemoryStore } from "../memory.ts";
import { createPostgresSink, DEFAULT_PROGRESS_TABLE } from "./mod.ts";

const found = await testPostgres();
const test = (name: string, fn: (server: TestPostgres) => Promise<void>) =>
  postgresTest(found, `postgres sink: ${name}`, fn);

test("flush commits rows and the commit point together; inspect reads ticks, properties, version", async (server) => {
  await withSchema(server, async (schema, db) => {
    const table = { name: "events", schema: SAMPLE_SCHEMA, primaryKey: "id", appId: "app-1" };
    const sink = await opened(sinkOn(server, schema), [table], "append");
    await sink.write("events", sampleBatch(10, 0));
    const first = await sink.flush({ tick: 0, properties: { "tablestream.stream": "s1", a: "x" } });
    assertEquals(first && first.version, 0);
    assert(first && first.bytes! > 0, "bytes sent are reported");
    await sink.write("events", sampleBatch(5, 10));
    assertEquals((await sink.flush({ tick: 1 }))?.version, 1);
    // A tick without rows is still a commit: the tick happened.
    assertEquals((await sink.flush({ tick: 2 }))?.version, 2);
    await sink.close();

    const other = await opened(sinkOn(server, schema), [{ ...table, appId: "app-2" }], "append");
    await other.flush({ tick: 7, properties: { "tablestream.stream": "s2" } });
    await other.close();

    const stored = await sink.inspect!("events");
    assertEquals(stored!.version, 3);
    assertEquals(stored!.rows, 15);
    assertEquals([...stored!.commits], [["app-1", 2], ["app-2", 7]]);
    assertEquals(stored!.properties, { "tablestream.stream": "s2", a: "x" }, "the latest wins");
    assertEquals(
      stored!.schema.fields.map((f) => String(f.type)),
      SAMPLE_SCHEMA.fields.map((f) => String(f.type)),
    );
    assertEquals(await progressOf(db, schema, "events"), [
      { app_id: "app-1", tick: "2", version: "2" },
      { app_id: "app-2", tick: "7", version: "3" },
    ]);
    assertEquals(await sink.inspect!("missing"), null);
  });
});

test("a commit point that no longer follows the table is refused whole, under the table's lock", async (server) => {
  await withSchema(server, async (schema) => {
    await assertCommitPointChecked(() => sinkOn(server, schema));
  });
});

test("a server that is not there fails with an error that heals; a database that does not exist does not", async (server) => {
  // A port nobody listens on: connection refused, as while PostgreSQL restarts.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const down = createPostgresSink({ host: "127.0.0.1", port, user: "x", database: "x" });
  const refused = await assertRejects(() => down.open([USERS_TABLE], { mode: "append" }));
  assertStringIncludes(refused.message, "Cannot connect to PostgreSQL at 127.0.0.1:");
  assertEquals(classifyError(refused), {
    healable: true,
    recognized: true,
    reason: "ECONNREFUSED",
  });
  await down.abort!();
  // A database that does not exist (SQLSTATE 3D000): no retry makes it.
  const { url, ...connection } = server.connection;
  const nowhere = createPostgresSink(
    url === undefined
      ? { ...connection, database: "no_such_database_here" }
      : { url: Object.assign(new URL(url), { pathname: "/no_such_database_here" }).href },
  );
  const missing = await assertRejects(() => nowhere.open([USERS_TABLE], { mode: "append" }));
  assertEquals(classifyError(missing).reason, "SQLSTATE 3D000");
  assertEquals(classifyError(missing).healable, false);
  await nowhere.abort!();
});

test("nothing is visible before flush; abort leaves the table as it was", async (server) => {
  await withSchema(server, async (schema, db) => {
    const table = { name: "big", schema: SAMPLE_SCHEMA, primaryKey: "id" };
    const first = await opened(sinkOn(server, schema), [table], "error");
    await first.write("big", sampleBatch(60_000)); // past the spill threshold: copied already
    assertEquals(await first.inspect!("big"), null, "the table is created in the transaction");
    await first.abort!();
    assertEquals(await first.inspect!("big"), null);

    const second = await opened(sinkOn(server, schema), [table], "error");
    await second.write("big", sampleBatch(30_000));
    await second.flush({ tick: 0 });
    await second.write("big", sampleBatch(70_000, 30_000)); // staged beside the table
    assertEquals(await count(db, `"${schema}".big`), 30_000, "staged rows are not visible");
    await second.abort!();
    assertEquals(await count(db, `"${schema}".big`), 30_000);
    assertEquals((await second.inspect!("big"))!.commits.get("tablestream:big"), 0);
  });
});

test("replace points and overwrite replace the rows in the same transaction", async (server) => {
  await withSchema(server, async (schema, db) => {
    const table = { name: "rates", schema: SAMPLE_SCHEMA, primaryKey: "id" };
    const target = `"${schema}".rates`;
    const sink = await opened(sinkOn(server, schema), [table], "append");
    await sink.write("rates", sampleBatch(10));
    await sink.flush({ tick: 0, replace: true });
    // Large enough to be staged before the flush says "replace": the old rows must go, the
    // staged ones stay.
    await sink.write("rates", sampleBatch(30_000, 100));
    await sink.write("rates", sampleBatch(40_000, 30_100));
    assertEquals(await count(db, target), 10);
    await sink.flush({ tick: 1, replace: true });
    const [span] = await query<{ n: string; lo: string; hi: string }>(
      db,
      `SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM ${target}`,
    );
    assertEquals(span, { n: "70000", lo: "100", hi: "70099" });
    await sink.write("rates", sampleBatch(3, 7));
    await sink.flush({ tick: 2, replace: true });
    assertEquals(await query(db, `SELECT id FROM ${target} ORDER BY id`), [
      { id: "7" },
      { id: "8" },
      { id: "9" },
    ]);
    await sink.write("rates", sampleBatch(2, 50));
    await sink.flush({ tick: 3 }); // no replace: appended
    assertEquals(await count(db, target), 5);
    await sink.close();

    // overwrite: the old rows stay visible until the first commit replaces them.
    const over = await opened(sinkOn(server, schema), [table], "overwrite");
    await over.write("rates", sampleBatch(60_000, 1_000));
    assertEquals(await count(db, target), 5);
    await over.flush();
    assertEquals(await count(db, target), 60_000);
    await over.write("rates", sampleBatch(1, 5));
    await over.close(); // only the first commit replaces
    assertEquals(await count(db, target), 60_001);

    const emptied = await opened(sinkOn(server, schema), [table], "overwrite");
    await emptied.close();
    assertEquals(await count(db, target), 0, "an overwrite without rows empties the table");
  });
});

test("modes: error refuses rows, append needs the same columns, overwrite recreates", async (server) => {
  await withSchema(server, async (schema, db) => {
    const table = { name: "items", schema: SAMPLE_SCHEMA, primaryKey: "id" };
    const target = `"${schema}".items`;
    const sink = await opened(sinkOn(server, schema), [table], "error");
    await sink.write("items", sampleBatch(4));
    await sink.close();
    await assertRejects(
      () => opened(sinkOn(server, schema), [table], "error"),
      Error,
      `PostgreSQL table "${schema}"."items"`,
    ).then((e) => assertStringIncludes(e.message, "already has rows; use --mode append"));

    const wider = new arrow.Schema([
      ...SAMPLE_SCHEMA.fields,
      new arrow.Field("extra", new arrow.Utf8(), true),
    ]);
    const missing = await assertRejects(
      () => opened(sinkOn(server, schema), [{ ...table, schema: wider }], "append"),
    );
    assertStringIncludes(missing.message, 'it has no column "extra"');
    assertEquals(classifyError(missing).healable, false, "a mismatch stops the table at once");
    const retyped = new arrow.Schema(
      SAMPLE_SCHEMA.fields.map((f) => f.name === "n" ? new arrow.Field("n", new arrow.Int64()) : f),
    );
    const changed = await assertRejects(
      () => opened(sinkOn(server, schema), [{ ...table, schema: retyped }], "append"),
    );
    assertStringIncludes(changed.message, 'its column "n" is integer, the rows have bigint');
    const narrower = new arrow.Schema(SAMPLE_SCHEMA.fields.filter((f) => f.name !== "name"));
    const extra = await assertRejects(
      () => opened(sinkOn(server, schema), [{ ...table, schema: narrower }], "append"),
    );
    assertStringIncludes(extra.message, 'it has column "name", which the rows do not have');
    assertEquals(await count(db, target), 4, "refusals write nothing");

    // overwrite with other columns: the table is recreated in the first commit.
    const recreated = await opened(
      sinkOn(server, schema),
      [{ ...table, schema: wider }],
      "overwrite",
    );
    const rows = sampleBatch(2);
    await recreated.write(
      "items",
      batchOf({
        ...Object.fromEntries(SAMPLE_SCHEMA.fields.map((f, i) => [f.name, rows.data.children[i]])),
        extra: column(new arrow.Utf8(), ["a", null]),
      }),
    );
    await recreated.close();
    assertEquals(await query(db, `SELECT id, extra FROM ${target} ORDER BY id`), [
      { id: "0", extra: "a" },
      { id: "1", extra: null },
    ]);

    // A table made elsewhere, empty: mode error takes it; its version starts at 0.
    await db.query(`CREATE TABLE "${schema}".made (id bigint, label text)`);
    const made = new arrow.Schema([
      new arrow.Field("id", new arrow.Int64()),
      new arrow.Field("label", new arrow.Utf8()),
    ]);
    const foreign = sinkOn(server, schema);
    assertEquals((await foreign.inspect!("made"))!.version, 0);
    await foreign.open([{ name: "made", schema: made }], { mode: "error" });
    await foreign.write(
      "made",
      batchOf({ id: column(new arrow.Int64(), [1n]), label: column(new arrow.Utf8(), ["x"]) }),
    );
    assertEquals((await foreign.flush({ tick: 4 }))?.version, 1);
    await foreign.close();
    assertEquals((await foreign.inspect!("made"))!.commits.get("tablestream:made"), 4);
  });
});

test("a failing flush commits nothing: duplicate keys, NUL in text", async (server) => {
  await withSchema(server, async (schema, db) => {
    const table = { name: "keys", schema: SAMPLE_SCHEMA, primaryKey: "id", appId: "k" };
    const sink = await opened(sinkOn(server, schema), [table], "append");
    await sink.write("keys", sampleBatch(3));
    await sink.flush({ tick: 0 });
    await sink.write("keys", sampleBatch(3, 100));
    await sink.write("keys", sampleBatch(1, 1)); // id 1 again
    const duplicate = await assertRejects(() => sink.flush({ tick: 1 }));
    assertStringIncludes(
      duplicate.message,
      `Cannot commit tick 1 to PostgreSQL table "${schema}"."keys"`,
    );
    assertStringIncludes(duplicate.message, "duplicate key value violates unique constraint");
    assertEquals(classifyError(duplicate).reason, "SQLSTATE 23505", "no retry helps");
    assertEquals(classifyError(duplicate).healable, false);
    await assertRejects(() => sink.flush({ tick: 1 }), Error, "failed earlier");
    await sink.abort!();
    assertEquals(await count(db, `"${schema}".keys`), 3);
    assertEquals((await progressOf(db, schema, "keys"))[0].tick, "0");

    const nul = await opened(sinkOn(server, schema), [table], "append");
    const names = column(new arrow.Utf8(), ["fine", "bad\0byte"]);
    const batch = sampleBatch(2, 200);
    const idx = SAMPLE_SCHEMA.fields.findIndex((f) => f.name === "name");
    await nul.write(
      "keys",
      batchOf(Object.fromEntries(
        SAMPLE_SCHEMA.fields.map((f, i) => [f.name, i === idx ? names : batch.data.children[i]]),
      )),
    );
    const refused = await assertRejects(() => nul.flush({ tick: 1 }));
    assertStringIncludes(refused.message, "contains a NUL character");
    assertEquals(classifyError(refused).healable, false);
    await nul.abort!();
    assertEquals(await count(db, `"${schema}".keys`), 3);
  });
});

test("read: the latest version only, and missing columns or tables named", async (server) => {
  await withSchema(server, async (schema) => {
    const table = { name: "v", schema: SAMPLE_SCHEMA, primaryKey: "id" };
    const sink = await opened(sinkOn(server, schema), [table], "error");
    await sink.write("v", sampleBatch(3));
    await sink.flush({ tick: 0 });
    await sink.write("v", sampleBatch(3, 3));
    await sink.flush({ tick: 1 });
    await sink.close();
    assertEquals((await sink.read!("v", ["id"], { version: 1 })).numRows, 6);
    const old = await assertRejects(() => sink.read!("v", ["id"], { version: 0 }));
    assertStringIncludes(old.message, "Cannot read version 0");
    assertStringIncludes(old.message, "PostgreSQL keeps only the latest rows (version 1)");
    await assertRejects(() => sink.read!("v", ["nope"]), Error, 'has no column "nope"');
    await assertRejects(() => sink.read!("gone", ["id"]), Error, "does not exist");
  });
});

const SHOP = `
version: 1
config:
  seed: 3
  reference_time: "2026-01-01T00:00:00Z"
tables:
  - table_name: customers
    row_count: 2500
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: email, data: fake.email(), null_percentage: 0.1 }
      - { column_name: joined, data: fake.date_time_this_year() }
      - { column_name: age, data: "random.randint(18, 90)", type: int8 }
  - table_name: orders
    row_count: 25000
    columns:
      - { column_name: order_id, data: row_id, is_primary_key: true }
      - column_name: customer_id
        data: foreign_key("customers", "id", distribution="zipf", param=1.2)
      - column_name: customer_email
        data: copy_from_fk("customer_id", "customers", "email")
      - { column_name: total, data: "round(random.uniform(1, 500), 2)" }
      - { column_name: note, data: fake.sentence() }
`;

test("generate: parents and children in one transaction, foreign keys and copies consistent", async (server) => {
  await withSchema(server, async (schema, db) => {
    const generate = async (sink: Sink) => {
      const shop = config(SHOP);
      const specs = tableSpecs(shop);
      const engine = new Engine(specs, runInputs(shop, {}, new Date(0)), BUILTINS);
      return await generateToSink(engine, sink, {
        tables: specs.map((s) => s.name),
        batchSize: 4_000,
      });
    };
    await generate(sinkOn(server, schema));
    const s = `"${schema}"`;
    assertEquals(await count(db, `${s}.customers`), 2_500);
    assertEquals(await count(db, `${s}.orders`), 25_000);
    const [checks] = await query<Record<string, string>>(
      db,
      `SELECT
         (SELECT count(*) FROM ${s}.orders o
           WHERE NOT EXISTS (SELECT 1 FROM ${s}.customers c WHERE c.id = o.customer_id)) AS orphans,
         (SELECT count(*) FROM ${s}.orders o JOIN ${s}.customers c ON c.id = o.customer_id
           WHERE o.customer_email IS DISTINCT FROM c.email) AS wrong_copies,
         (SELECT count(*) FROM ${s}.orders WHERE customer_email IS NULL) AS null_copies,
         (SELECT count(DISTINCT customer_id) FROM ${s}.orders) AS customers_used`,
    );
    assertEquals(checks.orphans, "0");
    assertEquals(checks.wrong_copies, "0");
    assert(Number(checks.null_copies) > 0, "copied nulls are nulls");
    assert(Number(checks.customers_used) > 100);

    // The same rows as the memory sink gets, value for value.
    const store = new MemoryStore();
    await generate(createMemorySink({ store }));
    const reader = sinkOn(server, schema);
    for (const [name, key] of [["customers", "id"], ["orders", "order_id"]]) {
      const columns = store.tables.get(name)!.schema.fields.map((f) => f.name);
      assertEquals(
        cells(await reader.read!(name, columns), key),
        cells(store.rows(name), key),
        name,
      );
    }
    await assertRejects(() => generate(sinkOn(server, schema)), Error, "already has rows");
  });
});

/** Polls until `appName`'s backend matches `condition`, then terminates it; false if `until` settles first. */
async function terminateWhen(
  db: pg.Client,
  appName: string,
  condition: string,
  until: Promise<unknown>,
): Promise<boolean> {
  let settled = false;
  until.then(() => settled = true, () => settled = true);
  while (!settled) {
    const [hit] = await query<{ pid: number }>(
      db,
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND ${condition}`,
      [appName],
    );
    if (hit) {
      await db.query("SELECT pg_terminate_backend($1)", [hit.pid]);
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return false;
}

test("a COPY killed mid-stream leaves no row and no progress; a fresh sink commits it once", async (server) => {
  await withSchema(server, async (schema, db) => {
    const app = `tablestream-kill-${crypto.randomUUID().slice(0, 8)}`;
    const table = { name: "stream", schema: SAMPLE_SCHEMA, primaryKey: "id", appId: "s" };
    const fresh = () => opened(sinkOn(server, schema, { applicationName: app }), [table], "append");
    let sink = await fresh();
    await sink.write("stream", sampleBatch(1_000));
    await sink.flush({ tick: 0 });
    let rows = 1_000;
    let killedAt: number | undefined;
    for (let tick = 1; tick <= 30 && killedAt === undefined; tick++) {
      await sink.write("stream", sampleBatch(40_000, rows));
      const flushing = sink.flush({ tick });
      const killed = await terminateWhen(
        db,
        app,
        "state = 'active' AND query LIKE 'COPY%'",
        flushing,
      );
      if (killed) {
        await assertRejects(() => flushing);
        killedAt = tick;
      } else {
        await flushing;
        rows += 40_000;
      }
    }
    assert(killedAt !== undefined, "a COPY was caught in flight");
    assertEquals(await count(db, `"${schema}".stream`), rows, "no row of the killed flush");
    assertEquals((await progressOf(db, schema, "stream"))[0].tick, String(killedAt - 1));

    await sink.abort!(); // as the streaming server does, then a fresh sink retries
    sink = await fresh();
    await sink.write("stream", sampleBatch(40_000, rows));
    await sink.flush({ tick: killedAt });
    await sink.close();
    const [check] = await query<{ n: string; ids: string }>(
      db,
      `SELECT count(*) AS n, count(DISTINCT id) AS ids FROM "${schema}".stream`,
    );
    assertEquals(check, { n: String(rows + 40_000), ids: String(rows + 40_000) });
    assertEquals((await progressOf(db, schema, "stream"))[0].tick, String(killedAt));
  });
});

test("a connection killed after COPY, before COMMIT, leaves nothing either", async (server) => {
  await withSchema(server, async (schema, db) => {
    const app = `tablestream-hold-${crypto.randomUUID().slice(0, 8)}`;
    const table = { name: "held", schema: SAMPLE_SCHEMA, primaryKey: "id", appId: "h" };
    const sink = await opened(sinkOn(server, schema, { applicationName: app }), [table], "append");
    await sink.write("held", sampleBatch(10));
    await sink.flush({ tick: 0 });
    // Hold the table's progress row: the next commit copies its rows, then waits for it.
    // (Polling pg_stat_activity happens on another connection: inside a transaction its
    // snapshot would never change.)
    const holder = await testClient(server);
    await holder.query("BEGIN");
    await holder.query(
      `SELECT * FROM "${schema}".${DEFAULT_PROGRESS_TABLE} WHERE table_name = 'held' FOR UPDATE`,
    );
    await sink.write("held", sampleBatch(5_000, 10));
    const flushing = sink.flush({ tick: 1 });
    flushing.catch(() => {});
    const killed = await terminateWhen(
      db,
      app,
      `wait_event_type = 'Lock' AND query LIKE '%INSERT INTO%${DEFAULT_PROGRESS_TABLE}%'`,
      flushing,
    );
    await holder.query("ROLLBACK");
    await holder.end();
    assert(killed, "the commit waited on the progress row with its rows copied");
    const error = await assertRejects(() => flushing);
    assertStringIncludes(error.message, "Cannot commit tick 1");
    await sink.abort!();
    assertEquals(await count(db, `"${schema}".held`), 10);
    assertEquals((await progressOf(db, schema, "held"))[0].tick, "0");
  });
});
