import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { latestVersion, readSnapshot } from "../../lib/delta/log_reader.ts";
import { readTable } from "../../lib/delta/read_data.ts";
import { createDeltaSink } from "./delta.ts";
import { assertCommitPointChecked } from "../../tests/_sink_contract.ts";
import { createParquetSink } from "./parquet.ts";

const USERS = [{ name: "users", schema: SAMPLE_SCHEMA }];

async function ids(table: string): Promise<string[]> {
  const data = await readTable(localFs, await readSnapshot(localFs, table), { columns: ["id"] });
  return [...data.getChild("id")!].map(String);
}

async function writeUsers(dir: string, mode: "error" | "append" | "overwrite", start: number) {
  const sink = createDeltaSink({ dir });
  await sink.open(USERS, { mode });
  await sink.write("users", sampleBatch(3, start));
  await sink.write("users", sampleBatch(2, start + 3));
  await sink.close();
}

Deno.test("delta sink: one commit per close, append adds, overwrite replaces", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  await writeUsers(dir, "error", 0);
  const table = `${dir}/users`;
  assertEquals(await latestVersion(localFs, table), 0);
  assertEquals(await ids(table), ["0", "1", "2", "3", "4"]);
  const snapshot = await readSnapshot(localFs, table);
  assertEquals(snapshot.txns.get("tablestream:users")?.version, 0);
  assertEquals(snapshot.metadata.name, "users");

  await writeUsers(dir, "append", 5);
  assertEquals(await latestVersion(localFs, table), 1);
  assertEquals((await ids(table)).length, 10);
  assertEquals((await readSnapshot(localFs, table)).txns.get("tablestream:users")?.version, 1);

  await writeUsers(dir, "overwrite", 100);
  assertEquals(await latestVersion(localFs, table), 2);
  assertEquals(await ids(table), ["100", "101", "102", "103", "104"]);
});

Deno.test("delta sink: mode error refuses an existing table and writes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  await writeUsers(dir, "error", 0);
  const sink = createDeltaSink({ dir });
  const error = await assertRejects(() => sink.open(USERS, { mode: "error" }), Error);
  assertStringIncludes(error.message, "already exists (version 0)");
  assertStringIncludes(error.message, "--mode append");
  assertEquals(await latestVersion(localFs, `${dir}/users`), 0);
});

Deno.test("delta sink: append to a table of another schema fails at open", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  await writeUsers(dir, "error", 0);
  const other = new arrow.Schema([new arrow.Field("id", new arrow.Utf8(), true)]);
  const sink = createDeltaSink({ dir });
  const error = await assertRejects(
    () => sink.open([{ name: "users", schema: other }], { mode: "append" }),
    Error,
  );
  assertStringIncludes(error.message, 'column "id" is "long" in the table, "string" in the data');
  assertStringIncludes(error.message, "--mode overwrite");
});

Deno.test("delta sink: refuses a non-empty folder that is not a Delta table", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  await Deno.mkdir(`${dir}/users`);
  await Deno.writeTextFile(`${dir}/users/notes.txt`, "mine");
  for (const mode of ["error", "append", "overwrite"] as const) {
    const sink = createDeltaSink({ dir });
    const error = await assertRejects(() => sink.open(USERS, { mode }), Error);
    assertStringIncludes(error.message, "is not a Delta table");
  }
  assertEquals(await Deno.readTextFile(`${dir}/users/notes.txt`), "mine");
});

Deno.test("delta sink: a table without rows is still created; overwrite empties", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  const sink = createDeltaSink({ dir });
  await sink.open(USERS, { mode: "error" });
  await sink.close();
  const snapshot = await readSnapshot(localFs, `${dir}/users`);
  assertEquals(snapshot.files.length, 0);
  assertEquals((await readTable(localFs, snapshot)).numRows, 0);
  await writeUsers(dir, "append", 0);
  const empty = createDeltaSink({ dir });
  await empty.open(USERS, { mode: "overwrite" });
  await empty.close();
  assertEquals(await ids(`${dir}/users`), []);
});

Deno.test("delta sink: files every targetFileRows, committed only at flush", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  const sink = createDeltaSink({ dir, targetFileRows: 4, compression: "zstd" });
  await sink.open(USERS, { mode: "error" });
  await sink.write("users", sampleBatch(5, 0));
  // A data file exists, but no commit yet: readers see no table.
  assertEquals(await latestVersion(localFs, `${dir}/users`), null);
  await sink.flush();
  await sink.write("users", sampleBatch(3, 5));
  await sink.close();
  const snapshot = await readSnapshot(localFs, `${dir}/users`);
  assertEquals(snapshot.version, 1);
  // 5 rows cut at 4, then the 3 of the last commit.
  assertEquals(snapshot.files.map((f) => JSON.parse(f.stats!).numRecords), [4, 1, 3]);
  assert(snapshot.files.every((f) => f.path.endsWith(".zstd.parquet")));
  assertEquals((await ids(`${dir}/users`)).length, 8);
});

Deno.test("delta sink: abort removes uncommitted files and the table it created", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  const sink = createDeltaSink({ dir, targetFileRows: 2 });
  await sink.open(USERS, { mode: "error" });
  await sink.write("users", sampleBatch(5, 0));
  await sink.abort!();
  assertEquals([...Deno.readDirSync(dir)], []);

  await writeUsers(dir, "error", 0);
  const again = createDeltaSink({ dir, targetFileRows: 2 });
  await again.open(USERS, { mode: "append" });
  await again.write("users", sampleBatch(5, 10));
  await again.abort!();
  const files = [...Deno.readDirSync(`${dir}/users`)].filter((e) => e.name.endsWith(".parquet"));
  assertEquals(files.length, 1, "only the committed file stays");
  assertEquals((await ids(`${dir}/users`)).length, 5);
});

