/**
 * The streaming server writing into PostgreSQL: stopped and restarted, with commits killed
 * mid-transaction, and as a process killed with SIGKILL at random moments, it ends with the
 * tables of an uninterrupted run, checked in SQL: same rows, no duplicate keys, every
 * child's key in its parent, every copied value equal to the parent's. A run with updates and
 * deletes (`changes:`) killed at random moments ends with the tables of an uninterrupted run and
 * of the change model's replay.
 */
// @ts-types="@types/pg"
import type pg from "pg";
import { assert, assertEquals } from "./_assert.ts";
import { cells } from "./_delta.ts";
import * as arrow from "apache-arrow";
import { START_MS, streamOf } from "./_changes.ts";
import { killSeed, killWhileWorking, LOOPS_BEGIN, paced, seededRandom, timeWork } from "./_kill.ts";
import { waitFor } from "./_wait.ts";
import {
  postgresTest,
  query,
  testClient,
  type TestPostgres,
  testPostgres,
  withSchema,
} from "./_postgres.ts";
import { config, memoryServer, MemoryStore, plainRows, START } from "./_server.ts";
import { StreamingServer, type StreamingServerOptions } from "../lib/schedule/server.ts";
import { Timeline } from "../lib/stream/timeline.ts";
import { streamParentSource } from "../lib/stream/parent_source.ts";
import type { Sink } from "../lib/plugin/types.ts";
import { createPostgresSink, DEFAULT_PROGRESS_TABLE } from "../plugins/sinks/postgres/mod.ts";
import { changingOrders } from "./_change_feed.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const found = await testPostgres();
const test = (name: string, fn: (server: TestPostgres) => Promise<void>) =>
  postgresTest(found, `postgres run: ${name}`, fn);

const SHOP_YAML = `
version: 1
config:
  seed: 21
  tick_interval: 10s
tables:
  - table_name: customers
    row_count: 50
    cadence: { rows_per_minute: 30 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: email, data: fake.email(), null_percentage: 0.2 }
      - { column_name: joined, data: datetime.now() }
  - table_name: orders
    row_count: 100
    cadence: { rows_per_minute: 240 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - column_name: customer_id
        data: foreign_key("customers", "id", distribution="zipf")
      - column_name: email
        data: copy_from_fk("customer_id", "customers", "email")
      - { column_name: total, data: "round(random.uniform(1, 500), 2)" }
      - { column_name: quantity, data: "random.randint(1, 9)", type: int8 }
  - table_name: statuses
    row_count: 5
    update_policy: replace
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: label, data: fake.word() }
  - table_name: regions
    row_count: 4
    update_policy: disabled
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: fake.city() }
`;
const SHOP = config(SHOP_YAML);
const TABLES = ["customers", "orders", "statuses", "regions"];
const TICK = 10_000;
/** When the orders arrive: how many rows its committed ticks hold. */
const ORDERS = new Timeline({
  startMs: START,
  intervalMs: TICK,
  initialRows: 100,
  rowsPerMinute: 240,
  policy: "append",
  baseRowId: 1,
});

/** A fast-forward server into `schema`; `sink` wraps the PostgreSQL sink of a table. */
function pgServer(
  server: TestPostgres,
  schema: string,
  options: Partial<StreamingServerOptions>,
  wrap: (table: string, sink: Sink) => Sink = (_table, sink) => sink,
): StreamingServer {
  return new StreamingServer({
    config: SHOP,
    sink: (table) =>
      wrap(
        table,
        createPostgresSink({ ...server.connection, schema, applicationName: `ts-${table}` }),
      ),
    startTime: new Date(START),
    fastForward: true,
    commitRows: 40,
    sleep: () => Promise.resolve(),
    ...options,
  });
}

async function runTo(server: TestPostgres, schema: string, ticks: number): Promise<void> {
  const summary = await pgServer(server, schema, { until: new Date(START + ticks * TICK) }).start();
  assertEquals(summary.failed, []);
}

async function scalar(db: pg.Client, sql: string): Promise<string> {
  const [row] = await query<{ value: string }>(db, sql);
  return String(row.value);
}

