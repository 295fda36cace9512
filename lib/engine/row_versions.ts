/**
 * A row's versions under a table's `changes:`: its stored values at insert, and the values of
 * its update columns at its n-th update, recomputed from their own `data:` expressions with
 * `version` = n, `previous` = the stored value before, the update's logical time as
 * `datetime.now()` and random streams of the version's own (version 0 keeps the insert's, so
 * inserts are what they always were). The other columns keep their insert values: an update
 * column that reads one reads what the row was inserted with.
 *
 * @module
 */
import type { Value } from "../expr/values.ts";
import { normalizeValue } from "./column_types.ts";
import { GenerationError } from "./generation_error.ts";
import type { TableGenerator } from "./generator.ts";
import type { RowState } from "./row_state.ts";

/** One update of one row. */
export interface RowUpdate {
  rowId: number;
  /** The version the update makes: 1 for the row's first update. */
  version: number;
  /** The stored values of the update columns before it, in {@link RowVersions.columns} order. */
  before: readonly Value[];
  /** Its logical time, ms: `datetime.now()` of its columns. */
  nowMs: number;
  /** When its columns' foreign keys look at their parents, ms (the time of its tick). */
  atMs: number;
}

/** Computes a table's rows at insert and at their updates. */
export class RowVersions {
  /** The update columns, in the order their values are given and returned. */
  readonly columns: readonly string[];
  readonly #table: TableGenerator;
  /** Column indexes of {@link columns}. */
  readonly #indexes: number[];
  /** Other columns the update columns read: filled from the insert row. */
  readonly #reads: number[];
  #insert?: RowState;
  /** The row the insert state holds (NaN: none yet). */
  #insertRowId = Number.NaN;
  #update?: RowState;
  #previous: Value[];

  constructor(table: TableGenerator, updateColumns: readonly string[]) {
    this.#table = table;
    this.columns = [...updateColumns];
    this.#indexes = updateColumns.map((name) => table.columnIndex(name));
    const updated = new Set(this.#indexes);
    const reads = new Set<number>();
    for (const name of updateColumns) {
      const expr = table.spec.columns[table.columnIndex(name)].expr;
      const sources = [...expr.columnRefs, ...expr.copies.map((c) => c.fkColumn)];
      for (const ref of sources) {
        const index = table.columnIndex(ref);
        if (!updated.has(index)) reads.add(index);
      }
    }
    this.#reads = [...reads];
    this.#previous = new Array(table.spec.columns.length).fill(null);
  }

  /** The insert row's state: every column computed at most once per row. */
  #insertState(rowId: number): RowState {
    const state = this.#insert ??= this.#table.newRowState();
    if (this.#insertRowId !== rowId) {
      state.reset(rowId, 0);
      this.#insertRowId = rowId;
    }
    return state;
  }

  /** The stored value of column `index` of the row as inserted. */
  #stored(state: RowState, index: number): Value {
    return this.#normalize(index, this.#table.cell(state, index), state.rowId);
  }

  #normalize(index: number, raw: Value, rowId: number): Value {
    const name = this.#table.spec.columns[index].name;
    try {
      return normalizeValue(raw, this.#table.columnType(name));
    } catch (error) {
      throw new GenerationError(this.#table.name, name, rowId, error);
    }
  }

  /** Every column's stored value as the row was inserted, in the table's column order. */
  insertRow(rowId: number): Value[] {
    const state = this.#insertState(rowId);
    return this.#table.spec.columns.map((_, i) => this.#stored(state, i));
  }

  /** The update columns' stored values as the row was inserted (version 0). */
  insertValues(rowId: number): Value[] {
    const state = this.#insertState(rowId);
    return this.#indexes.map((i) => this.#stored(state, i));
  }

  /** The update columns' stored values after `update`. */
  update(update: RowUpdate): Value[] {
    const inserted = this.#insertState(update.rowId);
    const state = this.#update ??= this.#table.newRowState();
    state.reset(update.rowId, 0);
    state.version = update.version;
    state.now = new Date(update.nowMs);
    state.at = update.atMs;
    const previous = this.#previous;
    this.#indexes.forEach((index, i) => previous[index] = update.before[i]);
    state.previousValues = previous;
    for (const index of this.#reads) {
      state.values[index] = this.#table.cell(inserted, index);
      state.picked[index] = inserted.picked[index];
      state.status[index] = 2;
    }
    return this.#indexes.map((index) =>
      this.#normalize(index, this.#table.cell(state, index), update.rowId)
    );
  }
}
