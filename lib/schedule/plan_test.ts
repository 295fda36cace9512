import * as arrow from "apache-arrow";
import { assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { schemaDifference, tableFingerprint } from "./plan.ts";
import { valid } from "../../tests/_config.ts";

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

Deno.test("a constant rate keeps the fingerprint it had; a rate shape, and each change of it, changes it", async () => {
  const orders = (cadence: string) =>
    valid(`tables:
  - table_name: orders
    row_count: 5
    cadence:
      rows_per_minute: 90
${cadence}
    columns:
      - column_name: id
        data: row_id
`);
  const fp = async (cadence: string) => {
    const config = orders(cadence);
    return await tableFingerprint(config, config.tables[0], 42, 10_000);
  };
  // What the fingerprint was before rate shapes existed: old tables continue.
  assertEquals(await fp(""), "7adde43f07dc7f34");
  assertEquals(await fp("      jitter: none"), "7adde43f07dc7f34");
  const shaped = [
    "      jitter: poisson",
    "      daily: evening_peak",
    "      daily: business_hours",
    "      weekly: [1, 1, 1, 1, 1, 2, 2]",
    "      phases: [{to: 600, for: 10m}]",
    "      phases: [{to: 600, for: 20m}]",
    "      bursts: [{per_day: 2, for: 10m, multiplier: 3}]",
  ];
  const prints = await Promise.all(shaped.map(fp));
  assertEquals(new Set([...prints, "7adde43f07dc7f34"]).size, shaped.length + 1);
});
