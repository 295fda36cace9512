import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import {
  CHANGE_SCHEMA,
  changeBatch,
  type FeedRow,
  next,
  Replay,
  type Row,
  row,
  rowsBatch,
  sortFeed,
  sortRows,
  toRow,
} from "../../tests/_delta_changes.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readCommit, readSnapshot } from "../../lib/delta/log_reader.ts";
import { readTable } from "../../lib/delta/read_data.ts";
import { readChangeFeed } from "../../lib/delta/change_feed.ts";
import type { Action } from "../../lib/delta/actions.ts";
import type { SinkTable } from "../../lib/plugin/types.ts";
import { createDeltaSink } from "./delta.ts";
import { FEED_ROWS_KEPT } from "./_delta_changes.ts";

const T = "t";
const TABLE: SinkTable = { name: T, schema: CHANGE_SCHEMA, primaryKey: "id", changes: true };

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "tablestream-delta-changes-" });
}

/** The table's rows, as the table is read now. */
async function stateRows(path: string): Promise<Row[]> {
  const table = await readTable(localFs, await readSnapshot(localFs, path));
  return sortRows(table.toArray().map((r) => toRow(r.toJSON())));
}

/** The table's change feed from version 0, as the tests compare it. */
async function feedRows(path: string): Promise<FeedRow[]> {
  const feed = await readChangeFeed(localFs, path);
  return sortFeed(
    feed.toArray().map((r) => {
      const json = r.toJSON();
      return [Number(json._commit_version), json._change_type as string, toRow(json)];
    }),
  );
}

/** Every file under the table's folder but its log, relative to it. */
async function dataFiles(path: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name === "_delta_log") continue;
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(`${dir}/${entry.name}`, name);
      else out.push(name);
    }
  };
  await walk(path, "");
  return out.sort();
}

function actionsOf(actions: Action[], kind: string): Action[] {
  return actions.filter((a) => a[kind] !== undefined);
}

Deno.test("delta changes: later flushes and the same flush as the rows change; state and feed equal a replay", async () => {
  const dir = await tempDir();
  const path = `${dir}/${T}`;
  const sink = createDeltaSink({ dir });
  const replay = new Replay();
  await sink.open([TABLE], { mode: "error" });
  // Version 0: inserts only.
  await replay.insert(sink, T, Array.from({ length: 10 }, (_, i) => row(i)));
  await replay.flush(sink, 0);
  // Version 1: tick 1's changes of committed rows, its rows; tick 2's changes hit a row of
  // tick 1 (not committed yet) and a row changed in tick 1 again.
  await replay.change(sink, T, 1, [next(row(3)), { before: row(5) }]);
  await replay.insert(sink, T, [10, 11, 12, 13, 14].map((id) => row(id)));
  await replay.change(sink, T, 2, [next(row(12)), next(row(3, 1)), { before: row(10) }]);
  await replay.insert(sink, T, [row(15), row(16)]);
  await replay.flush(sink, 2);
  // Version 2: changes only.
  await replay.change(sink, T, 3, [{ before: row(12, 1) }, next(row(7)), next(row(3, 2))]);
  await replay.flush(sink, 3);
  await sink.close();

  assertEquals(await stateRows(path), replay.rows());
  assertEquals(await feedRows(path), replay.feedRows());

  const v0 = await readCommit(localFs, path, 0);
  assertEquals(actionsOf(v0, "protocol")[0].protocol, { minReaderVersion: 1, minWriterVersion: 4 });
  assertEquals(
    actionsOf(v0, "metaData")[0].metaData!.configuration["delta.enableChangeDataFeed"],
    "true",
  );
  assertEquals(actionsOf(v0, "cdc").length, 0, "a commit of inserts only needs no cdc file");
  const v1 = await readCommit(localFs, path, 1);
  assertEquals(actionsOf(v1, "remove").map((a) => a.remove!.path), [
    actionsOf(v0, "add")[0].add!.path,
  ]);
  assertEquals(actionsOf(v1, "cdc").length, 1);
  assert(actionsOf(v1, "cdc")[0].cdc!.path.startsWith("_change_data/"));
  assertEquals(actionsOf(v1, "commitInfo")[0].commitInfo!.operation, "MERGE");
  // Every file on disk is the table's or its feed's: the replaced uncommitted one is gone.
  const snapshot = await readSnapshot(localFs, path);
  const referenced = new Set([
    ...snapshot.files.map((f) => f.path),
    ...snapshot.tombstones.map((f) => f.path),
    ...[...actionsOf(v1, "cdc"), ...actionsOf(await readCommit(localFs, path, 2), "cdc")]
      .map((a) => a.cdc!.path),
  ]);
  assertEquals((await dataFiles(path)).filter((f) => !referenced.has(f)), []);
  // Stats of the rewritten files are right: each file's count and key bounds are its rows'.
  for (const file of snapshot.files) {
    const rows = await readTable(localFs, { ...snapshot, files: [file] });
    const ids = [...rows.getChild("id")!].map(Number);
    const stats = JSON.parse(file.stats!);
    assertEquals(
      [stats.numRecords, stats.minValues.id, stats.maxValues.id],
      [ids.length, Math.min(...ids), Math.max(...ids)],
    );
  }
});

