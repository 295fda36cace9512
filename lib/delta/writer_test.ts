import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { commitFileName } from "./actions.ts";
import { type DeltaFs, joinPath, localFs } from "./fs.ts";
import { latestVersion, readCommit, readSnapshot } from "./log_reader.ts";
import { countRows, readTable } from "./read_data.ts";
import { deltaToArrowSchema } from "./schema.ts";
import { DeltaWriter, SchemaMismatchError } from "./writer.ts";
import { TxnConflictError } from "./commit.ts";
import { allTypesTable, cells } from "../../tests/_delta.ts";
import { plainRows } from "../../tests/_read.ts";
import { parquetSchema } from "../parquet/mod.ts";

const DAY = 86_400_000;

async function tempTable(): Promise<string> {
  return joinPath(await Deno.makeTempDir({ prefix: "tablestream-delta-" }), "t");
}

Deno.test("writer -> reader round trip of every type, nulls included", async () => {
  const path = await tempTable();
  const first = allTypesTable(0, 23);
  const second = allTypesTable(23, 17);
  const writer = await DeltaWriter.open(path, { schema: first.schema, appId: "app-1" });
  assertEquals((await writer.append(first)).version, 0);
  assertEquals((await writer.append(second)).version, 1);

  const snapshot = await readSnapshot(localFs, path);
  assertEquals(snapshot.version, 1);
  assertEquals(snapshot.protocol, { minReaderVersion: 1, minWriterVersion: 2 });
  assertEquals(snapshot.files.length, 2);
  assertEquals(snapshot.txns.get("app-1")?.version, 1);
  assertEquals(countRows(snapshot), 40);
  const schema = JSON.parse(snapshot.metadata.schemaString);
  assertEquals(
    schema.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`),
    [
      "id:long",
      "s:string",
      "l:long",
      "i:integer",
      "sh:short",
      "b:byte",
      "d:double",
      "f:float",
      "bool:boolean",
      "date:date",
      "ts:timestamp",
      "dec:decimal(10,2)",
      "bin:binary",
    ],
  );
  const read = await readTable(localFs, snapshot);
  assertEquals(String(read.schema), String(deltaToArrowSchema(snapshot.metadata.schemaString)));
  const expected = cells(new arrow.Table([...first.batches, ...second.batches]));
  assertEquals(cells(read), expected);
});

Deno.test("commit 0 holds commitInfo first, protocol, metaData, txn and adds with stats", async () => {
  const path = await tempTable();
  const table = allTypesTable(0, 10);
  const writer = await DeltaWriter.open(path, {
    schema: table.schema,
    appId: "app-1",
    tableName: "things",
  });
  await writer.append(table, { txnVersion: 41 });
  const actions = await readCommit(localFs, path, 0);
  assertEquals(actions.map((a) => Object.keys(a)[0]), [
    "commitInfo",
    "protocol",
    "metaData",
    "txn",
    "add",
  ]);
  const info = actions[0].commitInfo!;
  assertEquals(info.operationParameters, { mode: "Append", partitionBy: "[]" });
  assertEquals(info.isBlindAppend, true);
  assertEquals(actions[2].metaData!.name, "things");
  assertEquals(actions[3].txn!.version, 41);
  const add = actions[4].add!;
  assert(/^part-00000-[0-9a-f-]{36}-c000\.snappy\.parquet$/.test(add.path), add.path);
  assertEquals(add.size, (await Deno.stat(joinPath(path, add.path))).size);
  assertEquals(add.dataChange, true);
  const stats = JSON.parse(add.stats!);
  assertEquals(stats.numRecords, 10);
  // Rows 4 and 9 are null in every column but id.
  assertEquals(stats.nullCount, {
    id: 0,
    s: 2,
    l: 2,
    i: 2,
    sh: 2,
    b: 2,
    d: 2,
    f: 2,
    bool: 2,
    date: 2,
    ts: 2,
    dec: 2,
    bin: 2,
  });
  assertEquals(stats.minValues.id, 0);
  assertEquals(stats.maxValues.id, 9);
  assertEquals(stats.minValues.l, 0);
  assertEquals(stats.maxValues.l, 80_000_000_000);
  assertEquals(stats.minValues.i, -50);
  assertEquals(stats.maxValues.d, 2);
  assertEquals(stats.minValues.s, "name-0-é");
  assertEquals(stats.maxValues.s, "name-8-é");
  assertEquals(stats.minValues.date, new Date(19_000 * DAY).toISOString().slice(0, 10));
  assertEquals(stats.maxValues.date, new Date(19_008 * DAY).toISOString().slice(0, 10));
  // Timestamps truncated to milliseconds: 1_700_000_000_000_000 + 8 * 1_000_001 µs.
  assertEquals(stats.minValues.ts, "2023-11-14T22:13:20.000Z");
  assertEquals(stats.maxValues.ts, "2023-11-14T22:13:28.000Z");
  assertEquals(stats.minValues.dec, -3);
  assertEquals(stats.maxValues.dec, 7);
  assertEquals("bin" in stats.minValues || "bool" in stats.minValues, false);
});

Deno.test("stats: exact int64 beyond 2^53, cut long strings, no float bounds with NaN in the file", async () => {
  const path = await tempTable();
  const long = "x".repeat(40);
  const table = new arrow.Table({
    big: arrow.makeVector(BigInt64Array.of(9_007_199_254_740_993n, -5n)),
    s: arrow.vectorFromArray([long, "a"], new arrow.Utf8()),
    f: arrow.makeVector(Float64Array.of(NaN, 1.5)),
    g: arrow.vectorFromArray([NaN, null], new arrow.Float32()),
    h: arrow.makeVector(Float64Array.of(-0.5, 1.5)),
  });
  const writer = await DeltaWriter.open(path, { schema: table.schema, appId: "a" });
  const { added } = await writer.append(table);
  const stats = added[0].stats!;
  assertStringIncludes(stats, '"maxValues":{"big":9007199254740993');
  const parsed = JSON.parse(stats);
  assertEquals(parsed.minValues.s, "a");
  assertEquals(parsed.maxValues.s, "x".repeat(32) + "\u{10FFFF}");
  assert(parsed.maxValues.s > long);
  // Spark orders NaN above every number: a max of 1.5 would let it skip this file for
  // `f > 100`, which the NaN row satisfies. So no bounds at all, only the null count.
  for (const column of ["f", "g"]) {
    assertEquals([column in parsed.minValues, column in parsed.maxValues], [false, false]);
  }
  assertEquals(parsed.nullCount.g, 1);
  assertEquals([parsed.minValues.h, parsed.maxValues.h], [-0.5, 1.5]);
});

Deno.test("partitioned table: hive folders, partition values, rows read back", async () => {
  const path = await tempTable();
  const regions = ["EU", "US", null, "A/B:C", "EU", "US", "EU"];
  const n = regions.length;
  const table = new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from(regions, (_, i) => BigInt(i))),
    region: arrow.vectorFromArray(regions, new arrow.Utf8()),
    day: arrow.makeVector(
      new arrow.Data(new arrow.DateDay(), 0, n, 0, [
        undefined,
        Int32Array.from(regions, (_, i) => 19_000 + (i % 2)),
        undefined,
        undefined,
      ]),
    ),
    amount: arrow.makeVector(Float64Array.from(regions, (_, i) => i * 1.5)),
  });
  const writer = await DeltaWriter.open(path, {
    schema: table.schema,
    appId: "a",
    partitionBy: ["region", "day"],
  });
  const { added } = await writer.append(table);
  const folders = added.map((a) => a.path.split("/").slice(0, 2).join("/")).sort();
  assertEquals(folders, [
    "region=A%252FB%253AC/day=2022-01-09",
    "region=EU/day=2022-01-08",
    "region=US/day=2022-01-09",
    "region=__HIVE_DEFAULT_PARTITION__/day=2022-01-08",
  ]);
  for (const add of added) {
    // The folder on disk is the hive-escaped name; add.path is that, URI-encoded once.
    assert((await Deno.stat(joinPath(path, decodeURIComponent(add.path)))).isFile);
  }
  const nullPartition = added.find((a) => a.partitionValues.region === null)!;
  assertEquals(nullPartition.partitionValues, { region: null, day: "2022-01-08" });
  // Partition columns are not stored in the data files or their stats.
  assertEquals(Object.keys(JSON.parse(added[0].stats!).nullCount).sort(), ["amount", "id"]);

  const snapshot = await readSnapshot(localFs, path);
  assertEquals(snapshot.metadata.partitionColumns, ["region", "day"]);
  assertEquals(cells(await readTable(localFs, snapshot)), cells(table));
});

Deno.test("partition values of every partitionable type read back", async () => {
  const path = await tempTable();
  const table = new arrow.Table({
    id: arrow.makeVector(Int32Array.of(1, 2, 3)),
    n: arrow.makeVector(BigInt64Array.of(-5n, 7n, -5n)),
    flag: arrow.vectorFromArray([true, false, true]),
    ts: arrow.makeVector(
      new arrow.Data(new arrow.TimestampMicrosecond("UTC"), 0, 3, 0, [
        undefined,
        BigInt64Array.of(1_000_001n, -1n, 1_000_001n),
        undefined,
        undefined,
      ]),
    ),
  });
  const writer = await DeltaWriter.open(path, {
    schema: table.schema,
    appId: "a",
    partitionBy: ["n", "flag", "ts"],
  });
  const { added } = await writer.append(table);
  assertEquals(
    added.map((a) => a.partitionValues).sort((a, b) => Number(a.n) - Number(b.n)),
    [
      { n: "-5", flag: "true", ts: "1970-01-01T00:00:01.000001Z" },
      { n: "7", flag: "false", ts: "1969-12-31T23:59:59.999999Z" },
    ],
  );
  assertEquals(cells(await readTable(localFs, await readSnapshot(localFs, path))), cells(table));
});

Deno.test('"" and "__HIVE_DEFAULT_PARTITION__" partition values are logged as null, as Spark writes them', async () => {
  // PROTOCOL.md reads "" as null, but Spark reads a logged "" as an empty string; Polars reads
  // a logged "__HIVE_DEFAULT_PARTITION__" as null, Spark and delta-rs as that string.
  const path = await tempTable();
  const table = new arrow.Table({
    id: arrow.makeVector(Int32Array.of(1, 2, 3, 4)),
    label: arrow.vectorFromArray(["", null, "x", "__HIVE_DEFAULT_PARTITION__"], new arrow.Utf8()),
  });
  const writer = await DeltaWriter.open(path, {
    schema: table.schema,
    appId: "a",
    partitionBy: ["label"],
  });
  const { added } = await writer.append(table);
  assertEquals(added.map((a) => a.partitionValues).sort(), [{ label: null }, { label: "x" }]);
  const rows = await readTable(localFs, await readSnapshot(localFs, path));
  assertEquals(plainRows(rows).sort((a, b) => Number(a.id) - Number(b.id)), [
    { id: 1, label: null },
    { id: 2, label: null },
    { id: 3, label: "x" },
    { id: 4, label: null },
  ]);
});

Deno.test("a non-ASCII partition folder is logged raw in add.path, as Spark writes it", async () => {
  const path = await tempTable();
  const table = new arrow.Table({
    id: arrow.makeVector(Int32Array.of(1, 2)),
    city: arrow.vectorFromArray(["München", "New York"], new arrow.Utf8()),
  });
  const writer = await DeltaWriter.open(path, {
    schema: table.schema,
    appId: "a",
    partitionBy: ["city"],
  });
  const { added } = await writer.append(table);
  const folders = added.map((a) => a.path.split("/")[0]).sort();
  assertEquals(folders, ["city=München", "city=New%20York"]);
  for (const add of added) {
    assert((await Deno.stat(joinPath(path, decodeURIComponent(add.path)))).isFile);
  }
  assertEquals(cells(await readTable(localFs, await readSnapshot(localFs, path))), cells(table));
});

Deno.test("a float partition value of negative zero keeps its sign", async () => {
  const path = await tempTable();
  const table = new arrow.Table({
    id: arrow.makeVector(Int32Array.of(1, 2)),
    f: arrow.makeVector(Float64Array.of(-0, 0)),
  });
  const writer = await DeltaWriter.open(path, {
    schema: table.schema,
    appId: "a",
    partitionBy: ["f"],
  });
  const { added } = await writer.append(table);
  assertEquals(added.map((a) => a.partitionValues.f), ["-0", "0"]);
  const read = await readTable(localFs, await readSnapshot(localFs, path));
  const byId = new Map(plainRows(read).map((row) => [row.id, row.f]));
  assert(Object.is(byId.get(1), -0) && Object.is(byId.get(2), 0), "signs of zero");
});

Deno.test("rows on the writer's own schema and rows to conform to it are written alike", async () => {
  const path = await tempTable();
  const own = allTypesTable(0, 4);
  const writer = await DeltaWriter.open(path, {
    schema: own.schema,
    appId: "a",
    targetFileRows: 3,
  });
  // A tick's rows on the writer's very schema are taken as they are; the same rows with their
  // columns reversed (another schema object) are conformed first; both cut at 3 rows a file.
  await writer.append(own);
  const names = own.schema.fields.map((f) => f.name).reverse();
  await writer.append(allTypesTable(4, 4).select(names));
  const snapshot = await readSnapshot(localFs, path);
  assertEquals(snapshot.files.length, 4);
  const read = await readTable(localFs, snapshot);
  assertEquals(read.schema.fields.map((f) => f.name), own.schema.fields.map((f) => f.name));
  assertEquals(cells(read), cells(allTypesTable(0, 8)));
});

Deno.test("overwrite removes every active file in the same commit", async () => {
  const path = await tempTable();
  const writer = await DeltaWriter.open(path, { schema: allTypesTable(0, 1).schema, appId: "a" });
  await writer.append(allTypesTable(0, 5));
  await writer.append(allTypesTable(5, 5));
  const replacement = allTypesTable(100, 3);
  const result = await writer.overwrite(replacement);
  assertEquals(result.version, 2);
  const actions = await readCommit(localFs, path, 2);
  assertEquals(actions[0].commitInfo!.operationParameters, {
    mode: "Overwrite",
    partitionBy: "[]",
  });
  assertEquals(actions.filter((a) => a.remove).length, 2);
  assert(actions.filter((a) => a.remove).every((a) => a.remove!.dataChange));
  const snapshot = await readSnapshot(localFs, path);
  assertEquals(snapshot.files.length, 1);
  assertEquals(cells(await readTable(localFs, snapshot)), cells(replacement));
  // Old files stay on disk for readers of older versions.
  const old = await readSnapshot(localFs, path, { version: 1 });
  assertEquals(countRows(old), 10);
  assertEquals((await readTable(localFs, old)).numRows, 10);
});

Deno.test("overwrite with another schema keeps the table id and replaces the schema", async () => {
  const path = await tempTable();
  const a = new arrow.Table({ x: arrow.makeVector(Int32Array.of(1)) });
  const b = new arrow.Table({ y: arrow.vectorFromArray(["z"], new arrow.Utf8()) });
  await (await DeltaWriter.open(path, { schema: a.schema, appId: "w" })).append(a);
  const id = (await readSnapshot(localFs, path)).metadata.id;
  const writer = await DeltaWriter.open(path, { schema: b.schema, appId: "w" });
  assertEquals(writer.schemaDifference(), 'column "y" is not in the table');
  await assertRejects(
    () => writer.append(b),
    SchemaMismatchError,
    'column "y" is not in the table',
  );
  await writer.overwrite(b);
  const snapshot = await readSnapshot(localFs, path);
  assertEquals(snapshot.metadata.id, id);
  assertEquals(cells(await readTable(localFs, snapshot), "y"), cells(b, "y"));
});

Deno.test("append refuses a table with other column types, naming the column", async () => {
  const path = await tempTable();
  const a = new arrow.Table({ x: arrow.makeVector(Int32Array.of(1)) });
  const b = new arrow.Table({ x: arrow.makeVector(BigInt64Array.of(1n)) });
  await (await DeltaWriter.open(path, { schema: a.schema, appId: "w" })).append(a);
  const writer = await DeltaWriter.open(path, { schema: b.schema, appId: "w" });
  await assertRejects(
    () => writer.append(b),
    SchemaMismatchError,
    'column "x" is "integer" in the table, "long" in the data',
  );
  assertEquals(await latestVersion(localFs, path), 0);
});

Deno.test("txn versions: default is last + 1, an already committed version is refused", async () => {
  const path = await tempTable();
  const t = allTypesTable(0, 2);
  const writer = await DeltaWriter.open(path, { schema: t.schema, appId: "gen" });
  await writer.append(t, { txnVersion: 5 });
  await writer.append(t);
  assertEquals(writer.lastTxnVersion(), 6);
  await assertRejects(() => writer.append(t, { txnVersion: 6 }), Error, "txn version 6");
  const reopened = await DeltaWriter.open(path, { schema: t.schema, appId: "gen" });
  assertEquals(reopened.lastTxnVersion(), 6);
  assertEquals(reopened.lastTxnVersion("other"), undefined);
});

Deno.test("txnAfter: a commit that no longer follows its application's txn fails, naming it", async () => {
  const path = await tempTable();
  const t = allTypesTable(0, 2);
  const a = await DeltaWriter.open(path, { schema: t.schema, appId: "run" });
  await a.append(t, { txnVersion: 0, txnAfter: -1 });
  const b = await DeltaWriter.open(path, { schema: t.schema, appId: "run" });
  await b.append(t, { txnVersion: 3, txnAfter: 0 });
  // a's view is stale: it loses the race, and the winner's txn is found before anything else.
  const raced = await assertRejects(
    () => a.append(t, { txnVersion: 2, txnAfter: 0 }),
    TxnConflictError,
    'same application id "run"',
  );
  assertEquals((raced as TxnConflictError).txnVersion, 3);
  // A fresh view sees txn 3, not the 1 it expects.
  const c = await DeltaWriter.open(path, { schema: t.schema, appId: "run" });
  const stale = await assertRejects(
    () => c.append(t, { txnVersion: 4, txnAfter: 1 }),
    TxnConflictError,
    "holds txn version 3",
  );
  assertEquals((stale as TxnConflictError).txnVersion, 3);
  assertEquals(await latestVersion(localFs, path), 1, "nothing more was committed");
  await c.append(t, { txnVersion: 4, txnAfter: 3 });
  assertEquals(c.lastTxnVersion(), 4);
});

Deno.test("checkpoint every 10 commits, in Spark's schema, used by the reader", async () => {
  const path = await tempTable();
  const writer = await DeltaWriter.open(path, { schema: allTypesTable(0, 1).schema, appId: "a" });
  await writer.append(allTypesTable(0, 3));
  await writer.overwrite(allTypesTable(3, 3)); // a tombstone for the checkpoint
  for (let c = 2; c <= 12; c++) await writer.append(allTypesTable(c * 3, 3));
  const log = joinPath(path, "_delta_log");
  const lastCheckpoint = JSON.parse(await Deno.readTextFile(joinPath(log, "_last_checkpoint")));
  assertEquals(lastCheckpoint.version, 10);
  assertEquals(lastCheckpoint.numOfAddFiles, 10);
  assert((await Deno.stat(joinPath(log, "00000000000000000010.checkpoint.parquet"))).isFile);

  const full = await readSnapshot(localFs, path);
  assertEquals(full.checkpointVersion, 10);
  assertEquals(full.version, 12);
  assertEquals(full.txns.get("a")?.version, 12);
  assertEquals(full.tombstones.length, 1);
  // The checkpoint alone must carry the state: without commits 0-10 the table reads the same.
  for (let v = 0; v <= 10; v++) await Deno.remove(joinPath(log, commitFileName(v)));
  const fromCheckpoint = await readSnapshot(localFs, path);
  assertEquals(fromCheckpoint.version, 12);
  assertEquals(fromCheckpoint.metadata, full.metadata);
  assertEquals(fromCheckpoint.protocol, full.protocol);
  assertEquals(
    fromCheckpoint.files.map((f) => [f.path, f.size, f.stats]).sort(),
    full.files.map((f) => [f.path, f.size, f.stats]).sort(),
  );
  assertEquals(fromCheckpoint.txns.get("a")?.version, 12);
  assertEquals(fromCheckpoint.tombstones.length, 1);
  const expected = cells(
    new arrow.Table(
      Array.from({ length: 12 }, (_, c) => allTypesTable(3 + c * 3, 3).batches).flat(),
    ),
  );
  assertEquals(cells(await readTable(localFs, fromCheckpoint)), expected);
});

/** A file system that dies (throws) at one step, as a crash there would leave the disk. */
function crashingFs(step: "writeNew" | "putIfAbsent", after: (path: string) => boolean): DeltaFs {
  return {
    ...localFs,
    async writeNew(path, data) {
      if (step === "writeNew" && after(path)) throw new Error("crash");
      return await localFs.writeNew(path, data);
    },
    async putIfAbsent(path, data) {
      if (step === "putIfAbsent" && after(path)) throw new Error("crash");
      return await localFs.putIfAbsent(path, data);
    },
  };
}

Deno.test("a crash before or during the commit leaves the previous version intact", async () => {
  for (
    const [step, match] of [
      ["writeNew", (p: string) => p.endsWith(".parquet")],
      ["putIfAbsent", (p: string) => p.endsWith(".json")],
    ] as const
  ) {
    const path = await tempTable();
    const t = allTypesTable(0, 4);
    await (await DeltaWriter.open(path, { schema: t.schema, appId: "a" })).append(t);
    const crashing = await DeltaWriter.open(path, {
      schema: t.schema,
      appId: "a",
      fs: crashingFs(step, match),
    });
    await assertRejects(() => crashing.append(allTypesTable(4, 4)), Error, "crash");
    const snapshot = await readSnapshot(localFs, path);
    assertEquals(snapshot.version, 0);
    assertEquals(cells(await readTable(localFs, snapshot)), cells(t));
    // The next writer resumes after the last committed batch.
    const next = await DeltaWriter.open(path, { schema: t.schema, appId: "a" });
    assertEquals(next.lastTxnVersion(), 0);
    await next.append(allTypesTable(4, 4));
    assertEquals(countRows(await readSnapshot(localFs, path)), 8);
  }
});

Deno.test("a lost race is retried at the next version; a concurrent schema change fails", async () => {
  const path = await tempTable();
  const t = allTypesTable(0, 2);
  const a = await DeltaWriter.open(path, { schema: t.schema, appId: "a" });
  await a.append(t);
  const b = await DeltaWriter.open(path, { schema: t.schema, appId: "b" });
  await a.append(allTypesTable(2, 2)); // b's view is now stale
  const result = await b.append(allTypesTable(4, 2));
  assertEquals(result.version, 2);
  assertEquals(result.retries, 1);
  assertEquals(countRows(await readSnapshot(localFs, path)), 6);
  // b now knows the log is shared: it reads ahead before committing, and loses no race to
  // a commit made before its own began. a, a single writer until b's commit, loses one.
  assertEquals((await a.append(allTypesTable(6, 2))).retries, 1);
  const next = await b.append(allTypesTable(8, 2));
  assertEquals(next.version, 4);
  assertEquals(next.retries, 0);
  await b.append(allTypesTable(10, 2));
  assertEquals((await a.append(allTypesTable(12, 2))).retries, 0);
  assertEquals(countRows(await readSnapshot(localFs, path)), 14);

  const c = await DeltaWriter.open(path, { schema: t.schema, appId: "c" });
  const other = new arrow.Table({ q: arrow.makeVector(Int32Array.of(1)) });
  await (await DeltaWriter.open(path, { schema: other.schema, appId: "d" })).overwrite(other);
  await assertRejects(() => c.append(t), Error, "changed the table's metadata");
  assertEquals(await latestVersion(localFs, path), 7);
});

Deno.test("a timestamp_ntz column: protocol 3/7 with timestampNtz; UTC data appends as wall-clock time", async () => {
  const path = await tempTable();
  const micros = BigInt64Array.of(1_000_000n, 2_000_000n);
  const naive = new arrow.Table({
    at: arrow.makeVector(
      arrow.makeData({ type: new arrow.TimestampMicrosecond(), length: 2, data: micros }),
    ),
  });
  await (await DeltaWriter.open(path, { schema: naive.schema, appId: "w" })).append(naive);
  const snapshot = await readSnapshot(localFs, path);
  assertEquals(snapshot.protocol, {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: ["timestampNtz"],
    writerFeatures: ["timestampNtz"],
  });
  const utc = new arrow.Table({
    at: arrow.makeVector(
      arrow.makeData({ type: new arrow.TimestampMicrosecond("UTC"), length: 2, data: micros }),
    ),
  });
  // UTC timestamps append as their UTC wall-clock time: the same microseconds, no zone.
  const writer = await DeltaWriter.open(path, { schema: utc.schema, appId: "w" });
  assertEquals(writer.schemaDifference(), undefined);
  assertEquals(writer.takesEncodedFiles, false);
  const [added] = (await writer.append(utc)).added;
  assertEquals(JSON.parse(added.stats!).minValues, { at: "1970-01-01T00:00:01.000" });
  const read = await readTable(localFs, await readSnapshot(localFs, path));
  assertEquals(String(read.schema.fields[0].type), "Timestamp<MICROSECOND>");
  assertEquals([...read.getChild("at")!.data.flatMap((d) => [...(d.values as BigInt64Array)])], [
    1_000_000n,
    2_000_000n,
    1_000_000n,
    2_000_000n,
  ]);
  const file = await parquetSchema(await Deno.readFile(joinPath(path, added.path)));
  assertEquals(String(file.fields[0].type), "Timestamp<MICROSECOND>");
  // An overwrite to timestamp_ntz of a table without the feature is refused.
  const plain = await tempTable();
  await (await DeltaWriter.open(plain, { schema: utc.schema, appId: "w" })).append(utc);
  const toNaive = await DeltaWriter.open(plain, { schema: naive.schema, appId: "w" });
  await assertRejects(() => toNaive.overwrite(naive), Error, "lacks the timestampNtz feature");
  assertEquals((await readSnapshot(localFs, plain)).version, 0);
});
