import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { ShapedTimeline, timelineOf } from "./shaped_timeline.ts";
import { DAY_MS, HOUR_MS, type RateShapeSpec } from "./rate_shape.ts";
import { Timeline, type TimelineSpec } from "./timeline.ts";

/** Monday 2026-11-23, 00:00 UTC. */
const MONDAY = Date.UTC(2026, 10, 23);

function shaped(shape: RateShapeSpec, spec: Partial<TimelineSpec> = {}): ShapedTimeline {
  return new ShapedTimeline({
    startMs: MONDAY,
    intervalMs: 10_000,
    initialRows: 0,
    rowsPerMinute: 60,
    policy: "append",
    baseRowId: 1,
    shape,
    shapeKey: 99,
    ...spec,
  });
}

/** Ticks 0..ticks partition the ordinals; tickOf and arrival agree with them. */
function checkConsistent(t: Timeline, ticks: number): void {
  let next = 0;
  let previous = -Infinity;
  for (let k = 0; k <= ticks; k++) {
    const { first, count } = t.tickRows(k);
    assertEquals(first, next, `tick ${k} starts where tick ${k - 1} ended`);
    for (let o = first; o < first + count; o++) {
      assertEquals(t.tickOf(o), k, `ordinal ${o} is written by tick ${k}`);
      const arrival = t.arrival(o);
      assert(arrival <= t.tickTime(k), `ordinal ${o} arrives by its tick`);
      if (k > 0) assert(arrival > t.tickTime(k - 1), `ordinal ${o} arrives after tick ${k - 1}`);
      assert(arrival >= previous, "arrivals never go back");
      previous = arrival;
      // What a row's cells see (a row id, 1-based here), as the generator asks for it.
      assertEquals(t.rowTime(o + 1, 0), arrival, `row ${o + 1}'s now is its arrival`);
      assertEquals(t.visibleAt(o + 1, 0), t.tickTime(k), `row ${o + 1} sees its tick's time`);
    }
    next = first + count;
  }
}

Deno.test("timelineOf keeps a table without a shape on the constant timeline", () => {
  const spec: TimelineSpec = {
    startMs: MONDAY,
    intervalMs: 10_000,
    initialRows: 3,
    rowsPerMinute: 60,
    policy: "append",
    baseRowId: 1,
  };
  assert(!(timelineOf(spec) instanceof ShapedTimeline));
  assert(timelineOf({ ...spec, shape: { daily: Array(24).fill(1) } }) instanceof ShapedTimeline);
  // A replace table's rows are not streamed: a shape has nothing to shape.
  assert(
    !(timelineOf({ ...spec, policy: "replace", shape: { jitter: "poisson" } }) instanceof
      ShapedTimeline),
  );
});

Deno.test("a flat shape makes the constant timeline's rows per tick", () => {
  const flat = shaped({ daily: Array(24).fill(1) }, { rowsPerMinute: 7.5, initialRows: 4 });
  const constant = new Timeline({ ...flat.spec, shape: undefined });
  for (let k = 0; k < 2000; k++) assertEquals(flat.rowsThrough(k), constant.rowsThrough(k));
  checkConsistent(flat, 300);
});

Deno.test("a week of daily and weekly weights: each day's and hour's rows are their integral", () => {
  const daily = Array.from({ length: 24 }, (_, h) => (h < 6 ? 1 : 3));
  const weekly = [1, 1, 1, 1, 1, 3, 2];
  const t = shaped({ daily, weekly }, { rowsPerMinute: 10, intervalMs: 60_000 });
  const perHour = HOUR_MS / 60_000;
  // 10/min × 1440 min × 7·v/Σv: Σv = 10, so a day's mean 14,400 rows times 0.7·v.
  for (let day = 0; day < 7; day++) {
    const rows = t.rowsThrough((day + 1) * 24 * perHour) - t.rowsThrough(day * 24 * perHour);
    assertEquals(rows, 14_400 * 7 * weekly[day] / 10);
    // Hours: 24·w/Σw of the day's rows, Σw = 60.
    const dayRows = rows;
    for (const h of [0, 5, 6, 23]) {
      const k = (day * 24 + h) * perHour;
      assertEquals(t.rowsThrough(k + perHour) - t.rowsThrough(k), dayRows * daily[h] / 60);
    }
  }
  checkConsistent(t, 24 * perHour);
});

