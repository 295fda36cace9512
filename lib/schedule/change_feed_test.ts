/**
 * `run` with `changes:`: what the memory sink ends with (rows and change events) equals the
 * replay of the change model computed here apart from the server, whatever the commits,
 * workers and restarts; children never pick a deleted parent; a sink without `writeChanges`
 * is refused; a changed `changes:` is another stream.
 */
import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { START_MS, streamOf } from "../../tests/_changes.ts";
import { withTempDir } from "../../tests/_cli.ts";
import { createMemorySink } from "../../plugins/sinks/memory.ts";
import { config, memoryServer, MemoryStore, plainRows, runLive } from "../../tests/_server.ts";
import { streamParentSource } from "../stream/parent_source.ts";
import type { ChangeBatch, CommitPoint } from "../plugin/types.ts";
import { StreamingServer, type StreamingServerOptions } from "./server.ts";

const SEED = 11;
const TICK = 10_000;
/** The last tick the runs here write. */
const LAST = 60;

const YAML = `
config:
  seed: ${SEED}
  tick_interval: 10s
tables:
  - table_name: customers
    row_count: 20
    cadence: { rows_per_minute: 12 }
    changes:
      updates_per_minute: 18
      update_columns: [tier, updated_at]
      deletes_per_minute: 6
      pick: { distribution: zipf, param: 1.1 }
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: name
        data: fake.name()
      - column_name: tier
        data: |
          if version == 0:
              return "bronze"
          return {"bronze": "silver", "silver": "gold"}.get(previous, previous)
      - column_name: updated_at
        data: datetime.now()
  - table_name: orders
    row_count: 10
    cadence: { rows_per_minute: 60 }
    changes:
      updates_per_minute: 30
      update_columns: [status, customer_id]
      pick: uniform
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: customer_id
        data: foreign_key("customers", "id", distribution="zipf", param=1.2)
      - column_name: status
        data: |
          if version == 0:
              return "placed"
          return {"placed": "paid", "paid": "shipped"}.get(previous, previous)
      - column_name: amount
        data: round(random.uniform(5, 500), 2)
`;

const TABLES = ["customers", "orders"];

/** One change as compared: op, tick, version, the row's id, and the rows before and after. */
type Event = [string, number, number, number, unknown, unknown];

/** What a table holds, rows by id, and its change events in order. */
interface Content {
  rows: Record<string, unknown>[];
  events: Event[];
}

function byId(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

function eventsOf(batches: readonly ChangeBatch[]): Event[] {
  return batches.flatMap((b) => {
    const before = plainRows(new arrow.Table(b.before));
    const after = plainRows(new arrow.Table(b.after));
    return b.ops.map((op, i): Event => [
      op,
      b.ticks[i],
      b.versions[i],
      Number(before[i].id),
      before[i],
      op === "d" ? null : after[i],
    ]);
  });
}

/** What the memory store holds of every table. */
function stored(store: MemoryStore): Map<string, Content> {
  return new Map(TABLES.map((t) => [t, {
    rows: byId(plainRows(store.rows(t))),
    events: eventsOf(store.changes(t)),
  }]));
}

/**
 * The same, computed apart from the server: every table's inserts of ticks 0..last from the
 * engine, then the change model's ticks 1..last applied to them by id, children picking
 * customers through the model's parent view.
 */
function replayed(last: number): Map<string, Content> {
  const { engine, timelines, changes } = streamOf(YAML, { seed: SEED, intervalMs: TICK });
  for (const name of TABLES) {
    const source = streamParentSource(
      { name, role: "run", timeline: timelines.get(name)! },
      engine,
    );
    const model = changes(name);
    engine.setParentSource(name, model.parentView(source, model.newState()));
  }
  const out = new Map<string, Content>();
  for (const name of TABLES) {
    const table = engine.table(name);
    const timeline = timelines.get(name)!;
    const rows = new Map<number, Record<string, unknown>>();
    for (
      const row of plainRows(
        new arrow.Table(table.batch(timeline.spec.baseRowId, timeline.rowsThrough(last))),
      )
    ) {
      rows.set(Number(row.id), row);
    }
    const plain = (values: unknown[][], ids: number[]) =>
      plainRows(new arrow.Table(table.rowsBatch(values as never, ids)));
    const model = changes(name);
    const state = model.newState();
    const events: Event[] = [];
    for (let k = 1; k <= last; k++) {
      const tick = model.advance(state, { rows: true });
      for (const d of tick.deletes) {
        const [before] = plain([d.rowBefore!], [d.rowId]);
        assertEquals(before, rows.get(d.rowId), `the delete of ${name} ${d.rowId} at tick ${k}`);
        rows.delete(d.rowId);
        events.push(["d", k, d.version, d.rowId, before, null]);
      }
      for (const u of tick.updates) {
        const [before, after] = plain([u.rowBefore!, u.rowAfter!], [u.rowId, u.rowId]);
        assertEquals(before, rows.get(u.rowId), `the update of ${name} ${u.rowId} at tick ${k}`);
        rows.set(u.rowId, after);
        events.push(["u", k, u.version, u.rowId, before, after]);
      }
    }
    out.set(name, { rows: byId([...rows.values()]), events });
  }
  return out;
}

/** Events in the order compared: the sink gets them by tick and time; here by tick, op, id. */
function sorted(events: Event[]): Event[] {
  return [...events].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]) || a[3] - b[3]);
}

