/**
 * The benchmarks of `deno task bench`. Each one measures two things in the same run and
 * reports their ratio (or a ratio of CPU time to wall time, or a size against a limit), so a
 * noisy machine moves both sides together. `lib/bench/main.ts` runs each in a fresh process,
 * repeats it and takes medians.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { allLocales, Faker, type LocaleDefinition } from "@faker-js/faker";
import { type Config, loadConfig } from "../config/mod.ts";
import { Engine } from "../engine/generator.ts";
import { generateToSink } from "../engine/batch.ts";
import { engineOptions, runInputs, tableSpecs } from "../engine/from_config.ts";
import { encodeParquet } from "../parquet/mod.ts";
import { createDeltaSink } from "../../plugins/sinks/delta.ts";
import { DEFAULT_COMMIT_INTERVAL_MS, StreamingServer } from "../schedule/server.ts";
import { cpuSeconds, machineParallelism, peakRssMb, rssMb, timed } from "./measure.ts";
import { defaultWorkers } from "../parallel/pool.ts";
import { openBatchSource } from "../parallel/handoff.ts";
import { recipeOf } from "../parallel/recipe.ts";
import { main as cliMain } from "../cli/main.ts";
import { parseDocument } from "yaml";
import { existingVirtualEnv } from "../../tests/interop/main.ts";

/** What one run of a benchmark measured. */
export interface Measured {
  /** Rows the measured side wrote (0 when rows are not the point). */
  rows: number;
  /** Wall time of the measured side, s. */
  seconds: number;
  /** The figure the target is about (a ratio, a share of a core, seconds or MB). */
  ratio: number;
  /** The other side of the ratio, when it is a rate. */
  baseline?: { rows: number; seconds: number };
  /** Further figures worth printing (they are medians too). */
  extra?: Record<string, number>;
  /** Why the benchmark could not run here (what it compares against is missing). */
  skipped?: string;
}

/** A benchmark: what it measures, its target, and how to run it once. */
export interface BenchCase {
  name: string;
  summary: string;
  /** The target on `ratio`: at least (`>=`) or at most (`<=`) this. */
  target: { op: ">=" | "<="; value: number; unit: string };
  /** Runs whose median is reported (full, quick). */
  runs: { full: number; quick: number };
  run(quick: boolean): Promise<Measured>;
}

const CONFIGS = new URL("./configs/", import.meta.url).pathname;
const EXAMPLE = new URL("../../examples/streaming_config.yaml", import.meta.url).pathname;
const REFERENCE_TIME = new Date("2026-01-01T00:00:00Z");

async function checkedConfig(path: string): Promise<Config> {
  const { config, diagnostics } = await loadConfig(path);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (!config || errors.length) throw new Error(`${path}: ${errors[0]?.message}`);
  return config;
}

/** An engine for a bench config with some tables' row counts replaced. */
async function benchEngine(file: string, rowCounts: Record<string, number>): Promise<Engine> {
  const config = await checkedConfig(`${CONFIGS}${file}`);
  const specs = tableSpecs(config).map((s) => ({
    ...s,
    rowCount: rowCounts[s.name] ?? s.rowCount,
  }));
  return new Engine(specs, runInputs(config, {}, REFERENCE_TIME), engineOptions(config));
}

/** Options of {@link generateDelta}. */
interface GenerateRun {
  file: string;
  table: string;
  rows: number;
  /** Row counts of other tables (parents). */
  rowCounts?: Record<string, number>;
  workers?: number;
}

/**
 * `generate` of one table of a bench config into a fresh Delta table: rows and seconds,
 * starting the workers included (as `generate` does, and only for runs worth them).
 */
