/**
 * `generate --until T`: a backfill of each table's history up to a logical time at once: the
 * rows of ticks 0..K (K the last tick at or before T) and every change of ticks 1..K, the
 * final state and the whole change feed.
 *
 * It takes the path of `run --fast-forward --until T` (the streaming server, no waiting), not
 * a path of its own: the rows and changes are then those of `run` by construction (one change
 * state advanced in tick order, each tick's changes written before its rows, in the same
 * commits), it is resumable the same way (a killed backfill run again continues after its last
 * commit), and `run` can go on streaming from where it ends. Its commits gather up to
 * `--commit-rows` rows, as `run`'s do; one commit per table would need the whole history staged
 * in memory, which a long backfill may not fit.
 *
 * @module
 */
import { ConfigError, StreamingServer } from "../schedule/server.ts";
import type { Config } from "../config/mod.ts";
import { sinkPlan } from "../config/sink_plan.ts";
import { InvalidConfig, timeOption } from "./_setup.ts";
import { type CommandIO, EXIT, intOption, UsageError } from "./command.ts";

/** What `generate --until` needs besides the command's values. */
export interface UntilRun {
  configPath: string;
  config: Config;
  until: Date;
  tables: string[];
  output: string | undefined;
  format: string;
  mode: string;
  batchSize: number;
  workers: number | undefined;
}

/** The start of the tables' timelines: `--start-time`, else the reference time. */
function startOf(values: Record<string, string | boolean | undefined>, config: Config): Date {
  const start = timeOption(values, "start-time") ?? timeOption(values, "reference-time") ??
    config.referenceTime;
  if (!start) {
    throw new UsageError(
      "--until needs the time the tables' history starts (tick 0): pass --start-time ISO " +
        "(or --reference-time ISO), or set config.reference_time",
    );
  }
  return start;
}

/** Refuses what the run path cannot do, before anything is written. */
async function checkUntilUsage(run: UntilRun, start: Date): Promise<void> {
  if (run.until.getTime() < start.getTime()) {
    throw new UsageError(
      `--until ${run.until.toISOString()} is before the start of the history ` +
        `(${start.toISOString()}); give a later --until or an earlier --start-time`,
    );
  }
  if (run.format !== "delta" && run.output !== undefined) {
    throw new UsageError(
      `--until writes as \`run\` does, to tables it can resume: --format ${run.format} files ` +
        "cannot be read back; use --format delta (or the config's sinks: delta, postgres...)",
    );
  }
  if (run.mode === "overwrite") {
    throw new UsageError(
      "--until with --mode overwrite is refused: the history is written in several commits " +
        "and resumed from them; remove the tables (or write to another --output) first",
    );
  }
  if (run.mode !== "error") return;
  const plan = sinkPlan(run.config, { output: run.output });
  for (const table of run.tables) {
    const stored = await plan.sinkFor(table).inspect?.(table);
    if (stored) {
      throw new UsageError(
        `Table "${table}" exists (${plan.describe(table)}); --until refuses tables that exist ` +
          "unless --mode append, which continues them as `run` does (or write to another --output)",
      );
    }
  }
}

/** Runs `generate --until`; resolves with the exit code. */
export async function generateUntil(
  values: Record<string, string | boolean | undefined>,
  io: CommandIO,
  run: UntilRun,
): Promise<number> {
  const start = startOf(values, run.config);
  await checkUntilUsage(run, start);
  const server = new StreamingServer({
    config: run.configPath,
    ...(run.output !== undefined ? { output: run.output } : {}),
    tables: run.tables,
    seed: intOption(values, "seed"),
    startTime: start,
    fastForward: true,
    until: run.until,
    batchSize: run.batchSize,
    ...(run.workers !== undefined ? { workers: run.workers } : {}),
    commitRows: intOption(values, "commit-rows", { min: 1 }),
  });
  const stop = () => server.stop();
  io.signal?.addEventListener("abort", stop, { once: true });
  const started = performance.now();
  let summary;
  try {
    summary = await server.start();
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(error.message);
      throw new InvalidConfig(run.configPath, error.message.split("error[").length - 1);
    }
    throw error;
  } finally {
    io.signal?.removeEventListener("abort", stop);
  }
  const seconds = (performance.now() - started) / 1000;
  for (const t of summary.tables) {
    const at = t.tickTime === undefined ? "" : ` (${new Date(t.tickTime).toISOString()})`;
    const changes = t.changesWritten ? `, ${t.changesWritten} changes` : "";
    io.stdout(
      `  ${t.table}: ${t.rows} rows inserted${changes} through tick ${t.tick}${at}, ` +
        `${t.commits} commits\n`,
    );
  }
  for (const f of summary.failed) io.stderr(`${f.error}\n`);
  io.stdout(
    `Wrote the history of ${summary.tables.length} table${
      summary.tables.length === 1 ? "" : "s"
    } from ${start.toISOString()} until ${run.until.toISOString()} in ${seconds.toFixed(2)} s\n`,
  );
  return summary.failed.length ? EXIT.failure : EXIT.ok;
}
