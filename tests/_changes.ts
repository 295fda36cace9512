/**
 * Test helpers of the change model: a config given as YAML, checked, with every table placed
 * on an `append` timeline and its engine, and the change model of one table.
 *
 * @module
 */
import { TableChanges } from "../lib/changes/table_changes.ts";
import { changeSpec, engineOptions, tableSpecs } from "../lib/config/engine_specs.ts";
import { Engine } from "../lib/engine/engine.ts";
import { Timeline } from "../lib/stream/timeline.ts";
import { valid } from "./_config.ts";

/** The logical start of the tests' timelines. */
export const START_MS = Date.UTC(2026, 0, 1);

/** Options of {@link streamOf}. */
export interface StreamOptions {
  seed?: number;
  intervalMs?: number;
}

/** A checked config's engine, every table on an append timeline from {@link START_MS}. */
export function streamOf(yaml: string, options: StreamOptions = {}) {
  const config = valid(yaml);
  const seed = options.seed ?? 7;
  const specs = tableSpecs(config);
  const timelines = new Map<string, Timeline>();
  for (const spec of specs) {
    const table = config.tables.find((t) => t.name === spec.name)!;
    const timeline = new Timeline({
      startMs: START_MS,
      intervalMs: options.intervalMs ?? 10_000,
      initialRows: table.rowCount,
      rowsPerMinute: table.cadence.rowsPerMinute,
      policy: "append",
      baseRowId: table.startRowId,
    });
    spec.timeline = timeline;
    timelines.set(spec.name, timeline);
  }
  const engine = new Engine(
    specs,
    { seed, locale: "en_US", now: new Date(START_MS) },
    engineOptions(config),
  );
  /** The change model of a table with `changes:`. */
  const changes = (name: string) => {
    const table = config.tables.find((t) => t.name === name)!;
    return new TableChanges({
      seed,
      table: engine.table(name),
      timeline: timelines.get(name)!,
      changes: changeSpec(table)!,
    });
  };
  return { config, engine, timelines, changes };
}
