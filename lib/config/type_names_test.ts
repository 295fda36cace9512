import { assertEquals } from "../../tests/_assert.ts";
import { parquetType, TYPE_NAMES } from "./type_names.ts";

Deno.test("pandas dtype names map to storage types", () => {
  const expected: [string, string][] = [
    ["int32", "int32"],
    ["Int64", "int64"],
    ["int", "int64"],
    ["uint8", "int16"],
    ["UInt32", "int64"],
    ["float", "float64"],
    ["float16", "float32"],
    ["Float32", "float32"],
    ["string", "string"],
    ["str", "string"],
    ["object", "string"],
    ["category", "string"],
    ["bool", "bool"],
    ["boolean", "bool"],
    ["datetime64[ns]", "timestamp"],
    ["datetime64[ns, UTC]", "timestamp"],
    ["date", "date"],
  ];
  for (const [name, type] of expected) assertEquals(TYPE_NAMES[name], type, name);
});

Deno.test("Arrow type names map to storage types, decimals with precision and scale", () => {
  const expected: [string, unknown][] = [
    ["int16", "int16"],
    ["uint16", "int32"],
    ["float", "float32"],
    ["double", "float64"],
    ["float64", "float64"],
    ["bool", "bool"],
    ["utf8", "string"],
    ["large_string", "string"],
    ["date32", "date"],
    ["date32[day]", "date"],
    ["date64", "date"],
    ["timestamp[us]", "timestamp"],
    ["timestamp[ns]", "timestamp"],
    ["timestamp[ms, tz=UTC]", "timestamp"],
    ["decimal128(10,2)", "decimal(10,2)"],
    ["decimal128(38, 0)", "decimal(38,0)"],
    ["decimal(5)", "decimal(5,0)"],
    ["decimal256(20,4)", "decimal(20,4)"],
  ];
  for (const [name, type] of expected) assertEquals(parquetType(name), type, name);
  assertEquals(parquetType("varchar"), undefined);
  assertEquals(typeof parquetType("decimal128(40,2)"), "object");
  assertEquals(typeof parquetType("decimal128(4,6)"), "object");
  assertEquals(typeof parquetType("binary"), "object");
  assertEquals(typeof parquetType("list<item: int32>"), "object");
});
