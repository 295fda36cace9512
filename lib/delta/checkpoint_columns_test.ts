import * as arrow from "apache-arrow";
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { TableState } from "./commit.ts";
import {
  CHECKPOINT_SCHEMA,
  checkpointTable,
  EXTENDED_CHECKPOINT_SCHEMA,
  TOMBSTONE_RETENTION_MS,
} from "./checkpoint.ts";
import { columnData } from "./checkpoint_columns.ts";
import { encodeParquet, readParquetColumns } from "../parquet/mod.ts";

const NOW = 1_760_000_000_000;
const DV = {
  storageType: "u",
  pathOrInlineDv: "ab^-aqEH.-t@S}K{vb[*k^",
  offset: 4,
  sizeInBytes: 40,
  cardinality: 6,
};

/** A table state with every action kind a checkpoint holds, awkward values included. */
function fullState(protocol: TableState["protocol"]): TableState {
  const state = new TableState("/nowhere/t");
  state.version = 12;
  state.protocol = protocol;
  state.metadata = {
    id: "7d1a8e1c-3b6f-4c0e-9a59-0f2d6c1b2a3e",
    name: "orders",
    description: null,
    format: { provider: "parquet", options: {} },
    schemaString: '{"type":"struct","fields":[]}',
    partitionColumns: ["day", "région"],
    configuration: { "delta.enableDeletionVectors": "true", "delta.checkpointInterval": "10" },
    createdTime: 1_700_000_000_123,
  };
  state.txns.set("app", { appId: "app", version: 11, lastUpdated: NOW - 5 });
  state.txns.set("other", { appId: "other", version: 2 ** 40 });
  state.domains.set("delta.rowTracking", {
    domain: "delta.rowTracking",
    configuration: '{"rowIdHighWaterMark":119}',
    removed: false,
  });
  state.files.set("a", {
    path: "day=2026-01-01/r%C3%A9gion=%C3%8Ele/part-0.parquet",
    partitionValues: { day: "2026-01-01", "région": "Île 😀" },
    size: 5_000_000_000,
    modificationTime: NOW - 1000,
    dataChange: true,
    stats: '{"numRecords":60,"minValues":{"name":"Zoë"},"nullCount":{"name":0}}',
    tags: { INSERTION_TIME: "1700000000000000", empty: "" },
    deletionVector: DV,
    baseRowId: 0,
    defaultRowCommitVersion: 3,
    clusteringProvider: "liquid",
  });
  state.files.set("b", {
    path: "day=__HIVE_DEFAULT_PARTITION__/part-1.parquet",
    partitionValues: { day: null, "région": "" },
    size: 0,
    modificationTime: NOW,
    dataChange: true,
  });
  state.tombstones.set("c", {
    path: "day=2025-12-31/part-2.parquet",
    deletionTimestamp: NOW - 10,
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: { day: "2025-12-31", "région": "x" },
    size: 123,
    deletionVector: { ...DV, offset: null, storageType: "i" },
    baseRowId: 60,
    defaultRowCommitVersion: 4,
  });
  state.tombstones.set("d", { path: "part-3.parquet", dataChange: true });
  state.tombstones.set("old", {
    path: "part-old.parquet",
    deletionTimestamp: NOW - TOMBSTONE_RETENTION_MS - 1,
    dataChange: true,
  });
  return state;
}

/**
 * The rows the checkpoint of {@link fullState} must hold, written out by hand in the form
 * Arrow's generic builder takes (bigints, Maps): the oracle the direct builder is held to.
 */
