/**
 * tablestream against tablefaker 1.11.1 on the same configs, in one run, as a user sees them:
 * whole processes (start-up included) writing CSV, tablefaker's CLI from the interop suite's
 * Python environment.
 *
 * @module
 */
import { parseDocument } from "yaml";
import { timed } from "./measure.ts";
import { existingVirtualEnv } from "../../tests/interop/main.ts";
import { type BenchCase, CONFIGS, rateRatio, REFERENCE_TIME, tablestreamProcess } from "./case.ts";

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

/** `tablestream generate` of a config into CSV as its own process: wall seconds. */
async function tablestreamCsv(config: string, out: string, workers: string[]): Promise<number> {
  const { seconds } = await tablestreamProcess([
    ...["generate", "--config", config, "--output", out, "--format", "csv"],
    ...["--reference-time", REFERENCE_TIME.toISOString(), ...workers],
  ]);
  return seconds;
}

/**
 * tablefaker's CLI (`tablefaker --config CONFIG --file_type csv --target OUT`) as its own
 * process: wall seconds. That includes the second it sleeps after each file to sample the CPU
 * (psutil.cpu_percent with interval=1), since a user waits for it too; the benchmark's
 * `without_sleep_x` leaves it out.
 */
async function tablefakerCsv(venv: string, config: string, out: string): Promise<number> {
  // An existing folder: tablefaker takes a target that does not exist for a file's name.
  await Deno.mkdir(out, { recursive: true });
  const { seconds, value: result } = await timed(() =>
    new Deno.Command(`${venv}/bin/tablefaker`, {
      args: ["--config", config, "--file_type", "csv", "--target", out],
      env: { TZ: "UTC" },
      stdout: "null",
      stderr: "piped",
    }).output()
  );
  if (!result.success) {
    throw new Error(`tablefaker failed on ${config}:\n${new TextDecoder().decode(result.stderr)}`);
  }
  return seconds;
}

/** Rows of the CSV files under `dir` (header lines left out; no field holds a newline). */
async function csvRows(dir: string): Promise<number> {
  let rows = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) rows += await csvRows(path);
    else if (entry.name.endsWith(".csv")) {
      const text = await Deno.readTextFile(path);
      rows += text.split("\n").filter((line) => line.length > 0).length - 1;
    }
  }
  return rows;
}

/**
 * A benchmark of tablestream against tablefaker 1.11.1 (the interop suite's Python
 * environment) on one config: whole processes writing CSV, start-up included, as a user times
 * them. The ratio is tablestream in one thread (`--workers 1`) against tablefaker, which has
 * one; `default_x` is tablestream with its default `--workers`. Both tools' row counts are
 * checked on disk. Skipped when the environment is missing.
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
        const rows = Object.values(rowCounts).reduce((a, b) => a + b, 0);
        const config = await configWithRows(options.file, dir, "config.yaml", rowCounts);
        const tiny = await configWithRows(
          options.file,
          dir,
          "tiny.yaml",
          Object.fromEntries(Object.keys(rowCounts).map((t) => [t, 10])),
        );
        // Deno's and Python's module caches filled, as on a user's second run.
        await tablestreamCsv(tiny, `${dir}/warm`, ["--workers", "1"]);
        await tablefakerCsv(found.venv, tiny, `${dir}/warm_tablefaker`);
        const one = await tablestreamCsv(config, `${dir}/one`, ["--workers", "1"]);
        const byDefault = await tablestreamCsv(config, `${dir}/default`, []);
        const theirs = await tablefakerCsv(found.venv, config, `${dir}/tablefaker`);
        for (const out of ["one", "default", "tablefaker"]) {
          const written = await csvRows(`${dir}/${out}`);
          if (written !== rows) throw new Error(`${out} wrote ${written} rows, not ${rows}`);
        }
        const baseline = { rows, seconds: theirs };
        const tables = Object.keys(rowCounts).length;
        return {
          rows,
          seconds: one,
          baseline,
          ratio: rateRatio({ rows, seconds: one }, baseline),
          extra: {
            default_x: rateRatio({ rows, seconds: byDefault }, baseline),
            default_s: byDefault,
            tablefaker_s: theirs,
            // Without the seconds tablefaker sleeps: what its work alone gives.
            without_sleep_x: rateRatio({ rows, seconds: one }, { rows, seconds: theirs - tables }),
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
  summary: "a 16-column table of fake.* calls -> CSV, whole processes: tablestream " +
    "(--workers 1) vs tablefaker's CLI",
  file: "faker_heavy.yaml",
  rows: (quick) => ({ contacts: quick ? 20_000 : 100_000 }),
  // The goal set for tablestream: 30 times tablefaker in one thread.
  times: 30,
});

export const tablefakerFk = tablefakerCase({
  name: "tablefaker_fk",
  summary:
    "customers and orders (foreign key, copy_from_fk) -> CSV, whole processes: tablestream " +
    "(--workers 1) vs tablefaker's CLI",
  file: "tablefaker_fk.yaml",
  rows: (quick) =>
    quick ? { customers: 2_000, orders: 18_000 } : { customers: 10_000, orders: 90_000 },
  // The goal set for tablestream on a foreign-key-heavy config: 10 times tablefaker.
  times: 10,
});
