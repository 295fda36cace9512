/**
 * The PostgreSQL sink's updates and deletes against a real server (tests/_postgres.ts): the
 * table ends equal to the history's state worked out by hand, changes commit with the tick's
 * rows and commit point or not at all, and a restart applies a tick once.
 */
import { assertEquals, assertRejects } from "../../../tests/_assert.ts";
import {
  changeBatchOf,
  expectedColumns,
  HISTORY,
  HISTORY_TABLE,
  writeHistory,
} from "../../../tests/_change_history.ts";
import {
  postgresTest,
  query,
  type TestPostgres,
  testPostgres,
  withSchema,
} from "../../../tests/_postgres.ts";
// @ts-types="@types/pg"
import type pg from "pg";
import type { Sink } from "../../../lib/plugin/types.ts";
import { sampleBatch } from "../../../tests/_batches.ts";
import { createPostgresSink } from "./mod.ts";

const found = await testPostgres();
const test = (name: string, fn: (server: TestPostgres) => Promise<void>) =>
  postgresTest(found, `postgres sink changes: ${name}`, fn);

/**
 * Runs `fn` with a sink opened on the history's table; aborts it afterwards (a no-op after
 * close), so a failed check never leaves a transaction holding the schema's locks.
 */
async function withSink(
  server: TestPostgres,
  schema: string,
  mode: "error" | "append",
  fn: (sink: Sink) => Promise<void>,
): Promise<void> {
  const sink = createPostgresSink({ ...server.connection, schema });
  try {
    await sink.open([HISTORY_TABLE], { mode });
    await fn(sink);
  } finally {
    await sink.abort!();
  }
}

/** The table's checked columns, by id, as SQL reads them. */
async function stored(db: pg.Client, schema: string) {
  const found = await query<{ id: string; n: number | null; name: string | null }>(
    db,
    `SELECT id, n, name FROM "${schema}".orders ORDER BY id`,
  );
  return new Map(found.map((r) => [Number(r.id), { id: Number(r.id), n: r.n, name: r.name }]));
}

async function tick(db: pg.Client, schema: string): Promise<number> {
  const [row] = await query<{ tick: string }>(
    db,
    `SELECT tick FROM "${schema}".tablestream_progress WHERE table_name = 'orders'`,
  );
  return Number(row.tick);
}

test("updates and deletes by key, one commit per tick: the table ends equal to the replay", async (server) => {
  await withSchema(server, async (schema, db) => {
    await withSink(server, schema, "error", async (sink) => {
      await writeHistory(sink, {
        flush: async (t) => {
          await sink.flush({ tick: t });
          // Each commit holds its tick's changes and rows: the state after that tick.
          const ticks = HISTORY.filter((h) => h.tick <= t);
          assertEquals(await stored(db, schema), expectedColumns(ticks), `after tick ${t}`);
        },
      });
      await sink.close();
    });
    assertEquals(await stored(db, schema), expectedColumns());
    assertEquals(await tick(db, schema), 2);
  });
});

test("several ticks in one commit: rows of the same commit are changed, a key's last change wins", async (server) => {
  await withSchema(server, async (schema, db) => {
    await withSink(server, schema, "error", async (sink) => {
      // Tick 0 committed: later rows are staged beside the table until they are changed.
      await writeHistory(sink, { ticks: HISTORY.slice(0, 1) });
      await writeHistory(sink, { ticks: HISTORY.slice(1), flush: async () => {} });
      // One batch of three ticks: row 1 updated twice, then deleted; row 4 updated twice.
      await sink.writeChanges!("orders", {
        ...changeBatchOf(3, [
          { op: "u", id: 1, version: 1, from: 0 },
          { op: "u", id: 4, version: 1, from: 0 },
          { op: "u", id: 1, version: 2, from: 1 },
          { op: "u", id: 4, version: 2, from: 1 },
          { op: "d", id: 1, version: 2, from: 2 },
        ]),
        ticks: [3, 3, 4, 4, 5],
      });
      assertEquals(await stored(db, schema), expectedColumns(HISTORY.slice(0, 1)), "uncommitted");
      await sink.flush({ tick: 5 });
      await sink.close();
    });
    const expected = expectedColumns();
    expected.delete(1);
    expected.set(4, { id: 4, n: 4002, name: 'name 4, "quoted" v2' });
    assertEquals(await stored(db, schema), expected);
    assertEquals(await tick(db, schema), 5);
  });
});

test("a failure before commit leaves the table as it was; a restart applies the tick once", async (server) => {
  await withSchema(server, async (schema, db) => {
    const before = expectedColumns(HISTORY.slice(0, 2));
    await withSink(server, schema, "error", async (sink) => {
      await writeHistory(sink, { ticks: HISTORY.slice(0, 2) });
      // Tick 2's changes and rows, then the process gives up before its flush (abort).
      await sink.writeChanges!("orders", changeBatchOf(2, HISTORY[2].changes));
      await sink.write("orders", sampleBatch(2, 11));
    });
    assertEquals(await stored(db, schema), before);
    assertEquals(await tick(db, schema), 1);

    // Changes of a row the table does not hold fail the transaction: nothing of it commits.
    await withSink(server, schema, "append", async (sink) => {
      await sink.write("orders", sampleBatch(2, 11));
      await assertRejects(
        () =>
          sink.writeChanges!(
            "orders",
            changeBatchOf(2, [{ op: "u", id: 99, version: 1, from: 0 }]),
          ),
        Error,
        "are not in the table",
      );
      await assertRejects(() => sink.flush({ tick: 2 }), Error, "failed earlier");
    });
    assertEquals(await stored(db, schema), before);
    assertEquals(await tick(db, schema), 1);

    await withSink(server, schema, "append", async (sink) => {
      assertEquals((await sink.inspect!("orders"))!.commits.get("tablestream:orders"), 1);
      await writeHistory(sink, { ticks: HISTORY.slice(2) });
      await sink.close();
    });
    assertEquals(await stored(db, schema), expectedColumns());
    assertEquals(await tick(db, schema), 2);
  });
});

test("a table with changes needs a primary key, refused at open", async (server) => {
  await withSchema(server, async (schema) => {
    const sink = createPostgresSink({ ...server.connection, schema });
    const { primaryKey: _, ...keyless } = HISTORY_TABLE;
    await assertRejects(
      () => sink.open([keyless], { mode: "error" }),
      Error,
      'Table "orders" has changes but no primary key',
    );
    await sink.abort!();
  });
});
