import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { ColumnBuilder } from "./column_builder.ts";
import {
  arrowType,
  ConversionError,
  decimalParts,
  decimalType,
  normalizeValue,
  staticTypeOf,
  toUnscaled,
} from "./column_types.ts";

Deno.test("decimal types name their precision and scale", () => {
  assertEquals(decimalType(10, 2), "decimal(10,2)");
  assertEquals(decimalParts("decimal(10,2)"), { precision: 10, scale: 2 });
  assertEquals(decimalParts("int32"), undefined);
  assertEquals(String(arrowType("decimal(10,2)")), "Decimal[10e+2]");
  assertEquals(staticTypeOf("decimal(10,2)"), "float");
  assertThrows(() => decimalType(39, 2), RangeError);
  assertThrows(() => decimalType(4, 5), RangeError);
});

Deno.test("values become unscaled decimals rounded half to even, as Python's round", () => {
  const cases: [number | string | boolean, bigint][] = [
    [19.99, 1999n],
    [-3.5, -350n],
    [2.675, 267n], // 2.675 is really 2.67499999...
    [0.125, 12n], // an exact tie goes to even
    [0.135, 14n],
    ["12.345", 1234n],
    ["12.355", 1236n],
    ["-0.005", 0n],
    [" 7 ", 700n],
    [true, 100n],
  ];
  for (const [value, unscaled] of cases) {
    assertEquals(toUnscaled(value, "decimal(10,2)"), unscaled, String(value));
  }
  assertEquals(toUnscaled(123456789, "decimal(38,0)"), 123456789n);
  assertThrows(() => toUnscaled(1000, "decimal(4,2)"), ConversionError);
  assertThrows(() => toUnscaled("abc", "decimal(4,2)"), ConversionError);
  assertThrows(() => toUnscaled(Infinity, "decimal(4,2)"), ConversionError);
  assertEquals(normalizeValue(19.994, "decimal(6,2)"), 19.99);
});

Deno.test("a decimal column holds 128-bit two's complement words", () => {
  const builder = new ColumnBuilder("decimal(12,3)", 3);
  for (const value of [1.5, null, -2]) builder.append(value);
  const data = builder.finish();
  assertEquals(data.nullCount, 1);
  assertEquals([...(data.values as Uint32Array).subarray(0, 4)], [1500, 0, 0, 0]);
  assertEquals([...(data.values as Uint32Array).subarray(8, 12)], [
    2 ** 32 - 2000,
    2 ** 32 - 1,
    2 ** 32 - 1,
    2 ** 32 - 1,
  ]);
});
