/**
 * `run` as a real process: killed with SIGKILL at random moments and restarted, it ends
 * with the tables of an uninterrupted run; SIGINT stops it cleanly; its HTTP endpoints
 * answer; and `tablestream --config F --output DIR` is `run`.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { killSeed, killWhileWorking, paced, seededRandom, timeWork } from "./_kill.ts";
import { within } from "./_wait.ts";
import { tableRows } from "./_server.ts";
import { localFs } from "../lib/delta/fs.ts";
import { committedTick } from "./_delta.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

const CONFIG = `
version: 1
config:
  seed: 21
  tick_interval: 10s
tables:
  - table_name: customers
    row_count: 50
    cadence:
      rows_per_minute: 30
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: email
        data: fake.email()
      - column_name: joined
        data: datetime.now()
  - table_name: orders
    row_count: 100
    cadence:
      rows_per_minute: 240
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: customer_id
        data: foreign_key("customers", "id", distribution="zipf")
      - column_name: email
        data: copy_from_fk("customer_id", "customers", "email")
      - column_name: total
        data: round(random.uniform(1, 500), 2)
  - table_name: statuses
    row_count: 5
    update_policy: replace
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: label
        data: fake.word()
`;
const TABLES = ["customers", "orders", "statuses"];
const START = "2026-03-01T00:00:00Z";
const UNTIL = "2026-03-01T02:00:00Z"; // 720 ticks of 10 s

/** `tablestream ...args` as a child process, output piped. */
function spawnMain(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { TZ: "UTC" },
  }).spawn();
}

/** `run` on a config and output, with the tests' start time. */
function runProcess(config: string, output: string, extra: string[] = []) {
  return spawnMain([
    "run",
    "--config",
    config,
    "--output",
    output,
    "--start-time",
    START,
    ...extra,
  ]);
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Logged once every table is planned, right before the commit loops begin. */
const LOOPS_BEGIN = 'Table "statuses" ';
/** How long the kill test's uninterrupted run spends in its commit loops on a quiet machine
 * (8.5-11 s measured on a 2-core EPYC at load 4-6, mostly waiting for fsync). */
const QUIET_LOOPS_MS = 8000;

Deno.test("kill -9 at 20 random moments of the commit loops, restart: the tables equal an uninterrupted run", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const ff = ["--fast-forward", "--until", UNTIL, "--commit-rows", "40"];
    const whole = await timeWork(runProcess(config, `${dir}/whole`, ff), LOOPS_BEGIN);
    assertEquals(whole.code, 0, whole.stderr);
    // Moments up to 0.4 s into the loops on a quiet machine, where they take QUIET_LOOPS_MS.
    const window = paced(400, QUIET_LOOPS_MS, whole.workMs);

    const seed = killSeed(12345);
    const replay = `(kill moments of seed ${seed}, within ${
      Math.round(window)
    } ms of the loops beginning; TABLESTREAM_KILL_SEED=${seed} replays them)`;
    const random = seededRandom(seed);
    let onWork = 0;
    let advanced = 0;
    let before = -1;
    for (let i = 0; i < 20; i++) {
      const child = runProcess(config, `${dir}/killed`, ff);
      // Moments of the commit loops: generating, writing data files, between and inside
      // commits, not the process starting up.
      const kill = await killWhileWorking(child, LOOPS_BEGIN, random() * window);
      if (kill.killed && kill.working) onWork++;
      const after = await committedTick(`${dir}/killed/orders`);
      assert(after >= before, `orders went back from tick ${before} to ${after} ${replay}`);
      if (after > before) advanced++;
      before = after;
    }
    assert(onWork >= 18, `most kills landed on running commit loops (${onWork} of 20) ${replay}`);
    // Spread over real progress (a kill in the first moments may precede its first commit).
    assert(advanced >= 8, `lives committed before their kill (${advanced} of 20) ${replay}`);
    assert(before < 720, `the kills ended before the run did (orders at ${before}) ${replay}`);
    const last = await runProcess(config, `${dir}/killed`, ff).output();
    assertEquals(last.code, 0, decode(last.stderr));
    for (const table of TABLES) {
      assertEquals(
        await tableRows(`${dir}/killed/${table}`),
        await tableRows(`${dir}/whole/${table}`),
        `${table} ${replay}`,
      );
    }
    const orders = await readSnapshot(localFs, `${dir}/killed/orders`);
    assertEquals([...orders.txns.values()].map((t) => t.version), [720]);
  });
});

