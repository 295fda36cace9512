/**
 * `run` of a table with every imperfection into Delta, killed with SIGKILL at random moments
 * and restarted: the rows, duplicates included, and the counts its commits recorded end equal
 * to an uninterrupted run's (each a pure function of the ticks written).
 */
import { assert, assertEquals } from "./_assert.ts";
import { withTempDir, writeConfig } from "./_cli.ts";
import { killSeed, killWhileWorking, paced, runChild, seededRandom, timeWork } from "./_kill.ts";
import { committedTick } from "./_delta.ts";
import { committedCounts, FAULTS_CONFIG, rowsOf, rowsText } from "./_faults.ts";

/** 120 ticks of 10 s; commits of at most 2,000 rows: some 60 commits of orders. */
const FAST_FORWARD = [
  "--start-time",
  "2026-01-01T00:00:00Z",
  "--fast-forward",
  "--until",
  "2026-01-01T00:20:00Z",
  "--commit-rows",
  "2000",
  "--workers",
  "1",
];
/** Logged once every table is planned, right before the commit loops begin. */
const LOOPS_BEGIN = 'Table "orders" ';
/** How long the uninterrupted run's loops take on a quiet machine (2-core EPYC). */
const QUIET_LOOPS_MS = 4000;

function run(config: string, output: string): Deno.ChildProcess {
  return runChild(config, output, FAST_FORWARD);
}

Deno.test("run with imperfections, killed -9 at random moments and restarted: the same rows and counts as an uninterrupted run", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, FAULTS_CONFIG);
    const whole = await timeWork(run(config, `${dir}/whole`), LOOPS_BEGIN);
    assertEquals(whole.code, 0, whole.stderr);
    const window = paced(600, QUIET_LOOPS_MS, whole.workMs);

    const seed = killSeed(777);
    const hint = `(kill seed ${seed}; TABLESTREAM_KILL_SEED=${seed} replays it)`;
    const random = seededRandom(seed);
    let advanced = 0;
    let before = -1;
    for (let life = 0; life < 6; life++) {
      await killWhileWorking(run(config, `${dir}/killed`), LOOPS_BEGIN, random() * window);
      const after = await committedTick(`${dir}/killed/orders`).catch(() => -1);
      assert(after >= before, `orders went back from tick ${before} to ${after} ${hint}`);
      if (after > before) advanced++;
      before = after;
    }
    assert(advanced >= 2, `lives committed before their kill (${advanced} of 6) ${hint}`);
    assert(before < 120, `the kills ended before the run did (orders at ${before}) ${hint}`);
    const last = await run(config, `${dir}/killed`).output();
    assertEquals(last.code, 0, `${new TextDecoder().decode(last.stderr)} ${hint}`);

    const orders = await rowsOf(`${dir}/killed/orders`);
    assertEquals(rowsText(orders), rowsText(await rowsOf(`${dir}/whole/orders`)), hint);
    const counts = await committedCounts(`${dir}/killed/orders`);
    assertEquals(counts, await committedCounts(`${dir}/whole/orders`), hint);
    assert(counts.duplicate > 0 && counts.late > 0 && counts.orphan > 0 && counts.bad_value > 0);
    // And they are what the rows show.
    assertEquals(orders.filter((r) => r.note === null).length, counts.bad_value);
  });
});
