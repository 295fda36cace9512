/**
 * `plot-rate -c F --table T --day D`: a day of a table's rate as an SVG on stdout: the rows
 * that arrive in each minute (their `datetime.now()`, from the timeline `run` gives the
 * table) and the rate its cadence asks for (docs/traffic.md).
 *
 * @module
 */
import type { Config, TableConfig } from "../config/mod.ts";
import { runInputs } from "../config/engine_specs.ts";
import { shapeOf, tickPolicy } from "../schedule/plan.ts";
import { timelineOf } from "../stream/shaped_timeline.ts";
import type { Timeline } from "../stream/timeline.ts";
import { TimeZone } from "../stream/time_zone.ts";
import { rateSvg } from "../output/rate_plot.ts";
import { type Command, EXIT, intOption, requiredOption, UsageError } from "./command.ts";
import { loadChecked, timeOption } from "./_setup.ts";
import { closestString } from "../expr/suggest.ts";

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

/** A day of a table's rate: rows that arrived per minute, and the rate asked for. */
export function dayOfRate(
  config: Config,
  table: TableConfig,
  options: { dayMs: number; startMs: number; seed: number },
): { rowsPerMinute: number[]; targetPerMinute: number[] } {
  const timeline = timelineOf({
    startMs: options.startMs,
    intervalMs: config.tickIntervalMs,
    initialRows: table.rowCount,
    rowsPerMinute: table.cadence.rowsPerMinute,
    policy: tickPolicy(table),
    baseRowId: table.startRowId,
    ...shapeOf(table, options.seed),
  });
  const rowsPerMinute = Array<number>(DAY_MINUTES).fill(0);
  const end = options.dayMs + DAY_MINUTES * MINUTE_MS;
  for (const at of arrivalsWithin(timeline, options.dayMs, end)) {
    rowsPerMinute[Math.floor((at - options.dayMs) / MINUTE_MS)]++;
  }
  const targetPerMinute = Array.from(
    { length: DAY_MINUTES },
    (_, m) => timeline.rateAt(options.dayMs + m * MINUTE_MS),
  );
  return { rowsPerMinute, targetPerMinute };
}

/**
 * The instant a zone's clocks show 00:00 on the calendar day that starts at UTC midnight
 * `utcDay`: that midnight less the offset in effect then (looked up twice, as the offset
 * near UTC midnight may differ from the one at local midnight).
 */
function localMidnight(zone: TimeZone, utcDay: number): number {
  const guess = utcDay - zone.offsetAt(utcDay);
  return utcDay - zone.offsetAt(guess);
}

/** Arrival times of the streamed rows (tick 0's initial rows left out) in [from, to). */
function* arrivalsWithin(timeline: Timeline, from: number, to: number): Generator<number> {
  if (!timeline.streams || timeline.spec.policy !== "append") return;
  const first = Math.max(
    timeline.spec.initialRows,
    timeline.rowsThrough(timeline.tickAt(from) - 1),
  );
  const last = timeline.rowsThrough(timeline.tickAt(to) + 1);
  for (let o = first; o < last; o++) {
    const at = timeline.arrival(o);
    if (at >= from && at < to) yield at;
  }
}

/** The `plot-rate` command. */
export const plotRateCommand: Command = {
  name: "plot-rate",
  summary: "Draw a day of a table's rate (rows per minute) as an SVG on stdout.",
  usage: "plot-rate --config F --table T --day YYYY-MM-DD [--start-time ISO] > rate.svg",
  options: {
    config: { type: "string", short: "c", placeholder: "file", description: "Config file" },
    table: { type: "string", placeholder: "name", description: "The table to plot" },
    day: {
      type: "string",
      placeholder: "date",
      description: "The day to plot (in the cadence's `timezone`, else UTC)",
    },
    "start-time": {
      type: "string",
      placeholder: "iso",
      description: "When the table starts (phases count from it; default: the day's 00:00)",
    },
    seed: { type: "string", placeholder: "n", description: "Seed (overrides config.seed)" },
  },
  async run(values, io) {
    const config = await loadChecked(requiredOption(values, "config"), io);
    const name = requiredOption(values, "table");
    const table = config.tables.find((t) => t.name === name);
    if (!table) {
      const close = closestString(name, config.tables.map((t) => t.name));
      throw new UsageError(
        `Unknown table "${name}"` + (close ? `; did you mean "${close}"?` : ""),
      );
    }
    const day = timeOption(values, "day");
    if (!day) throw new UsageError("plot-rate needs --day, e.g. --day 2026-11-27");
    const utcDay = Math.floor(day.getTime() / (DAY_MINUTES * MINUTE_MS)) * DAY_MINUTES * MINUTE_MS;
    // The day by the clock of the table's profiles: its local midnight in its time zone.
    const zone = table.cadence.shape?.timezone;
    const dayMs = zone ? localMidnight(new TimeZone(zone), utcDay) : utcDay;
    const startMs = timeOption(values, "start-time")?.getTime() ?? dayMs;
    const seed = runInputs(config, { seed: intOption(values, "seed") }, new Date(0)).seed;
    const rate = dayOfRate(config, table, { dayMs, startMs, seed });
    const date = new Date(utcDay).toISOString().slice(0, 10);
    io.stdout(rateSvg({ title: `${name} on ${date} (${zone ?? "UTC"})`, ...rate }));
    return EXIT.ok;
  },
};
