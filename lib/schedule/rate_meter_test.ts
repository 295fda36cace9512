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
