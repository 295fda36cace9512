import * as arrow from "apache-arrow";
import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { PyDate } from "../expr/values.ts";
import { columnTypeOfArrow, LoadedRows } from "./loaded_rows.ts";

Deno.test("loaded rows are ordered by key and read as engine values", () => {
  const data = new arrow.Table({
    id: arrow.vectorFromArray([30n, 10n, 20n], new arrow.Int64()),
    name: arrow.vectorFromArray(["c", "a", null], new arrow.Utf8()),
    day: arrow.vectorFromArray(
      [new Date(86_400_000 * 3), new Date(0), new Date(86_400_000)],
      new arrow.DateDay(),
    ),
    at: arrow.makeVector(
      new arrow.Data(new arrow.TimestampMicrosecond("UTC"), 0, 3, 0, [
        undefined,
        BigInt64Array.of(3_000_123n, 1_000_999n, 2_000_000n),
      ]),
    ),
  });
  const rows = new LoadedRows("t", data, "id");
  assertEquals(rows.count, 3);
  assertEquals([0, 1, 2].map((i) => rows.value("id", i)), [10, 20, 30]);
  assertEquals([0, 1, 2].map((i) => rows.value("name", i)), ["a", null, "c"]);
  assertEquals(rows.value("day", 2), new PyDate(3));
  assertEquals(rows.value("at", 0), new Date(1_000)); // 1,000,999 µs: whole ms, like generated times
  assertEquals(rows.maxInteger("id"), 30);
  assertEquals(rows.maxInteger("name"), undefined);
  assertEquals(rows.columnType("id"), "int64");
  assertThrows(() => rows.value("other", 0), Error, 'read without column "other"');
});

Deno.test("Arrow types map to the engine's column types", () => {
  assertEquals(columnTypeOfArrow(new arrow.Int8()), "int8");
  assertEquals(columnTypeOfArrow(new arrow.Int32()), "int32");
  assertEquals(columnTypeOfArrow(new arrow.Float32()), "float32");
  assertEquals(columnTypeOfArrow(new arrow.Float64()), "float64");
  assertEquals(columnTypeOfArrow(new arrow.Bool()), "bool");
  assertEquals(columnTypeOfArrow(new arrow.TimestampMillisecond()), "timestamp");
  assertEquals(columnTypeOfArrow(new arrow.Decimal(2, 10, 128)), "float64");
  assertEquals(columnTypeOfArrow(new arrow.Binary()), "string");
});
