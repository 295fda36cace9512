import { assertEquals } from "../../tests/_assert.ts";
import * as arrow from "apache-arrow";
import { DAY_MS, floorDiv, SECONDS_PER_DAY, tickConverter, TICKS_PER_SECOND } from "./time.ts";

const { SECOND, MILLISECOND, MICROSECOND, NANOSECOND } = arrow.TimeUnit;

Deno.test("a day is 86,400 seconds", () => {
  assertEquals(DAY_MS, SECONDS_PER_DAY * 1000);
  assertEquals(new Date(DAY_MS).toISOString(), "1970-01-02T00:00:00.000Z");
});

Deno.test("floorDiv rounds towards minus infinity, whatever the signs", () => {
  assertEquals([7n, -7n, 7n, -7n, 6n, -6n].map((a, i) => floorDiv(a, i < 2 ? 2n : -2n)), [
    3n,
    -4n,
    -4n,
    3n,
    -3n,
    3n,
  ]);
});

Deno.test("tickConverter widens exactly and narrows by flooring", () => {
  assertEquals(tickConverter(SECOND, MICROSECOND)(-2n), -2_000_000n);
  assertEquals(tickConverter(MILLISECOND, MICROSECOND)(1_704_164_645_123n), 1_704_164_645_123_000n);
  assertEquals(tickConverter(MICROSECOND, MICROSECOND)(42n), 42n);
  assertEquals(tickConverter(NANOSECOND, MICROSECOND)(1_999n), 1n);
  // Before 1970 an instant keeps its order: -1 ns is in the microsecond before the epoch.
  assertEquals(tickConverter(NANOSECOND, MICROSECOND)(-1n), -1n);
  assertEquals(tickConverter(MICROSECOND, MILLISECOND)(-1_001n), -2n);
  assertEquals(tickConverter(SECOND, MILLISECOND)(3n), 3_000n);
  for (const unit of [SECOND, MILLISECOND, MICROSECOND, NANOSECOND]) {
    const perSecond = TICKS_PER_SECOND[unit];
    assertEquals(tickConverter(unit, SECOND)(perSecond * 6n - 1n), 5n);
  }
});
