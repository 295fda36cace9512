import * as arrow from "apache-arrow";
import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { arrowToDeltaSchema, deltaToArrowSchema } from "./schema.ts";
import { UnsupportedTableFeature } from "./snapshot.ts";

const field = (name: string, type: string | Record<string, unknown>, nullable = true) => ({
  name,
  type,
  nullable,
  metadata: {},
});

Deno.test("primitive types round trip Delta -> Arrow -> Delta", () => {
  const schemaString = JSON.stringify({
    type: "struct",
    fields: [
      field("s", "string"),
      field("l", "long", false),
      field("i", "integer"),
      field("sh", "short"),
      field("b", "byte"),
      field("d", "double"),
      field("f", "float"),
      field("bo", "boolean"),
      field("da", "date"),
      field("ts", "timestamp"),
      field("ntz", "timestamp_ntz"),
      field("dec", "decimal(12,5)"),
      field("bin", "binary"),
    ],
  });
  const schema = deltaToArrowSchema(schemaString);
  assertEquals(
    String(schema),
    "Schema<{ 0: s: Utf8, 1: l: Int64, 2: i: Int32, 3: sh: Int16, 4: b: Int8, 5: d: Float64, " +
      "6: f: Float32, 7: bo: Bool, 8: da: Date32<DAY>, 9: ts: Timestamp<MICROSECOND, UTC>, " +
      "10: ntz: Timestamp<MICROSECOND>, 11: dec: Decimal[12e+5], 12: bin: Binary }>",
  );
  assertEquals(schema.fields[1].nullable, false);
  const dec = schema.fields[11].type as arrow.Decimal;
  assertEquals([dec.precision, dec.scale, dec.bitWidth], [12, 5, 128]);
  assertEquals(arrowToDeltaSchema(schema), schemaString);
});

Deno.test("Arrow -> Delta: units and time zones, then back", () => {
  const schema = new arrow.Schema([
    new arrow.Field("id", new arrow.Int64(), false),
    new arrow.Field("at", new arrow.TimestampMicrosecond("UTC"), true),
    new arrow.Field("local", new arrow.TimestampMicrosecond(), true),
    new arrow.Field("day", new arrow.DateDay(), true),
    new arrow.Field("amount", new arrow.Decimal(2, 10, 128), true),
  ]);
  const text = arrowToDeltaSchema(schema);
  assertEquals(
    text,
    '{"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{}},' +
      '{"name":"at","type":"timestamp","nullable":true,"metadata":{}},' +
      '{"name":"local","type":"timestamp_ntz","nullable":true,"metadata":{}},' +
      '{"name":"day","type":"date","nullable":true,"metadata":{}},' +
      '{"name":"amount","type":"decimal(10,2)","nullable":true,"metadata":{}}]}',
  );
  assertEquals(String(deltaToArrowSchema(text)), String(schema));
});

Deno.test("nested struct, array and map round trip", () => {
  const schemaString = JSON.stringify({
    type: "struct",
    fields: [
      field("st", { type: "struct", fields: [field("a", "integer"), field("b", "string")] }),
      field("arr", { type: "array", elementType: "long", containsNull: true }),
      field("m", { type: "map", keyType: "string", valueType: "double", valueContainsNull: true }),
    ],
  });
  const schema = deltaToArrowSchema(schemaString);
  assertEquals(arrow.DataType.isStruct(schema.fields[0].type), true);
  assertEquals(arrow.DataType.isList(schema.fields[1].type), true);
  assertEquals(arrow.DataType.isMap(schema.fields[2].type), true);
  assertEquals(arrowToDeltaSchema(schema), schemaString);
});

Deno.test("unknown Delta types are UnsupportedTableFeature; Arrow-only types are errors", () => {
  const text = JSON.stringify({ type: "struct", fields: [field("v", "variant")] });
  assertThrows(() => deltaToArrowSchema(text, "t"), UnsupportedTableFeature, '"variant"');
  assertThrows(() => deltaToArrowSchema("{nope"), Error, "Malformed Delta schemaString");
  assertThrows(
    () => arrowToDeltaSchema(new arrow.Schema([new arrow.Field("u", new arrow.Uint32())])),
    Error,
    "unsigned",
  );
});
