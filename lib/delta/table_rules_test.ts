import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { batchOf, column } from "../../tests/_batches.ts";
import { joinPath, localFs } from "./fs.ts";
import { latestVersion, readCommit, readSnapshot } from "./log_reader.ts";
import { readTable } from "./read_data.ts";
import { DeltaWriter } from "./writer.ts";
import { ConstraintViolation } from "./table_rules.ts";
import { UnsupportedTableFeature } from "./snapshot.ts";
import { createDeltaSink } from "../../plugins/sinks/delta.ts";

const field = (
  name: string,
  type: string,
  metadata: Record<string, unknown> = {},
  nullable = true,
) => ({
  name,
  type,
  nullable,
  metadata,
});

/** A table as Spark makes one: protocol 1/6 (invariants to identity columns), no rows. */
async function sparkTable(
  fields: ReturnType<typeof field>[],
  configuration: Record<string, string> = {},
): Promise<string> {
  const path = joinPath(await Deno.makeTempDir({ prefix: "tablestream-rules-" }), "t");
  await Deno.mkdir(joinPath(path, "_delta_log"), { recursive: true });
  const actions = [
    { commitInfo: { timestamp: 0, operation: "CREATE TABLE", engineInfo: "Apache-Spark/4.0.1" } },
    { protocol: { minReaderVersion: 1, minWriterVersion: 6 } },
    {
      metaData: {
        id: crypto.randomUUID(),
        format: { provider: "parquet", options: {} },
        schemaString: JSON.stringify({ type: "struct", fields }),
        partitionColumns: [],
        configuration,
        createdTime: 0,
      },
    },
  ];
  await Deno.writeTextFile(
    joinPath(path, "_delta_log/00000000000000000000.json"),
    actions.map((a) => JSON.stringify(a)).join("\n") + "\n",
  );
  return path;
}

const DAY = 19_782; // 2024-02-29
const MICROS = BigInt(DAY) * 86_400_000_000n;

/** Rows of (id, amount, at) as a config makes them (every column nullable). */
function orders(ids: number[], amounts: (number | null)[]): arrow.Table {
  return new arrow.Table([
    batchOf({
      id: column(new arrow.Int64(), ids.map(BigInt)),
      amount: column(new arrow.Float64(), amounts),
      at: column(
        new arrow.TimestampMicrosecond("UTC"),
        ids.map((i) => MICROS + BigInt(i) * 86_400_000_000n * 400n),
      ),
    }),
  ]);
}

async function dataFiles(path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(path)) if (entry.isFile) names.push(entry.name);
  return names;
}

Deno.test("a row breaking a CHECK constraint fails the write, named, and leaves nothing", async () => {
  const path = await sparkTable(
    [field("id", "long", {}, false), field("amount", "double"), field("at", "timestamp")],
    { "delta.constraints.positive": "amount > 0 AND amount < 1000" },
  );
  const writer = await DeltaWriter.open(path, { schema: orders([1], [1]).schema, appId: "a" });
  const error = await assertRejects(
    () => writer.append(orders([1, 2, 3], [5, null, -2])),
    ConstraintViolation,
  );
  assertStringIncludes(
    error.message,
    'the CHECK constraint "positive" (amount > 0 AND amount < 1000)',
  );
  assertStringIncludes(error.message, "{id: 3, amount: -2, at: 2027-06-13 00:00:00}");
  assertStringIncludes(error.message, "(amount = -2)");
  assertEquals(await dataFiles(path), []);
  assertEquals((await readSnapshot(localFs, path)).version, 0);
  // A null passes, as in Spark; so do rows within the bounds.
  assertEquals((await writer.append(orders([1, 2], [5, null]))).version, 1);
});

Deno.test("NOT NULL columns and column invariants are checked", async () => {
  const invariant = JSON.stringify({ expression: { expression: "amount IS NULL OR amount >= 1" } });
  const path = await sparkTable([
    field("id", "long", {}, false),
    field("amount", "double", { "delta.invariants": invariant }),
    field("at", "timestamp"),
  ]);
  const writer = await DeltaWriter.open(path, { schema: orders([1], [1]).schema, appId: "a" });
  const table = orders([1, 2], [1, 0.5]);
  const invariantError = await assertRejects(() => writer.append(table), ConstraintViolation);
  assertStringIncludes(invariantError.message, 'the invariant of column "amount"');
  const nullId = new arrow.Table([
    batchOf({
      id: column(new arrow.Int64(), [null]),
      amount: column(new arrow.Float64(), [3]),
      at: column(new arrow.TimestampMicrosecond("UTC"), [0n]),
    }),
  ]);
  const nullError = await assertRejects(() => writer.append(nullId), ConstraintViolation);
  assertStringIncludes(nullError.message, 'the NOT NULL column "id"');
  assertEquals(await dataFiles(path), []);
});