/** The two schemas hold the same rows in every table, and the same last ticks. */
async function assertSameTables(
  db: pg.Client,
  a: string,
  b: string,
  tables = TABLES,
): Promise<void> {
  for (const table of tables) {
    const left = `"${a}"."${table}"`;
    const right = `"${b}"."${table}"`;
    assertEquals(
      await scalar(db, `SELECT count(*) AS value FROM ${left}`),
      await scalar(db, `SELECT count(*) AS value FROM ${right}`),
      `${table}: rows`,
    );
    for (const [x, y] of [[left, right], [right, left]]) {
      assertEquals(
        await scalar(
          db,
          `SELECT count(*) AS value FROM (SELECT * FROM ${x} EXCEPT ALL SELECT * FROM ${y}) d`,
        ),
        "0",
        `${table}: rows of ${x} not in ${y}`,
      );
    }
  }
  const ticks = (schema: string) =>
    query(
      db,
      `SELECT table_name, tick FROM "${schema}".${DEFAULT_PROGRESS_TABLE} ORDER BY table_name`,
    );
  assertEquals(await ticks(b), await ticks(a), "last committed ticks");
}

/** Keys are unique, every order's customer exists, every copied email is the customer's. */
async function assertConsistent(db: pg.Client, schema: string): Promise<void> {
  const s = `"${schema}"`;
  for (const table of TABLES) {
    assertEquals(
      await scalar(db, `SELECT count(*) - count(DISTINCT id) AS value FROM ${s}."${table}"`),
      "0",
      `${table}: duplicate keys`,
    );
  }
  assertEquals(
    await scalar(
      db,
      `SELECT count(*) AS value FROM ${s}.orders o
        WHERE NOT EXISTS (SELECT 1 FROM ${s}.customers c WHERE c.id = o.customer_id)`,
    ),
    "0",
    "orders whose customer does not exist",
  );
  assertEquals(
    await scalar(
      db,
      `SELECT count(*) AS value FROM ${s}.orders o JOIN ${s}.customers c ON c.id = o.customer_id
        WHERE o.email IS DISTINCT FROM c.email`,
    ),
    "0",
    "copied emails that differ from the customer's",
  );
}

test("stopped and restarted twice, the tables equal an uninterrupted run's", async (server) => {
  await withSchema(server, async (whole, db) => {
    await withSchema(server, async (parts) => {
      await runTo(server, whole, 90);
      await runTo(server, parts, 17);
      // Stopped from outside mid-run, between or inside commits.
      const interrupted = pgServer(server, parts, {
        until: new Date(START + 90 * TICK),
        commitRows: 5,
      });
      const done = interrupted.start();
      await interrupted.ready;
      await waitFor(
        "orders to commit past tick 30",
        () => interrupted.status().tables.find((t) => t.table === "orders")?.tick ?? -1,
        (tick) => tick >= 30,
        { everyMs: 5 },
      );
      await interrupted.stop();
      const stopped = (await done).tables.find((t) => t.table === "orders")!;
      assert(stopped.tick < 90, `stopped early (at tick ${stopped.tick})`);
      await runTo(server, parts, 90);

      await assertSameTables(db, whole, parts);
      await assertConsistent(db, parts);
      assertEquals(
        await scalar(db, `SELECT count(*) AS value FROM "${parts}".orders`),
        String(ORDERS.rowsThrough(90)),
      );
      assertEquals(await scalar(db, `SELECT count(*) AS value FROM "${parts}".statuses`), "5");
      const [orders] = await query(
        db,
        `SELECT tick, properties ? 'tablestream.stream' AS state
           FROM "${parts}".${DEFAULT_PROGRESS_TABLE} WHERE table_name = 'orders'`,
      );
      assertEquals(orders, { tick: "90", state: true });

      // The rows are the memory sink's, value for value (types, microseconds, nulls).
      const store = new MemoryStore();
      const memory = await memoryServer(store, {
        config: SHOP,
        fastForward: true,
        until: new Date(START + 90 * TICK),
      }).start();
      assertEquals(memory.failed, []);
      const reader = createPostgresSink({ ...server.connection, schema: parts });
      for (const table of TABLES) {
        const columns = store.tables.get(table)!.schema.fields.map((f) => f.name);
        assertEquals(cells(await reader.read!(table, columns)), cells(store.rows(table)), table);
      }
    });
  });
});