Deno.test("timezone: the profile follows local hours, a clock change's day included", () => {
  const daily = Array.from({ length: 24 }, (_, h) => h + 1); // Σ = 300
  // New York in January is UTC-5: the same as the UTC profile turned by five hours.
  const january = { startMs: Date.UTC(2026, 0, 5), intervalMs: 60_000 };
  const local = shaped({ daily, timezone: "America/New_York" }, january);
  const turned = shaped({ daily: daily.map((_, u) => daily[(u + 19) % 24]) }, january);
  for (let k = 0; k <= 3 * 1440; k += 7) assertEquals(local.rowsThrough(k), turned.rowsThrough(k));
  checkConsistent(local, 1440);

  // 2026-03-08, clocks forward at 02:00: a local day of 23 hours, 02:00-03:00 missing.
  const start = Date.UTC(2026, 2, 8, 5); // New York's midnight
  const spring = shaped({ daily, timezone: "America/New_York" }, {
    startMs: start,
    intervalMs: 60_000,
  });
  const rows = spring.rowsThrough(23 * 60); // minutes to the next local midnight
  // 60 rows/min × 60 min × 24·w/Σw for each hour that exists.
  const expected = daily.reduce((sum, w, h) => h === 2 ? sum : sum + 3600 * 24 * w / 300, 0);
  assertEquals(rows, Math.floor(expected));
  // India, +05:30: local midnight is 18:30 UTC, where the rate takes hour 0's weight.
  const india = shaped({ daily, timezone: "Asia/Kolkata" }, { startMs: Date.UTC(2026, 5, 1) });
  const weight = (h: number) => 60 * 24 * daily[h] / 300;
  assertEquals(india.rateAt(Date.UTC(2026, 5, 1, 18, 29)), weight(23));
  assertEquals(india.rateAt(Date.UTC(2026, 5, 1, 18, 30)), weight(0));
  assertEquals(india.rateAt(Date.UTC(2026, 5, 2, 3, 45)), weight(9));
});

Deno.test("a ramp's ticks follow the ramp, a hold holds, and after the phases the base rate", () => {
  // 0 to 600 rows/min over 10 minutes: 60 t rows/min at t minutes, 30 t² rows by then; at
  // tick k (10 s) t = k/6, so floor(5k²/6) rows by tick k.
  const t = shaped({
    phases: [{ from: 0, to: 600, ms: 600_000 }, { from: 600, to: 600, ms: 300_000 }],
  }, {
    rowsPerMinute: 6,
  });
  for (let k = 1; k <= 60; k++) {
    const expected = Math.floor((5 * k * k) / 6) - Math.floor((5 * (k - 1) * (k - 1)) / 6);
    assertEquals(t.tickRows(k).count, expected, `tick ${k} of the ramp`);
  }
  for (let k = 61; k <= 90; k++) assertEquals(t.tickRows(k).count, 100, `tick ${k} of the hold`);
  for (let k = 91; k <= 120; k++) {
    assertEquals(t.tickRows(k).count, 1, `tick ${k} after the phases`);
  }
  assertEquals(t.rateAt(MONDAY + 300_000), 300);
  assertEquals(t.rateAt(MONDAY + 700_000), 600);
  assertEquals(t.rateAt(MONDAY + 1_000_000), 6);
  // Shards' blocks are a tick at the highest rate, not the ramp's nearly empty first tick.
  assertEquals([t.tickRows(1).count, t.typicalTickRows()], [0, 100]);
  checkConsistent(t, 130);
});

Deno.test("rows in a ramp arrive as the ramp makes them, not evenly over the tick", () => {
  // One tick of 10 minutes over the ramp: the first half of it holds a quarter of the rows.
  const t = shaped({ phases: [{ from: 0, to: 600, ms: 600_000 }] }, { intervalMs: 600_000 });
  const { first, count } = t.tickRows(1);
  assertEquals(count, 3000);
  const early = Array.from({ length: count }, (_, i) => t.arrival(first + i))
    .filter((ms) => ms <= MONDAY + 300_000).length;
  assertEquals(early, 750);
});

Deno.test("bursts at a time multiply the rate there; an outage of multiplier 0 stops the rows", () => {
  const t = shaped({
    bursts: [
      { atMs: MONDAY + HOUR_MS, ms: HOUR_MS, multiplier: 5 },
      { afterMs: 3 * HOUR_MS, ms: 30 * 60_000, multiplier: 0 },
    ],
  }, { intervalMs: 60_000 });
  const rowsOfHour = (h: number) => t.rowsThrough((h + 1) * 60) - t.rowsThrough(h * 60);
  assertEquals([0, 1, 2, 3, 4].map(rowsOfHour), [3600, 18_000, 3600, 1800, 3600]);
  for (let k = 181; k <= 210; k++) {
    assertEquals(t.tickRows(k).count, 0, `tick ${k} is in the outage`);
  }
  assertEquals(t.rateAt(MONDAY + HOUR_MS + 1), 300);
});

