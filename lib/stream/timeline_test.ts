import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { exactFraction, Timeline, type TimelineSpec } from "./timeline.ts";

const START = Date.UTC(2026, 0, 1);

function timeline(spec: Partial<TimelineSpec>): Timeline {
  return new Timeline({
    startMs: START,
    intervalMs: 10_000,
    initialRows: 0,
    rowsPerMinute: 60,
    policy: "append",
    baseRowId: 1,
    ...spec,
  });
}

Deno.test("exactFraction reads a rate as the decimal the YAML wrote", () => {
  assertEquals(exactFraction(60), { num: 60n, den: 1n });
  assertEquals(exactFraction(0.1), { num: 1n, den: 10n });
  assertEquals(exactFraction(2.5e-7), { num: 25n, den: 100000000n });
  assertEquals(exactFraction(1e21), { num: 10n ** 21n, den: 1n });
  assertThrows(() => exactFraction(-1), RangeError);
  assertThrows(() => exactFraction(Infinity), RangeError);
});

/** Checks that ticks 0..ticks partition the ordinals and agree with tickOf and arrival. */
function checkConsistent(t: Timeline, ticks: number): number {
  let next = 0;
  for (let k = 0; k <= ticks; k++) {
    const { first, count } = t.tickRows(k);
    assertEquals(first, next, `tick ${k} starts where tick ${k - 1} ended`);
    for (let o = first; o < first + count; o++) {
      assertEquals(t.tickOf(o), k, `ordinal ${o} is written by tick ${k}`);
      const arrival = t.arrival(o);
      assert(arrival <= t.tickTime(k), `ordinal ${o} arrives by its tick`);
      if (k > 0) assert(arrival >= t.tickTime(k - 1), `ordinal ${o} arrives after tick ${k - 1}`);
      if (o > 0) assert(arrival >= t.arrival(o - 1), "arrivals never go back");
    }
    next = first + count;
  }
  return next;
}

Deno.test("1 row per minute is exactly 1 row per minute over 1000 ticks of 10 s", () => {
  const t = timeline({ rowsPerMinute: 1, initialRows: 5 });
  const rows = checkConsistent(t, 1000);
  // 1000 ticks of 10 s are 10,000 s: 166 whole minutes, after the 5 initial rows.
  assertEquals(rows, 5 + 166);
  assertEquals(t.tickRows(6), { first: 5, count: 1 });
  assertEquals(t.tickRows(5).count, 0);
  assertEquals(t.arrival(5), START + 60_000);
  assertEquals(t.arrival(0), START);
});

Deno.test("fractional rates carry the fraction between ticks", () => {
  for (const [rate, interval, ticks] of [[0.5, 7_000, 1000], [2.5, 10_000, 1000], [0.1, 1, 2000]]) {
    const t = timeline({ rowsPerMinute: rate, intervalMs: interval });
    const rows = checkConsistent(t, ticks);
    assertEquals(rows, Math.floor((ticks * interval * rate) / 60_000 + 1e-9), `${rate}/min`);
  }
  // 2.5 rows/min with 10 s ticks: the carried fraction gives a 1 every 2.4 ticks on average.
  const t = timeline({ rowsPerMinute: 2.5 });
  const counts = Array.from({ length: 12 }, (_, k) => t.tickRows(k + 1).count);
  assertEquals(counts, [0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1]);
});

Deno.test("high rates and long runs stay exact", () => {
  const t = timeline({ rowsPerMinute: 123_456.789, intervalMs: 1_000 });
  assertEquals(t.rowsThrough(60), 123_456);
  assertEquals(t.rowsThrough(3_600 * 24 * 365), Math.floor(123_456.789 * 60 * 24 * 365));
  const far = 3_600 * 24 * 365 * 50; // 50 years of 1 s ticks: BigInt path
  const big = timeline({ rowsPerMinute: 1_000_000.5, intervalMs: 1_000 });
  const expected = (BigInt(far) * 1000n * 10000005n) / (60000n * 10n);
  assertEquals(BigInt(big.rowsThrough(far)), expected);
  const o = big.rowsThrough(far) - 1;
  assertEquals(big.tickOf(o), far);
});

Deno.test("children see the rows of ticks at or before a time", () => {
  const t = timeline({ rowsPerMinute: 6, initialRows: 3 });
  assertEquals(t.rowsAt(START - 1), 0);
  assertEquals(t.rowsAt(START), 3);
  assertEquals(t.rowsAt(START + 9_999), 3);
  assertEquals(t.rowsAt(START + 10_000), 4);
  assertEquals(t.rowsAt(START + 60_000), 9);
  // A row looks at parents at the time of the tick that writes it.
  assertEquals(t.visibleAt(1, 0), START);
  assertEquals(t.visibleAt(4, 0), START + 10_000);
  assertEquals(t.rowTime(4, 0), START + 10_000);
});

Deno.test("replace: every tick is a new epoch of row_count rows at the tick's time", () => {
  const t = timeline({ policy: "replace", initialRows: 4 });
  assert(t.streams);
  assertEquals(t.tickRows(0), { first: 0, count: 4 });
  assertEquals(t.tickRows(7), { first: 0, count: 4 });
  assertEquals(t.rowTime(2, 7), START + 70_000);
  assertEquals(t.epochAt(START + 75_000), 7);
  assertEquals(t.rowsAt(START + 75_000), 4);
});

Deno.test("static tables write their initial rows at tick 0 only", () => {
  const t = timeline({ policy: "static", initialRows: 4, rowsPerMinute: 600 });
  assert(!t.streams);
  assertEquals(t.tickRows(3).count, 0);
  assertEquals(t.rowsAt(START + 1e9), 4);
  assertEquals(t.rowTime(3, 0), START);
  const off = timeline({ rowsPerMinute: 0, initialRows: 2 });
  assert(!off.streams);
  assertEquals(off.rowsThrough(1000), 2);
});