Deno.test("delta changes: a changed row's file is found by its stats; others are kept", async () => {
  const dir = await tempDir();
  const path = `${dir}/${T}`;
  const sink = createDeltaSink({ dir });
  const replay = new Replay();
  await sink.open([TABLE], { mode: "error" });
  for (let tick = 0; tick < 4; tick++) {
    await replay.insert(sink, T, Array.from({ length: 5 }, (_, i) => row(tick * 5 + i)));
    await replay.flush(sink, tick);
  }
  await replay.change(sink, T, 4, [next(row(11)), { before: row(13) }]);
  await replay.flush(sink, 4);
  await sink.close();
  const removes = actionsOf(await readCommit(localFs, path, 4), "remove");
  const third = actionsOf(await readCommit(localFs, path, 2), "add")[0].add!.path;
  assertEquals(removes.map((a) => a.remove!.path), [third]);
  assertEquals(await stateRows(path), replay.rows());
  assertEquals(await feedRows(path), replay.feedRows());
});

Deno.test("delta changes: partitioned table, an update may move a row to another partition", async () => {
  const dir = await tempDir();
  const path = `${dir}/${T}`;
  const sink = createDeltaSink({ dir });
  const replay = new Replay();
  await sink.open([{ ...TABLE, partitionBy: ["region"] }], { mode: "error" });
  await replay.insert(sink, T, [row(1), row(2, 0, "US"), row(3), row(4, 0, "US")]);
  await replay.flush(sink, 0);
  await replay.change(sink, T, 1, [next(row(1), "US"), { before: row(4, 0, "US") }]);
  await replay.insert(sink, T, [row(5, 0, "APAC")]);
  await replay.flush(sink, 1);
  await sink.close();
  assertEquals(await stateRows(path), replay.rows());
  assertEquals(await feedRows(path), replay.feedRows());
  const cdcs = actionsOf(await readCommit(localFs, path, 1), "cdc").map((a) => a.cdc!);
  assertEquals(
    cdcs.map((c) => [c.partitionValues.region, c.path.split("/")[1]]).sort(),
    [["APAC", "region=APAC"], ["EU", "region=EU"], ["US", "region=US"]],
  );
});

Deno.test("delta changes: a failure before the commit leaves the table as it was", async () => {
  const dir = await tempDir();
  const path = `${dir}/${T}`;
  const first = createDeltaSink({ dir });
  const replay = new Replay();
  await first.open([TABLE], { mode: "error" });
  await replay.insert(first, T, Array.from({ length: 6 }, (_, i) => row(i)));
  await replay.flush(first, 0);
  await first.close();
  const files = await dataFiles(path);

  const second = createDeltaSink({ dir });
  await second.open([TABLE], { mode: "append" });
  await second.write(T, rowsBatch([row(6)]));
  await second.writeChanges!(T, changeBatch(1, [next(row(2)), { before: row(6) }]));
  // Another writer of this app id is elsewhere: the commit fails after the files were made.
  const error = await assertRejects(() => second.flush({ tick: 1, after: 7 }), Error);
  assertStringIncludes(error.message, "another writer commits to it");
  // Made, not committed: the new row's file (replaced: its row is deleted), the rewritten
  // file's kept rows, the updated row, the change data file.
  assertEquals((await dataFiles(path)).length, files.length + 4);
  await second.abort!();
  assertEquals(await dataFiles(path), files);
  assertEquals(await stateRows(path), replay.rows());
  assertEquals((await readSnapshot(localFs, path)).version, 0);
});

