import type * as arrow from "apache-arrow";
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { valid } from "../../tests/_config.ts";
import { engineOptions, tableSpecs } from "../config/engine_specs.ts";
import { Timeline } from "../stream/timeline.ts";
import { Engine } from "./engine.ts";
import { badValue, columnKinds, InvalidUtf8, noFaults, OVERLONG_CHARS } from "./faults.ts";
import type { RunInputs } from "./spec.ts";

const INPUTS: RunInputs = { seed: 7, locale: "en_US", now: new Date("2026-03-01T00:00:00Z") };
const ROWS = 100_000;

/**
 * Whether `seen` successes out of `n` fit a fraction `p`: within 6 standard deviations, which
 * a correct generator misses with a probability below 1e-8.
 */
function withinBounds(seen: number, n: number, p: number): boolean {
  return Math.abs(seen - n * p) <= 6 * Math.sqrt(n * p * (1 - p));
}

function engineOf(yaml: string): Engine {
  const config = valid(yaml);
  return new Engine(tableSpecs(config), INPUTS, engineOptions(config));
}

/** A timestamp column's values in ms. */
function times(batch: arrow.RecordBatch, name: string): number[] {
  return column(batch, name).map((v) => Number(v));
}

function column(batch: arrow.RecordBatch, name: string): unknown[] {
  return [...batch.getChild(name)!].map((v) => v);
}

const SENSOR = `
tables:
  - table_name: readings
    row_count: 0
    cadence: { rows_per_minute: 6000 }
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: arrived_at
        data: datetime.now()
      - column_name: measured_at
        event_time: { late_fraction: 0.05, max_delay: 10m }
      - column_name: uniform_at
        event_time: { late_fraction: "20%", max_delay: 30s, delay: uniform }
`;

Deno.test("event times lag arrival in a fraction of rows, by at most max_delay, out of order", () => {
  const engine = engineOf(SENSOR);
  const table = engine.table("readings");
  const timeline = new Timeline({
    startMs: INPUTS.now.getTime(),
    intervalMs: 10_000,
    initialRows: 0,
    rowsPerMinute: 6000,
    policy: "append",
    baseRowId: 1,
  });
  table.spec.timeline = timeline;
  const batch = table.batch(1, ROWS);
  const arrived = times(batch, "arrived_at");
  const cases = [
    { name: "measured_at", fraction: 0.05, max: 600_000 },
    { name: "uniform_at", fraction: 0.2, max: 30_000 },
  ];
  for (const { name, fraction, max } of cases) {
    const event = times(batch, name);
    let late = 0, outOfOrder = 0, longest = 0;
    for (let i = 0; i < ROWS; i++) {
      const lag = arrived[i] - event[i];
      assert(lag >= 0 && lag <= max, `${name} row ${i + 1} lags ${lag} ms`);
      if (lag > 0) late++;
      longest = Math.max(longest, lag);
      if (i > 0 && event[i] < event[i - 1]) outOfOrder++;
    }
    assert(withinBounds(late, ROWS, fraction), `${name}: ${late} late rows of ${ROWS}`);
    assert(outOfOrder > 0, `${name}: event times are in arrival order`);
    assert(longest > max / 2, `${name}: the longest delay is only ${longest} ms`);
    // The counts are what the rows show.
    const counts = noFaults();
    table.faults.count(1, ROWS, 0, counts);
    assert(counts.late >= late, `${name}: counted ${counts.late} late rows, ${late} seen`);
  }
  // A row with two late columns counts once: the count is the rows late in either.
  const m = times(batch, "measured_at");
  const u = times(batch, "uniform_at");
  const either = arrived.filter((a, i) => m[i] < a || u[i] < a).length;
  const counts = noFaults();
  table.faults.count(1, ROWS, 0, counts);
  assertEquals(counts.late, either);
  // Arrival order itself is unchanged: a table without event_time has the same arrivals.
  const plain = engineOf(SENSOR.replace(/ {6}- column_name: measured_at[\s\S]*$/, ""));
  plain.table("readings").spec.timeline = timeline;
  assertEquals(
    column(plain.table("readings").batch(1, 1000), "arrived_at"),
    arrived.slice(0, 1000),
  );
});

const CDC = `
tables:
  - table_name: customers
    row_count: 1000
    columns:
      - column_name: customer_id
        data: row_id
        is_primary_key: true
  - table_name: orders
    row_count: ${ROWS}
    columns:
      - column_name: order_id
        data: row_id
        is_primary_key: true
      - column_name: customer_id
        data: foreign_key("customers", "customer_id")
        orphans: 0.02
      - column_name: status
        data: random.choice(["new", "paid", "shipped"])
        bad_values: { fraction: 0.03, kinds: [null, empty, overlong, wrong_format] }
      - column_name: amount
        data: round(random.uniform(1, 500), 2)
        type: float64
        bad_values: 0.01
      - column_name: placed_on
        data: fake.date_this_year()
        type: date
        bad_values: { fraction: 0.01, kinds: [out_of_range] }
      - column_name: day_text
        data: str(fake.date_this_year())
        bad_values: { fraction: 0.5, kinds: [wrong_format] }
`;

