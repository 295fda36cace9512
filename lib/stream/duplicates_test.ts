import { assert, assertEquals } from "../../tests/_assert.ts";
import { Duplicates } from "./duplicates.ts";
import { ShardSplit } from "./shard.ts";
import { Timeline } from "./timeline.ts";

const TIMELINE = new Timeline({
  startMs: Date.UTC(2026, 0, 1),
  intervalMs: 10_000,
  initialRows: 1000,
  rowsPerMinute: 600,
  policy: "append",
  baseRowId: 1,
});
const SPEC = { fraction: 0.05, maxDelayMs: 45_000 };
const LAST = 2000;

Deno.test("a duplicate comes in a later tick, at most max_delay after its row's tick", () => {
  const duplicates = new Duplicates(SPEC, TIMELINE, { seed: 3, table: "orders" });
  assertEquals(duplicates.delayTicks, 4); // whole ticks in 45 s
  const rows = TIMELINE.rowsThrough(LAST);
  let count = 0;
  const lags = new Set<number>();
  for (let o = 0; o < rows; o++) {
    if (!duplicates.isDuplicated(o)) continue;
    count++;
    const lag = duplicates.redeliveryTick(o) - TIMELINE.tickOf(o);
    assert(lag >= 1 && lag * 10_000 <= SPEC.maxDelayMs, `ordinal ${o}: ${lag} ticks later`);
    lags.add(lag);
  }
  assertEquals([...lags].sort(), [1, 2, 3, 4]);
  const sigma = Math.sqrt(rows * 0.05 * 0.95);
  assert(Math.abs(count - rows * 0.05) <= 6 * sigma, `${count} duplicates of ${rows} rows`);
});

Deno.test("the duplicates of ticks are the same however the ticks are grouped into commits", () => {
  const duplicates = new Duplicates(SPEC, TIMELINE, { seed: 3, table: "orders" });
  const tickByTick: number[] = [];
  for (let k = 1; k <= 300; k++) tickByTick.push(...duplicates.rowIdsIn(k, k));
  const windows: number[] = [];
  for (let k = 1; k <= 300; k += 37) windows.push(...duplicates.rowIdsIn(k, Math.min(k + 36, 300)));
  assertEquals(windows, tickByTick);
  assertEquals(duplicates.rowIdsIn(0, 0), [], "tick 0 has no earlier rows");
  // Every row of ticks 0..295 duplicated comes back by tick 300 (4 ticks at most).
  const expected = [];
  for (let o = 0; o < TIMELINE.rowsThrough(296); o++) {
    if (duplicates.isDuplicated(o)) expected.push(o + 1);
  }
  const back = new Set(tickByTick);
  assert(expected.every((id) => back.has(id)));
});

Deno.test("shards write the duplicates of their own rows: together, the unsharded ones", () => {
  const whole = new Duplicates(SPEC, TIMELINE, { seed: 3, table: "orders" });
  const split = new ShardSplit(TIMELINE, 3);
  const shards = [0, 1, 2].map((index) =>
    new Duplicates(SPEC, TIMELINE, {
      seed: 3,
      table: "orders",
      own: (first, end) => split.ranges(index, first, end),
    })
  );
  for (const k of [1, 2, 7, 100, 101]) {
    const union = shards.flatMap((s) => s.rowIdsIn(k, k)).sort((a, b) => a - b);
    assertEquals(union, whole.rowIdsIn(k, k).sort((a, b) => a - b), `tick ${k}`);
  }
});
