/**
 * Whole parent columns kept in memory while they fit a budget: a child's `copy_from_fk` (or
 * any read of a parent's column) then computes each parent value once, not once per child
 * row that picks it. 100,000 orders copying the email of 10,000 customers compute 10,000
 * emails instead of 100,000. Values are pure functions of (column, row id), so a kept value
 * is the one recomputing would give; above the budget, the engine recomputes as before.
 *
 * @module
 */
import type { Value } from "../expr/mod.ts";

/** Default memory for kept parent columns, per engine (a process, or a worker thread). */
export const DEFAULT_PARENT_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * What one kept value is reckoned to cost: an array slot, and a short string or a boxed
 * number behind it. An estimate for the budget, not a measure.
 */
export const BYTES_PER_VALUE = 64;

/** Marks a row whose value was not computed yet (`undefined` would make the array holey). */
const MISSING: unique symbol = Symbol("missing");

/** One parent column's values by row ordinal, computed on first use. */
export class ColumnValues {
  readonly #values: (Value | typeof MISSING)[];

  constructor(readonly rows: number) {
    this.#values = new Array(rows).fill(MISSING);
  }

  /** The value of the row with this ordinal, or undefined when it was not computed yet. */
  get(ordinal: number): Value | undefined {
    const value = this.#values[ordinal];
    return value === MISSING ? undefined : value;
  }

  set(ordinal: number, value: Value): void {
    this.#values[ordinal] = value;
  }
}

/** The memory a run's kept columns may take, handed out column by column. */
export class ColumnBudget {
  #left: number;

  constructor(bytes = DEFAULT_PARENT_CACHE_BYTES) {
    this.#left = bytes;
  }

  /** A store for a column of `rows` rows, or undefined when it does not fit what is left. */
  reserve(rows: number): ColumnValues | undefined {
    const cost = rows * BYTES_PER_VALUE;
    if (rows <= 0 || cost > this.#left) return undefined;
    this.#left -= cost;
    return new ColumnValues(rows);
  }
}