Deno.test("bad values and orphans: fractions within bounds, types kept, counted exactly", () => {
  const engine = engineOf(CDC);
  const orders = engine.table("orders");
  const clean = engineOf(CDC.replace(/\n\s+(orphans|bad_values): .*/g, "")).table("orders");
  const batch = orders.batch(1, ROWS);
  const good = clean.batch(1, ROWS);
  assertEquals(batch.schema.fields.map(String), good.schema.fields.map(String));
  const differs = (name: string) => {
    const a = column(batch, name), b = column(good, name);
    return a.map((v, i) => String(v) !== String(b[i]));
  };
  const keys = column(batch, "customer_id") as bigint[];
  const orphans = keys.filter((k) => Number(k) < 1 || Number(k) > 1000).length;
  assert(withinBounds(orphans, ROWS, 0.02), `${orphans} orphan keys`);
  // Every other key is the one the clean table has: a valid parent key.
  const changedKeys = differs("customer_id").filter(Boolean).length;
  assertEquals(changedKeys, orphans);

  const status = column(batch, "status") as (string | null)[];
  const badStatus = differs("status").filter(Boolean).length;
  assert(withinBounds(badStatus, ROWS, 0.03), `${badStatus} bad statuses`);
  const kinds = { null: 0, empty: 0, overlong: 0, wrong: 0 };
  differs("status").forEach((bad, i) => {
    if (!bad) return;
    const v = status[i];
    if (v === null) kinds.null++;
    else if (v === "") kinds.empty++;
    else if (v.length === OVERLONG_CHARS) kinds.overlong++;
    else if (v.trim() === v.trim().toUpperCase() && v !== v.trim()) kinds.wrong++;
    else throw new Error(`row ${i + 1}: unexpected bad status ${JSON.stringify(v)}`);
  });
  for (const [kind, n] of Object.entries(kinds)) {
    assert(withinBounds(n, ROWS, 0.03 / 4), `${n} bad statuses of kind ${kind}`);
  }
  const amounts = column(batch, "amount") as (number | null)[];
  differs("amount").forEach((bad, i) => {
    if (bad) assert(amounts[i] === null || Math.abs(amounts[i]!) === 1e30, `amount ${amounts[i]}`);
  });
  const dates = column(good, "placed_on") as number[];
  const badDates = column(batch, "placed_on") as number[];
  differs("placed_on").forEach((bad, i) => {
    if (!bad) return;
    const year = new Date(badDates[i]).getUTCFullYear();
    assert(year === 1900 || year === 9999, `date ${new Date(badDates[i]).toISOString()}`);
    assert(dates[i] !== badDates[i]);
  });
  const texts = column(batch, "day_text") as string[];
  differs("day_text").forEach((bad, i) => {
    if (bad) assert(/^\d\d\/\d\d\/\d{4}$/.test(texts[i]), `day_text ${texts[i]}`);
  });

  const counts = noFaults();
  orders.faults.count(1, ROWS, 0, counts);
  const badValues = ["status", "amount", "placed_on", "day_text"]
    .reduce((n, name) => n + differs(name).filter(Boolean).length, 0);
  assertEquals(counts, { late: 0, duplicate: 0, bad_value: badValues, orphan: orphans });
});

Deno.test("a bad-value kind the column's inferred type cannot hold fails, naming the column", () => {
  const engine = engineOf(`
tables:
  - table_name: t
    columns:
      - column_name: n
        data: random.randint(1, 9)
        bad_values: { fraction: 0.5, kinds: [empty] }
`);
  assertThrows(
    () => engine.table("t").batch(1, 10),
    Error,
    'bad_values kind "empty" needs a string column, and this column is int64',
  );
});

Deno.test("without faults the rows are the same: faults only add to rows", () => {
  const yaml = CDC.replace(/\n\s+(orphans|bad_values): .*/g, "");
  const a = engineOf(yaml).table("orders").batch(1, 2000);
  const b = engineOf(CDC).table("orders").batch(1, 2000);
  // Columns without faults are equal; the faulty ones equal where no fault hit.
  assertEquals(column(a, "order_id"), column(b, "order_id"));
});

Deno.test("invalid_utf8: every variant is invalid UTF-8 around the good text, and only when asked", () => {
  const strict = new TextDecoder("utf-8", { fatal: true });
  const seen = new Set<string>();
  for (const good of ["", "a", "héllo wörld", "東京", "🎉 party"]) {
    const goodBytes = new TextEncoder().encode(good);
    for (let u = 0; u < 1; u += 1 / 97) {
      const bad = badValue("invalid_utf8", "string", good, u);
      assert(bad instanceof InvalidUtf8);
      assertThrows(() => strict.decode(bad.bytes), TypeError);
      // The good bytes with one sequence put in between two whole characters.
      const extra = bad.bytes.length - goodBytes.length;
      const at = insertionPoint(goodBytes, bad.bytes);
      assert(at !== undefined, `${good}: ${bad.bytes} is the good text with bytes put in`);
      seen.add(Array.from(bad.bytes.subarray(at, at + extra)).join(" "));
    }
  }
  assertEquals(seen.size, 6, `every kind of invalid sequence: ${[...seen].join(", ")}`);
  // A column's default kinds leave it out: it needs a sink that keeps the bytes.
  assertEquals(columnKinds({ fraction: 0.1 }, "string").includes("invalid_utf8"), false);
  assertEquals(columnKinds({ fraction: 0.1, kinds: ["invalid_utf8"] }, "string"), [
    "invalid_utf8",
  ]);
  assertThrows(() => columnKinds({ fraction: 0.1, kinds: ["invalid_utf8"] }, "int64"));
});

/** Where `bad` is `good` with bytes put in at a character boundary: the first such place. */
function insertionPoint(good: Uint8Array, bad: Uint8Array): number | undefined {
  const extra = bad.length - good.length;
  for (let at = 0; at <= good.length; at++) {
    if (at < good.length && (good[at] & 0xc0) === 0x80) continue; // inside a character
    const before = bad.subarray(0, at).every((b, i) => b === good[i]);
    const after = bad.subarray(at + extra).every((b, i) => b === good[at + i]);
    if (before && after) return at;
  }
  return undefined;
}
