/**
 * What every benchmark of `deno task bench` is (its result and its target), and what several
 * of them share: the bench configs, an engine for them, `generate` into a Delta table.
 *
 * @module
 */
import { type Config, loadConfig } from "../config/mod.ts";
import { Engine } from "../engine/engine.ts";
import { generateToSink } from "../parallel/generate.ts";
import { engineOptions, runInputs, tableSpecs } from "../config/engine_specs.ts";
import { createDeltaSink } from "../../plugins/sinks/delta.ts";
import { timed } from "./measure.ts";
import { v8FlagsArgument } from "../cli/v8_flags.ts";
import { openBatchSource } from "../parallel/handoff.ts";
import { recipeOf } from "../parallel/recipe.ts";

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
  /**
   * Removes what the runs left for it (each run is a process of its own), once all of them are
   * measured: for a case whose measure a run's own clean-up would disturb.
   */
  cleanup?(): Promise<void>;
}

export const CONFIGS = new URL("./configs/", import.meta.url).pathname;
export const EXAMPLE = new URL("../../examples/streaming_config.yaml", import.meta.url).pathname;
export const REFERENCE_TIME = new Date("2026-01-01T00:00:00Z");

export async function checkedConfig(path: string): Promise<Config> {
  const { config, diagnostics } = await loadConfig(path);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (!config || errors.length) throw new Error(`${path}: ${errors[0]?.message}`);
  return config;
}

/** An engine for a bench config with some tables' row counts replaced. */
export async function benchEngine(
  file: string,
  rowCounts: Record<string, number>,
): Promise<Engine> {
  const config = await checkedConfig(`${CONFIGS}${file}`);
  const specs = tableSpecs(config).map((s) => ({
    ...s,
    rowCount: rowCounts[s.name] ?? s.rowCount,
  }));
  return new Engine(specs, runInputs(config, {}, REFERENCE_TIME), engineOptions(config));
}

/** Options of {@link generateDelta}. */
export interface GenerateRun {
  file: string;
  table: string;
  rows: number;
  /** Row counts of other tables (parents). */
  rowCounts?: Record<string, number>;
  workers?: number;
  /** The workers were not asked for but defaulted, as `generate` without `--workers` has it. */
  adaptive?: boolean;
}

/**
 * `generate` of one table of a bench config into a fresh Delta table: rows and seconds,
 * starting the workers included (as `generate` does, and only for runs worth them).
 */
export async function generateDelta(run: GenerateRun): Promise<{ rows: number; seconds: number }> {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-" });
  try {
    const engine = await benchEngine(run.file, { ...run.rowCounts, [run.table]: run.rows });
    const configPath = `${CONFIGS}${run.file}`;
    const { seconds } = await timed(async () => {
      // Starting the workers is part of the run, as it is for `generate`.
      const source = await openBatchSource(engine, {
        workers: run.workers ?? 1,
        adaptive: run.adaptive,
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
export function rateRatio(
  a: { rows: number; seconds: number },
  b: { rows: number; seconds: number },
) {
  return (a.rows / a.seconds) / (b.rows / b.seconds);
}

/** `main.ts`, which the benchmarks that time whole processes run. */
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/**
 * Runs `tablestream ...args` as its own process (`deno run -A main.ts` with the binary's V8
 * settings, in UTC), as a user would: its wall seconds (start-up included) and what it wrote
 * to stderr; fails with that text when it exits non-zero.
 */
export async function tablestreamProcess(
  args: string[],
): Promise<{ seconds: number; stderr: string }> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", v8FlagsArgument(), MAIN, ...args],
    env: { TZ: "UTC" },
    stdout: "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`tablestream ${args.join(" ")} failed:\n${stderr}`);
  return { seconds, stderr };
}
