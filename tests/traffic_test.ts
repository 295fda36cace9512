/**
 * Rate shapes end to end (docs/traffic.md): a day of `run --fast-forward` has, hour by hour,
 * the rows its daily and weekly profile and its burst integrate to, and a ramp's ticks
 * follow the ramp, counted from the rows' own `datetime.now()`; kill -9 and restarts, and
 * generation workers, leave the same rows as one uninterrupted run.
 */
import { assert, assertEquals } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { digestRows } from "./_digest.ts";
import { readOutputTable } from "./_read.ts";
import { dayOfRate } from "../lib/cli/plot_rate.ts";
import { rateSvg } from "../lib/output/rate_plot.ts";
import { loadConfig } from "../lib/config/mod.ts";
import { StreamingServer } from "../lib/schedule/server.ts";
import { tableDigest } from "./_shards.ts";
import { committedTick } from "./_delta.ts";
import { killSeed, killWhileWorking, seededRandom, timeWork } from "./_kill.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Black Friday 2026, a Friday. */
const DAY = Date.UTC(2026, 10, 27);
const EVENING_PEAK = [3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 6, 6, 5, 5, 5, 6, 8, 10, 12, 12, 10, 7, 5];

const CONFIG = `
version: 1
config:
  seed: 7
  tick_interval: 1m
tables:
  - table_name: orders
    row_count: 0
    cadence:
      rows_per_minute: 5
      daily: evening_peak
      weekly: [1, 1, 1, 1, 2, 1, 1]
      bursts:
        - {at: "2026-11-27T18:00:00Z", for: 3h, multiplier: 3}
      jitter: poisson
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: at
        data: datetime.now()
      - column_name: total
        data: round(random.uniform(1, 500), 2)
  - table_name: load
    row_count: 0
    cadence:
      rows_per_minute: 10
      phases:
        - {from: 0, to: 600, for: 10m}
        - {rate: 600, for: 5m}
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: order_id
        data: foreign_key("orders", "id")
      - column_name: at
        data: datetime.now()
`;

const RUN = [
  "run",
  "--fast-forward",
  "--start-time",
  new Date(DAY).toISOString(),
  "--until",
  new Date(DAY + 24 * HOUR).toISOString(),
];

/** The `at` of every row of a table, ms. */
async function arrivals(dir: string): Promise<number[]> {
  const table = await readOutputTable(dir);
  return [...table.getChild("at")!].map((v) => Number(v));
}

/** How many of `times` fall in each period (start, start + size], from `start` on. */
function countBy(times: number[], start: number, size: number, periods: number): number[] {
  const counts = Array(periods).fill(0);
  for (const t of times) counts[Math.ceil((t - start) / size) - 1]++;
  return counts;
}

Deno.test("a day of a profiled table has, hour by hour, the rows its profile and burst integrate to", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const run = await cli(...RUN, "-c", config, "-o", `${dir}/out`, "--workers", "1");
    assertEquals(run.code, 0, run.stderr);

    // Rows by the end of hour h: 5/min × 60 min × 24 × w/Σw × (7 × 2/8 on a Friday) × the
    // burst's 3 from 18:00 to 21:00, i.e. 100.8 × Σ w·burst, floored.
    const burst = (h: number) => (h >= 18 && h < 21 ? 3 : 1);
    let weighted = 0;
    const expected = EVENING_PEAK.map((w, h) => {
      const before = Math.floor((1008 * weighted) / 10);
      weighted += w * burst(h);
      return Math.floor((1008 * weighted) / 10) - before;
    });
    const orders = await arrivals(`${dir}/out/orders`);
    assertEquals(countBy(orders, DAY, HOUR, 24), expected);
    assertEquals(orders.length, 19_454);

    // The ramp: 60 rows/min more each minute for 10 minutes (30·k² rows by minute k), then
    // 600 a minute for 5, then rows_per_minute.
    const load = countBy(await arrivals(`${dir}/out/load`), DAY, MINUTE, 24 * 60);
    const ramp = Array.from({ length: 10 }, (_, i) => 30 * (2 * i + 1));
    assertEquals(load.slice(0, 15), [...ramp, 600, 600, 600, 600, 600]);
    assertEquals(new Set(load.slice(15)), new Set([10]));
  });
});

/** `tablestream run ...` as a child process. */
function spawn(config: string, out: string, workers: string) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      ...RUN,
      "--commit-rows",
      "100",
      "-c",
      config,
      "-o",
      out,
      "--workers",
      workers,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { TZ: "UTC" },
  }).spawn();
}

