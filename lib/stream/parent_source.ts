/**
 * What children see of a table in `run`: its kept rows first (in key order), then the rows
 * of its timeline committed by the time a child looks. The server and the generation
 * workers build it from the same facts, so both compute the same rows.
 *
 * @module
 */
import type { ParentSource } from "../engine/generator.ts";
import type { Engine } from "../engine/engine.ts";
import type { LoadedRows } from "../state/loaded_rows.ts";
import type { Timeline } from "./timeline.ts";

/** How a table takes part in a run. */
export type TableRole =
  /** Generated and written by this process. */
  | "run"
  /** Written by another process under the same config: recomputed, progress polled. */
  | "follow"
  /** Read once as stored: its rows are fixed for this run. */
  | "fixed";

/** The facts of a planned table that decide what its children see. */
export interface ParentFacts {
  name: string;
  role: TableRole;
  /** Rows kept from before the stream state (adopted tables), or all rows (`fixed`). */
  prefix?: LoadedRows;
  /** The table's timeline (absent for `fixed` tables). */
  timeline?: Timeline;
}

/**
 * The key of row `index` past the rows of a table read as stored, which has no more: the
 * orphan keys of `orphans:` (lib/engine/faults.ts) point there. For whole-number keys, the
 * largest stored one plus the distance; other keys cannot be made up.
 */
function pastStored(table: string, rows: LoadedRows): (column: string, index: number) => number {
  const largest = new Map<string, number | undefined>();
  return (column, index) => {
    if (!largest.has(column)) largest.set(column, rows.maxInteger(column));
    const max = largest.get(column);
    if (max === undefined) {
      throw new Error(
        `orphan keys of "${table}.${column}" cannot be made: "${table}" is read as stored, and ` +
          "only whole-number keys are made up past its rows; generate it in this run, or drop " +
          "`orphans:`",
      );
    }
    return max + 1 + index - rows.count;
  };
}

/** The parent source of a planned table, its rows recomputed by `engine`. */
export function streamParentSource(facts: ParentFacts, engine: Engine): ParentSource {
  const prefix = facts.prefix;
  const kept = prefix?.count ?? 0;
  if (facts.role === "fixed") {
    const past = pastStored(facts.name, prefix!);
    return {
      count: () => kept,
      value: (column, index) => index < kept ? prefix!.value(column, index) : past(column, index),
      columnType: (column) => prefix!.columnType(column),
    };
  }
  const timeline = facts.timeline!;
  const generator = engine.table(facts.name);
  const base = timeline.spec.baseRowId;
  return {
    count: (at) => kept + timeline.rowsAt(at),
    value: (column, index, at) =>
      index < kept
        ? prefix!.value(column, index)
        : generator.value(column, base + index - kept, timeline.epochAt(at)),
    columnType: (column) => generator.columnType(column),
  };
}
