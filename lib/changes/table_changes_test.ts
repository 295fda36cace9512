import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { START_MS, streamOf } from "../../tests/_changes.ts";
import { parse, summary } from "../../tests/_config.ts";
import type { ChangeState, TableChanges, TickChanges } from "./table_changes.ts";

/** The orders of docs/changes.md: a status state machine and the time of the last change. */
const ORDERS = `
config: { seed: 3 }
tables:
  - table_name: orders
    row_count: 50
    cadence: { rows_per_minute: 12 }
    changes:
      updates_per_minute: 30
      update_columns: [status, updated_at]
      deletes_per_minute: 3
      pick: { distribution: zipf, param: 1.1 }
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: amount
        data: random.randint(1, 500)
      - column_name: status
        data: |
          if version == 0:
              return "placed"
          return {"placed": "paid", "paid": "shipped", "shipped": "delivered"}.get(previous, previous)
      - column_name: updated_at
        data: datetime.now()
      - column_name: revision
        data: f"{status}-{version}"
`;

/** The revision column reads `status` and `version` without being updated: warned, allowed. */
const STEPS = ["placed", "paid", "shipped", "delivered"];

/** Every tick's events from tick 1 to k, whole rows included. */
function run(changes: TableChanges, k: number, state = changes.newState()): TickChanges[] {
  const out: TickChanges[] = [];
  while (state.tick < k) out.push(changes.advance(state, { rows: true }));
  return out;
}

/** A state as plain data, to compare two of them. */
function snapshot(changes: TableChanges, state: ChangeState) {
  const rows = [...state.rows].sort((a, b) => a[0] - b[0]);
  const deleted: number[] = [];
  for (let i = 0; i < state.deleted.count; i++) deleted.push(state.deleted.nth(i));
  return { tick: state.tick, rows, deleted, rate: changes.updates.through(state.tick) };
}

Deno.test("replaying to tick k gives the same state and events, however it is reached", () => {
  const a = streamOf(ORDERS).changes("orders");
  const b = streamOf(ORDERS).changes("orders");
  const straight = run(a, 120);
  // Another engine, and the ticks reached as 1..70 (replayed, no events), then 71..120.
  const state = b.stateAt(70);
  const continued = run(b, 120, state);
  assertEquals(continued, straight.slice(70));
  assertEquals(snapshot(b, state), snapshot(a, a.stateAt(120)));
  assertEquals(snapshot(a, a.stateAt(40)), snapshot(b, b.stateAt(40)));
});

Deno.test("counts are the rates integrated over the ticks, the fractions carried", () => {
  const changes = streamOf(ORDERS).changes("orders");
  const ticks = run(changes, 600);
  // 30 updates and 3 deletes a minute on 10 s ticks: 5 and 0.5 a tick, exactly.
  const updates = ticks.map((t) => t.updates.length);
  const deletes = ticks.map((t) => t.deletes.length);
  assertEquals(updates.every((n) => n === 5), true);
  assertEquals(deletes.slice(0, 6), [0, 1, 0, 1, 0, 1]);
  assertEquals(deletes.reduce((a, b) => a + b), 300);
  // Every change happens within its tick, after the one before it.
  for (const t of ticks) {
    const from = START_MS + (t.tick - 1) * 10_000, to = START_MS + t.tick * 10_000;
    for (const e of [...t.deletes, ...t.updates]) assert(e.timeMs > from && e.timeMs <= to);
  }
});

Deno.test("a deleted row is never changed again, and a tick changes a row at most once", () => {
  const changes = streamOf(ORDERS.replace("deletes_per_minute: 3", "deletes_per_minute: 9"))
    .changes("orders");
  const deleted = new Set<number>();
  let updates = 0;
  for (const t of run(changes, 400)) {
    const touched = [...t.deletes, ...t.updates].map((e) => e.rowId);
    assertEquals(new Set(touched).size, touched.length, `tick ${t.tick} changed a row twice`);
    for (const id of touched) assert(!deleted.has(id), `row ${id} changed after its delete`);
    // Only rows inserted by earlier ticks are changed.
    const before = changes.timeline.rowsThrough(t.tick - 1);
    for (const id of touched) assert(id >= 1 && id <= before);
    for (const d of t.deletes) deleted.add(d.rowId);
    updates += t.updates.length;
  }
  // 1.5 deletes a tick: 600 over 400 ticks, among 850 rows; updates take what is left.
  assertEquals(deleted.size, 600);
  assert(updates > 1500);
});

