/**
 * `validate`'s sample of a table's changes: the first ticks of its updates and deletes are
 * computed (nothing written), whole rows included, so an update column's expression that fails
 * only when `version` > 0 or `previous` is set (`previous + 1` on a text) is an error at its
 * column before any run, as a failing insert cell is.
 *
 * @module
 */
import { TableChanges } from "../changes/table_changes.ts";
import { changeSpec } from "../config/engine_specs.ts";
import type { Config } from "../config/mod.ts";
import type { Engine } from "../engine/engine.ts";
import { GenerationError } from "../engine/generation_error.ts";
import { timelineOf } from "../stream/shaped_timeline.ts";
import { shapeOf } from "../schedule/plan.ts";

/** Changes computed per table: enough to pass through a few versions of the busiest rows. */
const SAMPLE_CHANGES = 300;

/** Ticks replayed at most per table, for rates so low that the sample would take forever. */
const SAMPLE_TICKS = 20_000;

/**
 * Computes the first changes of every table of `tables` that has `changes:`, on a timeline
 * from the engine's reference time; returns the failure of each table whose changes fail.
 */
export function sampleChanges(
  config: Config,
  engine: Engine,
  tables: readonly string[],
): GenerationError[] {
  const failures: GenerationError[] = [];
  for (const table of config.tables) {
    const spec = changeSpec(table);
    if (!spec || !tables.includes(table.name)) continue;
    const timeline = timelineOf({
      startMs: engine.inputs.now.getTime(),
      intervalMs: config.tickIntervalMs,
      initialRows: table.rowCount,
      rowsPerMinute: table.cadence.rowsPerMinute,
      policy: "append",
      baseRowId: table.startRowId,
      ...shapeOf(table, engine.inputs.seed),
    });
    const changes = new TableChanges({
      seed: engine.inputs.seed,
      table: engine.table(table.name),
      timeline,
      changes: spec,
    });
    const state = changes.newState();
    let made = 0;
    try {
      while (made < SAMPLE_CHANGES && state.tick < SAMPLE_TICKS) {
        const tick = changes.advance(state, { rows: true });
        made += tick.updates.length + tick.deletes.length;
      }
    } catch (error) {
      if (!(error instanceof GenerationError)) throw error;
      failures.push(error);
    }
  }
  return failures;
}
