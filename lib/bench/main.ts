/**
 * `deno task bench [--quick] [--only a,b]`: runs every benchmark of `cases.ts`, each run in
 * a fresh process (memory and CPU of one cannot leak into another), several times; prints a
 * table of medians and appends one JSON line per benchmark to `bench/results.jsonl`.
 *
 * `--case NAME` is the child side: run one benchmark once and print its result.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type BenchCase, CASES, type Measured } from "./cases.ts";
import { median, peakRssMb } from "./measure.ts";
import { v8FlagsArgument } from "../cli/v8_flags.ts";

const RESULT_PREFIX = "BENCH_RESULT ";
const ROOT = new URL("../../", import.meta.url).pathname;

/** One run's figures as the child prints them. */
interface RunResult extends Measured {
  peakRssMb: number;
}

/** The medians of a benchmark's runs, as written to `bench/results.jsonl`. */
export interface BenchLine {
  name: string;
  rows: number;
  seconds: number;
  rows_per_s: number;
  baseline_rows_per_s?: number;
  ratio: number;
  target: string;
  met: boolean;
  peak_rss_mb: number;
  runs: number;
  quick: boolean;
  extra?: Record<string, number>;
  /** Why it did not run (see {@link Measured.skipped}); its figures are then 0. */
  skipped?: string;
  machine: string;
  at: string;
}

/** Runs one benchmark once in a new process. */
async function runInChild(name: string, quick: boolean): Promise<RunResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      // The product's V8 settings (as the binary has them), and gc() for a benchmark to tell
      // retained memory from garbage not collected yet.
      v8FlagsArgument("--expose-gc"),
      import.meta.filename!,
      "--case",
      name,
      ...(quick ? ["--quick"] : []),
    ],
    env: { TZ: "UTC" },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const line = text.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
  if (!out.success || !line) throw new Error(`Benchmark "${name}" failed (exit ${out.code})`);
  return JSON.parse(line.slice(RESULT_PREFIX.length));
}

/** The medians of several runs, each figure on its own. */
function summarise(bench: BenchCase, runs: RunResult[], quick: boolean, machine: string) {
  const m = (pick: (r: RunResult) => number) => median(runs.map(pick));
  const rows = m((r) => r.rows);
  const seconds = m((r) => r.seconds);
  const ratio = m((r) => r.ratio);
  const { op, value, unit } = bench.target;
  const extraKeys = Object.keys(runs[0].extra ?? {});
  const line: BenchLine = {
    name: bench.name,
    rows,
    seconds,
    rows_per_s: m((r) => r.rows / r.seconds),
    ...(runs[0].baseline
      ? { baseline_rows_per_s: m((r) => r.baseline!.rows / r.baseline!.seconds) }
      : {}),
    ratio,
    target: `${op} ${value} ${unit}`,
    met: op === ">=" ? ratio >= value : ratio <= value,
    peak_rss_mb: m((r) => r.peakRssMb),
    runs: runs.length,
    quick,
    ...(extraKeys.length
      ? { extra: Object.fromEntries(extraKeys.map((k) => [k, m((r) => r.extra![k])])) }
      : {}),
    ...(runs[0].skipped ? { skipped: runs[0].skipped, met: false } : {}),
    machine,
    at: new Date().toISOString(),
  };
  return line;
}

/** Model, cores and Deno version: what a reader needs to compare numbers. */
async function machine(): Promise<string> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? Deno.build.arch;
  return `${model}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "-";
}

/** The results as a Markdown table, as the README shows it. */
export function resultTable(lines: readonly BenchLine[]): string {
  const header =
    "| benchmark | rows | s | rows/s | baseline rows/s | result | target | met | peak RSS MB |";
  const rule = "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |";
  const body = lines.map((l) =>
    l.skipped
      ? `| ${l.name} | - | - | - | - | skipped: ${l.skipped} | ${l.target} | - | - |`
      : `| ${l.name} | ${l.rows} | ${fixed(l.seconds, 2)} | ${
        l.rows ? Math.round(l.rows_per_s) : "-"
      } | ${l.baseline_rows_per_s ? Math.round(l.baseline_rows_per_s) : "-"} | ${
        fixed(l.ratio, 2)
      } ${l.target.split(" ").slice(2).join(" ")} | ${l.target} | ${l.met ? "yes" : "no"} | ${
        fixed(l.peak_rss_mb, 0)
      } |`
  );
  return [header, rule, ...body].join("\n");
}

async function driver(quick: boolean, only?: string[]): Promise<void> {
  const chosen = only ? CASES.filter((c) => only.includes(c.name)) : CASES;
  for (const name of only ?? []) {
    if (!CASES.some((c) => c.name === name)) {
      throw new Error(`Unknown benchmark "${name}"; known: ${CASES.map((c) => c.name).join(", ")}`);
    }
  }
  const where = await machine();
  const lines: BenchLine[] = [];
  await Deno.mkdir(`${ROOT}bench`, { recursive: true });
  for (const bench of chosen) {
    const count = quick ? bench.runs.quick : bench.runs.full;
    const runs: RunResult[] = [];
    for (let i = 0; i < count; i++) {
      const run = await runInChild(bench.name, quick);
      if (run.skipped) {
        console.error(`${bench.name}: skipped: ${run.skipped}`);
        runs.splice(0, runs.length, run);
        break;
      }
      console.error(
        `${bench.name} run ${i + 1}/${count}: ${fixed(run.ratio, 3)} ${bench.target.unit}`,
      );
      runs.push(run);
    }
    await bench.cleanup?.();
    const line = summarise(bench, runs, quick, where);
    lines.push(line);
    await Deno.writeTextFile(`${ROOT}bench/results.jsonl`, JSON.stringify(line) + "\n", {
      append: true,
    });
  }
  console.log(`\n${where}${quick ? " (--quick)" : ""}\n`);
  console.log(resultTable(lines));
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      case: { type: "string" },
    },
  });
  if (values.case) {
    const bench = CASES.find((c) => c.name === values.case);
    if (!bench) throw new Error(`Unknown benchmark "${values.case}"`);
    const result: RunResult = { ...await bench.run(values.quick!), peakRssMb: peakRssMb() };
    console.log(RESULT_PREFIX + JSON.stringify(result));
    // Worker pools and timers of a case must not keep the child alive.
    Deno.exit(0);
  }
  await driver(values.quick!, values.only?.split(",").map((s) => s.trim()));
}
