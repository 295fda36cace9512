/**
 * What children see of a table in `run`: its kept rows first (in key order), then the rows
 * of its timeline committed by the time a child looks. The server and the generation
 * workers build it from the same facts, so both compute the same rows.
 *
 * @module
 */
import type { Engine, ParentSource } from "../engine/generator.ts";
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

/** The parent source of a planned table, its rows recomputed by `engine`. */
export function streamParentSource(facts: ParentFacts, engine: Engine): ParentSource {
  const prefix = facts.prefix;
  const kept = prefix?.count ?? 0;
  if (facts.role === "fixed") {
    return {
      count: () => kept,
      value: (column, index) => prefix!.value(column, index),
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
