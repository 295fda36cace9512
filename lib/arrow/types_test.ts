import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import {
  arrowDecimal,
  arrowTimestamp,
  arrowType,
  COLUMN_TYPES,
  columnTypeOf,
  isDecimalType,
} from "./types.ts";

Deno.test("every column type reads back from its Arrow type", () => {
  for (const type of [...COLUMN_TYPES, "decimal(10,2)" as const]) {
    assertEquals(columnTypeOf(arrowType(type)), type, type);
  }
});

Deno.test("columnTypeOf: integers by width, every date and time unit, nothing for binary", () => {
  const cases: [arrow.DataType, string | undefined][] = [
    [new arrow.Uint32(), "int32"],
    [new arrow.Float16(), "float32"],
    [new arrow.LargeUtf8(), "string"],
    [new arrow.DateMillisecond(), "date"],
    [new arrow.TimestampNanosecond("Europe/Paris"), "timestamp"],
    [arrowTimestamp(true), "timestamp"],
    [arrowDecimal(38, 0), "decimal(38,0)"],
    [new arrow.Binary(), undefined],
    [new arrow.List(new arrow.Field("element", new arrow.Int32())), undefined],
  ];
  for (const [type, expected] of cases) assertEquals(columnTypeOf(type), expected, `${type}`);
});

Deno.test("timestamps are microseconds, in UTC unless on a wall clock", () => {
  assertEquals(String(arrowType("timestamp")), "Timestamp<MICROSECOND, UTC>");
  assertEquals(String(arrowTimestamp(true)), "Timestamp<MICROSECOND>");
  assertEquals(isDecimalType("decimal(10,2)"), true);
  assertEquals(isDecimalType("float64"), false);
});