function assertSameContent(actual: Map<string, Content>, expected: Map<string, Content>): void {
  for (const name of TABLES) {
    const a = actual.get(name)!;
    const e = expected.get(name)!;
    assertEquals(a.rows.length, e.rows.length, `${name}: rows`);
    assertEquals(a.rows, e.rows, `${name}: rows`);
    assertEquals(sorted(a.events), sorted(e.events), `${name}: change events`);
  }
}

function run(store: MemoryStore, options: Partial<StreamingServerOptions> = {}) {
  return memoryServer(store, {
    config: config(YAML),
    fastForward: true,
    until: new Date(START_MS + LAST * TICK),
    ...options,
  }).start();
}

Deno.test("run with changes: the memory sink holds the inserts with the model's changes replayed", async () => {
  const store = new MemoryStore();
  const summary = await run(store, { commitRows: 100 });
  assertEquals(summary.failed, []);
  const actual = stored(store);
  const expected = replayed(LAST);
  assertSameContent(actual, expected);
  const written = summary.tables.map((t) => [t.table, t.changesWritten]);
  assertEquals(written, TABLES.map((t) => [t, expected.get(t)!.events.length]));
  const customers = actual.get("customers")!.events;
  assert(customers.some((e) => e[0] === "d") && customers.some((e) => e[0] === "u" && e[2] > 1));
  // In each batch, by tick, then by time within a tick.
  for (const t of TABLES) {
    for (const batch of store.changes(t)) {
      batch.ticks.forEach((tick, i) => {
        if (i === 0) return;
        const before = [batch.ticks[i - 1], batch.timesMs[i - 1]];
        assert(tick > before[0] || (tick === before[0] && batch.timesMs[i] >= before[1]));
      });
    }
  }
  // A tick's changes come before its rows, in the commit that holds them: tick 0's rows,
  // then no commit holds changes of a tick before rows it touches (the store checks by id).
  assertEquals(store.inspect("customers")!.rows, actual.get("customers")!.rows.length);
});

Deno.test("run with changes: the same rows and changes whatever the commits and workers", async () => {
  const base = new MemoryStore();
  await run(base, { commitRows: 10_000 });
  const expected = stored(base);
  const small = new MemoryStore();
  await run(small, { commitRows: 3 });
  assertSameContent(stored(small), expected);
  assert(
    small.tables.get("customers")!.commits.length > base.tables.get("customers")!.commits.length,
  );
  const live = new MemoryStore();
  await runLive(live, { config: config(YAML), commitIntervalMs: 30_000 }, LAST, TICK, 2);
  assertSameContent(stored(live), expected);
});

Deno.test("run with changes: rows generated in workers, changes on the writer's thread, the same as one thread", async () => {
  // Windows of thousands of rows, so that the pool generates them; children of ticks after
  // deletes are generated in the workers, through the parent view they rebuild.
  const yaml = YAML.replace("row_count: 20", "row_count: 300")
    .replace("rows_per_minute: 60 }", "rows_per_minute: 3000 }")
    .replace("updates_per_minute: 30", "updates_per_minute: 600");
  const until = new Date(START_MS + 30 * TICK);
  const one = new MemoryStore();
  await run(one, { config: config(yaml), until, commitRows: 5_000 });
  await withTempDir(async (dir) => {
    const path = `${dir}/changes.yaml`;
    await Deno.writeTextFile(path, yaml);
    const pool = new MemoryStore();
    const lines: string[] = [];
    const summary = await memoryServer(pool, {
      config: path,
      fastForward: true,
      until,
      workers: 2,
      commitRows: 5_000,
      log: { info: (line) => lines.push(line), warn() {}, error() {} },
    }).start();
    assertEquals(summary.failed, []);
    assert(lines.some((l) => l.includes("Generating in 2 workers")), lines.join("\n"));
    assertSameContent(stored(pool), stored(one));
  });
});

Deno.test("run with changes: a run stopped after tick j and restarted equals one uninterrupted run", async () => {
  const whole = new MemoryStore();
  await run(whole, { commitRows: 40 });
  const parts = new MemoryStore();
  await run(parts, { until: new Date(START_MS + 17 * TICK), commitRows: 40 });
  await run(parts, { ticks: 5, commitRows: 7 });
  const last = await run(parts, { commitRows: 40 });
  assertEquals(last.failed, []);
  assertSameContent(stored(parts), stored(whole));
  // The restarts went on from where the state was, without a duplicate event.
  const customers = stored(parts).get("customers")!.events;
  assertEquals(new Set(customers.map((e) => `${e[1]}:${e[3]}`)).size, customers.length);
});

