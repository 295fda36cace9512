/**
 * `generate --until`: a table's history at once, its inserts and every change, equal to what
 * `run --fast-forward --until` writes; and its option checks.
 */
import * as arrow from "apache-arrow";
import { assert, assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { cli, withTempDir } from "../../tests/_cli.ts";
import { plainRows } from "../../tests/_read.ts";
import { namedMemoryStore } from "../../plugins/sinks/memory.ts";

/** A shop whose customers and orders change, written to the memory store `store`. */
function shop(store: string, referenceTime = ""): string {
  return `
version: 1
config:
  seed: 4
  tick_interval: 10s
  ${referenceTime ? `reference_time: "${referenceTime}"` : ""}
sinks:
  default: { type: memory, options: { store: ${store} } }
tables:
  - table_name: customers
    row_count: 30
    cadence: { rows_per_minute: 12 }
    changes:
      updates_per_minute: 12
      update_columns: [tier]
      deletes_per_minute: 6
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: fake.name() }
      - column_name: tier
        data: |
          if version == 0:
              return "bronze"
          return {"bronze": "silver", "silver": "gold"}.get(previous, previous)
  - table_name: orders
    row_count: 10
    cadence: { rows_per_minute: 60 }
    changes: { updates_per_minute: 30, update_columns: [status] }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: customer_id, data: 'foreign_key("customers", "id")' }
      - column_name: status
        data: '"placed" if version == 0 else "paid"'
`;
}

/** Every table of a named memory store: its rows by id and its change events. */
function contentOf(store: string) {
  const memory = namedMemoryStore(store);
  return ["customers", "orders"].map((table) => ({
    table,
    rows: plainRows(memory.rows(table)).sort((a, b) => Number(a.id) - Number(b.id)),
    changes: memory.changes(table).flatMap((b) => {
      const before = plainRows(new arrow.Table(b.before));
      const after = plainRows(new arrow.Table(b.after));
      return b.ops.map((op, i) => [op, b.ticks[i], b.versions[i], before[i], after[i]]);
    }),
  }));
}

Deno.test("generate --until writes what run --fast-forward --until writes: rows and every change", async () => {
  await withTempDir(async (dir) => {
    const gen = `${dir}/gen.yaml`;
    const run = `${dir}/run.yaml`;
    await Deno.writeTextFile(gen, shop("until-gen"));
    await Deno.writeTextFile(run, shop("until-run"));
    const times = ["--start-time", "2026-01-01T00:00:00Z", "--until", "2026-01-01T00:20:00Z"];
    const generated = await cli("generate", "--config", gen, ...times);
    assertEquals(generated.code, 0, generated.stderr);
    assertStringIncludes(
      generated.stdout,
      "customers: 270 rows inserted, 360 changes through tick 120",
    );
    const ran = await cli("run", "--config", run, "--fast-forward", ...times);
    assertEquals(ran.code, 0, ran.stderr);
    const expected = contentOf("until-run");
    assertEquals(contentOf("until-gen"), expected);
    const customers = expected[0];
    assert(customers.changes.filter((c) => c[0] === "d").length === 120, "every delete is there");
    assertEquals(customers.rows.length, 270 - 120, "deleted rows are gone from the state");
    // A second --until on the same store refuses: the tables exist.
    const again = await cli("generate", "--config", gen, ...times);
    assertEquals(again.code, 2);
    assertStringIncludes(again.stderr, 'Table "customers" exists');
    // --mode append continues them, as run does: nothing more until a later --until.
    const later = ["--start-time", "2026-01-01T00:00:00Z", "--until", "2026-01-01T00:30:00Z"];
    const more = await cli("generate", "--config", gen, "--mode", "append", ...later);
    assertEquals(more.code, 0, more.stderr);
    const runMore = await cli("run", "--config", run, "--fast-forward", ...later);
    assertEquals(runMore.code, 0, runMore.stderr);
    assertEquals(contentOf("until-gen"), contentOf("until-run"));
  });
});

Deno.test("generate --until: the start comes from --start-time or the reference time; bad uses are refused", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/shop.yaml`;
    await Deno.writeTextFile(path, shop("until-usage"));
    const until = ["--until", "2026-01-01T00:01:00Z"];
    const noStart = await cli("generate", "--config", path, ...until);
    assertEquals(noStart.code, 2);
    assertStringIncludes(noStart.stderr, "--until needs the time the tables' history starts");
    const before = await cli(
      "generate",
      "--config",
      path,
      ...until,
      "--start-time",
      "2026-01-02T00:00:00Z",
    );
    assertEquals(before.code, 2);
    assertStringIncludes(before.stderr, "is before the start of the history");
    const parquet = await cli(
      "generate",
      "--config",
      path,
      ...until,
      "--reference-time",
      "2026-01-01",
      "--format",
      "parquet",
      "--output",
      `${dir}/out`,
    );
    assertEquals(parquet.code, 2);
    assertStringIncludes(parquet.stderr, "--format parquet files cannot be read back");
    const stray = await cli("generate", "--config", path, "--start-time", "2026-01-01");
    assertEquals(stray.code, 2);
    assertStringIncludes(stray.stderr, "--start-time is for --until");
    // The config's reference time is a start too.
    await Deno.writeTextFile(path, shop("until-reference", "2026-01-01T00:00:00Z"));
    const referenced = await cli("generate", "--config", path, ...until);
    assertEquals(referenced.code, 0, referenced.stderr);
    assertStringIncludes(referenced.stdout, "through tick 6 (2026-01-01T00:01:00.000Z)");
  });
});
