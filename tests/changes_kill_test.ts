/**
 * `run` of a table with `changes:` into Delta, killed with SIGKILL at random moments and
 * restarted: the tables and the change data feed end equal to an uninterrupted run's, every
 * change exactly once, and the table equals the replay of its own feed.
 */
import { assert, assertEquals } from "./_assert.ts";
import { withTempDir } from "./_cli.ts";
import { killSeed, killWhileWorking, paced, runChild, seededRandom, timeWork } from "./_kill.ts";
import { tableRows } from "./_server.ts";
import { ourFeed, replayFeed, spelledRow, withoutCommits } from "./_change_feed.ts";
import { committedTick } from "./_delta.ts";

/** Orders with updates and deletes, and their items. */
const CHANGES_CONFIG = new URL("./fixtures/changes/orders.yaml", import.meta.url).pathname;
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

function run(config: string, output: string): Deno.ChildProcess {
  return runChild(config, output, FAST_FORWARD);
}

Deno.test("run with changes into Delta, killed -9 at random moments and restarted: the tables and the change feed equal an uninterrupted run's", async () => {
  await withTempDir(async (dir) => {
    const config = CHANGES_CONFIG;
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
      const after = await committedTick(`${dir}/killed/orders`);
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
    const killedFeed = await ourFeed(`${dir}/killed/orders`);
    const wholeFeed = await ourFeed(`${dir}/whole/orders`);
    assertEquals(withoutCommits(killedFeed), withoutCommits(wholeFeed), `the feed ${replayHint}`);
    const kinds = new Set(wholeFeed.map((row) => row._change_type));
    assertEquals([...kinds].sort(), ["delete", "insert", "update_postimage", "update_preimage"]);
    // 3 deletes a minute for an hour: 180 rows gone of 200 + 3,600.
    assertEquals(wholeFeed.filter((row) => row._change_type === "delete").length, 180);
    const rows = (await tableRows(`${dir}/killed/orders`)).map(spelledRow);
    assertEquals(rows.length, 200 + 3600 - 180);
    assertEquals(replayFeed(killedFeed), rows, `the table is the replay of its feed ${replayHint}`);
  });
});
