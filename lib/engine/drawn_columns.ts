/**
 * Columns filled a batch at a time. A column whose whole expression is `row_id` or one draw
 * from its cell's random stream (`random.randint(0, 9)`, `random.random()`,
 * `random.uniform(1, 5)`: the expression's `draw`) is written straight into its builder's
 * typed array, row after row, without setting up each row and evaluating the expression in
 * it. The stream of each cell is reset to the same (key, row id) and drawn with the same
 * arithmetic as the expression's own `impl`, nulls come from the same null stream, so the
 * values are the ones the row-by-row path computes (a test holds the two paths equal).
 *
 * @module
 */
import type { CompiledExpression, Draw, NumberDraw } from "../expr/compiled_expression.ts";
import type { ColumnType } from "../arrow/types.ts";
import type { ColumnBuilder } from "./column_builder.ts";
import { floatValue, type Value } from "../expr/values.ts";
import type { KeySource, RowRun } from "./foreign_keys.ts";
import { CellRandom, epochKey, firstUint32, firstUnit, unitHash } from "./rng.ts";

/** How a column is filled directly: its row id, or a draw. */
export type DirectFill = { readonly kind: "rowId" } | NumberDraw;

/** The integer range each narrow integer type stores without a conversion error. */
const INT_RANGES: Partial<Record<ColumnType, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/**
 * How a column of this expression and storage type is filled directly, or undefined when
 * its values need the row-by-row path: another kind of expression, or a type that would
 * convert (a float into an int column) or could refuse a value (an int out of its range).
 */
export function directFill(expr: CompiledExpression, type: ColumnType): DirectFill | undefined {
  const float = type === "float64" || type === "float32";
  if (expr.isRowId) return type === "int64" ? { kind: "rowId" } : undefined;
  const draw = expr.draw;
  if (draw?.kind === "uniform") return float ? draw : undefined;
  if (draw?.kind === "int") {
    if (float) return draw;
    const range = INT_RANGES[type];
    return range && draw.min >= range[0] && draw.max <= range[1] ? draw : undefined;
  }
  return undefined;
}

/**
 * The column a batch fills whole when its expression is `row_id` or a draw: straight into its
 * typed array when the column stores the numbers as they are, else value by value.
 */
export function drawnColumn(
  plan: DirectColumnPlan & { expr: CompiledExpression },
  type: ColumnType,
  failed: (rowId: number, error: unknown) => never,
): BatchColumn | undefined {
  const fill = directFill(plan.expr, type);
  if (fill) return new DirectColumn(plan, fill);
  return plan.expr.draw ? new DrawnValueColumn(plan, plan.expr.draw, failed) : undefined;
}

/** What a {@link DirectColumn} needs of its column's plan. */
export interface DirectColumnPlan {
  index: number;
  cellKey: number;
  nullKey: number;
  nullFraction: number;
}

/** A column a batch fills whole, rather than row by row. */
export interface BatchColumn {
  /** The column's index in its table. */
  readonly index: number;
  /** Appends the column's values in rows `firstRowId ..` (`count` rows) of `epoch`. */
  fill(builder: ColumnBuilder, firstRowId: number, count: number, epoch: number): void;
}

/** One directly filled column of a table. */
export class DirectColumn implements BatchColumn {
  readonly index: number;
  readonly #plan: DirectColumnPlan;
  readonly #fill: DirectFill;

  constructor(plan: DirectColumnPlan, fill: DirectFill) {
    this.index = plan.index;
    this.#plan = plan;
    this.#fill = fill;
  }

  fill(builder: ColumnBuilder, firstRowId: number, count: number, epoch: number): void {
    const { cellKey, nullKey, nullFraction } = this.#plan;
    const values = scratch(count);
    const valid = validRows(nullKey, nullFraction, firstRowId, count, epoch);
    const fill = this.#fill;
    // Version 0 (a batch's rows are inserts): the cell's key is its epoch's key.
    const key = epochKey(cellKey, epoch);
    if (fill.kind === "rowId") rowIds(values, firstRowId, count);
    else if (fill.kind === "int") ints(values, key, firstRowId, count, fill.min, fill.max, valid);
    else uniforms(values, key, firstRowId, count, fill.lo, fill.hi, valid);
    builder.appendNumbers(values, count, valid);
  }
}

