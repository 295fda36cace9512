/**
 * `shards`: shard processes writing one table together.
 *
 * 1. Speed: `generate --shard i/N --workers 1` of the people table as 1, 2 and 4 processes at
 *    once into one Delta table; rows per second of each (process start-up included, as a
 *    scheduler would pay it), and the 2-shard over 1-shard ratio (the target). Beside it, what
 *    the machine gives any two CPU-bound processes (`machine_2x`), and the shards' ratio over
 *    it: on a host whose two vCPUs share a core, no two processes reach 1.8x.
 * 2. Contention: 8 `run --shard i/8` processes live, 1 s ticks and a 1 s commit interval (8
 *    commits a second into one log): the races their commits lost to each other, per 100
 *    commits (`commit_conflicts`: commits that lost at least once; `commit_retries`: every
 *    lost race), read from each process's closing log line.
 *
 * The tables go to a fresh local folder, or under `TABLESTREAM_BENCH_SHARDS_OUTPUT` (e.g. an
 * `s3://bucket/prefix` once object-store output exists): the hook for measuring shards on an
 * object store, whose put-if-absent takes longer than a local link.
 *
 * @module
 */
import type { BenchCase } from "./case.ts";
import { CONFIGS, rateRatio, REFERENCE_TIME, tablestreamProcess } from "./case.ts";

/** Where a run's tables go: a fresh local folder, or a folder under the hook's root. */
async function outputRoot(): Promise<{ path: string; remove: () => Promise<void> }> {
  const hook = Deno.env.get("TABLESTREAM_BENCH_SHARDS_OUTPUT");
  if (hook) {
    return { path: `${hook.replace(/\/+$/, "")}/${crypto.randomUUID()}`, remove: async () => {} };
  }
  const path = await Deno.makeTempDir({ prefix: "tablestream-bench-shards-" });
  return { path, remove: () => Deno.remove(path, { recursive: true }) };
}

/** A fixed CPU-bound loop, about a second of one core: what a process alone can do. */
const SPIN = "let x = 0; for (let i = 0; i < 1e9; i++) x += i % 7; if (x < 0) console.log(x);";

/**
 * How much faster `n` processes finish `n` units of CPU-bound work than one process finishes
 * one, ideally `n`: the machine's own parallelism for processes, measured beside the shards
 * because a shared host's cores do not always give it (two vCPUs that are one physical core's
 * hyper-threads give about 1.1 here).
 */
async function processParallelism(n: number): Promise<number> {
  const spin = async (count: number) => {
    const started = performance.now();
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Deno.Command(Deno.execPath(), {
            args: ["eval", SPIN],
            stdout: "null",
            stderr: "null",
          })
            .output(),
      ),
    );
    return performance.now() - started;
  };
  await spin(1); // warm-up
  const one = await spin(1);
  return n * one / await spin(n);
}

/** `generate` of `rows` people as `n` shard processes at once: rows and wall seconds. */
async function generateShards(config: string, rows: number, n: number) {
  const root = await outputRoot();
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) =>
      tablestreamProcess([
        ...["generate", "--config", config, "--output", `${root.path}/out`],
        ...["--shard", `${i}/${n}`, "--workers", "1"],
        ...["--reference-time", REFERENCE_TIME.toISOString()],
      ])));
    return { rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    await root.remove();
  }
}

/** The live contention config: one table at 100 rows a second, 1 s ticks. */
const LIVE_CONFIG = `version: 1
config:
  seed: 3
  tick_interval: 1s
  commit_interval: 1s
tables:
  - table_name: events
    row_count: 1000
    cadence: { rows_per_minute: 6000 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: kind, data: "random.choice(['view', 'click', 'buy'])" }
      - { column_name: at, data: datetime.now() }
`;

/** 8 live shards for `seconds`: commits, conflicted commits and lost races, summed. */
async function liveContention(seconds: number, n = 8) {
  const root = await outputRoot();
  try {
    const config = `${await Deno.makeTempDir({ prefix: "tablestream-bench-shards-" })}/c.yaml`;
    await Deno.writeTextFile(config, LIVE_CONFIG);
    const logs = await Promise.all(Array.from({ length: n }, (_, i) =>
      tablestreamProcess([
        ...["run", "--config", config, "--output", `${root.path}/live`],
        ...["--shard", `${i}/${n}`, "--duration", `${seconds}s`, "--log-format", "json"],
      ])));
    let commits = 0, conflicts = 0, retries = 0;
    for (const log of logs) {
      for (const line of log.stderr.split("\n")) {
        if (!line.startsWith("{")) continue;
        const entry = JSON.parse(line);
        if (entry.table !== "events" || entry.rows_written === undefined) continue;
        commits += entry.commits ?? 0;
        conflicts += entry.commit_conflicts ?? 0;
        retries += entry.commit_retries ?? 0;
      }
    }
    await Deno.remove(config.slice(0, config.lastIndexOf("/")), { recursive: true });
    return { commits, conflicts, retries };
  } finally {
    await root.remove();
  }
}

export const shards: BenchCase = {
  name: "shards",
  summary: "generate as 1, 2 and 4 shard processes into one Delta table (2 vs 1), and 8 live " +
    "shards committing every second: lost commit races per 100 commits",
  target: { op: ">=", value: 1.8, unit: "x" },
  runs: { full: 3, quick: 1 },
  async run(quick) {
    const rows = quick ? 200_000 : 1_000_000;
    const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-shards-" });
    try {
      const config = `${dir}/people.yaml`;
      const small = `${dir}/warm-up.yaml`;
      const text = await Deno.readTextFile(`${CONFIGS}people.yaml`);
      await Deno.writeTextFile(config, text.replace(/row_count: \d+/, `row_count: ${rows}`));
      await Deno.writeTextFile(small, text.replace(/row_count: \d+/, "row_count: 5000"));
      await generateShards(small, 5_000, 1); // compiles the modules once
      const one = await generateShards(config, rows, 1);
      const two = await generateShards(config, rows, 2);
      const four = await generateShards(config, rows, 4);
      const machine = await processParallelism(2);
      const live = await liveContention(quick ? 15 : 40);
      const per100 = (n: number) => live.commits ? 100 * n / live.commits : 0;
      return {
        ...two,
        baseline: one,
        ratio: rateRatio(two, one),
        extra: {
          rows_per_s_1: Math.round(one.rows / one.seconds),
          rows_per_s_2: Math.round(two.rows / two.seconds),
          rows_per_s_4: Math.round(four.rows / four.seconds),
          shards_4_x: rateRatio(four, one),
          machine_2x: machine,
          // The shards' ratio over what the machine gives two processes (1: shards scale as
          // far as the machine lets any two processes).
          shards_2_of_machine: rateRatio(two, one) / machine,
          live_commits: live.commits,
          conflicts_per_100_commits: per100(live.conflicts),
          retries_per_100_commits: per100(live.retries),
        },
      };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
};