test("a commit killed before COMMIT is retried by the server: every tick once", async (server) => {
  await withSchema(server, async (whole, db) => {
    await withSchema(server, async (killed) => {
      await runTo(server, whole, 60);
      let flushes = 0;
      let terminated = 0;
      // The orders sink's third flush waits on its progress row (held by the test) with its
      // rows copied; the test kills its connection there, then lets go.
      const wrap = (table: string, sink: Sink): Sink => {
        if (table !== "orders") return sink;
        return {
          ...sink,
          async flush(point) {
            if (++flushes !== 3) return await sink.flush(point);
            const holder = await testClient(server);
            await holder.query("BEGIN");
            await holder.query(
              `SELECT * FROM "${killed}".${DEFAULT_PROGRESS_TABLE} WHERE table_name = 'orders' FOR UPDATE`,
            );
            const flushing = sink.flush(point);
            flushing.catch(() => {});
            const [hit] = await waitFor(
              "the orders sink's commit to wait on the progress row the test holds",
              () =>
                query<{ pid: number }>(
                  db,
                  `SELECT pid FROM pg_stat_activity WHERE application_name = 'ts-orders'
                     AND wait_event_type = 'Lock'`,
                ),
              (found) => found.length > 0,
              { everyMs: 2 },
            );
            await db.query("SELECT pg_terminate_backend($1)", [hit.pid]);
            terminated++;
            await holder.query("ROLLBACK");
            await holder.end();
            return await flushing;
          },
        };
      };
      const summary = await pgServer(server, killed, { until: new Date(START + 60 * TICK) }, wrap)
        .start();
      assertEquals(summary.failed, []);
      assertEquals(terminated, 1);
      const orders = summary.tables.find((t) => t.table === "orders")!;
      assertEquals(orders.errors, 1, "one failed commit, retried with a fresh sink");
      await assertSameTables(db, whole, killed);
      await assertConsistent(db, killed);
    });
  });
});

test("kill -9 at random moments, restart: exactly once, no partial commit in between", async (server) => {
  await withSchema(server, async (whole, db) => {
    await withSchema(server, async (killed) => {
      // Six hours of 10 s ticks: a whole run takes seconds, so that six runs killed within 2 s
      // of their start (each resuming where the last one stopped) do not finish it.
      const until = 2160;
      await runTo(server, whole, until);
      const child = () =>
        new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            new URL("./_postgres_run_child.ts", import.meta.url).pathname,
            JSON.stringify({
              yaml: SHOP_YAML,
              sink: { ...server.connection, schema: killed },
              start: new Date(START).toISOString(),
              until: new Date(START + until * TICK).toISOString(),
              commitRows: 20,
            }),
          ],
          stdout: "piped",
          stderr: "piped",
          env: { TZ: "UTC" },
        }).spawn();
      const seed = killSeed(777);
      const replay = `(kill moments of seed ${seed}; TABLESTREAM_KILL_SEED=${seed} replays them)`;
      const random = seededRandom(seed);
      let kills = 0;
      let midRun = 0;
      for (let i = 0; i < 6; i++) {
        // Within the first second of its commit loops, whatever start-up costs on the machine now.
        const kill = await killWhileWorking(child(), LOOPS_BEGIN, random() * 1000);
        if (kill.killed) kills++;
        // Whatever the moment, the tables hold whole commits: as many orders as the ticks
        // the progress row says, all of them rows of the uninterrupted run.
        const progress = `"${killed}".${DEFAULT_PROGRESS_TABLE}`;
        const [{ exists }] = await query(db, "SELECT to_regclass($1) IS NOT NULL AS exists", [
          progress,
        ]);
        if (!exists) continue; // killed before its first commit
        const [state] = await query<{ tick: string }>(
          db,
          `SELECT tick FROM ${progress} WHERE table_name = 'orders'`,
        );
        if (!state) continue; // killed before its first commit
        const rows = await scalar(db, `SELECT count(*) AS value FROM "${killed}".orders`);
        assertEquals(
          Number(rows),
          ORDERS.rowsThrough(Number(state.tick)),
          `after kill ${i} ${replay}`,
        );
        if (Number(state.tick) < until) midRun++;
        assertEquals(
          await scalar(
            db,
            `SELECT count(*) AS value FROM (SELECT * FROM "${killed}".orders
               EXCEPT ALL SELECT * FROM "${whole}".orders) d`,
          ),
          "0",
        );
      }
      assert(kills >= 4, `most runs were killed (${kills}) ${replay}`);
      assert(midRun >= 3, `most kills landed mid-run (${midRun}) ${replay}`);
      const last = await child().output();
      assertEquals(last.code, 0, new TextDecoder().decode(last.stderr));
      await assertSameTables(db, whole, killed);
      await assertConsistent(db, killed);
    });
  });
});