Deno.test("a shaped, jittered table: kill -9 and restarts, and 2 workers, give the rows of one run", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const whole = await timeWork(spawn(config, `${dir}/whole`, "1"), 'Table "load" ');
    assertEquals(whole.code, 0, whole.stderr);
    // Moments within the first eighth of the commit loops as long as they take here and
    // now: six lives then end before the run would (each resumes where the last stopped).
    const window = whole.workMs / 8;
    const seed = killSeed(2026);
    const random = seededRandom(seed);
    const replay = `(TABLESTREAM_KILL_SEED=${seed})`;
    let advanced = 0;
    let before = -1;
    for (let i = 0; i < 6; i++) {
      const child = spawn(config, `${dir}/killed`, "2");
      await killWhileWorking(child, 'Table "load" ', random() * window);
      const after = await committedTick(`${dir}/killed/orders`);
      if (after > before) advanced++;
      before = after;
    }
    assert(advanced >= 2, `lives committed before their kill (${advanced} of 6) ${replay}`);
    assert(before < 1440, `the kills ended before the run did (orders at ${before}) ${replay}`);
    const last = await spawn(config, `${dir}/killed`, "2").output();
    assertEquals(last.code, 0, new TextDecoder().decode(last.stderr));
    for (const table of ["orders", "load"]) {
      assertEquals(
        await digestRows(await readOutputTable(`${dir}/killed/${table}`)),
        await digestRows(await readOutputTable(`${dir}/whole/${table}`)),
        `${table} ${replay}`,
      );
    }
  });
});

const SHOP = new URL("../examples/traffic/shop.yaml", import.meta.url).pathname;
const PLOT = new URL("../docs/traffic_orders.svg", import.meta.url).pathname;

Deno.test("docs/traffic_orders.svg is plot-rate's plot of the shop example, and a run's rows make it", async () => {
  const plot = await cli("plot-rate", "-c", SHOP, "--table", "orders", "--day", "2026-11-27");
  assertEquals(plot.code, 0, plot.stderr);
  if (Deno.env.get("UPDATE_DOCS") === "1") await Deno.writeTextFile(PLOT, plot.stdout);
  assertEquals(
    plot.stdout,
    await Deno.readTextFile(PLOT),
    "docs/traffic_orders.svg is stale: regenerate it with UPDATE_DOCS=1 deno test -A " +
      "tests/traffic_test.ts",
  );
  // The plot's minutes are the rows a real run writes: count its `ordered_at` by minute.
  await withTempDir(async (dir) => {
    const run = await cli(...RUN, "-c", SHOP, "-o", `${dir}/out`);
    assertEquals(run.code, 0, run.stderr);
    const table = await readOutputTable(`${dir}/out/orders`);
    const perMinute = Array(24 * 60).fill(0);
    for (const at of table.getChild("ordered_at")!) {
      perMinute[Math.floor((Number(at) - DAY) / MINUTE)]++;
    }
    const { config } = await loadConfig(SHOP);
    const orders = config!.tables.find((t) => t.name === "orders")!;
    const drawn = dayOfRate(config!, orders, { dayMs: DAY, startMs: DAY, seed: config!.seed! });
    assertEquals(perMinute, drawn.rowsPerMinute);
    // The points of the rows' line are those minutes, scaled.
    assertEquals(plot.stdout.match(/<polyline[^>]*points="([^"]*)"/)![1].split(" ").length, 1440);
  });
});

Deno.test("plot-rate draws a zone's calendar day, from its local midnight", async () => {
  await withTempDir(async (dir) => {
    const yaml = `version: 1
config: { seed: 2 }
tables:
  - table_name: calls
    row_count: 0
    cadence: { rows_per_minute: 60, daily: business_hours, timezone: Asia/Kolkata }
    columns:
      - { column_name: id, data: row_id }
`;
    const file = await writeConfig(dir, yaml);
    const plot = await cli("plot-rate", "-c", file, "--table", "calls", "--day", "2026-06-01");
    assertEquals(plot.code, 0, plot.stderr);
    // Midnight of 2026-06-01 in India (+05:30) is 18:30 UTC the day before.
    const midnight = Date.UTC(2026, 4, 31, 18, 30);
    const { config } = await loadConfig(file);
    const calls = config!.tables[0];
    const day = dayOfRate(config!, calls, { dayMs: midnight, startMs: midnight, seed: 2 });
    assertEquals(plot.stdout, rateSvg({ title: "calls on 2026-06-01 (Asia/Kolkata)", ...day }));
    // Office hours by India's clock: nothing is quiet at 09:00-17:00 local.
    assert(day.targetPerMinute[10 * 60] > day.targetPerMinute[2 * 60] * 5);
  });
});

Deno.test("three shards of shaped, jittered tables write together the rows of one process", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    // Hours 16 to 22: the evening peak, the sale and the end of the ramp's day.
    const start = new Date(DAY + 16 * HOUR);
    const run = (out: string, shard?: { index: number; count: number }) =>
      new StreamingServer({
        config,
        output: out,
        startTime: start,
        fastForward: true,
        ticks: 360,
        workers: 1,
        commitRows: 500,
        pollMs: 5,
        ...(shard ? { shard } : {}),
      }).start();
    const single = await run(`${dir}/single`);
    assertEquals(single.failed, []);
    const shards = await Promise.all(
      [0, 1, 2].map((index) => run(`${dir}/sharded`, { index, count: 3 })),
    );
    for (const summary of shards) assertEquals(summary.failed, []);
    for (const table of ["orders", "load"]) {
      const one = await tableDigest(`${dir}/single/${table}`, "id");
      assert(one.rows > 1000, `${table} streamed (${one.rows} rows)`);
      // In key order: shards commit their parts in whatever order they finish.
      assertEquals(await tableDigest(`${dir}/sharded/${table}`, "id"), one, table);
    }
  });
});