/** Reads a child's stderr until `text` appears (within a minute); returns what was read. */
async function readUntil(stream: ReadableStream<Uint8Array>, text: string): Promise<string> {
  let seen = "";
  const reader = stream.getReader();
  const read = async () => {
    while (!seen.includes(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decode(value);
    }
  };
  await within(`"${text}" on the child's stderr`, read(), 60_000).catch((error) => {
    throw new Error(`${error.message}; it wrote:\n${seen}`);
  });
  reader.releaseLock();
  return seen;
}

Deno.test("SIGINT stops a live run within seconds with exit 0; tables stay valid", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const child = spawnMain([
      "--config",
      config,
      "--output",
      `${dir}/out`,
      "--tick-interval",
      "1s",
      // A commit per tick, so ticks land within the test's few seconds.
      "--commit-interval",
      "1s",
    ]);
    const seen = await readUntil(child.stderr, 'Table "orders" is new');
    assertStringIncludes(seen, 'Table "customers" is new');
    // Let a few ticks commit.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const sent = performance.now();
    child.kill("SIGINT");
    const { code } = await child.status;
    const seconds = (performance.now() - sent) / 1000;
    await child.stdout.cancel();
    await child.stderr.cancel().catch(() => {});
    assertEquals(code, 0);
    assert(seconds < 5, `stopped in ${seconds.toFixed(2)} s`);
    for (const table of TABLES) {
      const snapshot = await readSnapshot(localFs, `${dir}/out/${table}`);
      assert(snapshot.version >= 1, `${table} has ticks after its initial rows`);
    }
  });
});

Deno.test("a second SIGINT exits at once; a restart goes on from what the first run committed", async () => {
  await withTempDir(async (dir) => {
    const orders = 2_000_000;
    const config = await writeConfig(dir, CONFIG.replace("row_count: 100", `row_count: ${orders}`));
    const ff = ["--fast-forward", "--until", "2026-03-01T00:01:00Z"];
    const child = runProcess(config, `${dir}/out`, ff);
    await readUntil(child.stderr, 'Table "orders" is new');
    // The initial orders take seconds: stop in the middle of their commit, maybe before the
    // table's first commit (its data files written, its log not).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill("SIGINT");
    // Two signals sent together may arrive as one.
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill("SIGINT");
    const { code } = await child.status;
    await child.stdout.cancel();
    await child.stderr.cancel().catch(() => {});
    assertEquals(code, 130);
    // The restart takes the folders as its own and ends with each row once: the initial rows
    // and the 6 ticks of 40 orders of the minute, row ids 1 to n.
    const again = await runProcess(config, `${dir}/out`, ff).output();
    assertEquals(again.code, 0, decode(again.stderr));
    const files = (await readSnapshot(localFs, `${dir}/out/orders`)).files;
    const stats = files.map((add) => JSON.parse(add.stats!));
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    assertEquals(sum(stats.map((s) => s.numRecords)), orders + 6 * 40);
    assertEquals(Math.min(...stats.map((s) => s.minValues.id)), 1);
    assertEquals(Math.max(...stats.map((s) => s.maxValues.id)), orders + 6 * 40);
  });
});

Deno.test("--http serves /metrics, /status, /health and /ready while running", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const child = runProcess(config, `${dir}/out`, [
      "--http",
      "127.0.0.1:0",
      "--tick-interval",
      "1s",
      "--log-format",
      "json",
    ]);
    const seen = await readUntil(child.stderr, '"table":"statuses"');
    const serving = seen.split("\n").map((l) => l && JSON.parse(l)).find((l) => l?.http);
    assert(serving, `a log line names the address: ${seen}`);
    const base = `http://${serving.http}`;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assertStringIncludes(metrics, "# TYPE tablestream_rows_total counter");
    const rows = /tablestream_rows_total\{table="orders"\} (\d+)/.exec(metrics);
    assert(rows && Number(rows[1]) >= 100, `orders rows in /metrics: ${rows?.[1]}`);
    assertStringIncludes(metrics, 'tablestream_commits_total{table="customers"}');
    assertStringIncludes(metrics, 'tablestream_tick_lag_seconds{table="statuses"}');
    const status = await (await fetch(`${base}/status`)).json();
    assertEquals(status.tables.map((t: { table: string }) => t.table), TABLES);
    const health = await fetch(`${base}/health`);
    assertEquals([health.status, (await health.json()).status], [200, "ok"]);
    const ready = await fetch(`${base}/ready`);
    assertEquals([ready.status, await ready.json()], [200, { status: "ready" }]);
    assertEquals(await fetch(`${base}/nope`).then((r) => (r.body?.cancel(), r.status)), 404);
    child.kill("SIGTERM");
    assertEquals((await child.status).code, 0);
    await child.stdout.cancel();
    await child.stderr.cancel().catch(() => {});
  });
});

Deno.test("tablestream --config F --output DIR is run; bad options are usage errors", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const ok = await cli(
      "--config",
      config,
      "--output",
      `${dir}/out`,
      "--fast-forward",
      "--ticks",
      "3",
      "--start-time",
      START,
    );
    assertEquals(ok.code, 0, ok.stderr);
    assertStringIncludes(ok.stderr, 'Table "orders" done');
    assertEquals((await tableRows(`${dir}/out/orders`)).length, 100 + 3 * 40);
    const bad = await cli("run", "--config", config, "--output", dir, "--tick-interval", "10");
    assertEquals(bad.code, 2);
    assertStringIncludes(bad.stderr, "--tick-interval must be a duration");
    const retry = await cli("run", "--config", config, "--output", dir, "--max-retry-time", "5");
    assertEquals(retry.code, 2);
    assertStringIncludes(retry.stderr, "--max-retry-time must be a duration");
    const unknown = await cli("run", "--config", config, "--output", dir, "--tables", "ordres");
    assertEquals(unknown.code, 1);
    assertStringIncludes(unknown.stderr, '"ordres"');
  });
});