async function generateDelta(run: GenerateRun): Promise<{ rows: number; seconds: number }> {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-" });
  try {
    const engine = await benchEngine(run.file, { ...run.rowCounts, [run.table]: run.rows });
    const configPath = `${CONFIGS}${run.file}`;
    const { seconds } = await timed(async () => {
      // Starting the workers is part of the run, as it is for `generate`.
      const source = await openBatchSource(engine, {
        workers: run.workers ?? 1,
        recipe: () => recipeOf(engine, configPath),
        rows: run.rows,
      });
      try {
        await generateToSink(engine, createDeltaSink({ dir }), { tables: [run.table], source });
      } finally {
        source.close();
      }
    });
    return { rows: run.rows, seconds };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A ratio of two rates. */
function rateRatio(a: { rows: number; seconds: number }, b: { rows: number; seconds: number }) {
  return (a.rows / a.seconds) / (b.rows / b.seconds);
}

const writeOverhead: BenchCase = {
  name: "write_overhead",
  summary: "generate -> Delta (no faker) vs parquet-wasm writing the same Arrow data",
  target: { op: ">=", value: 0.5, unit: "x" },
  runs: { full: 5, quick: 3 },
  async run(quick) {
    const rows = quick ? 200_000 : 1_000_000;
    const engine = await benchEngine("numeric.yaml", { facts: rows });
    const generator = engine.table("facts");
    const batches: arrow.RecordBatch[] = [];
    for (let done = 0; done < rows; done += 10_000) {
      batches.push(generator.batch(1 + done, Math.min(10_000, rows - done)));
    }
    const data = new arrow.Table(batches);
    const file = await Deno.makeTempFile({ prefix: "tablestream-bench-", suffix: ".parquet" });
    // Both sides warmed up (JIT, Wasm) on a small run first.
    encodeParquet(data.slice(0, 10_000));
    const common = { file: "numeric.yaml", table: "facts", rows };
    await generateDelta({ ...common, rows: 20_000, workers: 1 });
    // The write-only side: the same Arrow data, one snappy Parquet file on disk.
    const write = await timed(() => Deno.writeFile(file, encodeParquet(data, "snappy")));
    await Deno.remove(file);
    // End to end as `generate` runs by default (one worker per CPU), and in one thread.
    const end = await generateDelta({ ...common, workers: defaultWorkers() });
    const oneThread = await generateDelta({ ...common, workers: 1 });
    const baseline = { rows, seconds: write.seconds };
    return {
      ...end,
      baseline,
      ratio: rateRatio(end, baseline),
      extra: { one_thread_x: rateRatio(oneThread, baseline), workers: defaultWorkers() },
    };
  },
};

/** The faker-js instance a plain faker-js user gets for en_US. */
function plainFaker(): Faker {
  const locales = allLocales as Record<string, LocaleDefinition>;
  const faker = new Faker({ locale: [locales.en_US, locales.en, locales.base] });
  faker.seed(1);
  return faker;
}

/** The people table's faker calls in a bare loop, kept so nothing is optimised away. */
function bareFakerLoop(rows: number): number {
  const faker = plainFaker();
  let length = 0;
  for (let i = 0; i < rows; i++) {
    length += faker.person.firstName().length;
    length += faker.person.lastName().length;
    length += faker.internet.email().toLowerCase().length;
    length += faker.number.int({ min: 1, max: 100 });
  }
  return length;
}

const fakerOverhead: BenchCase = {
  name: "faker_overhead",
  summary: "the 5-column people table -> Delta (--workers 1) vs a bare faker-js loop",
  target: { op: ">=", value: 0.8, unit: "x" },
  runs: { full: 5, quick: 3 },
  async run(quick) {
    const rows = quick ? 50_000 : 200_000;
    bareFakerLoop(5_000);
    await generateDelta({ file: "people.yaml", table: "people", rows: 5_000, workers: 1 });
    const bare = await timed(() => bareFakerLoop(rows));
    const end = await generateDelta({ file: "people.yaml", table: "people", rows, workers: 1 });
    const baseline = { rows, seconds: bare.seconds };
    return { ...end, baseline, ratio: rateRatio(end, baseline) };
  },
};

const zipfScale: BenchCase = {
  name: "zipf_scale",
  summary: "a child with a zipf foreign key into 1,000,000 parents vs into 100",
  target: { op: ">=", value: 0.8, unit: "x" },
  runs: { full: 5, quick: 3 },
  async run(quick) {
    const rows = quick ? 200_000 : 1_000_000;
    const common = { file: "zipf.yaml", table: "children", rows, workers: 1 };
    await generateDelta({ ...common, rows: 20_000 });
    const small = await generateDelta({ ...common, rowCounts: { parents: 100 } });
    const large = await generateDelta({ ...common, rowCounts: { parents: 1_000_000 } });
    return { ...large, baseline: small, ratio: rateRatio(large, small) };
  },
};

const copyFk: BenchCase = {
  name: "copy_fk",
  summary: "a child with copy_from_fk of a faker column vs the same child without it",
  target: { op: ">=", value: 0.5, unit: "x" },
  runs: { full: 5, quick: 3 },
  async run(quick) {
    const rows = quick ? 50_000 : 200_000;
    const common = { file: "copy_fk.yaml", rows, workers: 1 };
    await generateDelta({ ...common, table: "orders_copy", rows: 5_000 });
    const plain = await generateDelta({ ...common, table: "orders_plain" });
    const copy = await generateDelta({ ...common, table: "orders_copy" });
    return { ...copy, baseline: plain, ratio: rateRatio(copy, plain) };
  },
};

const workers: BenchCase = {
  name: "workers",
  summary: "the people table -> Delta with --workers 2 vs --workers 1",
  target: { op: ">=", value: 1.7, unit: "x" },
  runs: { full: 5, quick: 3 },
  async run(quick) {
    const rows = quick ? 200_000 : 1_000_000;
    const common = { file: "people.yaml", table: "people", rows };
    await generateDelta({ ...common, rows: 5_000, workers: 1 });
    const one = await generateDelta({ ...common, workers: 1 });
    const two = await generateDelta({ ...common, workers: 2 });
    // What the machine gave two threads at the time: the ceiling of this ratio.
    const machine = await machineParallelism(2);
    return { ...two, baseline: one, ratio: rateRatio(two, one), extra: { machine_2x: machine } };
  },
};

/** A config of `count` small streaming tables at 60 rows/min. */
function manyTablesConfig(count: number): string {
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

const cadenceIdle: BenchCase = {
  name: "cadence_idle",
  summary: "run: 200 tables at 60 rows/min, 1 s ticks; CPU of the process / wall time",
  target: { op: "<=", value: 3, unit: "% core" },
  runs: { full: 3, quick: 1 },
  async run(quick) {
    const warmupMs = quick ? 8_000 : 15_000;
    // The default commit interval (DEFAULT_COMMIT_INTERVAL_MS), or CADENCE_COMMIT_INTERVAL.
    const commitIntervalS = Number(
      Deno.env.get("CADENCE_COMMIT_INTERVAL") ?? DEFAULT_COMMIT_INTERVAL_MS / 1000,
    );
    // Whole commit rounds: a window of a round and a half would count one or two.
    const windowMs = quick ? 20_000 : 60_000;
    const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-" });
    try {
      await Deno.writeTextFile(`${dir}/config.yaml`, manyTablesConfig(200));
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
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
        const cpu0 = cpuSeconds(child.pid);
        const wall0 = performance.now();
        await new Promise((resolve) => setTimeout(resolve, windowMs));
        const cpu1 = cpuSeconds(child.pid);
        const user = cpu1.user - cpu0.user, system = cpu1.system - cpu0.system;
        const seconds = (performance.now() - wall0) / 1000;
        return {
          rows: 200 * Math.round(seconds),
          seconds,
          ratio: 100 * (user + system) / seconds,
          extra: { user_s: user, system_s: system, commit_interval_s: commitIntervalS },
        };
      } finally {
        child.kill("SIGKILL");
        await child.status;
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
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

const resumeLog: BenchCase = {
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

const resumeParent: BenchCase = {
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

const steadyMemory: BenchCase = {
  name: "steady_memory",
  summary: "run --fast-forward on the bundled example for 100k ticks: RSS growth after warm-up",
  target: { op: "<=", value: 20, unit: "MB" },
  runs: { full: 1, quick: 1 },
  async run(quick) {
    const ticks = quick ? 10_000 : 100_000;
    const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-" });
    try {
      // The config by path, as `run` has it: generation workers included.
      const run = server(EXAMPLE, dir, { fastForward: true, ticks });
      const samples: { tick: number; rss: number }[] = [];
      const timer = setInterval(() => {
        const tick = Math.min(...run.status().tables.map((t) => t.tick));
        samples.push({ tick, rss: rssMb() });
      }, 200);
      const { seconds } = await timed(() => run.start());
      clearInterval(timer);
      const rows = run.status().tables.reduce((n, t) => n + t.rowsWritten, 0);
      // Like for like: the highest RSS (GC sawtooth peaks) early and late in the run.
      const peak = (from: number, to: number) =>
        Math.max(
          ...samples.filter((s) => s.tick >= from * ticks && s.tick < to * ticks).map((s) => s.rss),
        );
      const warm = peak(0.2, 0.4);
      const late = peak(0.8, 1.01);
      return { rows, seconds, ratio: late - warm, extra: { warm_mb: warm, late_mb: late } };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
};

/**
 * A bench config with its tables' row counts set, written into `dir` as `name`: both tools of
 * a `tablefaker_*` benchmark read this one file.
 */
async function configWithRows(
  file: string,
  dir: string,
  name: string,
  rowCounts: Record<string, number>,
): Promise<string> {
  const doc = parseDocument(await Deno.readTextFile(`${CONFIGS}${file}`));
  const tables = doc.get("tables") as {
    items: { get(k: string): unknown; set(k: string, v: unknown): void }[];
  };
  for (const table of tables.items) {
    const rows = rowCounts[String(table.get("table_name"))];
    if (rows !== undefined) table.set("row_count", rows);
  }
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, doc.toString());
  return path;
}

/** Wall and CPU seconds of a run. */
interface Spent {
  seconds: number;
  cpuSeconds: number;
}

/** The CPU seconds (user and system, all threads) this process has used so far. */
function ownCpu(): number {
  const { user, system } = cpuSeconds(Deno.pid);
  return user + system;
}

/**
 * `tablestream generate` of a config into CSV, in this process and one thread: its wall and
 * CPU seconds.
 */
async function tablestreamCsv(config: string, out: string): Promise<Spent> {
  let errors = "";
  const cpu = ownCpu();
  const { seconds, value: code } = await timed(() =>
    cliMain([
      "generate",
      "--config",
      config,
      "--output",
      out,
      "--format",
      "csv",
      "--workers",
      "1",
      "--reference-time",
      REFERENCE_TIME.toISOString(),
    ], { stdout: () => {}, stderr: (text) => void (errors += text) })
  );
  if (code !== 0) throw new Error(`tablestream generate ${config} failed: ${errors}`);
  return { seconds, cpuSeconds: ownCpu() - cpu };
}

const TABLEFAKER_PEER = new URL("./tablefaker_peer.py", import.meta.url).pathname;

/**
 * tablefaker's export of a config into CSV, after a warm-up on `warmup`: rows, wall and CPU
 * seconds.
 */
async function tablefakerCsv(
  venv: string,
  config: string,
  warmup: string,
  out: string,
): Promise<Spent & { rows: number }> {
  const result = await new Deno.Command(`${venv}/bin/python`, {
    args: [TABLEFAKER_PEER, config, warmup, out, "csv"],
    env: { TZ: "UTC" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(result.stdout).trim();
  if (!result.success) {
    throw new Error(`tablefaker failed on ${config}:\n${new TextDecoder().decode(result.stderr)}`);
  }
  const { rows, seconds, cpu_seconds } = JSON.parse(text.slice(text.lastIndexOf("\n") + 1));
  return { rows, seconds, cpuSeconds: cpu_seconds };
}

/**
 * A benchmark of tablestream against tablefaker 1.11.1 (the interop suite's Python
 * environment) on one config: rows per CPU second of both writing CSV, tablestream in one
 * thread and warm (`cold_x`: its first run of the full size), each after a warm-up on the same
 * tables with few rows; the ratio of wall-time rates as `wall_x`. Skipped when the
 * environment is missing.
 */
function tablefakerCase(options: {
  name: string;
  summary: string;
  file: string;
  rows: (quick: boolean) => Record<string, number>;
  /** How many times tablefaker's rows/s tablestream must reach. */
  times: number;
}): BenchCase {
  return {
    name: options.name,
    summary: options.summary,
    target: { op: ">=", value: options.times, unit: "x" },
    runs: { full: 3, quick: 1 },
    async run(quick) {
      const found = await existingVirtualEnv();
      if ("missing" in found) {
        return { rows: 0, seconds: 0, ratio: 0, skipped: `tablefaker missing: ${found.missing}` };
      }
      const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-" });
      try {
        const rowCounts = options.rows(quick);
        const small = Object.fromEntries(
          Object.entries(rowCounts).map(([t, n]) => [t, Math.max(50, Math.ceil(n / 20))]),
        );
        const config = await configWithRows(options.file, dir, "config.yaml", rowCounts);
        const warmup = await configWithRows(options.file, dir, "warmup.yaml", small);
        const rows = Object.values(rowCounts).reduce((a, b) => a + b, 0);
        await tablestreamCsv(warmup, `${dir}/warmup`);
        // V8 keeps optimising the hot path over the first tens of thousands of rows: a first
        // run of the full size is reported apart (cold_x), the second is the measure.
        const first = await tablestreamCsv(config, `${dir}/first`);
        const ours = await tablestreamCsv(config, `${dir}/tablestream`);
        // Python has no JIT: after a small warm-up (Faker loads providers on first use) its
        // rate is what it is.
        const theirs = await tablefakerCsv(found.venv, config, warmup, `${dir}/tablefaker`);
        if (theirs.rows !== rows) {
          throw new Error(`tablefaker wrote ${theirs.rows} rows, not ${rows}`);
        }
        // Rates per CPU second: on a shared host, a second of wall time holds whatever share
        // of a core the other work left, which differs between the two sides of the ratio.
        const perCpu = (spent: Spent) => ({ rows, seconds: spent.cpuSeconds });
        const perWall = (spent: Spent) => ({ rows, seconds: spent.seconds });
        return {
          ...perCpu(ours),
          baseline: perCpu(theirs),
          ratio: rateRatio(perCpu(ours), perCpu(theirs)),
          extra: {
            cold_x: rateRatio(perCpu(first), perCpu(theirs)),
            wall_x: rateRatio(perWall(ours), perWall(theirs)),
            wall_s: ours.seconds,
            tablefaker_wall_s: theirs.seconds,
          },
        };
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  };
}

const tablefakerFaker = tablefakerCase({
  name: "tablefaker_faker",
  summary: "a 16-column table of fake.* calls -> CSV: tablestream (--workers 1) vs tablefaker",
  file: "faker_heavy.yaml",
  rows: (quick) => ({ contacts: quick ? 5_000 : 20_000 }),
  // The goal set for tablestream: 30 times tablefaker in one thread.
  times: 30,
});

const tablefakerFk = tablefakerCase({
  name: "tablefaker_fk",
  summary:
    "customers and orders (foreign key, copy_from_fk) -> CSV: tablestream (--workers 1) vs " +
    "tablefaker",
  file: "tablefaker_fk.yaml",
  rows: (quick) =>
    quick ? { customers: 1_000, orders: 10_000 } : { customers: 5_000, orders: 50_000 },
  // No goal is set for this one: the floor is tablefaker's own rate.
  times: 1,
});

/** Every benchmark, in the order the table prints them. */
export const CASES: readonly BenchCase[] = [
  writeOverhead,
  fakerOverhead,
  zipfScale,
  copyFk,
  workers,
  cadenceIdle,
  resumeLog,
  resumeParent,
  steadyMemory,
  tablefakerFaker,
  tablefakerFk,
];