/** Orders that change (zipf picks, a status that only moves forward) and their items. */
const CHANGES_YAML = `
version: 1
config:
  seed: 31
  tick_interval: 10s
tables:
${changingOrders(100)}  - table_name: items
    row_count: 50
    cadence: { rows_per_minute: 240 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: order_id, data: 'foreign_key("orders", "id")' }
      - { column_name: quantity, data: "random.randint(1, 9)" }
`;
const CHANGE_TABLES = ["orders", "items"];
/** Logged once every table is planned, right before the commit loops begin. */
const CHANGES_LOOPS_BEGIN = 'Table "items" ';
/** 1,440 ticks of 10 s from the change model's test start (tests/_changes.ts). */
const CHANGES_UNTIL = 1440;
/** How long the uninterrupted run's commit loops take on a quiet machine: a guess on the short
 * side (720 ticks took 7.3 s at load about 10 on a 2-core EPYC), so that {@link paced} scales
 * the kill moments up on a quiet machine that is slower than it. */
const QUIET_CHANGES_MS = 4000;

/**
 * The tables replayed apart from `run`: each table's inserts of ticks 0..last from the
 * engine (items picking orders through the model's parent view), then the change model's
 * ticks 1..last applied to the orders by id; and each item's tick.
 */
function replayedShop(last: number) {
  const { engine, timelines, changes } = streamOf(CHANGES_YAML, { seed: 31, intervalMs: TICK });
  const model = changes("orders");
  const parent = streamParentSource(
    { name: "orders", role: "run", timeline: timelines.get("orders")! },
    engine,
  );
  engine.setParentSource("orders", model.parentView(parent, model.newState()));
  const inserted = (name: string) => {
    const timeline = timelines.get(name)!;
    const batch = engine.table(name).batch(timeline.spec.baseRowId, timeline.rowsThrough(last));
    return plainRows(new arrow.Table(batch));
  };
  const orders = new Map(inserted("orders").map((row) => [Number(row.id), row]));
  const state = model.newState();
  const table = engine.table("orders");
  const plain = (values: unknown[], id: number) =>
    plainRows(new arrow.Table(table.rowsBatch([values] as never, [id])))[0];
  let updates = 0;
  for (let k = 1; k <= last; k++) {
    const tick = model.advance(state, { rows: true });
    for (const d of tick.deletes) {
      assertEquals(plain(d.rowBefore!, d.rowId), orders.get(d.rowId), `delete ${d.rowId}`);
      orders.delete(d.rowId);
    }
    for (const u of tick.updates) orders.set(u.rowId, plain(u.rowAfter!, u.rowId));
    updates += tick.updates.length;
  }
  const items = timelines.get("items")!;
  return {
    orders: [...orders.values()],
    items: inserted("items"),
    updates,
    /** The tick that inserted item `id`. */
    itemTick: (id: number) => items.tickOf(id - items.spec.baseRowId),
    /** Whether order `id` is deleted by tick `k`. */
    deletedBy: (id: number, k: number) => model.isDeleted(state, id, k),
  };
}

const byId = (rows: Record<string, unknown>[]) =>
  [...rows].sort((a, b) => Number(a.id) - Number(b.id));

