import { assertEquals } from "../../tests/_assert.ts";
import { formatDuration, parseDuration } from "./duration.ts";

Deno.test("parseDuration reads one or more number-unit parts", () => {
  assertEquals(parseDuration("500ms"), 500);
  assertEquals(parseDuration("10s"), 10_000);
  assertEquals(parseDuration("1m"), 60_000);
  assertEquals(parseDuration("2h"), 7_200_000);
  assertEquals(parseDuration("1m30s"), 90_000);
  assertEquals(parseDuration("1.5s"), 1500);
  assertEquals(parseDuration(" 10s "), 10_000);
  assertEquals(parseDuration("0s"), 0);
});

Deno.test("parseDuration rejects text without units or with unknown ones", () => {
  for (const text of ["", "10", "s", "10 s", "10sec", "-1s", "1d", "10s10", "ten seconds"]) {
    assertEquals(parseDuration(text), undefined, text);
  }
});

Deno.test("formatDuration reads back", () => {
  for (const ms of [0, 1, 500, 1000, 90_000, 3_600_000, 3_723_004]) {
    assertEquals(parseDuration(formatDuration(ms)), ms);
  }
  assertEquals(formatDuration(90_000), "1m30s");
});
