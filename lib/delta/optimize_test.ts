import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { type DeltaFs, joinPath, localFs } from "./fs.ts";
import { readCommit, readSnapshot } from "./log_reader.ts";
import { readTable } from "./read_data.ts";
import { optimize } from "./optimize.ts";
import { DeltaWriter } from "./writer.ts";
import { cells, copyDir } from "../../tests/_delta.ts";
import { deltaFixtureTest } from "../../tests/_external.ts";

function batch(start: number, rows: number): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from({ length: rows }, (_, i) => BigInt(start + i))),
    region: arrow.vectorFromArray(
      Array.from({ length: rows }, (_, i) => ((start + i) % 2 ? "EU" : "US")),
      new arrow.Utf8(),
    ),
  });
}

async function streamedTable(commits: number): Promise<{ path: string; writer: DeltaWriter }> {
  const path = joinPath(await Deno.makeTempDir({ prefix: "tablestream-optimize-" }), "t");
  const writer = await DeltaWriter.open(path, {
    schema: batch(0, 1).schema,
    appId: "stream",
    partitionBy: ["region"],
  });
  for (let c = 0; c < commits; c++) await writer.append(batch(c * 10, 10));
  return { path, writer };
}

/** The local disk, where `race` runs once just before the first commit is published. */
function racingFs(race: () => Promise<unknown>): DeltaFs {
  let raced = false;
  return {
    ...localFs,
    async putIfAbsent(path, data) {
      if (!raced && path.endsWith(".json")) {
        raced = true;
        await race();
      }
      return await localFs.putIfAbsent(path, data);
    },
  };
}

function parquetFiles(path: string): number {
  let n = 0;
  for (const region of Deno.readDirSync(path)) {
    if (!region.name.startsWith("region=")) continue;
    n += [...Deno.readDirSync(joinPath(path, region.name))].length;
  }
  return n;
}

Deno.test("optimize compacts each partition's small files in one dataChange=false commit", async () => {
  const { path } = await streamedTable(12);
  const before = await readSnapshot(localFs, path);
  assertEquals(before.files.length, 24);
  const result = await optimize(path);
  assertEquals(result.version, 12);
  assertEquals(result.filesRemoved, 24);
  assertEquals(result.filesAdded, 2);
  assertEquals(result.rows, 120);

  const after = await readSnapshot(localFs, path);
  assertEquals(after.files.length, 2);
  assertEquals(after.files.map((f) => f.partitionValues.region).sort(), ["EU", "US"]);
  assertEquals(cells(await readTable(localFs, after)), cells(await readTable(localFs, before)));
  const actions = await readCommit(localFs, path, 12);
  assertEquals(actions[0].commitInfo!.operation, "OPTIMIZE");
  assertEquals(actions[0].commitInfo!.isBlindAppend, false);
  assert(actions.filter((a) => a.add || a.remove).every((a) => !(a.add ?? a.remove)!.dataChange));
  assertEquals(after.txns.get("stream")?.version, 11, "the stream's txn is untouched");

  // Nothing left to compact.
  assertEquals((await optimize(path)).version, null);
});

Deno.test("optimize beside a writer: an append landing meanwhile is kept", async () => {
  const { path, writer } = await streamedTable(4);
  // The stream commits first.
  const result = await optimize(path, { fs: racingFs(() => writer.append(batch(1000, 10))) });
  assertEquals(result.version, 5);
  const snapshot = await readSnapshot(localFs, path);
  // The two compacted files plus the two of the racing append (one per region).
  assertEquals(snapshot.files.length, 4);
  const ids = [...(await readTable(localFs, snapshot)).getChild("id")!].map(Number).sort((a, b) =>
    a - b
  );
  assertEquals(ids, [
    ...Array.from({ length: 40 }, (_, i) => i),
    ...Array.from({ length: 10 }, (_, i) => 1000 + i),
  ]);
});

Deno.test("optimize fails cleanly when a writer removed its files meanwhile", async () => {
  const { path, writer } = await streamedTable(4);
  const filesBefore = parquetFiles(path);
  const racing = racingFs(() => writer.overwrite(batch(500, 2)));
  await assertRejects(() => optimize(path, { fs: racing }), Error, "which this commit removes too");
  const snapshot = await readSnapshot(localFs, path);
  assertEquals(snapshot.version, 4, "only the overwrite committed");
  assertEquals(
    [...(await readTable(localFs, snapshot)).getChild("id")!].map(Number).sort(),
    [500, 501],
  );
  // The compaction's own new files were deleted: only the overwrite's two files are new.
  assertEquals(parquetFiles(path), filesBefore + 2);
});

deltaFixtureTest(
  "optimize rewrites a file with a deletion vector without its deleted rows, and drops the vector",
  async (fixture) => {
    const path = joinPath(await Deno.makeTempDir({ prefix: "tablestream-optimize-dv-" }), "t");
    await copyDir(fixture("rs-table-with-dv-small"), path);
    const before = await readSnapshot(localFs, path);
    assertEquals(before.files.length, 1, "one file, with a vector");
    assert(before.files[0].deletionVector);
    const result = await optimize(path);
    assertEquals([result.filesRemoved, result.filesAdded, result.rows], [1, 1, 8]);
    const after = await readSnapshot(localFs, path);
    assertEquals(after.files.filter((f) => f.deletionVector), []);
    assertEquals(after.protocol, before.protocol, "the table keeps its protocol");
    const values = Array.from((await readTable(localFs, after)).getChild("value")!, Number);
    assertEquals(values.sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
    // The remove names the file with its vector: the (path, vector) pair that was active.
    const remove = (await readCommit(localFs, path, result.version!)).find((a) => a.remove)!;
    assertEquals(remove.remove!.deletionVector, before.files[0].deletionVector);
    // Nothing left to purge: a second optimize does nothing.
    assertEquals((await optimize(path)).version, null);
  },
);
