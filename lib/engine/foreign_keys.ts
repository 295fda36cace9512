/**
 * Foreign keys: which parent row a `foreign_key(...)` cell points at, by its distribution
 * (a plugin's sampler over the parent's rows, made again when the parent grows), unique keys
 * (a permutation of the parent's rows), and never a row the parent has deleted by then.
 *
 * @module
 */
import type { Value } from "../expr/values.ts";
import type { ColumnType } from "../arrow/types.ts";
import type { AnyDistribution } from "../plugin/types.ts";
import { distributionOptions } from "../plugin/distribution_options.ts";
import { type CellRandom, epochKey } from "./rng.ts";
import { type IndexSampler, livePick, Permutation } from "./distributions.ts";
import { type ForeignKeyBinding, rowKey, type RowState } from "./row_state.ts";

/**
 * Rows of a parent table as a child sees them at a logical time `at` (ms): how many exist,
 * and the stored value of a column at a row index (0 = the first row). Generated parents
 * recompute values; tables read from disk answer from loaded columns. In batch runs `at` is
 * the reference time and parents have all their `row_count` rows.
 */
export interface ParentSource {
  /** Number of parent rows a child may reference at time `at`. */
  count(at: number): number;
  /** The stored (normalised) value of `column` in parent row `index`, as it is at time `at`. */
  value(column: string, index: number, at: number): Value;
  /** Storage type of a parent column. */
  columnType(column: string): ColumnType;
  /**
   * When `column`'s value in row `index` is always `first + index` (a generated parent's
   * `row_id` key without nulls), that `first`: a child then reads its keys without a lookup
   * each (absent, or undefined: look them up).
   */
  rowIdsFrom?(column: string): number | undefined;
  /**
   * Whether parent row `index` may be referenced at time `at`: false once a delete of the
   * parent's `changes:` is visible then, and a child's pick lands elsewhere (absent: every
   * row always may).
   */
  alive?(index: number, at: number): boolean;
}

/** Consecutive rows of one epoch: `firstRowId .. firstRowId + count - 1`. */
export interface RowRun {
  firstRowId: number;
  count: number;
  epoch: number;
}

/** Why a row of a run could not be computed, and which row. */
export class RowFailure extends Error {
  readonly rowId: number;
  constructor(rowId: number, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.rowId = rowId;
  }
}

/**
 * What a batch's foreign-key column (drawn_columns.ts) needs of its table: its picks, the
 * parent's values, its errors.
 */
export interface KeySource {
  /** Each row's parent row index into `out` (rows whose `valid` byte is 0 skipped). */
  pick(rows: RowRun, out: Float64Array, valid: Uint8Array | undefined): void;
  /** The parent's value in a row. */
  value(index: number): Value;
  /**
   * When the parent's value in row `index` is `first + index` and the column stores it as it
   * is (an int64 key), that `first`.
   */
  rowIdsFrom(): number | undefined;
  /** Throws the table's error for a row whose value the column refused. */
  failed(rowId: number, error: unknown): never;
}

/** What a {@link ForeignKeyPicker} needs of its child table. */
export interface PickingTable {
  /** The child table's name, for messages. */
  name: string;
  /** Its first row id: unique keys permute the parent's rows by the child's ordinal. */
  readonly startRowId: number;
  /** When its first row looks at its parents: what `is_unique` keys are drawn from. */
  firstVisible(): number;
  /** A distribution plugin by name. */
  distribution(name: string): AnyDistribution;
  /** The random stream of picks (reset per cell). */
  random: CellRandom;
}

/** Picks parent rows for the `foreign_key` calls of one child table. */
export class ForeignKeyPicker {
  readonly #table: PickingTable;

  constructor(table: PickingTable) {
    this.#table = table;
  }

  /** The parent row index the binding's call picks in `state`'s row. */
  pick(fk: ForeignKeyBinding, parent: ParentSource, state: RowState): number {
    const count = this.#ready(fk, parent, state.at);
    return this.#pickOne(fk, parent, count, state.at, rowKey(fk.pickKey, state), state.rowId);
  }

  /**
   * The parent row indexes the binding's call picks in rows `firstRowId ..` (`count` rows) of
   * `epoch` that all look at their parents at time `at` (a table without a timeline), into
   * `out`; rows whose `valid` byte is 0 (null) are skipped. What {@link pick} gives each row.
   */
  pickRun(
    fk: ForeignKeyBinding,
    parent: ParentSource,
    at: number,
    rows: RowRun,
    out: Float64Array,
    valid?: Uint8Array,
  ): void {
    let rowId = rows.firstRowId;
    try {
      const parents = this.#ready(fk, parent, at);
      // A batch's rows are inserts (version 0): the stream's key is its epoch's.
      const key = epochKey(fk.pickKey, rows.epoch);
      for (let r = 0; r < rows.count; r++, rowId++) {
        if (valid !== undefined && valid[r] === 0) continue;
        out[r] = this.#pickOne(fk, parent, parents, at, key, rowId);
      }
    } catch (error) {
      throw new RowFailure(rowId, error);
    }
  }

