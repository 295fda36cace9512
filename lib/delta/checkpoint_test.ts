import { assert, assertEquals } from "../../tests/_assert.ts";
import { allTypesTable } from "../../tests/_delta.ts";
import type { Add } from "./actions.ts";
import { checkpointDue } from "./checkpoint.ts";
import { TableState } from "./commit.ts";
import { joinPath, localFs, logFolder } from "./fs.ts";
import { readSnapshot } from "./log_reader.ts";
import { DeltaWriter } from "./writer.ts";

/** `count` adds of files that need not exist: a checkpoint only lists them. */
function adds(count: number, from = 0): Add[] {
  return Array.from({ length: count }, (_, i) => ({
    path: `part-${from + i}.parquet`,
    partitionValues: {},
    size: 100,
    modificationTime: 0,
    dataChange: true,
    stats: '{"numRecords":1}',
  }));
}

/** A table's state at `version` with `files` active files and the last checkpoint `last`. */
function stateOf(
  version: number,
  files: number,
  last?: number,
  configuration: Record<string, string> = {},
): TableState {
  const state = new TableState("t");
  state.metadata = {
    id: "id",
    format: { provider: "parquet", options: {} },
    schemaString: '{"type":"struct","fields":[]}',
    partitionColumns: [],
    configuration,
    createdTime: 0,
  };
  for (const add of adds(files)) state.files.set(add.path, add);
  state.version = version;
  state.lastCheckpoint = last;
  return state;
}

Deno.test("checkpointDue: every 10th version while a table has up to 1,000 files", () => {
  assertEquals(checkpointDue(stateOf(10, 5)), true);
  assertEquals(checkpointDue(stateOf(20, 1_000, 10)), true);
  assertEquals(checkpointDue(stateOf(15, 5, 10)), false);
  assertEquals(checkpointDue(stateOf(0, 5)), false, "version 0 has nothing to replay");
});

Deno.test("checkpointDue: a larger table waits files / 100 versions after its last checkpoint", () => {
  // 2,500 files: 25 versions apart, still on multiples of 10.
  assertEquals(checkpointDue(stateOf(20, 2_500, 10)), false);
  assertEquals(checkpointDue(stateOf(30, 2_500, 10)), false);
  assertEquals(checkpointDue(stateOf(40, 2_500, 10)), true);
  assertEquals(checkpointDue(stateOf(35, 2_500, 10)), false);
  // No checkpoint known (a new table, or one read without any): the next multiple.
  assertEquals(checkpointDue(stateOf(20, 2_500)), true);
  // However large the table, at most 100 versions apart: readers replay no more than that.
  assertEquals(checkpointDue(stateOf(100, 60_000, 10)), false);
  assertEquals(checkpointDue(stateOf(110, 60_000, 10)), true);
});

Deno.test("checkpointDue: an interval the table or the writer sets is kept exactly", () => {
  const property = { "delta.checkpointInterval": "10" };
  assertEquals(checkpointDue(stateOf(20, 2_500, 10, property)), true);
  assertEquals(checkpointDue(stateOf(20, 2_500, 10), 10), true);
  assertEquals(checkpointDue(stateOf(6, 2_500, 3), 3), true);
  assertEquals(checkpointDue(stateOf(20, 5), 0), false, "0: never");
  const three = { "delta.checkpointInterval": "3" };
  assertEquals(checkpointDue(stateOf(9, 5, 6, three)), true);
  assertEquals(checkpointDue(stateOf(10, 5, 9, three)), false);
});

Deno.test("a writer checkpoints a table of 1,500 files every 20 versions, and reads it back", async () => {
  const path = await Deno.makeTempDir({ prefix: "tablestream-checkpoint-" });
  try {
    const schema = allTypesTable(0, 1).schema;
    const writer = await DeltaWriter.open(path, { schema, appId: "a" });
    await writer.commitFiles(adds(1_500, 1_000_000), "append"); // version 0
    for (let c = 1; c <= 30; c++) await writer.append(allTypesTable(c * 3, 3));
    const log = logFolder(path);
    const exists = (version: number) =>
      localFs.stat(joinPath(log, `${String(version).padStart(20, "0")}.checkpoint.parquet`))
        .then((s) => s !== null);
    // 1,510 files at version 10 (no checkpoint before it), 1,530 at 30: 16 versions apart.
    assertEquals(
      [await exists(10), await exists(20), await exists(30)],
      [true, false, true],
    );
    const hint = JSON.parse(await Deno.readTextFile(joinPath(log, "_last_checkpoint")));
    assertEquals(hint.version, 30);

    const snapshot = await readSnapshot(localFs, path);
    assertEquals(snapshot.checkpointVersion, 30);
    assertEquals(snapshot.files.length, 1_530);
    // A writer opened on the table knows that checkpoint: version 40 is too close to it.
    // (`replacing` only skips the check that active files exist: these are made up.)
    const reopened = await DeltaWriter.open(path, { schema, appId: "a", replacing: true });
    for (let c = 31; c <= 40; c++) await reopened.append(allTypesTable(c * 3, 3));
    assert(!await exists(40));
  } finally {
    await Deno.remove(path, { recursive: true });
  }
});