test("kill -9 at random moments of a run with updates and deletes: the tables of an uninterrupted run and of the replayed changes", async (server) => {
  await withSchema(server, async (whole, db) => {
    await withSchema(server, async (killed) => {
      const dir = await Deno.makeTempDir();
      try {
        const configFile = async (schema: string) => {
          const path = `${dir}/${schema}.yaml`;
          const options = JSON.stringify({ ...server.connection, schema });
          await Deno.writeTextFile(
            path,
            `${CHANGES_YAML}sinks:\n  default:\n    type: postgres\n    options: ${options}\n`,
          );
          return path;
        };
        const run = (config: string) =>
          new Deno.Command(Deno.execPath(), {
            args: [
              "run",
              "-A",
              MAIN,
              "run",
              "--config",
              config,
              "--fast-forward",
              "--start-time",
              new Date(START_MS).toISOString(),
              "--until",
              new Date(START_MS + CHANGES_UNTIL * TICK).toISOString(),
              "--commit-rows",
              "40",
            ],
            stdout: "piped",
            stderr: "piped",
            env: { TZ: "UTC" },
          }).spawn();
        const wholeRun = await timeWork(run(await configFile(whole)), CHANGES_LOOPS_BEGIN);
        assertEquals(wholeRun.code, 0, wholeRun.stderr);
        // Moments up to a tenth of the loops: 8 lives of a twentieth on average (each resuming
        // where the last stopped) end before the run does.
        const window = paced(QUIET_CHANGES_MS / 10, QUIET_CHANGES_MS, wholeRun.workMs);
        const killedConfig = await configFile(killed);
        const seed = killSeed(4242);
        const replay = `(kill moments of seed ${seed}, within ${
          Math.round(window)
        } ms of the loops beginning; TABLESTREAM_KILL_SEED=${seed} replays them)`;
        const random = seededRandom(seed);
        const progress = `"${killed}".${DEFAULT_PROGRESS_TABLE}`;
        const ordersTick = async () => {
          const [{ exists }] = await query(db, "SELECT to_regclass($1) IS NOT NULL AS exists", [
            progress,
          ]);
          if (!exists) return -1;
          const [state] = await query<{ tick: string }>(
            db,
            `SELECT tick FROM ${progress} WHERE table_name = 'orders'`,
          );
          return state ? Number(state.tick) : -1;
        };
        let onWork = 0;
        let advanced = 0;
        let before = -1;
        for (let i = 0; i < 8; i++) {
          const kill = await killWhileWorking(
            run(killedConfig),
            CHANGES_LOOPS_BEGIN,
            random() * window,
          );
          if (kill.killed && kill.working) onWork++;
          const after = await ordersTick();
          assert(after >= before, `orders went back from tick ${before} to ${after} ${replay}`);
          if (after > before) advanced++;
          before = after;
        }
        assert(onWork >= 7, `most kills landed on the commit loops (${onWork} of 8) ${replay}`);
        assert(advanced >= 4, `lives committed before their kill (${advanced} of 8) ${replay}`);
        assert(before < CHANGES_UNTIL, `the kills ended before the run did (${before}) ${replay}`);
        const last = await run(killedConfig).output();
        assertEquals(last.code, 0, new TextDecoder().decode(last.stderr));
        await assertSameTables(db, whole, killed, CHANGE_TABLES);

        // Equal to the inserts with the change model's updates and deletes applied.
        const expected = replayedShop(CHANGES_UNTIL);
        assert(expected.updates > 500, `updates were made (${expected.updates})`);
        const reader = createPostgresSink({ ...server.connection, schema: killed });
        const stored = async (table: string) => {
          const columns = table === "orders"
            ? ["id", "amount", "status", "updated_at"]
            : ["id", "order_id", "quantity"];
          return byId(plainRows(await reader.read!(table, columns)));
        };
        assertEquals(await stored("orders"), byId(expected.orders), `orders ${replay}`);
        const items = await stored("items");
        assertEquals(items, byId(expected.items), `items ${replay}`);

        // Foreign keys as docs/changes.md promises: an item never points at an order deleted
        // by its own tick; it may point at one deleted later (deletes do not cascade).
        const live = new Set(expected.orders.map((o) => Number(o.id)));
        let dangling = 0;
        for (const item of items) {
          const [id, order] = [Number(item.id), Number(item.order_id)];
          const tick = expected.itemTick(id);
          assert(!expected.deletedBy(order, tick), `item ${id} of tick ${tick}: order ${order}`);
          if (!live.has(order)) dangling++;
        }
        assert(dangling > 0, "some items point at orders deleted after them");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  });
});
