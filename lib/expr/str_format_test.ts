import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { formatString } from "./str_format.ts";

Deno.test("str.format fills automatic, numbered and named fields", () => {
  assertEquals(formatString("{} and {}", ["a", 1], {}), "a and 1");
  assertEquals(formatString("{1}{0}{1}", ["a", "b"], {}), "bab");
  assertEquals(formatString("{name!r:>6} {{x}}", [], { name: "Al" }), "  'Al' {x}");
  assertEquals(formatString("{:.1f}", [2.25], {}), "2.2");
  assertThrows(() => formatString("{} {0}", [1], {}), Error, "Cannot switch");
  assertThrows(() => formatString("{}", [], {}), Error, "Replacement index 0 out of range");
  assertThrows(() => formatString("{x}", [], {}), Error, "keyword argument");
});
