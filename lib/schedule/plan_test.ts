import * as arrow from "apache-arrow";
import { assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { schemaDifference } from "./plan.ts";

const schema = (fields: [string, arrow.DataType][]) =>
  new arrow.Schema(fields.map(([name, type]) => new arrow.Field(name, type, true)));

Deno.test("schema differences name columns and types as Delta does", () => {
  const ours = schema([["id", new arrow.Int64()], ["at", new arrow.TimestampMicrosecond("UTC")]]);
  assertEquals(schemaDifference(ours, ours), undefined);
  const naive = schemaDifference(
    schema([["id", new arrow.Int64()], ["at", new arrow.TimestampMicrosecond()]]),
    ours,
  );
  assertStringIncludes(naive ?? "", 'its column "at" is timestamp_ntz, the config makes timestamp');
  assertStringIncludes(naive ?? "", "tablestream generates timestamps in UTC only");
  assertEquals(
    schemaDifference(schema([["id", new arrow.Int32()], ["at", ours.fields[1].type]]), ours),
    'its column "id" is integer, the config makes long',
  );
  assertEquals(
    schemaDifference(schema([["id", new arrow.Int64()]]), ours),
    'it has no column "at"',
  );
});