/**
 * A `foreign_key(...)` column of a table without a timeline: each row's parent row picked as
 * the row path picks it (`ForeignKeyPicker.pickRun`), the parent's value looked up and
 * appended, without setting up the row.
 */
export class KeyColumn implements BatchColumn {
  readonly index: number;
  readonly #plan: DirectColumnPlan;
  readonly #keys: KeySource;

  constructor(plan: DirectColumnPlan, keys: KeySource) {
    this.index = plan.index;
    this.#plan = plan;
    this.#keys = keys;
  }

  fill(builder: ColumnBuilder, firstRowId: number, count: number, epoch: number): void {
    const { nullKey, nullFraction } = this.#plan;
    const valid = validRows(nullKey, nullFraction, firstRowId, count, epoch);
    if (picks.length < count) picks = new Float64Array(count);
    const picked = picks;
    const keys = this.#keys;
    keys.pick({ firstRowId, count, epoch }, picked, valid);
    const first = keys.rowIdsFrom();
    if (first === undefined) {
      appendValues(builder, firstRowId, count, valid, (r) => keys.value(picked[r]), keys.failed);
      return;
    }
    // The parent's keys are its row ids: numbers an int64 column stores as they are.
    for (let r = 0; r < count; r++) picked[r] += first;
    builder.appendNumbers(picked, count, valid);
  }
}

/**
 * A column whose expression is a draw its column cannot take as a number: an item of a list
 * (`random.choice`), a pure function of a draw (`round(random.uniform(1, 9), 2)`), or a number
 * its column converts. Each row's value is drawn and computed as the expression computes it,
 * then appended as the row path appends it (the same conversions and errors).
 */
export class DrawnValueColumn implements BatchColumn {
  readonly index: number;
  readonly #plan: DirectColumnPlan;
  readonly #draw: Draw;
  readonly #failed: (rowId: number, error: unknown) => never;

  constructor(
    plan: DirectColumnPlan,
    draw: Draw,
    failed: (rowId: number, error: unknown) => never,
  ) {
    this.index = plan.index;
    this.#plan = plan;
    this.#draw = draw;
    this.#failed = failed;
  }