Deno.test("delta changes: a change of a row the table does not hold fails, naming the key", async () => {
  const dir = await tempDir();
  const s = createDeltaSink({ dir });
  const replay = new Replay();
  await s.open([TABLE], { mode: "error" });
  await replay.insert(s, T, [row(1), row(2)]);
  await replay.flush(s, 0);
  await s.writeChanges!(T, changeBatch(1, [next(row(40)), { before: row(41) }]));
  const error = await assertRejects(() => s.flush({ tick: 1 }), Error);
  assertStringIncludes(error.message, 'Delta table "');
  assertStringIncludes(error.message, "no row has id = 40, 41");
  const files = await dataFiles(`${dir}/${T}`);
  await s.abort!();
  assertEquals(await dataFiles(`${dir}/${T}`), files);
  assertEquals(await stateRows(`${dir}/${T}`), replay.rows());
});

Deno.test("delta changes: resumed by a new sink; an existing table without the feed gets it", async () => {
  const dir = await tempDir();
  const path = `${dir}/${T}`;
  const plain = createDeltaSink({ dir });
  const replay = new Replay();
  await plain.open([{ ...TABLE, changes: false }], { mode: "error" });
  await replay.insert(plain, T, Array.from({ length: 4 }, (_, i) => row(i)));
  await replay.flush(plain, 0);
  await plain.close();
  assertEquals((await readSnapshot(localFs, path)).protocol.minWriterVersion, 2);

  for (let tick = 1; tick <= 2; tick++) {
    const resumed = createDeltaSink({ dir });
    await resumed.open([TABLE], { mode: "append" });
    const stored = await resumed.inspect!(T);
    assertEquals(stored?.rows, replay.state.size);
    await replay.change(resumed, T, tick, [next(replay.state.get(tick)!)]);
    await replay.insert(resumed, T, [row(10 + tick)]);
    await replay.flush(resumed, tick);
    await resumed.close();
  }
  const v1 = await readCommit(localFs, path, 1);
  assertEquals(actionsOf(v1, "protocol")[0].protocol!.minWriterVersion, 4);
  assertEquals(
    actionsOf(v1, "metaData")[0].metaData!.configuration["delta.enableChangeDataFeed"],
    "true",
  );
  assertEquals(await stateRows(path), replay.rows());
  assertEquals(await feedRows(path), replay.feedRows());
  assertEquals((await readSnapshot(localFs, path)).txns.get(`tablestream:${T}`)?.version, 2);
});

Deno.test("delta changes: a table opened without changes refuses them with a hint", async () => {
  const dir = await tempDir();
  const s = createDeltaSink({ dir });
  await s.open([{ ...TABLE, changes: undefined }], { mode: "error" });
  const error = await assertRejects(
    () => s.writeChanges!(T, changeBatch(1, [{ before: row(1) }])),
    Error,
  );
  assertStringIncludes(error.message, "open it with changes: true");
  await s.abort!();
});

Deno.test("delta changes: an overwrite's commit with changes records the rows it removes as deletes", async () => {
  const dir = await tempDir();
  const path = `${dir}/${T}`;
  const replay = new Replay();
  const first = createDeltaSink({ dir });
  await first.open([TABLE], { mode: "error" });
  await replay.insert(first, T, [row(1), row(2), row(3)]);
  await replay.flush(first, 0);
  await replay.change(first, T, 1, [next(row(2))]);
  await replay.flush(first, 1);
  await first.close();

  const again = createDeltaSink({ dir });
  await again.open([TABLE], { mode: "overwrite" });
  replay.replaceAll();
  await replay.insert(again, T, [row(1), row(2)]);
  await replay.change(again, T, 1, [next(row(1)), { before: row(2) }]);
  await replay.flush(again, 2);
  await again.close();
  assertEquals(await stateRows(path), replay.rows());
  assertEquals(await feedRows(path), replay.feedRows());
  assertEquals(
    (await feedRows(path)).filter(([v, kind]) => v === 2 && kind === "delete").length,
    4,
  );
});

Deno.test("delta changes: a commit of more inserts than are kept reads them back for its feed", async () => {
  const dir = await tempDir();
  const path = `${dir}/${T}`;
  const s = createDeltaSink({ dir });
  const replay = new Replay();
  await s.open([TABLE], { mode: "error" });
  await replay.insert(s, T, [row(0), row(1)]);
  await replay.flush(s, 0);
  const rows = Array.from({ length: FEED_ROWS_KEPT + 1 }, (_, i) => row(i + 2));
  for (let start = 0; start < rows.length; start += 40_000) {
    await replay.insert(s, T, rows.slice(start, start + 40_000));
  }
  await replay.change(s, T, 2, [next(row(1)), next(row(5)), { before: row(0) }]);
  await replay.flush(s, 2);
  await s.close();
  assertEquals(await stateRows(path), replay.rows());
  assertEquals(await feedRows(path), replay.feedRows());
});
