/**
 * One row while it is computed: the cell context compiled expressions read (the language's
 * `CellContext`), its values computed lazily, column by column, in dependency order, and
 * the plan of each column ({@link PlannedColumn}) the table generator follows.
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";
import type { CellContext, TypeEnvironment } from "../expr/host.ts";
import type { CompiledExpression } from "../expr/compiled_expression.ts";
import type { ForeignKeyCall } from "../expr/types.ts";
import type { StaticType, Value } from "../expr/values.ts";
import { type CellRandom, epochKey, versionKey } from "./rng.ts";
import type { ColumnType } from "../arrow/types.ts";
import type { IndexSampler, Permutation } from "./distributions.ts";
import type { AnyDistribution } from "../plugin/types.ts";
import type { RecentValues } from "./recent_values.ts";
import type { ColumnValues } from "./column_cache.ts";

/** A `foreign_key` call of a column, with what picking a parent row needs. */
export interface ForeignKeyBinding {
  call: ForeignKeyCall;
  /** The distribution and its checked options, resolved at first use. */
  distribution?: { plugin: AnyDistribution; options: Record<string, unknown>; reads: boolean };
  pickKey: number;
  uniqueKey: number;
  sampler?: IndexSampler;
  samplerCount: number;
  /** For weighted_parent: the time the weights were read at (a replace parent changes). */
  samplerAt: number;
  permutation?: Permutation;
}

/** A `copy_from_fk` call of a column: the key column's index and the parent column. */
export interface CopyBinding {
  fkColumn: number;
  parentTable: string;
  column: string;
}

/** A column as the table generator computes it: its expression, types, streams and calls. */
export interface PlannedColumn {
  index: number;
  name: string;
  expr: CompiledExpression;
  declared?: ColumnType;
  type?: ColumnType;
  staticType?: StaticType;
  /** What its expression reads, for type inference (made once). */
  env?: TypeEnvironment;
  nullFraction: number;
  /** Whether its value lags the row's arrival in some rows (`event_time:`). */
  late: boolean;
  cellKey: number;
  nullKey: number;
  fks: ForeignKeyBinding[];
  copies: CopyBinding[];
  /** Values children looked up lately (made at the first lookup). */
  recent?: RecentValues;
  /** All of the column's initial rows, when the engine's budget keeps it (null: it does not). */
  whole?: ColumnValues | null;
}

/** What a row asks of the table generator it belongs to (`TableGenerator`). */
export interface RowTable {
  /** Sets the row's logical time and now, from its id and epoch. */
  placeInTime(state: RowState): void;
  /** The value of the row's column `index`, computed once. */
  cell(state: RowState, index: number): Value;
  /** The index of a column by name. */
  columnIndex(name: string): number;
  /** The value of the i-th `foreign_key` call of `column` in the row. */
  foreignKeyValue(state: RowState, column: PlannedColumn, i: number): Value;
  /** The value a `copy_from_fk` call copies for the row. */
  copyValue(state: RowState, copy: CopyBinding): Value;
}

/** The values of one row being computed, lazily, column by column. */
export class RowState implements CellContext {
  rowId = 0;
  /** The `replace` regeneration this row belongs to; 0 for other tables. */
  epoch = 0;
  /**
   * The row's version: 0 at insert; n while a table's `changes:` compute its n-th update,
   * whose columns then draw from streams of their own (lib/engine/row_versions.ts).
   */
  version = 0;
  /** At an update: the stored values before it, by column index (`previous`). */
  previousValues?: readonly Value[];
  /** Logical time (ms) at which this row's foreign keys look at their parents. */
  at = 0;
  /** The row's logical "now". */
  now: Date;
  readonly values: Value[];
  /** 0 = not computed, 1 = computing (cycle guard), 2 = done. */
  readonly status: Uint8Array;
  /** For foreign-key columns: the parent row index picked in this row. */
  readonly picked: Float64Array;
  current!: PlannedColumn;
  random: CellRandom;
  readonly faker: Faker;
  readonly #table: RowTable;

  constructor(table: RowTable, width: number, faker: Faker, now: Date, random: CellRandom) {
    this.#table = table;
    this.values = new Array(width).fill(null);
    this.status = new Uint8Array(width);
    this.picked = new Float64Array(width).fill(-1);
    this.faker = faker;
    this.now = now;
    this.random = random;
  }

  reset(rowId: number, epoch: number): void {
    this.rowId = rowId;
    this.epoch = epoch;
    this.version = 0;
    this.previousValues = undefined;
    // Once per row and per parent lookup: a plain loop beats fill() on a few slots.
    const status = this.status, picked = this.picked;
    for (let i = 0; i < status.length; i++) {
      status[i] = 0;
      picked[i] = -1;
    }
    this.#table.placeInTime(this);
  }

  column(name: string): Value {
    return this.#table.cell(this, this.#table.columnIndex(name));
  }

  previous(column: string): Value {
    const before = this.previousValues;
    return before === undefined ? null : before[this.#table.columnIndex(column)] ?? null;
  }

  foreignKey(index: number): Value {
    return this.#table.foreignKeyValue(this, this.current, index);
  }

  copyFromFk(index: number): Value {
    return this.#table.copyValue(this, this.current.copies[index]);
  }
}

/**
 * The key of a cell's stream in its row's epoch and version: epoch 0 and version 0 keep the
 * key, so tick 0 is a batch run and rows without changes are what they always were.
 */
export function rowKey(key: number, state: RowState): number {
  return versionKey(epochKey(key, state.epoch), state.version);
}
