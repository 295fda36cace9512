import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { commitFileName } from "./actions.ts";
import { joinPath, localFs } from "./fs.ts";
import { readSnapshot } from "./log_reader.ts";
import { countRows } from "./read_data.ts";
import { DeltaWriter } from "./writer.ts";
import { clusteringColumns } from "./domains.ts";
import { rowIdHighWaterMark } from "./row_tracking.ts";
import { deltaToArrowSchema } from "./schema.ts";
import { readParquetColumns } from "../parquet/mod.ts";
import { copyDir } from "../../tests/_delta.ts";
import { checkTableProperties, newTableProtocol } from "./table_properties.ts";

function rows(start: number, n: number): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i))),
  });
}

/** A table of `commits` appends of 2 rows, with `properties`. */
async function table(commits: number, properties: Record<string, string> = {}): Promise<string> {
  const path = joinPath(await Deno.makeTempDir({ prefix: "tablestream-v2cp-" }), "t");
  const writer = await DeltaWriter.open(path, {
    schema: rows(0, 1).schema,
    appId: "app",
    properties,
  });
  for (let c = 0; c < commits; c++) await writer.append(rows(2 * c, 2));
  return path;
}

/** Removes the commits before `version`: replay must then start at a checkpoint. */
async function dropCommitsBefore(path: string, version: number): Promise<void> {
  for (let v = 0; v < version; v++) {
    await Deno.remove(joinPath(path, `_delta_log/${commitFileName(v)}`));
  }
}

function logNames(path: string): string[] {
  return [...Deno.readDirSync(joinPath(path, "_delta_log"))].map((e) => e.name).sort();
}

Deno.test("a v2Checkpoint table gets UUID-named V2 spec checkpoints, named by _last_checkpoint", async () => {
  const path = await table(11, { "delta.checkpointPolicy": "v2" });
  const before = await readSnapshot(localFs, path);
  assertEquals(before.protocol, {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: ["v2Checkpoint"],
    writerFeatures: ["v2Checkpoint"],
  });
  const checkpoints = logNames(path).filter((n) => n.includes(".checkpoint."));
  assertEquals(checkpoints.length, 1, "no classic or multi-part checkpoint beside it");
  const name = checkpoints[0];
  assert(/^0{18}10\.checkpoint\.[0-9a-f-]{36}\.parquet$/.test(name), name);
  const last = JSON.parse(await Deno.readTextFile(joinPath(path, "_delta_log/_last_checkpoint")));
  assertEquals(last.version, 10);
  assertEquals(last.v2Checkpoint.path, name);
  assertEquals(
    last.v2Checkpoint.sizeInBytes,
    Deno.statSync(joinPath(path, `_delta_log/${name}`)).size,
  );

  // Its first row is the checkpointMetadata of version 10; its file actions are in it.
  const { table: read } = await readParquetColumns(
    await Deno.readFile(joinPath(path, `_delta_log/${name}`)),
    ["checkpointMetadata", "add"],
  );
  assertEquals(Number(read.getChild("checkpointMetadata")!.get(0)!.version), 10);
  const adds = [...read.getChild("add")!].filter((a) => a !== null);
  assertEquals(adds.length, 11);

  // Read from the checkpoint alone: the same table.
  await dropCommitsBefore(path, 10);
  const after = await readSnapshot(localFs, path);
  assertEquals(after.checkpointVersion, 10);
  assertEquals(after.files, before.files);
  assertEquals(countRows(after), 22);

  // A V2 spec checkpoint may also be classic-named (the protocol allows both namings).
  await Deno.remove(joinPath(path, "_delta_log/_last_checkpoint"));
  await Deno.rename(
    joinPath(path, `_delta_log/${name}`),
    joinPath(path, `_delta_log/${commitFileName(10).slice(0, 20)}.checkpoint.parquet`),
  );
  const classic = await readSnapshot(localFs, path);
  assertEquals(classic.checkpointVersion, 10);
  assertEquals(classic.files, before.files);
});

Deno.test("a JSON V2 checkpoint's file actions are read from its sidecars; a missing one fails", async () => {
  const path = await table(11);
  const before = await readSnapshot(localFs, path);
  const log = joinPath(path, "_delta_log");
  // Our classic checkpoint at 10 becomes a sidecar (its add and remove columns are read).
  await Deno.mkdir(joinPath(log, "_sidecars"));
  const prefix = commitFileName(10).slice(0, 20);
  const sidecar = `${prefix}.checkpoint.0000000001.0000000001.${crypto.randomUUID()}.parquet`;
  await Deno.rename(
    joinPath(log, `${prefix}.checkpoint.parquet`),
    joinPath(log, `_sidecars/${sidecar}`),
  );
  await Deno.remove(joinPath(log, "_last_checkpoint"));
  const v2 = [
    { checkpointMetadata: { version: 10 } },
    { sidecar: { path: sidecar, sizeInBytes: 1, modificationTime: 0 } },
    { protocol: before.protocol },
    { metaData: before.metadata },
    { txn: before.txns.get("app") },
    { domainMetadata: { domain: "zz.user", configuration: "{}", removed: false } },
  ].map((a) => JSON.stringify(a)).join("\n");
  const name = `${prefix}.checkpoint.${crypto.randomUUID()}.json`;
  await Deno.writeTextFile(joinPath(log, name), v2 + "\n");
  await dropCommitsBefore(path, 10);

  const after = await readSnapshot(localFs, path);
  assertEquals(after.checkpointVersion, 10);
  assertEquals(after.files.map((f) => f.path), before.files.map((f) => f.path));
  assertEquals(after.txns.get("app")?.version, 10);
  assertEquals(after.domains?.map((d) => d.domain), ["zz.user"]);
  assertEquals(countRows(after), 22);

  await Deno.remove(joinPath(log, `_sidecars/${sidecar}`));
  await assertRejects(() => readSnapshot(localFs, path), Error, `names the sidecar file`);
});

