/**
 * Shards as processes: three `run --shard i/3` processes stream into one set of Delta tables
 * while shard 1 is killed (SIGKILL) at random moments of its commit loops and started again;
 * the other shards' children wait for its parent rows meanwhile. The tables end equal to one
 * uninterrupted unsharded run, and each shard's commit point is at the last tick.
 */
import { assert, assertEquals } from "./_assert.ts";
import { withTempDir, writeConfig } from "./_cli.ts";
import { killSeed, killWhileWorking, seededRandom } from "./_kill.ts";
import { within } from "./_wait.ts";
import { outputDigests, SHARD_CONFIG } from "./_shards.ts";
import { localFs } from "../lib/delta/fs.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const START = "2026-01-01T00:00:00Z";
const UNTIL = "2026-01-01T00:33:20Z"; // 200 ticks of 10 s
/** Logged once every table is planned, right before the commit loops begin. */
const LOOPS_BEGIN = 'Table "prices" ';

/** `run` of the shards config as a child process, fast-forward to UNTIL. */
function runShard(config: string, output: string, shard?: string) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      ...["run", "-A", MAIN, "run", "--config", config, "--output", output],
      ...["--start-time", START, "--fast-forward", "--until", UNTIL, "--commit-rows", "60"],
      ...["--workers", "1", ...(shard ? ["--shard", shard] : [])],
    ],
    stdout: "piped",
    stderr: "piped",
    env: { TZ: "UTC" },
  }).spawn();
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("run shards as processes: one killed -9 at 6 random moments and restarted, the union equals one uninterrupted run", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHARD_CONFIG);
    const whole = await runShard(config, `${dir}/whole`).output();
    assertEquals(whole.code, 0, decode(whole.stderr));

    const out = `${dir}/shards`;
    const seed = killSeed(777);
    const replay = `(kill moments of seed ${seed}; TABLESTREAM_KILL_SEED=${seed} replays them)`;
    const random = seededRandom(seed);
    const others = [runShard(config, out, "0/3"), runShard(config, out, "2/3")];
    let killed = 0;
    for (let life = 0; life < 6; life++) {
      const kill = await killWhileWorking(
        runShard(config, out, "1/3"),
        LOOPS_BEGIN,
        random() * 600,
      );
      if (kill.killed && kill.working) killed++;
    }
    assert(killed >= 4, `most kills landed on running loops (${killed} of 6) ${replay}`);
    const last = await within(
      "the last life of shard 1",
      runShard(config, out, "1/3").output(),
      120_000,
    );
    assertEquals(last.code, 0, `${decode(last.stderr)} ${replay}`);
    for (const child of others) {
      const result = await within("shards 0 and 2", child.output(), 120_000);
      assertEquals(result.code, 0, `${decode(result.stderr)} ${replay}`);
    }
    assertEquals(await outputDigests(out), await outputDigests(`${dir}/whole`), replay);
    const orders = await readSnapshot(localFs, `${out}/orders`);
    assertEquals([...orders.txns.values()].map((t) => t.version), [200, 200, 200]);
  });
});