  /**
   * What a batch's foreign-key column needs of the binding: its picks a run at a time, the
   * parent's values (a `row_id` key's without a lookup), and the column's errors at their rows.
   * `type` is the column's storage type.
   */
  keySource(
    fk: ForeignKeyBinding,
    parent: () => ParentSource,
    at: number,
    type: ColumnType,
    failed: (rowId: number, error: unknown) => never,
  ): KeySource {
    // What children see of the parent, taken once per batch (it changes only between them).
    let current = parent();
    return {
      pick: (rows, out, valid) => {
        current = parent();
        try {
          this.pickRun(fk, current, at, rows, out, valid);
        } catch (error) {
          failed((error as RowFailure).rowId, (error as RowFailure).cause);
        }
      },
      value: (index) => current.value(fk.call.column, index, at),
      rowIdsFrom: () => type === "int64" ? current.rowIdsFrom?.(fk.call.column) : undefined,
      failed,
    };
  }

  /**
   * The number of parent rows the binding picks among at time `at`, its sampler (or unique
   * keys' permutation) made for them.
   */
  #ready(fk: ForeignKeyBinding, parent: ParentSource, at: number): number {
    // Unique keys are drawn from the parent rows there were when this table began, so a
    // growing parent cannot make two children share one.
    const count = parent.count(fk.call.isUnique ? this.#table.firstVisible() : at);
    if (count <= 0) {
      throw new Error(`parent table "${fk.call.table}" has no rows to reference yet`);
    }
    if (fk.call.isUnique) {
      if (!fk.permutation || fk.samplerCount !== count) {
        fk.permutation = new Permutation(count, fk.uniqueKey);
        fk.samplerCount = count;
      }
      return count;
    }
    const reads = this.#distribution(fk).reads;
    if (fk.samplerCount !== count || (reads && fk.samplerAt !== at)) {
      fk.sampler = this.#sampler(fk, parent, count, at);
      fk.samplerCount = count;
      fk.samplerAt = at;
    }
    return count;
  }

  /** The parent row a row picks, its binding {@link #ready} for `count` parent rows. */
  #pickOne(
    fk: ForeignKeyBinding,
    parent: ParentSource,
    count: number,
    at: number,
    key: number,
    rowId: number,
  ): number {
    if (fk.call.isUnique) return this.#pickUnique(fk, count, rowId);
    const random = this.#table.random;
    random.reset(key, rowId);
    const index = fk.sampler!.sample(random);
    const alive = parent.alive;
    if (!alive || alive(index, at)) return index;
    const live = livePick(fk.sampler!, random, count, (i) => alive(i, at));
    if (live === undefined) {
      throw new Error(
        `every row of parent table "${fk.call.table}" is deleted: there is none to reference`,
      );
    }
    return live;
  }

  #pickUnique(fk: ForeignKeyBinding, count: number, rowId: number): number {
    const ordinal = rowId - this.#table.startRowId;
    if (ordinal < 0 || ordinal >= count) {
      const { table, column } = fk.call;
      throw new Error(
        `foreign_key("${table}", "${column}", is_unique=True) ran out of parent keys: ` +
          `parent "${table}" has ${count} rows, so at most ${count} child rows can have a unique key`,
      );
    }
    return fk.permutation!.permute(ordinal);
  }

  /** The binding's distribution with checked options (once). */
  #distribution(fk: ForeignKeyBinding): NonNullable<ForeignKeyBinding["distribution"]> {
    if (fk.distribution) return fk.distribution;
    const plugin = this.#table.distribution(fk.call.distribution);
    const { options, problems } = distributionOptions(plugin, fk.call);
    if (problems.length) throw new Error(problems.join("; "));
    const reads = (plugin.parentColumns?.(options) ?? []).length > 0;
    return fk.distribution = { plugin, options, reads };
  }

  #sampler(fk: ForeignKeyBinding, parent: ParentSource, count: number, at: number): IndexSampler {
    const { plugin, options } = this.#distribution(fk);
    const where = `${this.#table.name}.${fk.call.column}`;
    const sampler = plugin.create(options, {
      count,
      parentValue: (column, index) => parent.value(column, index, at),
      where,
    });
    if (!sampler || typeof sampler.sample !== "function") {
      throw new Error(`Distribution "${plugin.name}" did not return an object with sample()`);
    }
    return checkedSampler(sampler, count, plugin.name);
  }
}

/** A sampler whose every pick is checked to be a parent index: a plugin's bug names it. */
function checkedSampler(sampler: IndexSampler, count: number, name: string): IndexSampler {
  return {
    sample(random) {
      const index = sampler.sample(random);
      if (Number.isInteger(index) && index >= 0 && index < count) return index;
      throw new Error(
        `Distribution "${name}" picked ${index}, which is not a row index in [0, ${count})`,
      );
    },
  };
}