function expectedRows(extended: boolean, v2: boolean): Record<string, unknown>[] {
  const map = (o: Record<string, string | null>) => new Map(Object.entries(o));
  const dv = {
    storageType: "u",
    pathOrInlineDv: DV.pathOrInlineDv,
    offset: 4,
    sizeInBytes: 40,
    cardinality: 6n,
  };
  const p = fullState(undefined).metadata!;
  const ids = (base: bigint | null, version: bigint | null) =>
    extended ? { baseRowId: base, defaultRowCommitVersion: version } : {};
  return [
    ...(v2 ? [{ checkpointMetadata: { version: 12n, tags: null } }] : []),
    {
      protocol: {
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: v2 ? ["deletionVectors", "v2Checkpoint"] : ["deletionVectors"],
        writerFeatures: [
          "deletionVectors",
          ...(extended ? ["rowTracking", "domainMetadata"] : []),
          ...(v2 ? ["v2Checkpoint"] : []),
        ],
      },
    },
    {
      metaData: {
        id: p.id,
        name: "orders",
        description: null,
        format: { provider: "parquet", options: new Map() },
        schemaString: p.schemaString,
        partitionColumns: ["day", "région"],
        configuration: map(p.configuration),
        createdTime: 1_700_000_000_123n,
      },
    },
    { txn: { appId: "app", version: 11n, lastUpdated: BigInt(NOW - 5) } },
    { txn: { appId: "other", version: 2n ** 40n, lastUpdated: null } },
    ...(extended
      ? [{
        domainMetadata: {
          domain: "delta.rowTracking",
          configuration: '{"rowIdHighWaterMark":119}',
          removed: false,
        },
      }]
      : []),
    {
      add: {
        path: "day=2026-01-01/r%C3%A9gion=%C3%8Ele/part-0.parquet",
        partitionValues: map({ day: "2026-01-01", "région": "Île 😀" }),
        size: 5_000_000_000n,
        modificationTime: BigInt(NOW - 1000),
        dataChange: false,
        tags: map({ INSERTION_TIME: "1700000000000000", empty: "" }),
        deletionVector: dv,
        stats: '{"numRecords":60,"minValues":{"name":"Zoë"},"nullCount":{"name":0}}',
        ...ids(0n, 3n),
        ...(extended ? { clusteringProvider: "liquid" } : {}),
      },
    },
    {
      add: {
        path: "day=__HIVE_DEFAULT_PARTITION__/part-1.parquet",
        partitionValues: map({ day: null, "région": "" }),
        size: 0n,
        modificationTime: BigInt(NOW),
        dataChange: false,
        tags: null,
        deletionVector: null,
        stats: null,
        ...ids(null, null),
        ...(extended ? { clusteringProvider: null } : {}),
      },
    },
    {
      remove: {
        path: "day=2025-12-31/part-2.parquet",
        deletionTimestamp: BigInt(NOW - 10),
        dataChange: false,
        extendedFileMetadata: true,
        partitionValues: map({ day: "2025-12-31", "région": "x" }),
        size: 123n,
        deletionVector: { ...dv, offset: null, storageType: "i" },
        ...ids(60n, 4n),
      },
    },
    {
      remove: {
        path: "part-3.parquet",
        deletionTimestamp: null,
        dataChange: false,
        extendedFileMetadata: null,
        partitionValues: null,
        size: null,
        deletionVector: null,
        ...ids(null, null),
      },
    },
  ];
}

/** The table Arrow's generic builder (`vectorFromArray`) makes of `rows` on `schema`. */
function genericTable(rows: Record<string, unknown>[], schema: arrow.Schema): arrow.Table {
  const columns = schema.fields.map((f) =>
    arrow.vectorFromArray(rows.map((row) => row[f.name] ?? null), f.type)
  );
  return new arrow.Table(schema, [
    new arrow.RecordBatch(
      schema,
      arrow.makeData({
        type: new arrow.Struct(schema.fields),
        length: rows.length,
        nullCount: 0,
        children: columns.map((c) => c.data[0]),
      }),
    ),
  ]);
}

/** Every cell of `table` as plain JS (structs and maps as objects), column by column. */
function plain(table: arrow.Table): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const f of table.schema.fields) {
    out[f.name] = [...table.getChild(f.name)!].map((v) =>
      JSON.parse(JSON.stringify(v, (_, x) => typeof x === "bigint" ? `${x}n` : x))
    );
  }
  return out;
}

const cases = [
  {
    name: "classic schema",
    protocol: {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["deletionVectors"],
      writerFeatures: ["deletionVectors"],
    },
    extended: false,
    v2: false,
  },
  {
    name: "extended schema",
    protocol: {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["deletionVectors"],
      writerFeatures: ["deletionVectors", "rowTracking", "domainMetadata"],
    },
    extended: true,
    v2: false,
  },
  {
    name: "extended schema, V2 checkpoint",
    protocol: {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["deletionVectors", "v2Checkpoint"],
      writerFeatures: ["deletionVectors", "rowTracking", "domainMetadata", "v2Checkpoint"],
    },
    extended: true,
    v2: true,
  },
];

for (const c of cases) {
  Deno.test(`checkpoint columns (${c.name}): the same values and Parquet bytes as Arrow's generic builder`, async () => {
    const schema = c.extended ? EXTENDED_CHECKPOINT_SCHEMA : CHECKPOINT_SCHEMA;
    const state = fullState(c.protocol);
    // Domains alone make a table's checkpoints extended.
    if (!c.extended) state.domains.clear();
    const built = checkpointTable(state, NOW);
    const expected = genericTable(expectedRows(c.extended, c.v2), schema);
    assert(built.schema === schema, "the table is on the checkpoint schema itself");
    assertEquals(built.numRows, expected.numRows);
    assertEquals(plain(built), plain(expected));
    for (const f of schema.fields) {
      assertEquals(
        built.getChild(f.name)!.nullCount,
        expected.getChild(f.name)!.nullCount,
        `nulls of ${f.name}`,
      );
    }
    const bytes = encodeParquet(built);
    assertEquals(bytes, encodeParquet(expected), "the same Parquet file");
    // Read back by the Parquet decoder: the values survive the file.
    assertEquals(plain((await readParquetColumns(bytes)).table), plain(expected));
  });
}

