import { assertEquals } from "../../tests/_assert.ts";
import { ChangeRate } from "./rate.ts";

Deno.test("fractional rates are exact forever", () => {
  // 0.5 a minute with 10 s ticks: one change every twelfth tick.
  const rate = new ChangeRate(0.5, 0, 10_000);
  const ticks = Array.from({ length: 36 }, (_, i) => rate.at(i + 1));
  assertEquals(ticks.map((n, i) => n ? i + 1 : 0).filter((k) => k), [12, 24, 36]);
  assertEquals(rate.through(6 * 60 * 24 * 365), 0.5 * 60 * 24 * 365);
  // 0.1 is exactly a tenth, not the double nearest it.
  assertEquals(new ChangeRate(0.1, 0, 1000).through(600_000 * 1000 / 1000), 1000);
  assertEquals(rate.through(0), 0);
  assertEquals(new ChangeRate(0, 0, 10_000).active, false);
});

Deno.test("change i happens within the tick that makes it, spread over it", () => {
  const rate = new ChangeRate(7, 1_000_000, 3_000);
  let i = 0;
  for (let k = 1; k <= 500; k++) {
    for (let j = 0; j < rate.at(k); j++, i++) {
      assertEquals(rate.tickOf(i), k);
      const t = rate.time(i);
      if (!(t > 1_000_000 + (k - 1) * 3_000 && t <= 1_000_000 + k * 3_000)) {
        throw new Error(`change ${i} at ${t} is outside tick ${k}`);
      }
    }
  }
  assertEquals(i, rate.through(500));
});
