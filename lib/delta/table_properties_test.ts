import { assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { allTypesTable } from "../../tests/_delta.ts";
import { joinPath, localFs } from "./fs.ts";
import { readSnapshot } from "./log_reader.ts";
import { checkTableProperties, newTableProtocol, TABLE_PROPERTIES } from "./table_properties.ts";
import { DeltaWriter, WriteRefused } from "./writer.ts";

const PLAIN =
  '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}';
const NTZ = PLAIN.replace('"long"', '"timestamp_ntz"');

Deno.test("a new table gets the smallest protocol its columns and properties need", () => {
  const protocol = (schema: string, properties: Record<string, string> = {}) =>
    newTableProtocol(schema, properties);
  assertEquals(protocol(PLAIN), { minReaderVersion: 1, minWriterVersion: 2 });
  // A property set to false needs nothing; users' own properties need nothing.
  assertEquals(
    protocol(PLAIN, { "delta.enableDeletionVectors": "false", "owner": "data-eng" }),
    { minReaderVersion: 1, minWriterVersion: 2 },
  );
  assertEquals(protocol(PLAIN, { "delta.appendOnly": "true" }), {
    minReaderVersion: 1,
    minWriterVersion: 2,
  });
  // Legacy versions imply these writer features, as Spark writes them.
  assertEquals(protocol(PLAIN, { "delta.enableChangeDataFeed": "true" }), {
    minReaderVersion: 1,
    minWriterVersion: 4,
  });
  assertEquals(protocol(PLAIN, { "delta.constraints.positive": "id > 0" }), {
    minReaderVersion: 1,
    minWriterVersion: 3,
  });
  // A reader feature needs table features: reader 3, writer 7, each listed on both sides.
  assertEquals(protocol(PLAIN, { "delta.enableDeletionVectors": "true" }), {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: ["deletionVectors"],
    writerFeatures: ["deletionVectors"],
  });
  assertEquals(
    protocol(NTZ, {
      "delta.enableDeletionVectors": "true",
      "delta.enableChangeDataFeed": "true",
      "delta.appendOnly": "true",
    }),
    {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["deletionVectors", "timestampNtz"],
      writerFeatures: ["appendOnly", "changeDataFeed", "deletionVectors", "timestampNtz"],
    },
  );
});

Deno.test("table properties: unknown delta. names and wrong values are problems", () => {
  assertEquals(
    checkTableProperties({
      "delta.enableDeletionVectors": "true",
      "delta.checkpointInterval": "5",
      "delta.logRetentionDuration": "interval 30 days",
      "delta.constraints.positive": "id > 0",
      "team": "anything goes outside delta.",
    }),
    [],
  );
  const problems = checkTableProperties({
    "delta.enableDeletionVector": "true",
    "delta.appendOnly": "yes",
    "delta.checkpointInterval": "0",
    "delta.deletedFileRetentionDuration": "7 days",
  });
  assertEquals(problems.map((p) => [p.name, p.unknown]), [
    ["delta.enableDeletionVector", true],
    ["delta.appendOnly", false],
    ["delta.checkpointInterval", false],
    ["delta.deletedFileRetentionDuration", false],
  ]);
  assertStringIncludes(problems[1].message, 'takes "true" or "false", got "yes"');
  assertStringIncludes(problems[3].message, "interval 30 days");
});

async function tempTable(): Promise<string> {
  return joinPath(await Deno.makeTempDir({ prefix: "tablestream-props-" }), "t");
}

Deno.test("a new table is created with its properties and their protocol; an existing one keeps its own", async () => {
  const path = await tempTable();
  const rows = allTypesTable(0, 5);
  const properties = { "delta.enableDeletionVectors": "true", "team": "fake-data" };
  const writer = await DeltaWriter.open(path, { schema: rows.schema, appId: "a", properties });
  await writer.append(rows);
  const snapshot = await readSnapshot(localFs, path);
  assertEquals(snapshot.metadata.configuration, properties);
  assertEquals(snapshot.protocol.readerFeatures, ["deletionVectors"]);

  const other = await DeltaWriter.open(path, {
    schema: rows.schema,
    appId: "b",
    properties: { "delta.appendOnly": "true" },
  });
  await other.append(allTypesTable(5, 5));
  assertEquals((await readSnapshot(localFs, path)).metadata.configuration, properties);
});

Deno.test("delta.checkpointInterval of the table sets when our writer checkpoints", async () => {
  const path = await tempTable();
  const rows = allTypesTable(0, 3);
  const writer = await DeltaWriter.open(path, {
    schema: rows.schema,
    appId: "a",
    properties: { "delta.checkpointInterval": "3" },
  });
  for (let i = 0; i < 7; i++) await writer.append(rows);
  const checkpoints = [];
  for await (const entry of Deno.readDir(joinPath(path, "_delta_log"))) {
    if (entry.name.includes(".checkpoint.")) checkpoints.push(entry.name.slice(0, 20));
  }
  assertEquals(checkpoints.sort(), ["00000000000000000003", "00000000000000000006"]);
});

Deno.test("an append-only table refuses an overwrite and removes of rows, naming the property", async () => {
  const path = await tempTable();
  const rows = allTypesTable(0, 4);
  const writer = await DeltaWriter.open(path, {
    schema: rows.schema,
    appId: "a",
    properties: { "delta.appendOnly": "true" },
  });
  const { added } = await writer.append(rows);
  const overwrite = await assertRejects(() => writer.overwrite(rows), WriteRefused);
  assertStringIncludes(overwrite.message, "delta.appendOnly");
  const files = await writer.writeFiles(allTypesTable(4, 2));
  const removal = await assertRejects(
    () => writer.commitFiles(files, "append", { removes: added }),
    WriteRefused,
  );
  assertStringIncludes(removal.message, "updates and deletes");
  // Appends still go on, and nothing of the refused commits was logged.
  await writer.append(allTypesTable(6, 1));
  assertEquals((await readSnapshot(localFs, path)).version, 1);
});

Deno.test("delta.columnMapping.mode: reader 2 / writer 5 alone, the feature listed with others; type widening", () => {
  for (const mode of ["name", "id"]) {
    assertEquals(newTableProtocol(PLAIN, { "delta.columnMapping.mode": mode }), {
      minReaderVersion: 2,
      minWriterVersion: 5,
    });
  }
  assertEquals(newTableProtocol(PLAIN, { "delta.columnMapping.mode": "none" }), {
    minReaderVersion: 1,
    minWriterVersion: 2,
  });
  assertEquals(
    newTableProtocol(PLAIN, {
      "delta.columnMapping.mode": "id",
      "delta.enableDeletionVectors": "true",
    }),
    {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["columnMapping", "deletionVectors"],
      writerFeatures: ["columnMapping", "deletionVectors"],
    },
  );
  assertEquals(newTableProtocol(PLAIN, { "delta.enableTypeWidening": "true" }), {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: ["typeWidening"],
    writerFeatures: ["typeWidening"],
  });
  const [problem] = checkTableProperties({ "delta.columnMapping.mode": "names" });
  assertEquals(problem.unknown, false);
  assertStringIncludes(problem.message, 'takes "none", "name", "id", got "names"');
  // maxColumnId is the writer's to keep, never a config's.
  assertEquals(
    checkTableProperties({ "delta.columnMapping.maxColumnId": "3" }).map((p) => p.unknown),
    [true],
  );
});

Deno.test("docs/delta.md lists every table property a config may set", async () => {
  const docs = await Deno.readTextFile(new URL("../../docs/delta.md", import.meta.url));
  for (const name of Object.keys(TABLE_PROPERTIES)) assertStringIncludes(docs, `\`${name}`);
  assertStringIncludes(docs, "`delta.constraints.<name>");
  assertStringIncludes(docs, "`cluster_by:");
});
