import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { formatPercent, formatString, formatValue, parseSpec } from "./format.ts";
import { PyDate } from "./values.ts";

Deno.test("format specs format numbers like Python", () => {
  const cases: [number, string, string][] = [
    [3.14159, ".2f", "3.14"],
    [3.14159, "8.3f", "   3.142"],
    [42, "05d", "00042"],
    [-42, "05d", "-0042"],
    [42, "+d", "+42"],
    [1234567.891, ",.2f", "1,234,567.89"],
    [1234567, "_d", "1_234_567"],
    [0.256, ".1%", "25.6%"],
    [255, "x", "ff"],
    [255, "#X", "0XFF"],
    [5, "b", "101"],
    [12345.678, "e", "1.234568e+04"],
    [0.00001234, ".3g", "1.23e-05"],
    [1234.5, "g", "1234.5"],
    [100, "g", "100"],
    [1e20, "g", "1e+20"],
    [2.5, "", "2.5"],
    [42, ">6", "    42"],
    [42, "<6", "42    "],
    [42, "^6", "  42  "],
    [42, "*^7", "**42***"],
    [-3, "=+6", "-    3"],
    [Infinity, "f", "inf"],
    [2.25, ".1f", "2.2"],
    [0.125, ".2f", "0.12"],
    [2.675, ".2f", "2.67"],
    [0.5, ".0f", "0"],
    [1.5, ".0f", "2"],
  ];
  for (const [value, spec, expected] of cases) {
    assertEquals(formatValue(value, spec), expected, `${value}:${spec}`);
  }
  assertEquals(formatValue(3, "", true), "3.0");
  assertEquals(formatValue(3, ".1f", true), "3.0");
});

Deno.test("format specs pad and cut strings; dates use strftime", () => {
  assertEquals(formatValue("ab", ">5"), "   ab");
  assertEquals(formatValue("ab", "5"), "ab   ");
  assertEquals(formatValue("abcdef", ".3"), "abc");
  assertEquals(formatValue(PyDate.of(2024, 3, 5), "%d/%m/%Y"), "05/03/2024");
  assertEquals(formatValue(new Date("2024-03-05T10:00:00Z"), ""), "2024-03-05 10:00:00");
  assertThrows(() => formatValue("ab", "d"), Error, "needs a number");
  assertThrows(() => formatValue(1.5, "d"), Error, "needs an int");
  assertThrows(() => parseSpec("abc"), Error, "Invalid format spec");
});

Deno.test("str.format fills automatic, numbered and named fields", () => {
  assertEquals(formatString("{} and {}", ["a", 1], {}), "a and 1");
  assertEquals(formatString("{1}{0}{1}", ["a", "b"], {}), "bab");
  assertEquals(formatString("{name!r:>6} {{x}}", [], { name: "Al" }), "  'Al' {x}");
  assertEquals(formatString("{:.1f}", [2.25], {}), "2.2");
  assertThrows(() => formatString("{} {0}", [1], {}), Error, "Cannot mix");
  assertThrows(() => formatString("{}", [], {}), Error, "needs argument 0");
  assertThrows(() => formatString("{x}", [], {}), Error, "keyword argument");
});

Deno.test("printf-style % formatting", () => {
  assertEquals(formatPercent("%s-%05d", ["A", 42]), "A-00042");
  assertEquals(formatPercent("%.2f%%", 12.345), "12.35%");
  assertEquals(formatPercent("%-5s|", "ab"), "ab   |");
  assertEquals(formatPercent("%(n)s=%(v)d", { n: "x", v: 3.9 }), "x=3");
  assertEquals(formatPercent("%r", "a"), "'a'");
  assertEquals(formatPercent("%x", 255), "ff");
  assertThrows(() => formatPercent("%s %s", ["a"]), Error, "Not enough arguments");
  assertThrows(() => formatPercent("%s", ["a", "b"]), Error, "Not all arguments");
});
