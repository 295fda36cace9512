/**
 * `run` of a table with `changes:` into Delta, killed with SIGKILL at random moments and
 * restarted: the tables and the change data feed end equal to an uninterrupted run's, every
 * change exactly once, and the table equals the replay of its own feed.
 */
import { assert, assertEquals } from "./_assert.ts";
import { withTempDir, writeConfig } from "./_cli.ts";
import { killSeed, killWhileWorking, paced, seededRandom, timeWork } from "./_kill.ts";
import { plainRows, tableRows } from "./_server.ts";
import { localFs } from "../lib/delta/fs.ts";
import { readChangeFeed } from "../lib/delta/change_feed.ts";
import { latestVersion, readSnapshot } from "../lib/delta/log_reader.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

const CONFIG = `
version: 1
config:
  seed: 5
  tick_interval: 10s
tables:
  - table_name: orders
    row_count: 200
    cadence: { rows_per_minute: 60 }
    changes:
      updates_per_minute: 30
      update_columns: [status, updated_at]
      deletes_per_minute: 3
      pick: { distribution: zipf, param: 1.1 }
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: amount
        data: round(random.uniform(5, 500), 2)
      - column_name: status
        data: |
          if version == 0:
              return "placed"
          return {"placed": "paid", "paid": "shipped", "shipped": "delivered"}.get(previous, previous)
      - column_name: updated_at
        data: datetime.now()
  - table_name: items
    row_count: 400
    cadence: { rows_per_minute: 120 }
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: order_id
        data: foreign_key("orders", "id", distribution="zipf", param=1.2)
`;
const TABLES = ["orders", "items"];
/** 360 ticks of 10 s; commits of at most 40 rows: some 260 commits per table. */
const FAST_FORWARD = [
  "--start-time",
  "2026-03-01T00:00:00Z",
  "--fast-forward",
  "--until",
  "2026-03-01T01:00:00Z",
  "--commit-rows",
  "40",
];
/** Logged once every table is planned, right before the commit loops begin. */
const LOOPS_BEGIN = 'Table "items" ';
/** How long the uninterrupted run's loops take on a quiet machine (2-core EPYC, load 2). */
const QUIET_LOOPS_MS = 6000;

/** The last tick of orders the table holds (-1 before it exists). */
async function ordersTick(dir: string): Promise<number> {
  if (await latestVersion(localFs, `${dir}/orders`) === null) return -1;
  const txns = [...(await readSnapshot(localFs, `${dir}/orders`)).txns.values()];
  return Math.max(-1, ...txns.map((t) => t.version));
}

function run(config: string, output: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "run", "--config", config, "--output", output, ...FAST_FORWARD],
    stdout: "piped",
    stderr: "piped",
    env: { TZ: "UTC" },
  }).spawn();
}

/** A value as the comparisons spell it: dates as ISO text, 64-bit integers as digits. */
function spell(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return String(value);
  return value;
}

type Row = Record<string, unknown>;

/** The table's change feed, without the commit columns (commits differ across kills), sorted. */
async function feed(path: string): Promise<Row[]> {
  const rows = plainRows(await readChangeFeed(localFs, path)).map((row) => {
    const { _commit_version: version, _commit_timestamp: _, ...rest } = row;
    return { ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, spell(v)])), version };
  });
  return rows;
}

function withoutVersion(rows: readonly Row[]): string[] {
  return rows.map(({ version: _, ...rest }) => JSON.stringify(rest)).sort();
}

/**
 * The table a feed replays to: by commit, inserts and post-images set a key's row, deletes
 * remove it; within a commit a row's changes are ordered by `updated_at` (engines keep no order).
 */
function replay(rows: readonly Row[]): Row[] {
  const order = (row: Row) =>
    [Number(row.version), String(row.updated_at), row._change_type === "delete" ? 1 : 0] as const;
  const sorted = rows.filter((row) => row._change_type !== "update_preimage").sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1].localeCompare(y[1]) || x[2] - y[2];
  });
  const state = new Map<unknown, Row>();
  for (const { _change_type: type, version: _, ...row } of sorted) {
    if (type === "delete") state.delete(row.id);
    else state.set(row.id, row);
  }
  return [...state.values()].sort((a, b) => Number(a.id) - Number(b.id));
}

Deno.test("run with changes into Delta, killed -9 at random moments and restarted: the tables and the change feed equal an uninterrupted run's", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const whole = await timeWork(run(config, `${dir}/whole`), LOOPS_BEGIN);
    assertEquals(whole.code, 0, whole.stderr);
    const window = paced(600, QUIET_LOOPS_MS, whole.workMs);

    const seed = killSeed(4242);
    const replayHint =
      `(kill moments of seed ${seed}, within ${Math.round(window)} ms of the loops beginning; ` +
      `TABLESTREAM_KILL_SEED=${seed} replays them)`;
    const random = seededRandom(seed);
    let killed = 0;
    let advanced = 0;
    let before = -1;
    for (let life = 0; life < 10; life++) {
      const kill = await killWhileWorking(
        run(config, `${dir}/killed`),
        LOOPS_BEGIN,
        random() * window,
      );
      if (kill.killed && kill.working) killed++;
      const after = await ordersTick(`${dir}/killed`);
      assert(after >= before, `orders went back from tick ${before} to ${after} ${replayHint}`);
      if (after > before) advanced++;
      before = after;
    }
    // Spread over real progress, stopped before the end.
    assert(advanced >= 4, `lives committed before their kill (${advanced} of 10) ${replayHint}`);
    assert(before < 360, `the kills ended before the run did (orders at ${before}) ${replayHint}`);
    assert(
      killed >= 8,
      `most kills landed on running commit loops (${killed} of 10) ${replayHint}`,
    );
    const last = await run(config, `${dir}/killed`).output();
    assertEquals(last.code, 0, `${new TextDecoder().decode(last.stderr)} ${replayHint}`);

    for (const table of TABLES) {
      assertEquals(
        await tableRows(`${dir}/killed/${table}`),
        await tableRows(`${dir}/whole/${table}`),
        `${table} ${replayHint}`,
      );
    }
    const killedFeed = await feed(`${dir}/killed/orders`);
    const wholeFeed = await feed(`${dir}/whole/orders`);
    assertEquals(withoutVersion(killedFeed), withoutVersion(wholeFeed), `the feed ${replayHint}`);
    const kinds = new Set(wholeFeed.map((row) => row._change_type));
    assertEquals([...kinds].sort(), ["delete", "insert", "update_postimage", "update_preimage"]);
    // 3 deletes a minute for an hour: 180 rows gone of 200 + 3,600.
    assertEquals(wholeFeed.filter((row) => row._change_type === "delete").length, 180);
    const rows = (await tableRows(`${dir}/killed/orders`)).map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, spell(v)]))
    );
    assertEquals(rows.length, 200 + 3600 - 180);
    assertEquals(replay(killedFeed), rows, `the table is the replay of its feed ${replayHint}`);
  });
});
