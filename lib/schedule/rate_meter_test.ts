import { assertEquals } from "../../tests/_assert.ts";
import { RateMeter } from "./rate_meter.ts";

Deno.test("rate meter: rows of the last minute, per minute, from the running totals", () => {
  const meter = new RateMeter(0);
  meter.record(10_000, 100);
  meter.record(40_000, 400);
  // A run younger than a minute: its rate since it began.
  assertEquals(meter.rate(40_000), 600);
  meter.record(70_000, 700);
  // The commit at 10 s left the window: 600 rows between it and the one at 70 s.
  assertEquals(meter.rate(70_000), 600);
  // Nothing committed for a minute: nothing measured.
  assertEquals(meter.rate(130_001), 0);
});

Deno.test("rate meter: rows per wall-clock minute over the last hour, oldest first", () => {
  const meter = new RateMeter(0);
  meter.record(10_000, 100); // minute 0
  meter.record(50_000, 250); // minute 0
  meter.record(61_000, 300); // minute 1
  meter.record(185_000, 420); // minute 3
  const now = 200_000; // in minute 3
  const history = meter.history(now);
  assertEquals(history.length, 60);
  assertEquals(history.slice(-4), [250, 50, 0, 120]);
  assertEquals(history.slice(0, -4).every((n) => n === 0), true);
  // An hour later the old minutes are gone, and a slot reused is not counted twice.
  meter.record(3_600_000 + 5_000, 500); // minute 60: slot 0 again
  assertEquals(meter.history(3_600_000 + 6_000).slice(-1), [80]);
  assertEquals(meter.history(3_600_000 + 6_000).reduce((a, b) => a + b), 80 + 50 + 120);
});