Deno.test("log compaction files are not needed: a wrong one changes nothing", async () => {
  const path = await table(4);
  const before = await readSnapshot(localFs, path);
  await Deno.writeTextFile(
    joinPath(
      path,
      `_delta_log/${commitFileName(1).slice(0, 20)}.${
        commitFileName(3).slice(0, 20)
      }.compacted.json`,
    ),
    '{"remove":{"path":"nothing","dataChange":true}}\nnot json\n',
  );
  const after = await readSnapshot(localFs, path);
  assertEquals(after.files, before.files);
  assertEquals(after.history.length, 4);
});

Deno.test("table properties: delta.checkpointPolicy and delta.enableRowTracking, checked and their features", () => {
  assertEquals(
    checkTableProperties({ "delta.checkpointPolicy": "v2", "delta.enableRowTracking": "true" }),
    [],
  );
  const problems = checkTableProperties({
    "delta.checkpointPolicy": "v3",
    "delta.enableRowTracking": "yes",
  });
  assertEquals(problems.map((p) => [p.name, p.message]), [
    ["delta.checkpointPolicy", 'takes "classic", "v2", got "v3"'],
    ["delta.enableRowTracking", 'takes "true" or "false", got "yes"'],
  ]);
  const schema = '{"type":"struct","fields":[]}';
  assertEquals(newTableProtocol(schema, { "delta.checkpointPolicy": "classic" }), {
    minReaderVersion: 1,
    minWriterVersion: 2,
  });
  assertEquals(
    newTableProtocol(schema, { "delta.checkpointPolicy": "v2", "delta.enableRowTracking": "true" }),
    {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["v2Checkpoint"],
      writerFeatures: ["domainMetadata", "rowTracking", "v2Checkpoint"],
    },
  );
});

/** Spark's table: V2 JSON checkpoint at 3 with sidecars, row tracking, clustering by id. */
const SPARK_V2_LOG = new URL("../../tests/fixtures/delta/spark_v2_log", import.meta.url).pathname;

Deno.test("Spark's V2 checkpoint with sidecars, row tracking and clustering: read, appended to, checkpointed", async () => {
  const log = joinPath(SPARK_V2_LOG, "_delta_log");
  const names = logNames(SPARK_V2_LOG);
  assert(names.some((n) => /^0{19}3\.checkpoint\.[0-9a-f-]{36}\.json$/.test(n)), names.join(" "));
  assert([...Deno.readDirSync(joinPath(log, "_sidecars"))].length >= 2, "sidecars");
  const spark = await readSnapshot(localFs, SPARK_V2_LOG);
  assertEquals([spark.version, spark.checkpointVersion], [4, 3]);
  assertEquals(countRows(spark), 8);
  const domains = new Map(spark.domains!.map((d) => [d.domain, d]));
  assertEquals(clusteringColumns(domains), ["id"]);
  const ids = spark.files.map((f) => f.baseRowId!);
  assertEquals(new Set(ids).size, spark.files.length, "files' row ids from the sidecars");
  assertEquals(rowIdHighWaterMark(domains), 7);

  // Appended to by us until our own V2 checkpoint at 6, which keeps Spark's domains.
  const path = joinPath(await Deno.makeTempDir({ prefix: "tablestream-v2cp-" }), "t");
  await copyDir(SPARK_V2_LOG, path);
  const writer = await DeltaWriter.open(path, {
    schema: deltaToArrowSchema(spark.metadata.schemaString),
    appId: "app",
  });
  const more = new arrow.Table({
    id: arrow.makeVector(BigInt64Array.of(9n, 10n)),
    name: arrow.vectorFromArray(["x", "y"], new arrow.Utf8()),
  });
  await writer.append(more);
  await writer.append(more);
  await dropCommitsBefore(path, 6);
  const ours = await readSnapshot(localFs, path);
  assertEquals([ours.version, ours.checkpointVersion], [6, 6]);
  assertEquals(countRows(ours), 12);
  const after = new Map(ours.domains!.map((d) => [d.domain, d]));
  assertEquals(clusteringColumns(after), ["id"]);
  assertEquals(rowIdHighWaterMark(after), 11);
  assertEquals(ours.files.slice(-2).map((f) => [f.baseRowId, f.defaultRowCommitVersion]), [
    [8, 5],
    [10, 6],
  ]);
  assertEquals(ours.protocol, spark.protocol);
});