Deno.test("generated columns are computed when the data leaves them out, checked when it has them", async () => {
  const path = await sparkTable([
    field("id", "long"),
    field("amount", "double"),
    field("at", "timestamp"),
    field("yr", "integer", { "delta.generationExpression": "year(at)" }),
    field("label", "string", {
      "delta.generationExpression": "concat('#', id, '-', date_format(at, 'yyyyMM'))",
    }),
  ]);
  const data = orders([1, 2], [1, 2]);
  const writer = await DeltaWriter.open(path, { schema: data.schema, appId: "a" });
  assertEquals(writer.schemaDifference(), undefined);
  await writer.append(data);
  const read = await readTable(localFs, await readSnapshot(localFs, path));
  assertEquals(read.getChild("yr")!.toArray(), Int32Array.of(2025, 2026));
  assertEquals([...read.getChild("label")!], ["#1-202504", "#2-202605"]);

  const withYear = new arrow.Table([
    batchOf({
      ...Object.fromEntries(
        data.schema.fields.map((f, i) => [f.name, data.batches[0].data.children[i]]),
      ),
      yr: column(new arrow.Int32(), [2025, 1999]),
    }),
  ]);
  const writer2 = await DeltaWriter.open(path, { schema: withYear.schema, appId: "b" });
  const error = await assertRejects(() => writer2.append(withYear), ConstraintViolation);
  assertStringIncludes(error.message, 'generation expression of column "yr" (year(at))');
  assertStringIncludes(error.message, "differs");
});

const identity = (extra: Record<string, unknown> = {}) => ({
  "delta.identity.start": 100,
  "delta.identity.step": 10,
  "delta.identity.allowExplicitInsert": false,
  ...extra,
});

Deno.test("identity values start above the high-water mark, which the same commit advances", async () => {
  const path = await sparkTable([
    field("key", "long", identity({ "delta.identity.highWaterMark": 120 }), false),
    field("id", "long"),
    field("amount", "double"),
    field("at", "timestamp"),
  ]);
  const data = orders([1, 2, 3], [1, 2, 3]);
  const writer = await DeltaWriter.open(path, { schema: data.schema, appId: "a" });
  const { version } = await writer.append(data);
  const metaData = (await readCommit(localFs, path, version)).find((a) => a.metaData)!.metaData!;
  const key = JSON.parse(metaData.schemaString).fields[0];
  assertEquals(key.metadata["delta.identity.highWaterMark"], 150);
  assertEquals(key.metadata["delta.identity.start"], 100);
  await writer.append(orders([4], [4]));
  const read = await readTable(localFs, await readSnapshot(localFs, path));
  assertEquals([...read.getChild("key")!], [130n, 140n, 150n, 160n]);
});

Deno.test("two writers numbering rows at once: the loser numbers again, no value twice", async () => {
  const path = await sparkTable([
    field("key", "long", identity(), false),
    field("id", "long"),
    field("amount", "double"),
    field("at", "timestamp"),
  ]);
  const data = orders([1, 2], [1, 2]);
  const one = await DeltaWriter.open(path, { schema: data.schema, appId: "one" });
  const two = await DeltaWriter.open(path, { schema: data.schema, appId: "two" });
  // Both number their files from the same high-water mark before either commits.
  const files1 = await one.writeFiles(data);
  const files2 = await two.writeFiles(data);
  await one.commitFiles(files1, "append");
  const result = await two.commitFiles(files2, "append");
  assertEquals(result.version, 2);
  const read = await readTable(localFs, await readSnapshot(localFs, path));
  const keys = [...read.getChild("key")!].map(Number).sort((a, b) => a - b);
  assertEquals(keys, [100, 110, 120, 130]);
  const snapshot = await readSnapshot(localFs, path);
  assertEquals(
    JSON.parse(snapshot.metadata.schemaString).fields[0].metadata["delta.identity.highWaterMark"],
    130,
  );
  // The first numbering's file of the loser is gone: only committed files remain.
  assertEquals((await dataFiles(path)).length, 2);
});

