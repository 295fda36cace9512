/**
 * What the change model needs to know of a table's `changes:`: a narrow view of the checked
 * config, as the engine's `TableSpec` is of its columns.
 *
 * @module
 */

/** How the rows a tick updates or deletes are chosen among the live rows. */
export type PickSpec =
  /** Every live row equally likely (the default). */
  | { distribution: "uniform" }
  /**
   * Zipf over recency rank: the newest row is rank 1 and rank r has weight 1/r^param, so a few
   * recent rows take most changes and old rows still get some (a heavy tail).
   */
  | { distribution: "zipf"; param: number }
  /**
   * Exponential over age in rows: a row `halfLifeRows` rows older than the newest is half as
   * likely to change; old rows almost never do.
   */
  | { distribution: "recent"; halfLifeRows: number };

/** The names of {@link PickSpec}'s distributions. */
export const PICK_DISTRIBUTIONS = ["uniform", "zipf", "recent"] as const;

/** A table's changes to rows that already exist. */
export interface ChangeSpec {
  /** Rows updated per minute of logical time; fractions carried exactly. */
  updatesPerMinute: number;
  /** Rows deleted per minute of logical time. */
  deletesPerMinute: number;
  /** The columns an update recomputes from their `data:` expressions; the others keep theirs. */
  updateColumns: readonly string[];
  pick: PickSpec;
}
