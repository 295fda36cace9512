/**
 * A table with `changes:` as `run` writes it (copy-on-write commits and a change data feed over
 * some 260 commits, checkpoints between them), read by Spark and delta-rs: each engine's
 * change feed equals ours row for row, commit by commit, and its table equals the replay of
 * that feed.
 */
import { assert, assertEquals } from "../_assert.ts";
import { interopTest, type Peer } from "./_peer.ts";
import { ok, once, sharedTempDir } from "./_ours.ts";
import { feedRows, feedText, ourFeed, replayFeed, type Row, spelledRow } from "../_change_feed.ts";

const CONFIG = new URL("../fixtures/changes/orders.yaml", import.meta.url).pathname;
const tempDir = sharedTempDir();

/** One run of the config, an hour of logical time, commits of at most 40 rows. */
const streamed = once(async () => {
  const output = `${await tempDir()}/out`;
  await ok(
    ...["run", "--config", CONFIG, "--output", output, "--start-time", "2026-03-01T00:00:00Z"],
    ...["--fast-forward", "--until", "2026-03-01T01:00:00Z", "--commit-rows", "40"],
  );
  return `${output}/orders`;
});

const COLUMNS = "'_commit_version', '_change_type', '_commit_timestamp', 'id', 'amount', " +
  "'status', 'updated_at'";

/**
 * Python that makes `result` of `rows` (dicts) with datetimes as ms since the epoch (a naive
 * one is UTC, as the peer's Spark session runs), as our reader spells them.
 */
const AS_MS = "import datetime\n" +
  "EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)\n" +
  "def ms(v):\n" +
  "    if not isinstance(v, datetime.datetime): return v\n" +
  "    v = v if v.tzinfo else v.replace(tzinfo=datetime.timezone.utc)\n" +
  "    return (v - EPOCH) // datetime.timedelta(milliseconds=1)\n" +
  "result = [{k: ms(v) for k, v in r.items()} for r in rows]";

/** An engine's change feed of the table from version 0, as compared rows. */
async function engineFeed(peer: Peer, engine: "spark" | "delta-rs", path: string) {
  const code = engine === "spark"
    ? "df = spark().read.format('delta').option('readChangeFeed', 'true')" +
      ".option('startingVersion', 0).load(args['path'])\n" +
      `rows = [r.asDict() for r in df.select(${COLUMNS}).collect()]\n`
    : "reader = DeltaTable(args['path']).load_cdf(starting_version=0)\n" +
      "table = pa.RecordBatchReader.from_stream(reader).read_all()\n" +
      `rows = table.select([${COLUMNS}]).to_pylist()\n`;
  return feedRows(await peer.py<Row[]>(code + AS_MS, { path }));
}

/** The table as an engine reads it now. */
async function engineTable(peer: Peer, engine: "spark" | "delta-rs", path: string) {
  const code = engine === "spark"
    ? "rows = [r.asDict() for r in spark().read.format('delta').load(args['path']).collect()]\n"
    : "rows = DeltaTable(args['path']).to_pyarrow_table().to_pylist()\n";
  const rows = (await peer.py<Row[]>(code + AS_MS, { path })).map(spelledRow);
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

for (const engine of ["spark", "delta-rs"] as const) {
  interopTest(
    `${engine} reads the change data feed of a table run changed as ours, and the table as its replay`,
    async (peer) => {
      const path = await streamed();
      const ours = await ourFeed(path);
      const kinds = new Set(ours.map((row) => row._change_type));
      assertEquals([...kinds].sort(), ["delete", "insert", "update_postimage", "update_preimage"]);
      const theirs = await engineFeed(peer, engine, path);
      assert(theirs.length > 3800, `${engine} read ${theirs.length} change rows`);
      assertEquals(feedText(theirs), feedText(ours));
      assertEquals(await engineTable(peer, engine, path), replayFeed(theirs));
    },
  );
}
