/**
 * Benchmarks of `run`: the CPU of many idle tables, start-up on a long log and on a large
 * parent, memory over a long fast-forward.
 *
 * @module
 */
import type { Config } from "../config/mod.ts";
import { generateToSink } from "../parallel/generate.ts";
import { DEFAULT_COMMIT_INTERVAL_MS, StreamingServer } from "../schedule/server.ts";
import { createDeltaSink } from "../../plugins/sinks/delta.ts";
import { defaultWorkers } from "../parallel/pool.ts";
import { openBatchSource } from "../parallel/handoff.ts";
import { recipeOf } from "../parallel/recipe.ts";
import { cpuSeconds, median, peakRssMb, rssMb, timed } from "./measure.ts";
import { v8FlagsArgument } from "../cli/v8_flags.ts";
import {
  type BenchCase,
  benchEngine,
  checkedConfig,
  CONFIGS,
  EXAMPLE,
  REFERENCE_TIME,
} from "./case.ts";

/** A config of `count` small streaming tables at 60 rows/min. */
export function manyTablesConfig(count: number): string {
  const lines = ["version: 1", "config:", "  locale: en_US", "  seed: 1", "tables:"];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  - table_name: t${String(i).padStart(3, "0")}`,
      "    row_count: 10",
      "    cadence:",
      "      rows_per_minute: 60",
      "    columns:",
      "      - column_name: id",
      "        data: row_id",
      "        is_primary_key: true",
      "      - column_name: name",
      "        data: fake.first_name()",
      "      - column_name: score",
      "        data: random.randint(1, 100)",
    );
  }
  return lines.join("\n") + "\n";
}

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The folders of `cadence_idle`'s runs, kept until all its runs are measured. */
const CADENCE_PREFIX = "tablestream-bench-cadence-";
/** Where Deno makes temporary folders (as `Deno.makeTempDir` picks it). */
const TEMP = Deno.env.get("TMPDIR") ?? "/tmp";
export const cadenceIdle: BenchCase = {
  name: "cadence_idle",
  summary: "run: 200 tables at 60 rows/min, 1 s ticks; CPU of the process / wall time",
  target: { op: "<=", value: 2, unit: "% core" },
  runs: { full: 3, quick: 1 },
  async run(quick) {
    const warmupMs = quick ? 8_000 : 15_000;
    // The default commit interval (DEFAULT_COMMIT_INTERVAL_MS), or CADENCE_COMMIT_INTERVAL.
    const commitIntervalS = Number(
      Deno.env.get("CADENCE_COMMIT_INTERVAL") ?? DEFAULT_COMMIT_INTERVAL_MS / 1000,
    );
    // Whole commit rounds: a window of a round and a half would count one or two. Windows of
    // two rounds, several in a row, and their median: one window (the old `--quick`) could
    // not resolve a change of 0.5% of a core on a shared box, where a neighbour's burst
    // lands in one window and not the others.
    const windowMs = 2 * commitIntervalS * 1000;
    const windows = quick ? 3 : 5;
    // The folder stays until every run is measured (cleanup below): on this host's file
    // system, the next run's file creations were slowed by the inodes a removal had just freed.
    const dir = await Deno.makeTempDir({ prefix: CADENCE_PREFIX });
    await Deno.writeTextFile(`${dir}/config.yaml`, manyTablesConfig(200));
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        v8FlagsArgument(),
        MAIN,
        "run",
        "-c",
        `${dir}/config.yaml`,
        "-o",
        `${dir}/out`,
        "--tick-interval",
        "1s",
        "--commit-interval",
        `${commitIntervalS}s`,
        "--log-format",
        "json",
        "--status-interval",
        "1h",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      // Start-up and every table's first commit are not what "idle" is about.
      await new Promise((resolve) => setTimeout(resolve, warmupMs));
      const measured: { user: number; system: number; seconds: number }[] = [];
      for (let i = 0; i < windows; i++) {
        const cpu0 = cpuSeconds(child.pid);
        const wall0 = performance.now();
        await new Promise((resolve) => setTimeout(resolve, windowMs));
        const cpu1 = cpuSeconds(child.pid);
        measured.push({
          user: cpu1.user - cpu0.user,
          system: cpu1.system - cpu0.system,
          seconds: (performance.now() - wall0) / 1000,
        });
      }
      const ratios = measured.map((w) => 100 * (w.user + w.system) / w.seconds);
      const sum = (pick: (w: typeof measured[number]) => number) =>
        measured.reduce((n, w) => n + pick(w), 0);
      const seconds = sum((w) => w.seconds);
      return {
        rows: 200 * Math.round(seconds),
        seconds,
        ratio: median(ratios),
        extra: {
          user_s: sum((w) => w.user),
          system_s: sum((w) => w.system),
          commit_interval_s: commitIntervalS,
          windows,
          window_min: Math.min(...ratios),
          window_max: Math.max(...ratios),
        },
      };
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
  },
  async cleanup() {
    for await (const entry of Deno.readDir(TEMP)) {
      if (entry.isDirectory && entry.name.startsWith(CADENCE_PREFIX)) {
        await Deno.remove(`${TEMP}/${entry.name}`, { recursive: true });
      }
    }
  },
};

/** A streaming server on a bench config with the usual options. */
function server(
  config: Config | string,
  dir: string,
  extra: Partial<ConstructorParameters<typeof StreamingServer>[0]>,
) {
  return new StreamingServer({
    config,
    output: dir,
    startTime: REFERENCE_TIME,
    ...extra,
  });
}

const CACHE = new URL("../../bench/cache/", import.meta.url).pathname;

/**
 * A folder built once by `build` and kept under `bench/cache/` for later runs: building a
 * 10,000-commit log or a 10M-row table takes far longer than what is measured on it.
 */
async function cachedFixture(name: string, build: (dir: string) => Promise<void>) {
  const dir = `${CACHE}${name}`;
  const done = `${dir}/.complete`;
  if (await Deno.stat(done).then(() => true, () => false)) return dir;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  await build(dir);
  await Deno.writeTextFile(done, new Date().toISOString());
  return dir;
}

export const resumeLog: BenchCase = {
  name: "resume",
  summary: "start-up of run on a table with 10,000 commits (checkpointed)",
  target: { op: "<=", value: 2, unit: "s" },
  runs: { full: 3, quick: 3 },
  async run(quick) {
    const commits = quick ? 1_000 : 10_000;
    const config = await checkedConfig(`${CONFIGS}resume.yaml`);
    const dir = await cachedFixture(`resume-${commits}`, async (dir) => {
      // One row per tick, one tick per commit: a long log, as a long live run leaves.
      await server(config, dir, {
        tables: ["ticks"],
        fastForward: true,
        ticks: commits - 1,
        commitRows: 1,
      }).start();
    });
    // No tick to run: what is timed is reading the table back and planning.
    const run = server(config, dir, { tables: ["ticks"], fastForward: true, ticks: 0 });
    const { seconds } = await timed(() => run.start());
    const tick = run.status().tables[0].tick;
    if (tick !== commits - 1) throw new Error(`resumed at tick ${tick}, not ${commits - 1}`);
    return { rows: 0, seconds, ratio: seconds, extra: { commits } };
  },
};

export const resumeParent: BenchCase = {
  name: "resume_parent",
  summary: "start-up of run on a child of a 10M-row parent written by generate (keys loaded)",
  target: { op: "<=", value: 10, unit: "s" },
  runs: { full: 3, quick: 3 },
  async run(quick) {
    const rows = quick ? 1_000_000 : 10_000_000;
    const config = await checkedConfig(`${CONFIGS}resume.yaml`);
    /** The start-up of `child` on a cached parent of `count` rows: seconds. */
    const startUp = async (count: number) => {
      const dir = await cachedFixture(`parent-${count}`, async (dir) => {
        const engine = await benchEngine("resume.yaml", { big_parent: count });
        const source = await openBatchSource(engine, {
          workers: defaultWorkers(),
          recipe: () => recipeOf(engine, `${CONFIGS}resume.yaml`),
          rows: count,
        });
        try {
          const sink = createDeltaSink({ dir });
          await generateToSink(engine, sink, { tables: ["big_parent"], source });
        } finally {
          source.close();
        }
      });
      // The child starts anew each time; the parent is read back as stored.
      await Deno.remove(`${dir}/child`, { recursive: true }).catch(() => {});
      const run = server(config, dir, { tables: ["child"], fastForward: true, ticks: 0 });
      const { seconds } = await timed(() => run.start());
      if (run.status().tables[0].rows !== 10) throw new Error("the child did not start");
      return seconds;
    };
    // Start-up on a small parent first: what the large one adds is what its keys cost.
    const small = await startUp(1_000);
    const before = rssMb();
    const seconds = await startUp(rows);
    const grew = peakRssMb() - before;
    // What stays once transient buffers are collected (the driver exposes gc()).
    (globalThis as { gc?: () => void }).gc?.();
    const retained = rssMb() - before;
    return {
      rows,
      seconds,
      ratio: seconds,
      extra: { memory_mb: grew, retained_mb: retained, small_parent_s: small },
    };
  },
};

export const steadyMemory: BenchCase = {
  name: "steady_memory",
  summary:
    "run --fast-forward on the bundled example: RSS growth over 100k ticks after 100k of warm-up",
  target: { op: "<=", value: 20, unit: "MB" },
  runs: { full: 1, quick: 1 },
  async run(quick) {
    // Measured: 100,000 ticks, after as many of warm-up. The process's RSS (generation
    // workers included) rises for the first 100,000-120,000 ticks of this run and then stays
    // flat (400,000 ticks: 372 MB at tick 120k, 375 MB at tick 385k; the main heap at 18-24 MB
    // throughout): memory reaching its working size, which the old window (ticks 20k-40k
    // against 80k-100k of a 100k-tick run) took for growth. What grows after it is a leak.
    const ticks = quick ? 10_000 : 100_000;
    const warmup = ticks;
    const total = warmup + ticks;
    const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-" });
    try {
      // The config by path, as `run` has it: generation workers included.
      const run = server(EXAMPLE, dir, { fastForward: true, ticks: total });
      const samples: { tick: number; rss: number }[] = [];
      const timer = setInterval(() => {
        const tick = Math.min(...run.status().tables.map((t) => t.tick));
        samples.push({ tick, rss: rssMb() });
      }, 200);
      const { seconds } = await timed(() => run.start());
      clearInterval(timer);
      const rows = run.status().tables.reduce((n, t) => n + t.rowsWritten, 0);
      // Like for like: the highest RSS (GC sawtooth peaks) in the first and the last fifth of
      // the measured ticks.
      const peak = (from: number, to: number) =>
        Math.max(
          ...samples
            .filter((s) => s.tick >= warmup + from * ticks && s.tick < warmup + to * ticks)
            .map((s) => s.rss),
        );
      const warm = peak(0, 0.2);
      const late = peak(0.8, 1.01);
      return {
        rows,
        seconds,
        ratio: late - warm,
        extra: { warm_mb: warm, late_mb: late, warmup_ticks: warmup },
      };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
};
