/**
 * tablestream against tablefaker 1.11.1 on the same configs, in one run: rows per CPU second
 * of each, tablefaker from the interop suite's Python environment.
 *
 * @module
 */
import { parseDocument } from "yaml";
import { main as cliMain } from "../cli/main.ts";
import { ownCpuSeconds, timed } from "./measure.ts";
import { existingVirtualEnv } from "../../tests/interop/main.ts";
import { type BenchCase, CONFIGS, rateRatio, REFERENCE_TIME } from "./case.ts";

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

/**
 * `tablestream generate` of a config into CSV, in this process and one thread: its wall and
 * CPU seconds.
 */
async function tablestreamCsv(config: string, out: string): Promise<Spent> {
  let errors = "";
  const cpu = ownCpuSeconds();
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
  return { seconds, cpuSeconds: ownCpuSeconds() - cpu };
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

export const tablefakerFaker = tablefakerCase({
  name: "tablefaker_faker",
  summary: "a 16-column table of fake.* calls -> CSV: tablestream (--workers 1) vs tablefaker",
  file: "faker_heavy.yaml",
  rows: (quick) => ({ contacts: quick ? 5_000 : 20_000 }),
  // The goal set for tablestream: 30 times tablefaker in one thread.
  times: 30,
});

export const tablefakerFk = tablefakerCase({
  name: "tablefaker_fk",
  summary:
    "customers and orders (foreign key, copy_from_fk) -> CSV: tablestream (--workers 1) vs " +
    "tablefaker",
  file: "tablefaker_fk.yaml",
  rows: (quick) =>
    quick ? { customers: 1_000, orders: 10_000 } : { customers: 5_000, orders: 50_000 },
  // The goal set for tablestream on a foreign-key-heavy config: 10 times tablefaker.
  times: 10,
});
