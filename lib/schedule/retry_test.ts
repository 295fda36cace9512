import { assert, assertEquals } from "../../tests/_assert.ts";
import { backoffDelay, DEFAULT_RETRY, nextRetryWait, waitedFor } from "./retry.ts";

Deno.test("back-off: 1 s doubling to 30 s, jittered between half and all of it", () => {
  const at = (random: number) => (retry: number) =>
    backoffDelay(retry, { ...DEFAULT_RETRY, random: () => random });
  assertEquals([1, 2, 3, 4, 5, 6, 7, 50].map(at(1)), [
    1_000,
    2_000,
    4_000,
    8_000,
    16_000,
    30_000,
    30_000,
    30_000,
  ]);
  assertEquals([1, 2, 6].map(at(0)), [500, 1_000, 15_000]);
  for (let i = 0; i < 100; i++) {
    const delay = backoffDelay(3, DEFAULT_RETRY);
    assert(delay >= 2_000 && delay <= 4_000, `${delay}`);
  }
});

Deno.test("without a longest retry time the waits go on; with one, the last is cut to it", () => {
  const full = { ...DEFAULT_RETRY, random: () => 1 };
  assertEquals(nextRetryWait(1_000, 0, 10_000_000, full), 30_000, "forever");
  const bounded = { ...full, maxRetryTimeMs: 60_000 };
  assertEquals(nextRetryWait(1, 0, 0, bounded), 1_000);
  assertEquals(nextRetryWait(6, 0, 31_000, bounded), 29_000, "ends at the minute");
  assertEquals(nextRetryWait(7, 0, 60_000, bounded), undefined, "spent");
});

Deno.test("waits read in whole seconds from a second up", () => {
  assertEquals([waitedFor(4_004), waitedFor(90_499), waitedFor(350), waitedFor(0)], [
    "4s",
    "1m30s",
    "350ms",
    "0s",
  ]);
});