Deno.test("random bursts come per_day on average, each multiplying the rate where it falls", () => {
  const days = 400;
  const t = shaped({ bursts: [{ perDay: 2, ms: HOUR_MS, multiplier: 4 }] }, { intervalMs: 60_000 });
  const bursts = t.shape.bursts(MONDAY, MONDAY + days * DAY_MS);
  // A Poisson count of mean 2 a day: 800 ± 6·sqrt(800) over 400 days (the day before the
  // first may add one reaching into it).
  assert(Math.abs(bursts.length - 2 * days) < 6 * Math.sqrt(2 * days), `${bursts.length} bursts`);
  for (const b of bursts.slice(0, 20)) {
    const mid = Math.floor((b.start + b.end) / 2);
    if (mid > MONDAY) assertEquals(t.rateAt(mid), 240);
  }
  // The same table and seed draw the same bursts; another key others.
  const again = shaped({ bursts: [{ perDay: 2, ms: HOUR_MS, multiplier: 4 }] });
  assertEquals(
    again.shape.bursts(MONDAY, MONDAY + DAY_MS),
    t.shape.bursts(MONDAY, MONDAY + DAY_MS),
  );
  const other = shaped({ bursts: [{ perDay: 2, ms: HOUR_MS, multiplier: 4 }] }, { shapeKey: 100 });
  assert(
    other.shape.bursts(MONDAY, MONDAY + 30 * DAY_MS).map((b) => b.start).join() !==
      t.shape.bursts(MONDAY, MONDAY + 30 * DAY_MS).map((b) => b.start).join(),
  );
  // A day's rows: the base integral plus 3 × the base over the bursts' time within it.
  const day = t.rowsThrough(24 * 60 * 2) - t.rowsThrough(24 * 60);
  assert(day >= 1440, `${day} rows`);
  checkConsistent(t, 3000);
});

/** Gaps between consecutive arrivals of the first `n` streamed rows. */
function gaps(t: Timeline, n: number): number[] {
  const out: number[] = [];
  let previous = t.arrival(0);
  for (let o = 1; o <= n; o++) {
    const at = t.arrival(o);
    out.push(at - previous);
    previous = at;
  }
  return out;
}

/** The Kolmogorov–Smirnov distance of `sample` from the exponential of mean `mean`. */
function ksExponential(sample: number[], mean: number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  let d = 0;
  sorted.forEach((x, i) => {
    const f = 1 - Math.exp(-x / mean);
    d = Math.max(d, Math.abs(f - i / sorted.length), Math.abs(f - (i + 1) / sorted.length));
  });
  return d;
}

Deno.test("jitter: gaps between arrivals are exponential (mean, variance, Kolmogorov–Smirnov)", () => {
  // 60 rows a minute in 10-minute ticks of 600 rows: 100,000 gaps of mean 1 s.
  const n = 100_000;
  const jittered = shaped({ jitter: "poisson" }, { intervalMs: 600_000 });
  const g = gaps(jittered, n);
  const mean = g.reduce((a, b) => a + b, 0) / n;
  const variance = g.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  // The mean is fixed by the exact counts; an exponential's variance is its mean squared
  // (the sample's ratio has a standard deviation of sqrt(8/n) < 0.01).
  assert(Math.abs(mean - 1000) < 5, `mean gap ${mean} ms`);
  assert(Math.abs(variance / mean ** 2 - 1) < 0.06, `variance / mean² = ${variance / mean ** 2}`);
  // KS: the critical distance at p = 1e-6 for n = 100,000 is sqrt(ln(2e6) / 2n) = 0.0085;
  // 0.002 more allows for whole ms and the exact count per tick.
  const d = ksExponential(g, 1000);
  assert(d < 0.0105, `KS distance ${d}`);
  // Without jitter the gaps are all 1 s: far from exponential, so the test can tell.
  assert(
    ksExponential(gaps(shaped({ daily: Array(24).fill(1) }, { intervalMs: 600_000 }), 1000), 1000) >
      0.3,
  );
  // Each tick keeps its exact count, and its arrivals stay within it.
  checkConsistent(jittered, 20);
});

Deno.test("jitter is a pure function of the key and the tick: any order of asking agrees", () => {
  const shape: RateShapeSpec = {
    daily: Array.from({ length: 24 }, (_, h) => h + 1),
    jitter: "poisson",
  };
  const forward = shaped(shape);
  const rows = forward.rowsThrough(500);
  const inOrder = Array.from({ length: rows }, (_, o) => forward.arrival(o));
  const backward = shaped(shape);
  for (let o = rows - 1; o >= 0; o -= 7) assertEquals(backward.arrival(o), inOrder[o]);
  // A row's time and its tick's, asked for out of order (parents, duplicates) on a fresh one.
  const scattered = shaped(shape);
  for (let o = 0; o < rows; o += 97) {
    const far = (o * 7919) % rows;
    assertEquals(scattered.rowTime(far + 1, 0), inOrder[far]);
    assertEquals(scattered.visibleAt(far + 1, 0), forward.tickTime(forward.tickOf(far)));
  }
  assert(
    shaped(shape, { shapeKey: 1 }).arrival(rows - 1) !== inOrder[rows - 1] ||
      shaped(shape, { shapeKey: 1 }).arrival(rows - 2) !== inOrder[rows - 2],
  );
});

Deno.test("a rate that falls to 0 for good: rows stop, and a row past the last never arrives", () => {
  const t = shaped({ phases: [{ from: 60, to: 60, ms: 60_000 }] }, { rowsPerMinute: 0 });
  assertEquals(t.rowsThrough(6), 60);
  assertEquals(t.rowsThrough(10_000), 60);
  assert(t.streams);
  assertThrows(() => t.tickOf(60), RangeError, "never arrives");
  assert(!shaped({ daily: Array(24).fill(1) }, { rowsPerMinute: 0 }).streams);
});
