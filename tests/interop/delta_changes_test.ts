/**
 * Spark and delta-rs on a table our Delta sink changed: its change data feed (Spark's
 * `readChangeFeed`, delta-rs's `load_cdf`) and its current rows both equal a replay of the
 * inserts and changes computed here, without the sink's code; for a plain and a partitioned
 * table, with changes in later commits and in the commit of the rows they change, commits of
 * inserts only and of changes only, and a checkpoint in between.
 */
import { assertEquals } from "../_assert.ts";
import { interopTest, type Peer } from "./_peer.ts";
import { once, sharedTempDir } from "./_ours.ts";
import {
  CHANGE_SCHEMA,
  type FeedRow,
  next,
  Replay,
  row,
  sortFeed,
  sortRows,
  toRow,
} from "../_delta_changes.ts";
import { createDeltaSink } from "../../plugins/sinks/delta.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";

const tempDir = sharedTempDir();

/** Commits: enough for a checkpoint (every 10 versions) between changes. */
const COMMITS = 14;

/**
 * A table written by our sink, commit by commit: inserts every commit, changes of committed
 * rows and of rows of the same commit, some commits of changes only, and the replay.
 */
async function changedTable(partitioned: boolean): Promise<{ path: string; replay: Replay }> {
  const dir = `${await tempDir()}/${partitioned ? "partitioned" : "plain"}`;
  const sink = createDeltaSink({ dir });
  await sink.open([{
    name: "t",
    schema: CHANGE_SCHEMA,
    primaryKey: "id",
    changes: true,
    ...(partitioned ? { partitionBy: ["region"] } : {}),
  }], { mode: "error" });
  const replay = new Replay();
  const regions = ["EU", "US", "APAC"];
  let id = 0;
  // Commit c holds ticks 2c and 2c + 1.
  for (let commit = 0; commit < COMMITS; commit++) {
    const tick = 2 * commit;
    const live = [...replay.state.values()];
    if (commit > 0) {
      // Deterministic picks among the rows committed: a spread, none twice in a tick.
      const picked = [...new Set([3, 7, 11].map((k) => live[(k * commit) % live.length]))];
      const changes = picked.map((before, i) =>
        i === 2 ? { before } : next(before, regions[(before.id + commit) % 3])
      );
      await replay.change(sink, "t", tick, changes);
    }
    if (commit % 4 !== 3) {
      const rows = Array.from({ length: 6 }, () => id++).map((n) => row(n, 0, regions[n % 3]));
      await replay.insert(sink, "t", rows);
      // A row of this very commit changes in its next tick.
      if (commit % 2 === 1) await replay.change(sink, "t", tick + 1, [next(rows[1])]);
    }
    await replay.flush(sink, tick + 1);
  }
  await sink.close();
  return { path: `${dir}/t`, replay };
}

const plain = once(() => changedTable(false));
const partitioned = once(() => changedTable(true));

/** Spark's change feed of a table from version 0, as feed rows. */
async function sparkFeed(peer: Peer, path: string): Promise<FeedRow[]> {
  const rows = await peer.py<Record<string, unknown>[]>(
    "df = spark().read.format('delta').option('readChangeFeed', 'true')" +
      ".option('startingVersion', 0).load(args['path'])\n" +
      "result = [r.asDict() for r in df.select('_commit_version', '_change_type', 'id', " +
      "'region', 'name', 'version').collect()]",
    { path },
  );
  return feedOf(rows);
}

/** delta-rs's change feed of a table from version 0, as feed rows. */
async function deltaRsFeed(peer: Peer, path: string): Promise<FeedRow[]> {
  const rows = await peer.py<Record<string, unknown>[]>(
    "reader = DeltaTable(args['path']).load_cdf(starting_version=0)\n" +
      "table = pa.RecordBatchReader.from_stream(reader).read_all()\n" +
      "result = table.select(['_commit_version', '_change_type', 'id', 'region', 'name', " +
      "'version']).to_pylist()",
    { path },
  );
  return feedOf(rows);
}

function feedOf(rows: Record<string, unknown>[]): FeedRow[] {
  return sortFeed(
    rows.map((r) => [Number(r._commit_version), String(r._change_type), toRow(r)]),
  );
}

/** The table's current rows as an engine reads them. */
async function engineRows(peer: Peer, engine: "spark" | "delta-rs", path: string) {
  const code = engine === "spark"
    ? "result = [r.asDict() for r in spark().read.format('delta').load(args['path']).collect()]"
    : "result = DeltaTable(args['path']).to_pyarrow_table().to_pylist()";
  return sortRows((await peer.py<Record<string, unknown>[]>(code, { path })).map(toRow));
}

for (const [name, table] of [["plain", plain], ["partitioned", partitioned]] as const) {
  interopTest(
    `Spark reads our change data feed and the ${name} table as the replay`,
    async (peer) => {
      const { path, replay } = await table();
      assertEquals((await readSnapshot(localFs, path)).checkpointVersion, 10);
      assertEquals(await sparkFeed(peer, path), replay.feedRows());
      assertEquals(await engineRows(peer, "spark", path), replay.rows());
    },
  );

  interopTest(
    `delta-rs reads our change data feed and the ${name} table as the replay`,
    async (peer) => {
      const { path, replay } = await table();
      assertEquals(await deltaRsFeed(peer, path), replay.feedRows());
      assertEquals(await engineRows(peer, "delta-rs", path), replay.rows());
    },
  );
}