Deno.test("run with changes: children never reference a parent row deleted by their tick", async () => {
  const store = new MemoryStore();
  await run(store);
  const content = stored(store);
  const deletedAt = new Map<number, number>();
  for (const e of content.get("customers")!.events) if (e[0] === "d") deletedAt.set(e[3], e[1]);
  assert(deletedAt.size >= 10, `enough deletes to test (${deletedAt.size})`);
  const { timelines } = streamOf(YAML, { seed: SEED, intervalMs: TICK });
  const orders = timelines.get("orders")!;
  let afterDeletes = 0;
  const check = (orderId: number, customer: number, tick: number) => {
    const deleted = deletedAt.get(customer);
    assert(
      deleted === undefined || deleted > tick,
      `order ${orderId} of tick ${tick} references customer ${customer}, deleted at tick ${deleted}`,
    );
    if (tick > Math.min(...deletedAt.values())) afterDeletes++;
  };
  // Inserted orders, at the tick of their insert; updated ones (customer_id is an update
  // column) at the tick of their update.
  const inserted = plainRows(store.rows("orders").select(["id"]));
  for (const e of content.get("orders")!.events) {
    const after = e[5] as Record<string, unknown>;
    check(e[3], Number(after.customer_id), e[1]);
  }
  for (const batch of store.tables.get("orders")!.commits.flatMap((c) => c.batches)) {
    for (const row of plainRows(new arrow.Table(batch))) {
      check(Number(row.id), Number(row.customer_id), orders.tickOf(Number(row.id)));
    }
  }
  assert(inserted.length > 0 && afterDeletes > 100, `orders after deletes: ${afterDeletes}`);
});

Deno.test("run with changes: a sink without writeChanges is refused at start, naming table and sink", async () => {
  const store = new MemoryStore();
  const server = new StreamingServer({
    config: config(YAML),
    // A resumable sink that does not take changes.
    sink: () => {
      const { writeChanges: _, ...inserts } = createMemorySink({ store });
      return inserts;
    },
    startTime: new Date(START_MS),
    fastForward: true,
    ticks: 3,
  });
  const error = await assertRejects(() => server.start());
  const message = (error as Error).message;
  assertStringIncludes(message, 'Table "customers" has `changes:`');
  assertStringIncludes(message, "its sink (custom) does not write updates and deletes");
  assertStringIncludes(message, "remove its `changes:`");
  assertEquals(store.tables.size, 0, "nothing was written");
});

Deno.test("run with changes: a restart with other changes: is another stream, adopted as other config changes", async () => {
  const store = new MemoryStore();
  await run(store, { until: new Date(START_MS + 10 * TICK) });
  const changed = YAML.replace("deletes_per_minute: 6", "deletes_per_minute: 3");
  const again = await memoryServer(store, {
    config: config(changed),
    fastForward: true,
    until: new Date(START_MS + 20 * TICK),
  }).start();
  assertEquals(again.failed, [], JSON.stringify(again.failed));
  const commits = store.inspect("customers")!.commits;
  assertEquals(commits.size, 2, "the new stream commits under an application id of its own");
  // The same changes: resumes under the same id.
  const same = new MemoryStore();
  await run(same, { until: new Date(START_MS + 10 * TICK) });
  await run(same, { ticks: 2 });
  assertEquals(same.inspect("customers")!.commits.size, 1);
});

Deno.test("run with changes: commits retried after a failure that heals, or lost to another writer, write each change once", async () => {
  const whole = new MemoryStore();
  await run(whole, { commitRows: 40 });
  const expected = stored(whole);

  // Every third flush fails once, after the window's rows and changes were handed over.
  const flaky = new MemoryStore();
  let flushes = 0;
  const failures: number[] = [];
  const summary = await new StreamingServer({
    config: config(YAML),
    startTime: new Date(START_MS),
    sleep: () => Promise.resolve(),
    fastForward: true,
    until: new Date(START_MS + LAST * TICK),
    commitRows: 20,
    retry: { random: () => 0 },
    sink: () => {
      const sink = createMemorySink({ store: flaky });
      return {
        ...sink,
        flush(point?: CommitPoint) {
          if (++flushes % 3 === 0) {
            failures.push(point?.tick ?? -1);
            const refused = Object.assign(new Error("connect ECONNREFUSED"), {
              code: "ECONNREFUSED",
            });
            return Promise.reject(refused);
          }
          return sink.flush(point);
        },
      };
    },
  }).start();
  assertEquals(summary.failed, []);
  assert(failures.length >= 5, `flushes failed: ${failures}`);
  assertSameContent(stored(flaky), expected);

  // Two writers of one store, with commits that overlap without lining up.
  const shared = new MemoryStore();
  const [a, b] = await Promise.all([
    run(shared, { commitRows: 40 }),
    run(shared, { commitRows: 7 }),
  ]);
  assertEquals([...a.failed, ...b.failed], []);
  const skipped = [...a.tables, ...b.tables].reduce((n, t) => n + t.skippedTicks, 0);
  assert(skipped > 0, "each skipped ticks the other committed");
  assertSameContent(stored(shared), expected);
});