Deno.test("a table whose constraint is outside the SQL subset is refused at open, naming it", async () => {
  const path = await sparkTable([
    field("id", "long"),
    field("amount", "double"),
    field("at", "timestamp"),
  ], {
    "delta.constraints.valid": "CASE WHEN id > 0 THEN true ELSE false END",
  });
  const error = await assertRejects(
    () => DeltaWriter.open(path, { schema: orders([1], [1]).schema, appId: "a" }),
    UnsupportedTableFeature,
  );
  assertStringIncludes(error.message, 'the CHECK constraint "valid"');
  assertStringIncludes(error.message, "CASE is outside tablestream's SQL subset");
});

Deno.test("the Delta sink appends to a table with generated and identity columns, batch by batch", async () => {
  const path = await sparkTable([
    field("key", "long", identity(), false),
    field("id", "long"),
    field("amount", "double"),
    field("at", "timestamp"),
    field("day", "date", { "delta.generationExpression": "CAST(at AS DATE)" }),
  ], { "delta.constraints.positive": "amount > 0" });
  const dir = path.slice(0, -"/t".length);
  const data = orders([1, 2, 3], [1, 2, 3]);
  const sink = createDeltaSink({ dir });
  await sink.open([{ name: "t", schema: data.schema }], { mode: "append" });
  assert(sink.parquetPartSpec?.("t") === undefined, "rows are checked here, not encoded elsewhere");
  await sink.write("t", data.batches[0]);
  await sink.close();
  const read = await readTable(localFs, await readSnapshot(localFs, path));
  assertEquals([...read.getChild("key")!], [100n, 110n, 120n]);
  assertEquals(read.getChild("day")!.get(0), DAY * 86_400_000 + 400 * 86_400_000);
});

Deno.test("a new table with a CHECK constraint property: protocol with checkConstraints, rows checked", async () => {
  const path = joinPath(await Deno.makeTempDir({ prefix: "tablestream-rules-" }), "t");
  const data = orders([1, 2], [5, -1]);
  const properties = { "delta.constraints.positive": "amount > 0" };
  const writer = await DeltaWriter.open(path, { schema: data.schema, appId: "a", properties });
  await assertRejects(() => writer.append(data), ConstraintViolation, '"positive"');
  assertEquals(await latestVersion(localFs, path), null, "no table was made");
  await writer.append(orders([1, 2], [5, 6]));
  const snapshot = await readSnapshot(localFs, path);
  assertEquals(snapshot.protocol, { minReaderVersion: 1, minWriterVersion: 3 });
  assertEquals(snapshot.metadata.configuration, properties);
  await assertRejects(
    () =>
      DeltaWriter.open(`${path}2`, {
        schema: data.schema,
        appId: "a",
        properties: { "delta.constraints.odd": "id % 2 = 1 OR rand() > 0" },
      }),
    Error,
    "Cannot create Delta table",
  );
});

Deno.test("an overwrite with other columns keeps the table's constraints: checked, or refused when they cannot hold", async () => {
  const path = await sparkTable(
    [field("id", "long"), field("amount", "double"), field("at", "timestamp")],
    { "delta.constraints.positive": "amount > 0" },
  );
  const noAmount = new arrow.Table([batchOf({ id: column(new arrow.Int64(), [1n]) })]);
  const writer = await DeltaWriter.open(path, { schema: noAmount.schema, appId: "a" });
  await assertRejects(
    () => writer.overwrite(noAmount),
    Error,
    'Cannot overwrite Delta table "' + path +
      '" with other columns: the CHECK constraint "positive"',
  );
  const other = new arrow.Table([
    batchOf({ id: column(new arrow.Int64(), [1n]), amount: column(new arrow.Float64(), [-1]) }),
  ]);
  const writer2 = await DeltaWriter.open(path, { schema: other.schema, appId: "a" });
  await assertRejects(() => writer2.overwrite(other), ConstraintViolation, '"positive"');
  assertEquals(await dataFiles(path), []);
  assertEquals((await readSnapshot(localFs, path)).version, 0);
});
