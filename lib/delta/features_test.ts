import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import type { Metadata, Protocol } from "./actions.ts";
import { commitFileName, serializeCommit } from "./actions.ts";
import { readRefusal, withChangeDataFeed, writeRefusal, writerFeatures } from "./features.ts";
import { joinPath, localFs } from "./fs.ts";
import { readSnapshot } from "./log_reader.ts";
import { UnsupportedTableFeature } from "./snapshot.ts";
import { DeltaWriter } from "./writer.ts";

function metadata(
  configuration: Record<string, string> = {},
  fieldMetadata: Record<string, unknown> = {},
): Metadata {
  return {
    id: "m",
    format: { provider: "parquet", options: {} },
    schemaString: JSON.stringify({
      type: "struct",
      fields: [
        { name: "id", type: "long", nullable: true, metadata: {} },
        { name: "v", type: "string", nullable: true, metadata: fieldMetadata },
      ],
    }),
    partitionColumns: [],
    configuration,
  };
}

const v7 = (writerFeatures: string[], readerFeatures?: string[]): Protocol => ({
  minReaderVersion: readerFeatures ? 3 : 1,
  minWriterVersion: 7,
  writerFeatures,
  ...(readerFeatures ? { readerFeatures } : {}),
});

Deno.test("legacy writer versions imply the features of every version up to theirs", () => {
  assertEquals(writerFeatures({ minReaderVersion: 1, minWriterVersion: 2 }), [
    "appendOnly",
    "invariants",
  ]);
  assertEquals(writerFeatures({ minReaderVersion: 2, minWriterVersion: 6 }), [
    "appendOnly",
    "invariants",
    "checkConstraints",
    "changeDataFeed",
    "generatedColumns",
    "columnMapping",
    "identityColumns",
  ]);
});

Deno.test("writing is allowed where only appends and whole-file removes are needed", () => {
  const allowed: [Protocol, Metadata][] = [
    [{ minReaderVersion: 1, minWriterVersion: 2 }, metadata()],
    // Spark's table with change data feed: appends need no change data files.
    [
      v7(["changeDataFeed", "invariants", "appendOnly"]),
      metadata({
        "delta.enableChangeDataFeed": "true",
      }),
    ],
    [
      { minReaderVersion: 1, minWriterVersion: 4 },
      metadata({
        "delta.enableChangeDataFeed": "true",
      }),
    ],
    // Supported but not used: nothing to enforce.
    [{ minReaderVersion: 1, minWriterVersion: 6 }, metadata()],
    [
      v7(["deletionVectors", "invariants", "appendOnly"], ["deletionVectors"]),
      metadata({
        "delta.enableDeletionVectors": "true",
      }),
    ],
    [v7(["timestampNtz"], ["timestampNtz"]), metadata()],
    [v7(["inCommitTimestamp", "vacuumProtocolCheck"], ["vacuumProtocolCheck"]), metadata()],
    // Constraints, invariants and generation expressions of the SQL subset are evaluated.
    [
      { minReaderVersion: 1, minWriterVersion: 6 },
      metadata({ "delta.constraints.positive": "id > 0" }, {
        "delta.invariants": '{"expression":{"expression":"v LIKE \'a%\'"}}',
      }),
    ],
    [v7(["generatedColumns"]), metadata({}, { "delta.generationExpression": "upper(id)" })],
    [
      { minReaderVersion: 1, minWriterVersion: 6 },
      metadata({}, { "delta.identity.start": 1, "delta.identity.step": 1 }),
    ],
    // Column mapping: files by physical name and field id (column_mapping.ts).
    [
      { minReaderVersion: 2, minWriterVersion: 5 },
      metadata({ "delta.columnMapping.mode": "name" }),
    ],
    [
      v7(["columnMapping", "typeWidening"], ["columnMapping", "typeWidening"]),
      metadata({ "delta.columnMapping.mode": "id", "delta.enableTypeWidening": "true" }),
    ],
    [v7(["typeWidening-preview"], ["typeWidening-preview"]), metadata()],
  ];
  for (const [protocol, meta] of allowed) {
    assertEquals(writeRefusal(protocol, meta), undefined, JSON.stringify(protocol));
  }
});

Deno.test("writing is refused naming the feature a table uses and we do not implement", () => {
  const refused: [Protocol, Metadata, string][] = [
    [
      { minReaderVersion: 1, minWriterVersion: 2 },
      metadata({}, { "delta.invariants": '{"expression":{"expression":"v RLIKE \'x\'"}}' }),
      "the invariant of column \"v\" is v RLIKE 'x': RLIKE is outside tablestream's SQL subset",
    ],
    [
      { minReaderVersion: 1, minWriterVersion: 3 },
      metadata({ "delta.constraints.positive": "id > 0 AND rand() < 1" }),
      'the CHECK constraint "positive" is id > 0 AND rand() < 1: the function rand is outside',
    ],
    [
      { minReaderVersion: 1, minWriterVersion: 3 },
      metadata({ "delta.constraints.known": "idd > 0" }),
      'the table has no column "idd" (it has id, v)',
    ],
    [
      v7(["generatedColumns"]),
      metadata({}, { "delta.generationExpression": "uuid()" }),
      'the generation expression of column "v" is uuid(): the function uuid is outside',
    ],
    [
      { minReaderVersion: 1, minWriterVersion: 6 },
      metadata({}, { "delta.identity.start": 1, "delta.identity.step": 0 }),
      'identity column "v" has step 0',
    ],
    [
      { minReaderVersion: 2, minWriterVersion: 5 },
      metadata({ "delta.columnMapping.mode": "bogus" }),
      'unknown column mapping mode "bogus"',
    ],
    [
      v7(["icebergCompatV1"]),
      metadata({ "delta.enableIcebergCompatV1": "true" }),
      "writer feature icebergCompatV1",
    ],
    [
      v7(["icebergCompatV2", "clustering"]),
      metadata({ "delta.enableIcebergCompatV2": "true" }),
      "Iceberg compatibility enabled (writer feature icebergCompatV2)",
    ],
    [
      v7(["inCommitTimestamp"]),
      metadata({ "delta.enableInCommitTimestamps": "true" }),
      "writer feature inCommitTimestamp",
    ],
    [{ minReaderVersion: 1, minWriterVersion: 8 }, metadata(), "writer version 8"],
    [v7(["variantType"], ["variantType"]), metadata(), "reader feature variantType"],
  ];
  for (const [protocol, meta, message] of refused) {
    assertStringIncludes(writeRefusal(protocol, meta) ?? "(allowed)", message);
  }
  assertStringIncludes(
    readRefusal(v7(["variantType"], ["variantType"]), metadata()) ?? "",
    "variantType",
  );
});