Deno.test("delta sink: partition_by gives a partitioned table", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  const sink = createDeltaSink({ dir });
  const partitionBy = [SAMPLE_SCHEMA.fields[1].name];
  await sink.open([{ name: "users", schema: SAMPLE_SCHEMA, partitionBy }], { mode: "error" });
  await sink.write("users", sampleBatch(6, 0));
  await sink.close();
  const snapshot = await readSnapshot(localFs, `${dir}/users`);
  assertEquals(snapshot.metadata.partitionColumns, partitionBy);
  assert(snapshot.files.every((f) => f.path.startsWith(`${partitionBy[0]}=`)));
  assertEquals((await ids(`${dir}/users`)).sort(), ["0", "1", "2", "3", "4", "5"]);
});

Deno.test("file sinks refuse mode append", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  const sink = createParquetSink({ dir });
  const error = await assertRejects(() => sink.open(USERS, { mode: "append" }), Error);
  assertStringIncludes(error.message, "--format delta");
});

Deno.test("delta sink: large writes are encoded as they come, cut exactly every targetFileRows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  const sink = createDeltaSink({ dir, targetFileRows: 40_000 });
  await sink.open(USERS, { mode: "error" });
  for (let start = 0; start < 100_000; start += 30_000) {
    await sink.write("users", sampleBatch(Math.min(30_000, 100_000 - start), start));
  }
  await sink.close();
  const snapshot = await readSnapshot(localFs, `${dir}/users`);
  assertEquals(snapshot.files.map((f) => JSON.parse(f.stats!).numRecords), [
    40_000,
    40_000,
    20_000,
  ]);
  assertEquals(JSON.parse(snapshot.files[1].stats!).minValues.id, 40_000);
  const read = await ids(`${dir}/users`);
  assertEquals(read.length, 100_000);
  assertEquals(read.every((id, i) => id === String(i)), true, "every row, in order");
});

Deno.test("delta sink: a commit point that no longer follows the table is refused whole", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  await assertCommitPointChecked(() => createDeltaSink({ dir }));
  // The refused flush's data files went with it: every file on disk is in the log.
  const snapshot = await readSnapshot(localFs, `${dir}/t`);
  const files = [...Deno.readDirSync(`${dir}/t`)].filter((e) => e.isFile).map((e) => e.name);
  assertEquals(files.sort(), snapshot.files.map((f) => f.path).sort());
});

Deno.test("delta sink: expected properties are checked with the commit; the first claim wins", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  try {
    const claim = async (shard: number, state: string) => {
      const sink = createDeltaSink({ dir });
      await sink.open([{ ...USERS[0], appId: `app:shard-${shard}-of-2` }], { mode: "append" });
      try {
        await sink.flush({ tick: -1, after: -1, properties: { state }, expect: { state: null } });
        await sink.close();
        return "won";
      } catch (error) {
        await sink.abort!();
        return (error as Error).name;
      }
    };
    // Both race for an absent table: one creates it, the other finds the property set.
    const results = await Promise.all([claim(0, "s0"), claim(1, "s1")]);
    const winner = results.indexOf("won"); // before sorting: which shard won
    assertEquals([...results].sort(), ["PropertyConflict", "won"]);
    const snapshot = await readSnapshot(localFs, `${dir}/users`);
    assertEquals(snapshot.version, 0);
    assertEquals(snapshot.metadata.configuration.state, ["s0", "s1"][winner] ?? undefined);
    const sink = createDeltaSink({ dir });
    const points = await sink.commitPoints!("users");
    assertEquals(points?.size, 1);
    assertEquals([...points!.values()], [-1]);
    assertEquals(await sink.commitPoints!("absent"), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("delta sink: a folder holding only _delta_log is a table being created, not refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  try {
    await Deno.mkdir(`${dir}/users/_delta_log/.tmp`, { recursive: true });
    await writeUsers(dir, "append", 0);
    assertEquals((await ids(`${dir}/users`)).length, 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("delta sink: data files of a writer stopped before its first commit are not a stranger's", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-delta-sink-" });
  try {
    // A process killed after writing a data file, before the table's first commit (no
    // discard runs): the folder holds that file and the log folder, without a commit.
    const killed = createDeltaSink({ dir, targetFileRows: 20_000 });
    await killed.open(USERS, { mode: "error" });
    await killed.write("users", sampleBatch(60_000, 0));
    assertEquals(await latestVersion(localFs, `${dir}/users`), null);
    const names = (await Array.fromAsync(Deno.readDir(`${dir}/users`))).map((e) => e.name);
    assert(names.some((name) => name.endsWith(".parquet")), `a data file: ${names}`);
    // The restart takes the folder as its own: only its rows are in the table.
    await writeUsers(dir, "error", 100);
    assertEquals((await ids(`${dir}/users`)).sort(), ["100", "101", "102", "103", "104"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("delta sink: a folder of someone else's files is refused, naming what it holds", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/users`);
    for (const name of ["a.csv", "b.csv", "c.csv", "d.csv"]) {
      await Deno.writeTextFile(`${dir}/users/${name}`, "");
    }
    const sink = createDeltaSink({ dir });
    const error = await assertRejects(() => sink.open(USERS, { mode: "append" }), Error);
    assertStringIncludes(
      error.message,
      `is not empty (it holds "a.csv", "b.csv", "c.csv" and 1 more)`,
    );
    // Nothing of ours was written beside them.
    assertEquals((await Array.fromAsync(Deno.readDir(`${dir}/users`))).length, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
