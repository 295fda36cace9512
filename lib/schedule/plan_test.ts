import * as arrow from "apache-arrow";
import { assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { schemaDifference } from "./plan.ts";

const schema = (fields: [string, arrow.DataType][]) =>
  new arrow.Schema(fields.map(([name, type]) => new arrow.Field(name, type, true)));

Deno.test("schema differences name columns and types as Delta does", () => {
  const ours = schema([["id", new arrow.Int64()], ["at", new arrow.TimestampMicrosecond("UTC")]]);
  assertEquals(schemaDifference(ours, ours), undefined);
  // A timestamp_ntz column takes UTC timestamps (as their wall-clock time), not the reverse.
  const naive = schema([["id", new arrow.Int64()], ["at", new arrow.TimestampMicrosecond()]]);
  assertEquals(schemaDifference(naive, ours), undefined);
  assertStringIncludes(
    schemaDifference(ours, naive) ?? "",
    'its column "at" is timestamp, the config makes timestamp_ntz',
  );
  assertStringIncludes(
    schemaDifference(
      schema([["id", new arrow.Utf8()], ["at", new arrow.TimestampMicrosecond()]]),
      ours,
    ) ?? "",
    'its column "id" is string, the config makes long',
  );
  assertEquals(
    schemaDifference(schema([["id", new arrow.Int32()], ["at", ours.fields[1].type]]), ours),
    'its column "id" is integer, the config makes long',
  );
  assertEquals(
    schemaDifference(schema([["id", new arrow.Int64()]]), ours),
    'it has no column "at"',
  );
});
