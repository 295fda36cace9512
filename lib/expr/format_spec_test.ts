import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { formatValue, parseSpec } from "./format_spec.ts";
import { PyDate } from "./datetime_values.ts";
import { PyFloat } from "./values.ts";
import { run } from "../../tests/_expr_context.ts";

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
  assertEquals(formatValue(new PyFloat(3), ""), "3.0");
  assertEquals(formatValue(3, ""), "3");
  assertEquals(formatValue(new PyFloat(3), ".1f"), "3.0");
});

Deno.test("format specs pad and cut strings; dates use strftime", () => {
  assertEquals(formatValue("ab", ">5"), "   ab");
  assertEquals(formatValue("ab", "5"), "ab   ");
  assertEquals(formatValue("abcdef", ".3"), "abc");
  assertEquals(formatValue(PyDate.of(2024, 3, 5), "%d/%m/%Y"), "05/03/2024");
  assertEquals(formatValue(new Date("2024-03-05T10:00:00Z"), ""), "2024-03-05 10:00:00");
  assertThrows(
    () => formatValue("ab", "d"),
    Error,
    "Unknown format code 'd' for object of type 'str'",
  );
  assertThrows(
    () => formatValue(1.5, "d"),
    Error,
    "Unknown format code 'd' for object of type 'float'",
  );
  assertThrows(() => parseSpec("abc"), Error, "Invalid format spec");
});

Deno.test("ints beyond 2^53 print every digit, in every way of formatting", () => {
  // What CPython 3.11 prints for each, computed by hand with `python3`.
  const cases: [string, string][] = [
    ["str(2**100)", "1267650600228229401496703205376"],
    ["f'{2**64:,}'", "18,446,744,073,709,551,616"],
    ["f'{2**64:_x}'", "1_0000_0000_0000_0000"],
    ["f'{-2**64:#x}'", "-0x10000000000000000"],
    ["f'{2**64:#X}'", "0X10000000000000000"],
    ["f'{2**64:>30}'", "          18446744073709551616"],
    ["f'{2**64:+d}'", "+18446744073709551616"],
    ["f'{-2**64: d}'", "-18446744073709551616"],
    ["f'{2**64:.3e}'", "1.845e+19"],
    ["f'{2**64:.2f}'", "18446744073709551616.00"],
    ["f'{2**64:o}'", "2000000000000000000000"],
    ["f'{2**64:#b}'", "0b10000000000000000000000000000000000000000000000000000000000000000"],
    ["f'{2**64:n}'", "18446744073709551616"],
    ["f'{2**64:.2%}'", "1844674407370955161600.00%"],
    ["f'{2**64:g}'", "1.84467e+19"],
    ["f'{-2**70:_}'", "-1_180_591_620_717_411_303_424"],
    ["'%d' % 2**64", "18446744073709551616"],
    ["'%x' % 2**64", "10000000000000000"],
    ["'%#o' % 2**64", "0o2000000000000000000000"],
    ["'%10.2f' % 2**64", "18446744073709551616.00"],
    ["'%s' % 2**64", "18446744073709551616"],
    ["'%d' % 1e22", "10000000000000000000000"],
    ["'%i' % -2**70", "-1180591620717411303424"],
    ["'%25d|' % 2**64", "     18446744073709551616|"],
    ["'%-25d|' % 2**64", "18446744073709551616     |"],
    ["'%025d' % -2**64", "-000018446744073709551616"],
    ["format(2**64, '030d')", "000000000018446744073709551616"],
    ["format(2**64, '=+40,')", "+             18,446,744,073,709,551,616"],
    ["format(-2**64, '*^34')", "******-18446744073709551616*******"],
    ["'{:,}'.format(-2**70)", "-1,180,591,620,717,411,303,424"],
    ["'{0:>25}|{0:<25}'.format(2**70)", "   1180591620717411303424|1180591620717411303424   "],
    ["repr([2**64, -2**64])", "[18446744073709551616, -18446744073709551616]"],
    ["str({'k': 2**64})", "{'k': 18446744073709551616}"],
  ];
  for (const [source, expected] of cases) assertEquals(run(source), expected, source);
  assertThrows(() => run("f'{x:c}'", { values: { x: 2n ** 64n } }), Error, "range(0x110000)");
  assertThrows(() => run("f'{x:f}'", { values: { x: 10n ** 400n } }), Error, "OverflowError");
});
