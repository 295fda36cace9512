import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { PyFloat } from "../expr/values.ts";
import { ColumnBuilder } from "./column_builder.ts";
import { arrowType, decimalParts, decimalType } from "../arrow/types.ts";
import {
  checkInferred,
  ConversionError,
  InferredTypeError,
  normalizeValue,
  staticTypeOf,
  toInt64,
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

Deno.test("an int64 column stores ints exactly over the whole 64-bit range", () => {
  const values = [
    -(2n ** 63n),
    2n ** 63n - 1n,
    9007199254740993n,
    -9007199254740993n,
    42,
    -(2 ** 53 - 1),
    1e18, // a float beyond 2^53 is a whole number: exactly 10^18
    "9000000000000000001",
    null,
  ];
  const builder = new ColumnBuilder("int64", values.length);
  for (const value of values) builder.append(value);
  const stored = [...(builder.finish().values as BigInt64Array)];
  assertEquals(stored.slice(0, 8), [
    -(2n ** 63n),
    2n ** 63n - 1n,
    9007199254740993n,
    -9007199254740993n,
    42n,
    -(2n ** 53n - 1n),
    10n ** 18n,
    9000000000000000001n,
  ]);
  // What a child reads back (`copy_from_fk`) is the stored int, a number while it is safe.
  assertEquals(normalizeValue(2n ** 63n - 1n, "int64"), 2n ** 63n - 1n);
  assertEquals(normalizeValue(2n ** 53n - 1n, "int64"), 2 ** 53 - 1);
  assertEquals(normalizeValue("-1234567890123456789", "int64"), -1234567890123456789n);
  for (const value of [2n ** 63n, -(2n ** 63n) - 1n, 2 ** 63, "9223372036854775808"]) {
    assertThrows(() => toInt64(value, "int64"), ConversionError, "declare `type: string`");
  }
  assertThrows(() => toInt64(Infinity, "int64"), ConversionError);
  assertThrows(() => toInt64("abc", "int64"), ConversionError, "in a int64 column");
});

Deno.test("ints beyond 2^53 go to decimals exactly, to floats as their nearest float", () => {
  assertEquals(toUnscaled(10n ** 37n + 1n, "decimal(38,0)"), 10n ** 37n + 1n);
  assertEquals(toUnscaled(-(2n ** 64n), "decimal(38,2)"), -(2n ** 64n) * 100n);
  assertThrows(() => toUnscaled(10n ** 38n, "decimal(38,0)"), ConversionError);
  assertEquals(normalizeValue(2n ** 64n + 1n, "float64"), new PyFloat(2 ** 64));
  assertEquals(normalizeValue(2n ** 64n, "string"), "18446744073709551616");
  assertEquals(normalizeValue(2n ** 64n, "bool"), true);
  assertThrows(() => normalizeValue(10n ** 400n, "float64"), ConversionError);
  assertThrows(() => normalizeValue(2n ** 64n, "int32"), ConversionError, "`type: string`");
  assertThrows(() => normalizeValue(2 ** 40, "int32"), ConversionError, "`type: int64`");
});

Deno.test("an inferred column type refuses a value of another Python type, but text takes all", () => {
  checkInferred(3, "int64", "int");
  checkInferred(3, "float64", "float"); // a column of ints and floats is a float column
  checkInferred(new PyFloat(3), "float64", "float");
  checkInferred(4.5, "string", "any"); // a text column: stored as its str(), with a warning
  assertThrows(() => checkInferred(0.5, "int64", "int"), InferredTypeError, "`type: float64`");
  assertThrows(() => checkInferred(true, "int64", "int"), InferredTypeError, "`type: bool`");
  assertThrows(() => checkInferred(1, "string", "str"), InferredTypeError, "`type: int64`");
  assertEquals(normalizeValue(new PyFloat(2), "string"), "2.0");
  assertEquals(normalizeValue(3, "float64"), new PyFloat(3));
});