Deno.test("the log's features are read and written: v2 checkpoints, domains, row tracking, clustering", () => {
  const allowed: Protocol[] = [
    v7(["v2Checkpoint", "appendOnly", "invariants"], ["v2Checkpoint"]),
    v7(["domainMetadata", "rowTracking", "appendOnly", "invariants"]),
    v7(["domainMetadata", "clustering", "appendOnly", "invariants"]),
    v7(["vacuumProtocolCheck", "deletionVectors"], ["vacuumProtocolCheck", "deletionVectors"]),
  ];
  for (const protocol of allowed) {
    const meta = metadata({ "delta.enableRowTracking": "true" });
    assertEquals(readRefusal(protocol, meta), undefined, JSON.stringify(protocol));
    assertEquals(writeRefusal(protocol, meta), undefined, JSON.stringify(protocol));
  }
  // Iceberg compatibility is read as a plain table; writing it is refused once enabled.
  const iceberg = v7(["icebergCompatV2", "columnMapping"], ["columnMapping"]);
  const enabled = metadata({ "delta.enableIcebergCompatV2": "true" });
  assertEquals(readRefusal(iceberg, enabled), undefined);
  assertStringIncludes(writeRefusal(iceberg, enabled) ?? "", "icebergCompatV2");
  assertEquals(writeRefusal(iceberg, metadata()), undefined);
});

/** A table of one commit with `protocol` and `meta` and no files. */
async function logOnly(dir: string, protocol: Protocol, meta: Metadata): Promise<string> {
  const path = joinPath(dir, "t");
  await Deno.mkdir(joinPath(path, "_delta_log"), { recursive: true });
  await Deno.writeTextFile(
    joinPath(path, "_delta_log", commitFileName(0)),
    serializeCommit([{ commitInfo: { operation: "CREATE TABLE" } }, { protocol }, {
      metaData: meta,
    }]),
  );
  return path;
}

const SCHEMA = new arrow.Schema([
  new arrow.Field("id", new arrow.Int64(), true),
  new arrow.Field("v", new arrow.Utf8(), true),
]);
const ROWS = new arrow.Table({
  id: arrow.vectorFromArray([1n], new arrow.Int64()),
  v: arrow.vectorFromArray(["a"], new arrow.Utf8()),
});

Deno.test("the writer appends to a change-data-feed table and keeps its protocol and properties", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-features-" });
  try {
    const protocol = v7(["changeDataFeed", "invariants", "appendOnly"]);
    const meta = metadata({ "delta.enableChangeDataFeed": "true" });
    const path = await logOnly(dir, protocol, meta);
    const writer = await DeltaWriter.open(path, { schema: SCHEMA, appId: "t" });
    await writer.append(ROWS, { properties: { "tablestream.note": "x" } });
    const snapshot = await readSnapshot(localFs, path);
    assertEquals(snapshot.protocol, protocol);
    assertEquals(snapshot.metadata.configuration, {
      "delta.enableChangeDataFeed": "true",
      "tablestream.note": "x",
    });
    assertEquals(snapshot.files.length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the writer refuses a table of a feature it lacks before writing anything", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-features-" });
  try {
    const path = await logOnly(dir, v7(["variantType"]), metadata());
    const error = await assertRejects(
      () => DeltaWriter.open(path, { schema: SCHEMA, appId: "t" }),
      UnsupportedTableFeature,
      "variantType",
    );
    assertStringIncludes(error.message, `Cannot write to Delta table "${path}"`);
    assertEquals((await readSnapshot(localFs, path)).version, 0);
    assertEquals((await localFs.list(path)).map((e) => e.name), ["_delta_log"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withChangeDataFeed: writer 4 for a legacy protocol, the feature listed for 7, else unchanged", () => {
  assertEquals(withChangeDataFeed({ minReaderVersion: 1, minWriterVersion: 2 }), {
    minReaderVersion: 1,
    minWriterVersion: 4,
  });
  const has = { minReaderVersion: 1, minWriterVersion: 5 };
  assertEquals(withChangeDataFeed(has), has);
  assertEquals(
    withChangeDataFeed({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["timestampNtz"],
      writerFeatures: ["timestampNtz"],
    }),
    {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["timestampNtz"],
      writerFeatures: ["timestampNtz", "changeDataFeed"],
    },
  );
  for (const protocol of [{ minReaderVersion: 1, minWriterVersion: 2 }, has]) {
    assert(writerFeatures(withChangeDataFeed(protocol)).includes("changeDataFeed"));
  }
});