  fill(builder: ColumnBuilder, firstRowId: number, count: number, epoch: number): void {
    const { cellKey, nullKey, nullFraction } = this.#plan;
    const valid = validRows(nullKey, nullFraction, firstRowId, count, epoch);
    const rows = { firstRowId, count, epoch };
    const values = drawValues(this.#draw, epochKey(cellKey, epoch), rows, valid, this.#failed);
    appendValues(builder, firstRowId, count, valid, (r) => values[r], this.#failed);
  }
}

/** Each row's value of a draw (rows whose `valid` byte is 0 left null). */
function drawValues(
  draw: Draw,
  key: number,
  rows: RowRun,
  valid: Uint8Array | undefined,
  failed: (rowId: number, error: unknown) => never,
): Value[] {
  const { firstRowId, count } = rows;
  const values: Value[] = new Array(count).fill(null);
  if (draw.kind === "map") {
    const inner = drawValues(draw.draw, key, rows, valid, failed);
    for (let r = 0; r < count; r++) {
      if (valid !== undefined && valid[r] === 0) continue;
      try {
        values[r] = draw.map(inner[r]);
      } catch (error) {
        failed(firstRowId + r, error);
      }
    }
    return values;
  }
  const numbers = scratch(count);
  if (draw.kind === "uniform") uniforms(numbers, key, firstRowId, count, draw.lo, draw.hi, valid);
  else {
    const [min, max] = draw.kind === "int" ? [draw.min, draw.max] : [0, draw.items.length - 1];
    ints(numbers, key, firstRowId, count, min, max, valid);
  }
  for (let r = 0; r < count; r++) {
    if (valid !== undefined && valid[r] === 0) continue;
    // As the expression's `impl` returns it: an int, a float (a PyFloat when whole), an item.
    values[r] = draw.kind === "int"
      ? numbers[r]
      : draw.kind === "uniform"
      ? floatValue(numbers[r])
      : draw.items[numbers[r]];
  }
  return values;
}

/** Appends each row's value (null where `valid` says so); a refused one is the row's error. */
function appendValues(
  builder: ColumnBuilder,
  firstRowId: number,
  count: number,
  valid: Uint8Array | undefined,
  value: (row: number) => Value,
  failed: (rowId: number, error: unknown) => never,
): void {
  for (let r = 0; r < count; r++) {
    if (valid !== undefined && valid[r] === 0) builder.append(null);
    else {
      try {
        builder.append(value(r));
      } catch (error) {
        failed(firstRowId + r, error);
      }
    }
  }
}

/**
 * 1 for the rows that have a value, 0 for those the null stream makes null (undefined when
 * the column has no nulls).
 */
function validRows(
  nullKey: number,
  nullFraction: number,
  firstRowId: number,
  count: number,
  epoch: number,
): Uint8Array | undefined {
  if (nullFraction === 0) return undefined;
  const valid = new Uint8Array(count);
  const key = epochKey(nullKey, epoch);
  for (let r = 0; r < count; r++) {
    valid[r] = unitHash(key, firstRowId + r) >= nullFraction ? 1 : 0;
  }
  return valid;
}

const TWO_POW_32 = 4294967296;

/** One stream reset per cell, shared by every direct column of this thread. */
const random = new CellRandom();
let buffer = new Float64Array(0);
/** The parent rows a key column picked: its own, as looking up values may fill other columns. */
let picks = new Float64Array(0);

/** A scratch array for `count` values (reused: a batch's column is copied out at once). */
function scratch(count: number): Float64Array {
  if (buffer.length < count) buffer = new Float64Array(count);
  return buffer;
}

function rowIds(out: Float64Array, firstRowId: number, count: number): void {
  for (let r = 0; r < count; r++) out[r] = firstRowId + r;
}

/**
 * `random.randint(min, max)` of each row, as `CellRandom.int` draws it: the stream's first word
 * modulo the span, unless that word falls in the few rejected at the top (then the generator
 * draws on, as `int` does).
 */
function ints(
  out: Float64Array,
  key: number,
  firstRowId: number,
  count: number,
  min: number,
  max: number,
  valid: Uint8Array | undefined,
): void {
  const span = max - min + 1;
  if (span > TWO_POW_32) {
    for (let r = 0; r < count; r++) {
      if (valid !== undefined && valid[r] === 0) continue;
      random.reset(key, firstRowId + r);
      out[r] = random.int(min, max);
    }
    return;
  }
  const kept = TWO_POW_32 - span;
  for (let r = 0; r < count; r++) {
    if (valid !== undefined && valid[r] === 0) continue;
    const x = firstUint32(key, firstRowId + r);
    if (x < kept) out[r] = min + (x - Math.floor(x / span) * span);
    else {
      random.reset(key, firstRowId + r);
      out[r] = random.int(min, max);
    }
  }
}

/** `lo + (hi - lo) * random.random()` of each row (`random.uniform`, `random.random`). */
function uniforms(
  out: Float64Array,
  key: number,
  firstRowId: number,
  count: number,
  lo: number,
  hi: number,
  valid: Uint8Array | undefined,
): void {
  for (let r = 0; r < count; r++) {
    if (valid !== undefined && valid[r] === 0) continue;
    out[r] = lo + (hi - lo) * firstUnit(key, firstRowId + r);
  }
}
