import * as arrow from "apache-arrow";
import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { batchOf, column, SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import {
  changeBatchOf,
  changeTime,
  expectedColumns,
  HISTORY,
  HISTORY_TABLE,
  replayEvents,
  stateColumns,
  writeHistory,
} from "../../tests/_change_history.ts";
import { partFiles, readJsonl } from "../../tests/_read.ts";
import type { ChangeEvent } from "./_debezium.ts";
import { createJsonlSink } from "./jsonl.ts";

Deno.test("jsonl sink writes one object per row that parses back", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createJsonlSink({ dir });
  await sink.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "error" });
  await sink.write("users", sampleBatch(6));
  await sink.close();
  const rows = await readJsonl(`${dir}/users/part-00000.jsonl`);
  assertEquals(rows.length, 6);
  assertEquals(rows[0], {
    id: 0,
    tiny: null,
    small: null,
    n: null,
    ratio: null,
    score: null,
    name: null,
    active: null,
    day: null,
    at: null,
  });
  assertEquals(rows[2], {
    id: 2,
    tiny: -98,
    small: -2,
    n: 2000,
    ratio: 2.1,
    score: 2 / 3,
    name: 'name 2, "quoted"',
    active: true,
    day: "2024-01-04",
    at: "2024-01-02T03:04:05.123458Z",
  });
  assertEquals(Object.keys(rows[2]), SAMPLE_SCHEMA.fields.map((f) => f.name));
});

Deno.test("jsonl sink writes int64 beyond 2^53 as a string, and odd text safely", async () => {
  const batch = batchOf({
    big: column(new arrow.Int64(), [2n ** 53n - 1n, 2n ** 53n, -(2n ** 63n)]),
    text: column(new arrow.Utf8(), ['quote " and \\ slash', "line\nbreak", "\u2028 sep"]),
  });
  const dir = await Deno.makeTempDir();
  const sink = createJsonlSink({ dir });
  await sink.open([{ name: "t", schema: batch.schema }], { mode: "error" });
  await sink.write("t", batch);
  await sink.close();
  const text = await Deno.readTextFile(`${dir}/t/part-00000.jsonl`);
  assertEquals(text.split("\n").length, 4); // three lines and the final newline
  assertEquals(await readJsonl(`${dir}/t/part-00000.jsonl`), [
    { big: 9007199254740991, text: 'quote " and \\ slash' },
    { big: "9007199254740992", text: "line\nbreak" },
    { big: "-9223372036854775808", text: "\u2028 sep" },
  ]);
});

Deno.test("jsonl sink writes an empty file for a table without rows", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createJsonlSink({ dir });
  await sink.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "error" });
  await sink.write("users", sampleBatch(0));
  await sink.close();
  assertEquals(await Deno.readTextFile(`${dir}/users/part-00000.jsonl`), "");
});

/** Every event line of a table's published part files, in order. */
async function readEvents(dir: string): Promise<ChangeEvent[]> {
  const names = await partFiles(dir, ".jsonl");
  const events: ChangeEvent[] = [];
  for (const name of names) {
    events.push(...await readJsonl(`${dir}/${name}`) as unknown as ChangeEvent[]);
  }
  return events;
}

Deno.test("jsonl sink writes a table with changes as Debezium events that replay to its state", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createJsonlSink({ dir });
  await sink.open([{ ...HISTORY_TABLE, appId: "app-1" }], { mode: "error" });
  await writeHistory(sink);
  await sink.close();
  const events = await readEvents(`${dir}/orders`);
  // One event per insert and change, in the order they were written.
  const ops = HISTORY.flatMap((t) => [...t.changes.map((c) => c.op), ...t.inserts.map(() => "c")]);
  assertEquals(events.map((e) => e.op), ops);
  assertEquals(stateColumns(replayEvents(events)), expectedColumns());
  const update = events.find((e) => e.op === "u")!;
  assertEquals(update.ts_ms, changeTime(1, 0));
  assertEquals(update.source, {
    connector: "tablestream",
    name: "app-1",
    table: "orders",
    tick: 1,
    row_version: 1,
    ts_ms: changeTime(1, 0),
  });
  // Rows are whole, typed as plain JSON lines type them.
  assertEquals(update.after, {
    id: 2,
    tiny: -98,
    small: -2,
    n: 2001,
    ratio: 2.1,
    score: 2 / 3,
    name: 'name 2, "quoted" v1',
    active: true,
    day: "2024-01-04",
    at: "2024-01-02T03:04:05.123458Z",
  });
  const del = events.find((e) => e.op === "d")!;
  assertEquals([del.before?.id, del.after, del.source.tick, del.source.row_version], [
    3,
    null,
    1,
    0,
  ]);
  const insert = events[0];
  assertEquals([insert.before, insert.after?.id, insert.ts_ms, insert.source.tick], [
    null,
    0,
    null,
    null,
  ]);
});

Deno.test("jsonl sink publishes change events at flush, with the rows of the same commit", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createJsonlSink({ dir });
  await sink.open([HISTORY_TABLE], { mode: "error" });
  await writeHistory(sink, { ticks: HISTORY.slice(0, 1) });
  await sink.writeChanges!("orders", changeBatchOf(1, HISTORY[1].changes));
  await sink.write("orders", sampleBatch(3, 8));
  // Until close, parts are published in the table's staging folder. Not flushed: the changes
  // of tick 1 and its rows are in no part file yet.
  const staged = [...Deno.readDirSync(dir)].find((e) => e.name.startsWith(".orders.staging-"))!;
  assertEquals((await readEvents(`${dir}/${staged.name}`)).length, 8);
  await sink.flush({ tick: 1 });
  assertEquals(
    stateColumns(replayEvents(await readEvents(`${dir}/${staged.name}`))),
    expectedColumns(HISTORY.slice(0, 2)),
  );
  await sink.abort!();
});

Deno.test("jsonl sink keeps plain rows for tables without changes, events with envelope debezium", async () => {
  const plain = await Deno.makeTempDir();
  const sink = createJsonlSink({ dir: plain });
  await sink.open([{ ...HISTORY_TABLE, changes: false }], { mode: "error" });
  await sink.write("orders", sampleBatch(2));
  await assertRejects(
    () => sink.writeChanges!("orders", changeBatchOf(1, HISTORY[1].changes)),
    Error,
    'Table "orders" was opened without changes',
  );
  await sink.abort!();

  const all = await Deno.makeTempDir();
  const events = createJsonlSink({ dir: all, envelope: "debezium" });
  await events.open([{ name: "users", schema: SAMPLE_SCHEMA, primaryKey: "id" }], {
    mode: "error",
  });
  await events.write("users", sampleBatch(3));
  await events.close();
  const read = await readEvents(`${all}/users`);
  assertEquals(read.map((e) => [e.op, e.after?.id, e.source.name]), [
    ["c", 0, "users"],
    ["c", 1, "users"],
    ["c", 2, "users"],
  ]);
});
