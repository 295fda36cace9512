/**
 * A small fixed-size memory of the values children looked up in a parent column.
 *
 * @module
 */
import { fmix32, mix2 } from "./rng.ts";
import type { Value } from "../expr/values.ts";

/** Entries of a column's {@link RecentValues}: a power of two. */
const RECENT_SIZE = 4096;

/**
 * The last values children looked up in a parent column, by row id, in a table of fixed
 * size: skewed foreign keys (zipf, weights) pick the same parent rows again and again, and
 * recomputing a faker value each time is most of what a `copy_from_fk` costs. Every value
 * is a pure function of (column, row id, epoch), so a hit returns what recomputing would;
 * the fixed size keeps memory flat however large the parent.
 */
export class RecentValues {
  readonly #rowIds = new Float64Array(RECENT_SIZE).fill(Number.NaN);
  readonly #epochs = new Float64Array(RECENT_SIZE);
  readonly #values: Value[] = new Array(RECENT_SIZE).fill(null);

  #slot(rowId: number): number {
    return fmix32(mix2(rowId | 0, Math.floor(rowId / 4294967296) | 0)) & (RECENT_SIZE - 1);
  }

  /** The value kept for the row, or undefined. */
  get(rowId: number, epoch: number): Value | undefined {
    const slot = this.#slot(rowId);
    return this.#rowIds[slot] === rowId && this.#epochs[slot] === epoch
      ? this.#values[slot]
      : undefined;
  }

  /** Keeps the value of the row, in place of what its slot held. */
  set(rowId: number, epoch: number, value: Value): void {
    const slot = this.#slot(rowId);
    this.#rowIds[slot] = rowId;
    this.#epochs[slot] = epoch;
    this.#values[slot] = value;
  }
}
