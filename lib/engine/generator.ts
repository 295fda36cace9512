/**
 * Deterministic row generation. Every cell is a pure function of (seed, table, column,
 * row id): each cell reseeds its own random stream, nulls and foreign-key picks have
 * streams of their own, and parent values are recomputed rather than cached, so memory
 * does not grow with parent tables and batch boundaries cannot change a value.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { TypeEnvironment } from "../expr/host.ts";
import type { StaticType, Value } from "../expr/values.ts";
import type { ColumnValues } from "./column_cache.ts";
import type { Faker } from "@faker-js/faker";
import type { CellRandom } from "./rng.ts";
import type { ColumnBudget } from "./column_cache.ts";
import type { RunInputs } from "./spec.ts";
import type { AnyDistribution } from "../plugin/types.ts";
import { streamKey, unitHash } from "./rng.ts";
import { arrowType, type ColumnType } from "../arrow/types.ts";
import { columnsBatch } from "../arrow/batch.ts";
import { defaultColumnType, normalizeValue, staticTypeOf } from "./column_types.ts";
import { ColumnBuilder } from "./column_builder.ts";
import { type BatchColumn, drawnColumn, KeyColumn } from "./drawn_columns.ts";
import { ForeignKeyPicker, type ParentSource } from "./foreign_keys.ts";
import type { TableSpec } from "./spec.ts";
import { GenerationError } from "./generation_error.ts";
import { RecentValues } from "./recent_values.ts";
import {
  badValue,
  type BadValueKind,
  columnKinds,
  InvalidUtf8,
  lateValue,
  TableFaults,
} from "./faults.ts";
import {
  type CopyBinding,
  type PlannedColumn,
  rowKey,
  RowState,
  type RowTable,
} from "./row_state.ts";

export type { ParentSource } from "./foreign_keys.ts";

/** The epoch a duplicate's changed column is drawn in: no `replace` tick's (those are >= 0). */
const DUPLICATE_EPOCH = -1;

/** What a table's generator needs of the run's engine (engine.ts). */
export interface GeneratorHost {
  readonly inputs: RunInputs;
  readonly faker: Faker;
  /** The stream of foreign-key picks and null draws. */
  readonly pickRandom: CellRandom;
  readonly columnBudget: ColumnBudget;
  distribution(name: string): AnyDistribution;
  /** What children see of a parent table. */
  parent(name: string): ParentSource;
  /** Enters a cell: a fresh random stream positioned at (key, rowId). */
  enterCell(key: number, rowId: number): CellRandom;
  /** Leaves the cell entered last. */
  leaveCell(): void;
}

/** Generates the rows of one table. */
export class TableGenerator implements RowTable {
  readonly spec: TableSpec;
  readonly #engine: GeneratorHost;
  readonly #columns: PlannedColumn[];
  readonly #byName = new Map<string, number>();
  #batchRow?: RowState;
  #lookupRow?: RowState;
  #resolving = new Set<string>();
  #schema?: arrow.Schema;
  /** The last row time turned into a Date, reused by the rows of a tick that share it. */
  #nowMs = Number.NaN;
  #nowDate = new Date(0);
  readonly #foreignKeys: ForeignKeyPicker;
  /** The table's deliberate imperfections (faults.ts). */
  readonly faults: TableFaults;
  /**
   * Per column, the bad-value kinds it draws from, when its values are changed as they are
   * output (bad values, orphan keys); undefined when no column's are. Made with the schema.
   */
  #outputFaults?: (readonly BadValueKind[] | undefined)[];
  /** A row state for the changed column of a duplicate (`duplicates.change`). */
  #changedRow?: RowState;
  /** The columns batches fill directly and those computed row by row (made once). */
  #split?: { direct: BatchColumn[]; computed: number[] };