Deno.test("the state machine of docs/changes.md never goes backwards", () => {
  const changes = streamOf(ORDERS).changes("orders");
  const last = new Map<number, { version: number; step: number; at: number }>();
  for (const t of run(changes, 300)) {
    for (const u of t.updates) {
      const [status, updatedAt] = u.columnsAfter as [string, Date];
      const before = last.get(u.rowId) ?? { version: 0, step: 0, at: 0 };
      assertEquals(u.version, before.version + 1);
      assertEquals(u.columnsBefore[0], STEPS[before.step]);
      const step = STEPS.indexOf(status);
      assertEquals(step, Math.min(before.step + 1, 3));
      // `datetime.now()` of an update is its logical time.
      assertEquals(updatedAt.getTime(), u.timeMs);
      // Whole rows: the update columns change; the others keep their insert values.
      assertEquals(u.rowAfter![2], status);
      assertEquals(u.rowBefore![1], u.rowAfter![1]);
      assertEquals(u.rowAfter![4], u.rowBefore![4]);
      last.set(u.rowId, { version: u.version, step, at: u.timeMs });
    }
    for (const d of t.deletes) {
      assertEquals(d.version, last.get(d.rowId)?.version ?? 0);
      assertEquals(d.rowBefore![2], STEPS[last.get(d.rowId)?.step ?? 0]);
      last.delete(d.rowId);
    }
  }
  assert([...last.values()].some((r) => r.step === 3));
});

Deno.test("a tick with no live rows picks none", () => {
  const yaml = ORDERS.replace("row_count: 50", "row_count: 3")
    .replace("rows_per_minute: 12", "rows_per_minute: 0")
    .replace("deletes_per_minute: 3", "deletes_per_minute: 12");
  const changes = streamOf(yaml).changes("orders");
  const ticks = run(changes, 10);
  assertEquals(ticks.map((t) => t.deletes.length), [2, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  // Tick 1 deletes 2 of the 3 rows and updates the third; then 1 is deleted, none is left.
  assertEquals(ticks.map((t) => t.updates.length), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("deletes are visible to children from their tick on, for parents' own lookups too", () => {
  const changes = streamOf(ORDERS).changes("orders");
  const state = changes.newState();
  const ticks = run(changes, 50, state);
  const { rowId } = ticks[19].deletes[0];
  assertEquals(ticks[19].tick, 20);
  assertEquals(changes.isDeleted(state, rowId, 19), false);
  assertEquals(changes.isDeleted(state, rowId, 20), true);
  assertEquals(changes.isDeleted(state, rowId, 50), true);
  assertEquals(changes.current(state, rowId), undefined);
  assertThrows(() => changes.isDeleted(state, rowId, 51), Error, "replay it first");
});

Deno.test("inserts are what they are without changes: version 0, previous None", () => {
  const withChanges = streamOf(ORDERS).engine.table("orders");
  const yaml = ORDERS.replace(/ {4}changes:\n( {6}.*\n)+/, "");
  const without = streamOf(yaml).engine.table("orders");
  const a = withChanges.batch(1, 80), b = without.batch(1, 80);
  assertEquals(a.toArray().map((r) => r.toJSON()), b.toArray().map((r) => r.toJSON()));
  assertEquals(a.getChild("status")!.toArray().every((s: string) => s === "placed"), true);
  assertEquals(a.getChild("revision")!.get(0), "placed-0");
  // The state machine's type is its strings', `previous` being None while it is inferred.
  assertEquals(withChanges.columnType("status"), "string");
  assertEquals(withChanges.columnType("updated_at"), "timestamp");
});

Deno.test("docs/changes.md's config is valid, without a warning, and its orders only move on", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/changes.md", import.meta.url));
  const yaml = /## A config\n\n```yaml\n([\s\S]*?)```/.exec(doc)![1];
  assertEquals(summary(parse(yaml).diagnostics), []);
  const changes = streamOf(yaml).changes("orders");
  const status = new Map<number, number>();
  for (const t of run(changes, 100)) {
    assertEquals(t.updates.length, 5);
    for (const u of t.updates) {
      const step = STEPS.indexOf(u.columnsAfter[0] as string);
      assertEquals(step, Math.min((status.get(u.rowId) ?? 0) + 1, 3));
      status.set(u.rowId, step);
    }
  }
});

Deno.test("an update re-draws its foreign keys; copies follow the row's own key", () => {
  const yaml = `
tables:
  - table_name: customers
    row_count: 30
    cadence: { rows_per_minute: 6 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: email, data: fake.email() }
  - table_name: orders
    row_count: 40
    cadence: { rows_per_minute: 12 }
    changes:
      updates_per_minute: 60
      update_columns: [agent_id, email, note]
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - column_name: customer_id
        data: foreign_key("customers", "id")
      - column_name: agent_id
        data: foreign_key("customers", "id")
      - column_name: email
        data: copy_from_fk("customers", "customer_id", "email")
      - column_name: note
        data: 'f"{version}:{random.randint(1, 10**9)}"'
`;
  const { engine, changes } = streamOf(yaml);
  const orders = changes("orders");
  const customers = engine.table("customers");
  let moved = 0;
  for (const t of run(orders, 30)) {
    for (const u of t.updates) {
      const [agent, email, note] = u.columnsAfter;
      const customer = u.rowAfter![1] as number;
      assertEquals(u.rowBefore![1], customer);
      assertEquals(email, customers.value("email", customer));
      assertEquals((note as string).split(":")[0], String(u.version));
      assert((note as string) !== u.columnsBefore[2]);
      if (agent !== u.columnsBefore[0]) moved++;
    }
  }
  assert(moved > 100, `agents moved ${moved} times`);
});
