/**
 * What a config would cost to generate, told before it is run: `row_count: 1e12` is legal
 * (sharded runs make such tables), but a user should learn from `validate` that one process
 * would need days and more disk than there is, not from a run that never ends.
 *
 * The estimate samples each table: a few hundred rows generated here, their time and their
 * size in memory (Arrow), scaled to `row_count`.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import type { Config, Diagnostic } from "../config/mod.ts";
import { diagnosticAt } from "../config/mod.ts";
import type { Engine } from "../engine/engine.ts";
import { GenerationError } from "../engine/generation_error.ts";

/** Rows generated per table to measure it. */
const SAMPLE_ROWS = 500;

/** Work that takes longer than this in one process is worth a warning. */
const LONG_SECONDS = 24 * 3600;

/** One table's estimate. */
export interface TableEstimate {
  table: string;
  rows: number;
  /** Bytes in memory (Arrow), an upper bound of what compressed formats write. */
  bytes: number;
  /** Seconds in one thread at the measured rate. */
  seconds: number;
}

/**
 * Estimates each table's size and time from a sample of its rows. A cell that fails in the
 * sample is a failure of the table (the run would fail there too).
 */
export function estimateTables(
  engine: Engine,
  tables: readonly string[],
): { estimates: TableEstimate[]; failures: GenerationError[] } {
  const estimates: TableEstimate[] = [];
  const failures: GenerationError[] = [];
  for (const name of tables) {
    try {
      estimates.push(estimateTable(engine, name));
    } catch (error) {
      if (!(error instanceof GenerationError)) throw error;
      failures.push(error);
    }
  }
  return { estimates, failures };
}

function estimateTable(engine: Engine, name: string): TableEstimate {
  {
    const generator = engine.table(name);
    const rows = generator.spec.rowCount;
    const sample = Math.min(rows, SAMPLE_ROWS);
    if (sample === 0) return { table: name, rows, bytes: 0, seconds: 0 };
    const started = performance.now();
    const batch = generator.batch(generator.spec.startRowId, sample);
    const seconds = Math.max(performance.now() - started, 0.01) / 1000;
    return {
      table: name,
      rows,
      bytes: arrowBytes(batch) / sample * rows,
      seconds: seconds / sample * rows,
    };
  }
}

function arrowBytes(table: arrow.Table | arrow.RecordBatch): number {
  let bytes = 0;
  for (const field of table.schema.fields) {
    for (const data of table.getChild(field.name)?.data ?? []) bytes += data.byteLength;
  }
  return bytes;
}

/**
 * Free bytes of the file system holding `path` (or its nearest existing ancestor), from
 * `df`; undefined where that cannot be told (no `df`, as on Windows).
 */
export async function freeBytes(path: string): Promise<number | undefined> {
  try {
    const output = await new Deno.Command("df", {
      args: ["-Pk", path],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    if (!output.success) return undefined;
    const last = new TextDecoder().decode(output.stdout).trim().split("\n").at(-1) ?? "";
    const available = Number(last.split(/\s+/)[3]);
    return Number.isFinite(available) ? available * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Warnings for tables whose estimated output passes the free space (when known) or a day of
 * work in one thread, at each table's `row_count`.
 */
export function estimateWarnings(
  config: Config,
  estimates: readonly TableEstimate[],
  disk: { path: string; free?: number },
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const total = estimates.reduce((sum, e) => sum + e.bytes, 0);
  for (const estimate of estimates) {
    const index = config.tables.findIndex((t) => t.name === estimate.table);
    const where = ["tables", index, "row_count"];
    const rows = estimate.rows.toLocaleString("en-US");
    if (disk.free !== undefined && estimate.bytes > disk.free) {
      out.push(diagnosticAt(
        config,
        where,
        "large-output",
        `Table \`${estimate.table}\`'s ${rows} rows would take about ${
          formatBytes(estimate.bytes)
        } (measured on a sample, uncompressed), more than the ${
          formatBytes(disk.free)
        } free where ${disk.path} is`,
        {
          severity: "warning",
          hint: "Lower `row_count`, or write elsewhere; compressed formats (Parquet, Delta) " +
            "take less than this.",
        },
      ));
    }
    if (estimate.seconds > LONG_SECONDS) {
      out.push(diagnosticAt(
        config,
        where,
        "long-run",
        `Table \`${estimate.table}\`'s ${rows} rows would take about ${
          formatDuration(estimate.seconds)
        } in one thread at the rate measured here`,
        {
          severity: "warning",
          hint: "Lower `row_count`, or share the work: `--workers N`, or shards on several " +
            "machines.",
        },
      ));
    }
  }
  if (disk.free !== undefined && total > disk.free && !out.some((d) => d.code === "large-output")) {
    out.push(
      diagnosticAt(
        config,
        ["tables"],
        "large-output",
        `The tables would take about ${formatBytes(total)} together (uncompressed), more than the ${
          formatBytes(disk.free)
        } free where ${disk.path} is`,
        {
          severity: "warning",
          hint: "Lower the row counts, or write elsewhere.",
        },
      ),
    );
  }
  return out;
}

/** `1.2 TB`, `350 MB`: bytes in SI units. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** `3.2 days`, `5.0 hours`, `12 minutes`. */
export function formatDuration(seconds: number): string {
  if (seconds >= 365 * 86400) return `${(seconds / (365 * 86400)).toFixed(1)} years`;
  if (seconds >= 86400) return `${(seconds / 86400).toFixed(1)} days`;
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} hours`;
  return `${Math.max(1, Math.round(seconds / 60))} minutes`;
}