  constructor(engine: GeneratorHost, spec: TableSpec) {
    this.#engine = engine;
    this.spec = spec;
    this.#foreignKeys = new ForeignKeyPicker({
      name: spec.name,
      // Read when picked: the spec is placed on its timeline after the engine is made.
      get startRowId() {
        return spec.startRowId;
      },
      firstVisible: () => this.#firstVisible(),
      distribution: (name) => engine.distribution(name),
      random: engine.pickRandom,
    });
    const seed = engine.inputs.seed;
    this.faults = new TableFaults(seed, spec.name, spec.columns);
    this.#columns = spec.columns.map((c, index) => {
      this.#byName.set(c.name, index);
      return {
        index,
        name: c.name,
        expr: c.expr,
        declared: c.type,
        nullFraction: c.nullFraction,
        late: c.eventTime !== undefined,
        cellKey: streamKey(seed, spec.name, c.name),
        nullKey: streamKey(seed, spec.name, c.name, "null"),
        fks: c.expr.foreignKeys.map((call, i) => ({
          call,
          pickKey: streamKey(seed, spec.name, c.name, "fk", String(i)),
          uniqueKey: streamKey(seed, spec.name, c.name, "unique", String(i)),
          samplerCount: -1,
          samplerAt: Number.NaN,
        })),
        copies: [],
      };
    });
    for (const column of this.#columns) {
      column.copies = column.expr.copies.map((copy) => ({
        fkColumn: this.columnIndex(copy.fkColumn),
        parentTable: copy.table,
        column: copy.column,
      }));
    }
  }

  /** Table name. */
  get name(): string {
    return this.spec.name;
  }

  /** Index of a column by name; throws for an unknown one. */
  columnIndex(name: string): number {
    const index = this.#byName.get(name);
    if (index === undefined) throw new Error(`Table "${this.name}" has no column "${name}"`);
    return index;
  }

  /** Storage type of a column: declared, or inferred from its expression. */
  columnType(name: string): ColumnType {
    const column = this.#columns[this.columnIndex(name)];
    this.#resolveType(column);
    return column.type!;
  }

  /** The static type of a column's values as other columns of the row read them. */
  valueType(name: string): StaticType {
    const column = this.#columns[this.columnIndex(name)];
    this.#resolveType(column);
    return column.staticType === "any" ? staticTypeOf(column.type!) : column.staticType!;
  }

  /** The static type of the items (or keys) of a column whose values are containers. */
  #containerType(name: string, what: "items" | "keys"): StaticType {
    const column = this.#columns[this.columnIndex(name)];
    this.#resolveType(column);
    const infer = what === "items" ? column.expr.inferItemType : column.expr.inferKeyType;
    return infer?.(this.#typeEnvironment(column)) ?? "any";
  }

  #resolveType(column: PlannedColumn): void {
    if (column.type) return;
    const key = column.name;
    if (this.#resolving.has(key)) {
      throw new Error(`Column "${key}" of table "${this.name}" depends on itself`);
    }
    this.#resolving.add(key);
    try {
      const inferred = column.expr.inferType(this.#typeEnvironment(column));
      column.staticType = inferred;
      column.type = column.declared ?? defaultColumnType(inferred);
    } finally {
      this.#resolving.delete(key);
    }
  }

  /** The static types a column's expression reads: the row's columns, its parents' columns. */
  #typeEnvironment(column: PlannedColumn): TypeEnvironment {
    const engine = this.#engine;
    return column.env ??= {
      // Another column's value as this row computed it (as tablefaker's are): of its
      // expression's type, else of its storage's.
      column: (name) => this.valueType(name),
      columnItems: (name) => this.#containerType(name, "items"),
      columnKeys: (name) => this.#containerType(name, "keys"),
      // The column's value before an update: of its own type, which is being inferred when
      // this is asked (the expression reads it), so of its value at insert, None, until then.
      previous: (name) => {
        const own = this.#columns[this.columnIndex(name)];
        if (own.declared) return staticTypeOf(own.declared);
        return this.#resolving.has(name) ? "none" : this.valueType(name);
      },
      foreignKey: (i) => {
        const fk = column.fks[i];
        return staticTypeOf(engine.parent(fk.call.table).columnType(fk.call.column));
      },
      copyFromFk: (i) => {
        const copy = column.copies[i];
        return staticTypeOf(engine.parent(copy.parentTable).columnType(copy.column));
      },
    };
  }

  /**
   * The columns with no `type:` whose expression's type is only known when the row runs: text
   * columns, where a number (bool, date...) is stored as its `str()`.
   */
  untypedColumns(): string[] {
    return this.#columns.filter((c) => {
      this.#resolveType(c);
      return c.declared === undefined && c.staticType === "any";
    }).map((c) => c.name);
  }

  /** The Arrow schema of this table's batches, fixed before the first row. */
  schema(): arrow.Schema {
    if (!this.#schema) {
      const fields = this.#columns.map((c) => {
        this.#resolveType(c);
        return new arrow.Field(c.name, arrowType(c.type!), true);
      });
      this.#schema = new arrow.Schema(fields);
      this.#planOutputFaults();
    }
    return this.#schema;
  }

  /**
   * Generates rows `firstRowId .. firstRowId + count - 1` as one record batch; `epoch`
   * numbers the regenerations of a `replace` table (tick k regenerates with epoch k).
   */
  batch(firstRowId: number, count: number, epoch = 0): arrow.RecordBatch {
    const builders = this.#builders(count);
    const { direct, computed } = this.#split ??= this.#splitColumns();
    if (computed.length > 0) {
      const state = this.#batchRow ??= this.#newRowState();
      for (let r = 0; r < count; r++) {
        state.reset(firstRowId + r, epoch);
        this.#appendRow(builders, state, computed, -1);
      }
    }
    for (const column of direct) column.fill(builders[column.index], firstRowId, count, epoch);
    return this.#finish(builders, count);
  }

  /**
   * The columns a batch fills directly (drawn_columns.ts: no bad values or late times of
   * their own) and the others, computed row by row.
   */
  #splitColumns(): { direct: BatchColumn[]; computed: number[] } {
    const direct: BatchColumn[] = [];
    const computed: number[] = [];
    for (const column of this.#columns) {
      const whole = column.late || this.#outputFaults?.[column.index] !== undefined
        ? undefined
        : this.#batchColumn(column);
      if (whole) direct.push(whole);
      else computed.push(column.index);
    }
    return { direct, computed };
  }

  /**
   * The column filled a batch at a time, when it can be: a draw, or a foreign key of a table
   * whose rows all look at their parents at the same time (no timeline).
   */
  #batchColumn(column: PlannedColumn): BatchColumn | undefined {
    const failed = (rowId: number, error: unknown): never => {
      if (error instanceof GenerationError) throw error;
      throw new GenerationError(this.name, column.name, rowId, error);
    };
    const drawn = drawnColumn(column, column.type!, failed);
    if (drawn || !column.expr.isForeignKey || this.spec.timeline) return drawn;
    // A table without a timeline: every row looks at its parents at the reference time.
    const at = this.#engine.inputs.now.getTime();
    const parent = () => this.#engine.parent(column.fks[0].call.table);
    const keys = this.#foreignKeys.keySource(column.fks[0], parent, at, column.type!, failed);
    return new KeyColumn(column, keys);
  }

  /**
   * The rows with these ids delivered again (`duplicates:`): the same values as when first
   * written, bad values and orphans included, but for column `changed` (absent: none), whose
   * value is drawn anew. Append tables only (epoch 0).
   */
  duplicateBatch(rowIds: readonly number[], changed?: string): arrow.RecordBatch {
    const builders = this.#builders(rowIds.length);
    const state = this.#batchRow ??= this.#newRowState();
    const index = changed === undefined ? -1 : this.columnIndex(changed);
    const all = this.#columns.map((c) => c.index);
    for (const rowId of rowIds) {
      state.reset(rowId, 0);
      this.#appendRow(builders, state, all, index);
    }
    return this.#finish(builders, rowIds.length);
  }

  /** Appends `state`'s row to the builders of `columns`, column `changed` (-1: none) drawn anew. */
  #appendRow(
    builders: ColumnBuilder[],
    state: RowState,
    columns: readonly number[],
    changed: number,
  ): void {
    const faults = this.#outputFaults;
    for (let c = 0; c < columns.length; c++) {
      const j = columns[c];
      let value = j === changed ? this.#changedValue(state.rowId, j) : this.cell(state, j);
      if (faults !== undefined && faults[j] !== undefined) {
        const bad = this.#faulty(state, j, value);
        if (bad instanceof InvalidUtf8) {
          builders[j].appendBytes(bad.bytes);
          continue;
        }
        value = bad;
      }
      try {
        builders[j].append(value);
      } catch (error) {
        throw new GenerationError(this.name, this.#columns[j].name, state.rowId, error);
      }
    }
  }

  /**
   * A duplicate's changed value: the column computed in another epoch of the row (its own
   * streams, so a new draw), keeping the row's time.
   */
  #changedValue(rowId: number, index: number): Value {
    const state = this.#changedRow ??= this.#newRowState();
    state.reset(rowId, DUPLICATE_EPOCH);
    return this.cell(state, index);
  }

  /**
   * A value as output: an orphan key, a bad value, or `value` itself, as the table's faults
   * decide for the row (the row's other columns read the good value).
   */
  #faulty(state: RowState, index: number, value: Value): Value | InvalidUtf8 {
    const { rowId, epoch } = state;
    const faults = this.faults;
    const column = this.#columns[index];
    if (faults.isOrphan(index, rowId, epoch)) return this.#orphanKey(state, column);
    const kind = faults.badKind(index, rowId, epoch, this.#outputFaults![index]!);
    if (kind === undefined) return value;
    return badValue(kind, column.type!, value, faults.variant(index, rowId, epoch));
  }

  /**
   * A key that points at no parent row the child can see: the key of a parent row past the
   * last one there is at the row's time (one that comes later for a growing parent, never
   * for one that does not grow).
   */
  #orphanKey(state: RowState, column: PlannedColumn): Value {
    const fk = column.fks[0];
    const parent = this.#engine.parent(fk.call.table);
    const count = parent.count(state.at);
    const ahead = Math.floor(
      this.faults.variant(column.index, state.rowId, state.epoch) * Math.max(count, 1),
    );
    return parent.value(fk.call.column, count + ahead, state.at);
  }

  /** The kinds of bad values of each column, checked against its type (once). */
  #planOutputFaults(): void {
    if (!this.faults.any) return;
    const plan = this.#columns.map((c) => {
      if (!this.faults.changesOutput(c.index)) return undefined;
      try {
        return columnKinds(this.spec.columns[c.index].badValues, c.type!);
      } catch (error) {
        throw new GenerationError(this.name, c.name, this.spec.startRowId, error);
      }
    });
    if (plan.some((p) => p !== undefined)) this.#outputFaults = plan;
  }

  /**
   * Rows given whole as stored values in column order (a change's rows before and after, ids
   * `rowIds`) as one record batch of this table's schema, each column of its own type.
   */
  rowsBatch(rows: readonly (readonly Value[])[], rowIds: readonly number[]): arrow.RecordBatch {
    const builders = this.#builders(rows.length);
    rows.forEach((row, r) =>
      builders.forEach((builder, j) => {
        try {
          builder.append(row[j]);
        } catch (error) {
          throw new GenerationError(this.name, this.#columns[j].name, rowIds[r], error);
        }
      })
    );
    return this.#finish(builders, rows.length);
  }

  /** A builder per column for `count` values, of the column's type. */
  #builders(count: number): ColumnBuilder[] {
    this.schema(); // resolves every column's type
    return this.#columns.map((c) =>
      new ColumnBuilder(c.type!, count, c.declared ? {} : { inferred: c.staticType! })
    );
  }

  #finish(builders: ColumnBuilder[], count: number): arrow.RecordBatch {
    return columnsBatch(this.schema(), builders.map((b) => b.finish()), count);
  }

  /**
   * The stored value of a column in the row with this id: recomputed, or one of the few
   * values looked up last (a pure function of column, row and epoch, so either is the same).
   */
  value(column: string, rowId: number, epoch = 0): Value {
    const index = this.columnIndex(column);
    const planned = this.#columns[index];
    this.#resolveType(planned);
    if (planned.expr.isRowId && planned.nullFraction === 0) {
      // A parent's key, the commonest lookup: no row to set up.
      return this.#normalized(planned, rowId, rowId);
    }
    const whole = epoch === 0 ? this.#wholeColumn(planned) : null;
    const ordinal = rowId - this.spec.startRowId;
    if (whole && ordinal >= 0 && ordinal < whole.rows) {
      const known = whole.get(ordinal);
      if (known !== undefined) return known;
      const computed = this.#computeValue(planned, index, rowId, epoch);
      whole.set(ordinal, computed);
      return computed;
    }
    const recent = planned.recent ??= new RecentValues();
    const kept = recent.get(rowId, epoch);
    if (kept !== undefined) return kept;
    const value = this.#computeValue(planned, index, rowId, epoch);
    recent.set(rowId, epoch, value);
    return value;
  }

  /** A column's stored value in a row, computed on a row state of its own. */
  #computeValue(planned: PlannedColumn, index: number, rowId: number, epoch: number): Value {
    const state = this.#lookupRow ??= this.#newRowState();
    if (state.rowId !== rowId || state.epoch !== epoch) state.reset(rowId, epoch);
    return this.#normalized(planned, this.cell(state, index), rowId);
  }

  /** The column's kept initial rows, reserved from the engine's budget on first use. */
  #wholeColumn(planned: PlannedColumn): ColumnValues | null {
    if (planned.whole === undefined) {
      planned.whole = this.#engine.columnBudget.reserve(this.spec.rowCount) ?? null;
    }
    return planned.whole;
  }

  #normalized(planned: PlannedColumn, raw: Value, rowId: number): Value {
    try {
      return normalizeValue(raw, planned.type!);
    } catch (error) {
      throw new GenerationError(this.name, planned.name, rowId, error);
    }
  }

  /** This table as a parent with all of its `row_count` rows. */
  asParent(): ParentSource {
    return {
      count: () => this.spec.rowCount,
      value: (column, index) => this.value(column, this.spec.startRowId + index),
      columnType: (column) => this.columnType(column),
      rowIdsFrom: (column) => {
        const planned = this.#columns[this.columnIndex(column)];
        const plain = planned.expr.isRowId && planned.nullFraction === 0 &&
          this.columnType(column) === "int64";
        return plain ? this.spec.startRowId : undefined;
      },
    };
  }

  /** Sets a row's logical now and the time its foreign keys look at (from the timeline). */
  placeInTime(state: RowState): void {
    const timeline = this.spec.timeline;
    if (!timeline) return;
    const ms = timeline.rowTime(state.rowId, state.epoch);
    if (ms !== this.#nowMs) {
      this.#nowMs = ms;
      this.#nowDate = new Date(ms);
    }
    state.now = this.#nowDate;
    state.at = timeline.visibleAt(state.rowId, state.epoch);
  }

  /** When the table's first row looks at its parents: what `is_unique` keys are drawn from. */
  #firstVisible(): number {
    return this.spec.timeline?.visibleAt(this.spec.startRowId, 0) ??
      this.#engine.inputs.now.getTime();
  }

  /**
   * A row state of this table of its own, for computing rows outside batches (a row's
   * versions under `changes:`, lib/engine/row_versions.ts).
   */
  newRowState(): RowState {
    return this.#newRowState();
  }

  #newRowState(): RowState {
    const state = new RowState(
      this,
      this.#columns.length,
      this.#engine.faker,
      this.#engine.inputs.now,
      this.#engine.pickRandom,
    );
    state.at = this.#engine.inputs.now.getTime();
    return state;
  }

  /** Computes (once per row) the value of column `index` in `state`'s row. */
  cell(state: RowState, index: number): Value {
    const status = state.status[index];
    if (status === 2) return state.values[index];
    const column = this.#columns[index];
    if (status === 1) {
      throw new GenerationError(
        this.name,
        column.name,
        state.rowId,
        "the column depends on itself",
      );
    }
    let value: Value = null;
    if (column.expr.isRowId && column.nullFraction === 0) {
      // The commonest key column: nothing to draw, nothing that can fail.
      value = state.rowId;
    } else if (
      column.nullFraction === 0 ||
      unitHash(rowKey(column.nullKey, state), state.rowId) >= column.nullFraction
    ) {
      state.status[index] = 1;
      const engine = this.#engine;
      const savedColumn = state.current;
      const savedRandom = state.random;
      state.current = column;
      state.random = engine.enterCell(rowKey(column.cellKey, state), state.rowId);
      try {
        value = column.expr.evaluate(state);
        if (column.late) {
          value = lateValue(value, this.faults.delay(index, state.rowId, state.epoch));
        }
      } catch (error) {
        state.status[index] = 0;
        if (error instanceof GenerationError) throw error;
        throw new GenerationError(this.name, column.name, state.rowId, error);
      } finally {
        engine.leaveCell();
        state.current = savedColumn;
        state.random = savedRandom;
      }
    }
    state.values[index] = value;
    state.status[index] = 2;
    return value;
  }

  /** The value of the i-th `foreign_key` call of `column` in this row. */
  foreignKeyValue(state: RowState, column: PlannedColumn, i: number): Value {
    const fk = column.fks[i];
    const parent = this.#engine.parent(fk.call.table);
    const index = this.#foreignKeys.pick(fk, parent, state);
    if (column.expr.isForeignKey) state.picked[column.index] = index;
    return parent.value(fk.call.column, index, state.at);
  }

  /** The value `copy_from_fk` copies: the parent's value in the row the key column picked. */
  copyValue(state: RowState, copy: CopyBinding): Value {
    const key = this.cell(state, copy.fkColumn);
    if (key === null) return null;
    const index = state.picked[copy.fkColumn];
    if (index < 0) {
      throw new Error(
        `copy_from_fk needs column "${
          this.#columns[copy.fkColumn].name
        }" to be a foreign_key(...) column`,
      );
    }
    return this.#engine.parent(copy.parentTable).value(copy.column, index, state.at);
  }
}