Deno.test("checkpoint columns: a large table's strings and integers, nulls between runs", () => {
  const state = fullState(cases[0].protocol);
  for (let i = 0; i < 5000; i++) {
    state.files.set(`f${i}`, {
      path: `part-${i}-ü.parquet`,
      partitionValues: {},
      size: -i * 2 ** 33,
      modificationTime: NOW + i,
      dataChange: true,
      stats: i % 3 === 0 ? null : `{"numRecords":${i}}`,
    });
  }
  const built = checkpointTable(state, NOW);
  const add = built.getChild("add")!;
  const first = 5; // protocol, metaData, two txns, the domain
  assertEquals(add.get(first + 2)!.toJSON().path, "part-0-ü.parquet");
  assertEquals(add.get(first + 2 + 4999)!.toJSON().size, -4999n * 2n ** 33n);
  assertEquals(add.get(first + 2 + 3)!.toJSON().stats, null);
  assertEquals(add.get(first + 2 + 4)!.toJSON().stats, '{"numRecords":4}');
  assertEquals(add.get(0), null);
  assertEquals(
    built.getChild("remove")!.get(first + 2 + 5000)!.toJSON().path,
    "day=2025-12-31/part-2.parquet",
  );
  assertEquals(add.nullCount, built.numRows - 5002);
});

Deno.test("checkpoint columns: strings with lone surrogates encode as TextEncoder does, one by one", () => {
  const data = columnData(new arrow.Utf8(), ["a\ud800", "\udc00b", null, "é"], "x");
  const vector = arrow.makeVector(data);
  const decode = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s));
  assertEquals([...vector], [decode("a\ud800"), decode("\udc00b"), null, "é"]);
});

Deno.test("checkpoint columns: a value of the wrong type fails naming the column", () => {
  const state = fullState(cases[0].protocol);
  state.files.set("bad", {
    path: "bad.parquet",
    partitionValues: {},
    size: 1,
    modificationTime: NOW,
    dataChange: true,
    deletionVector: { ...DV, cardinality: "six" },
  });
  assertThrows(
    () => checkpointTable(state, NOW),
    Error,
    'column "add.deletionVector.cardinality": expected a 64-bit integer, got "six"',
  );
  assertThrows(
    () => columnData(new arrow.Int32(), [2 ** 31], "protocol.minReaderVersion"),
    Error,
    'column "protocol.minReaderVersion": expected a 32-bit integer, got 2147483648',
  );
  assertThrows(() => columnData(new arrow.Bool(), ["yes"], "b"), Error, "expected a boolean");
  assertThrows(() => columnData(new arrow.Int64(), [2 ** 63], "i"), Error, "a 64-bit integer");
  assertThrows(() => columnData(new arrow.Int64(), [1.5], "i"), Error, "a 64-bit integer");
});

Deno.test("checkpoint columns: cells placed among null rows, every type", () => {
  const place = { at: 2, length: 6 };
  const values = (type: arrow.DataType, cells: unknown[]) =>
    [...arrow.makeVector(columnData(type, cells, "x", place))].map((v) =>
      v !== null && typeof v === "object" ? JSON.parse(JSON.stringify(v)) : v
    );
  assertEquals(values(new arrow.Int64(), [1, null, 3n]), [null, null, 1n, null, 3n, null]);
  assertEquals(
    values(new arrow.Int64(), [-1, 2 ** 60, -(2 ** 53) - 2, -(2 ** 32) + 1]),
    [null, null, -1n, 2n ** 60n, -(2n ** 53n) - 2n, -(2n ** 32n) + 1n],
  );
  assertEquals(values(new arrow.Int32(), [-7]), [null, null, -7, null, null, null]);
  assertEquals(values(new arrow.Bool(), [true, false]), [null, null, true, false, null, null]);
  assertEquals(values(new arrow.Utf8(), ["é", "", "z"]), [null, null, "é", "", "z", null]);
  const list = EXTENDED_CHECKPOINT_SCHEMA.fields.find((f) => f.name === "protocol")!.type
    .children[2].type;
  assertEquals(values(list, [["a", "b"], null, []]), [null, null, ["a", "b"], null, [], null]);
  const map = CHECKPOINT_SCHEMA.fields.find((f) => f.name === "add")!.type.children[1].type;
  assertEquals(
    values(map, [{ k: "v", n: null }, new Map([["m", "w"]])]),
    [null, null, { k: "v", n: null }, { m: "w" }, null, null],
  );
  assertEquals(values(new arrow.Utf8(), []), [null, null, null, null, null, null]);
  assertThrows(() => columnData(new arrow.Utf8(), ["a"], "x", { at: 6, length: 6 }), RangeError);
});
