import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { formatPercent } from "./percent_format.ts";
import { PyDict, tupleOf } from "./values.ts";

Deno.test("printf-style % formatting", () => {
  assertEquals(formatPercent("%s-%05d", tupleOf(["A", 42])), "A-00042");
  assertEquals(formatPercent("%s", ["A", 42]), "['A', 42]");
  assertEquals(formatPercent("%.2f%%", 12.345), "12.35%");
  assertEquals(formatPercent("%-5s|", "ab"), "ab   |");
  assertEquals(formatPercent("%(n)s=%(v)d", PyDict.of([["n", "x"], ["v", 3.9]])), "x=3");
  assertEquals(formatPercent("%r", "a"), "'a'");
  assertEquals(formatPercent("%x", 255), "ff");
  assertThrows(() => formatPercent("%s %s", tupleOf(["a"])), Error, "Not enough arguments");
  assertThrows(() => formatPercent("%s", tupleOf(["a", "b"])), Error, "Not all arguments");
});
