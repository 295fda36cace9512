import { assertEquals } from "../../tests/_assert.ts";
import { floatRepr, shortestDigits } from "./float_repr.ts";

Deno.test("floats print as Python's repr: shortest digits, its exponent thresholds", () => {
  const cases: [number, string][] = [
    [3, "3.0"],
    [-0, "-0.0"],
    [0, "0.0"],
    [0.1, "0.1"],
    [1e-4, "0.0001"],
    [1e-5, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [1e15, "1000000000000000.0"],
    [9999999999999998, "9999999999999998.0"],
    [1e16, "1e+16"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [5e-324, "5e-324"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [NaN, "nan"],
    [123.456, "123.456"],
  ];
  for (const [x, text] of cases) assertEquals(floatRepr(x), text, String(x));
  assertEquals(shortestDigits(1234.5), ["12345", 3]);
});
