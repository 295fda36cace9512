/**
 * The contract between the expression language (`lib/expr/`), the config checker
 * (`lib/config/`) and the engine (`lib/engine/`).
 *
 * An expression is compiled once per column into a {@link CompiledExpression}: a closure
 * over a {@link CellContext} plus what the checker learned statically (which columns it
 * reads, which `foreign_key` / `copy_from_fk` calls it makes, its type).
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";
import type { CellRandom } from "../engine/rng.ts";
import type { StaticType, Value } from "./values.ts";
import type { FunctionSpec } from "./function_spec.ts";
import type { AnyDistribution } from "../plugin/types.ts";

/** A range of characters in the expression source, 0-based, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** A problem found while parsing or checking an expression. */
export interface ExprDiagnostic {
  /** Stable kebab-case code, e.g. `bad-expression`, `unknown-function`, `unknown-column`. */
  code: string;
  /** Sentence-case message that says what is wrong. */
  message: string;
  /** Where in the source; the config layer turns this into file:line:column. */
  span: Span;
  /** What to do instead, e.g. "did you mean `fake.email()`?". */
  hint?: string;
  /** Errors stop the run; warnings are printed. Default error. */
  severity?: "error" | "warning";
}

/** A `foreign_key(table, column, ...)` call. Its arguments must be literals. */
export interface ForeignKeyCall {
  table: string;
  column: string;
  /** Distribution name: "uniform" (default), "zipf", "weighted_parent", or a plugin's. */
  distribution: string;
  /** Distribution parameter (`param=`), e.g. the zipf exponent. */
  param?: number;
  /** For weighted_parent: the parent column whose value selects the weight. */
  parentAttr?: string;
  /** For weighted_parent: weight per `str(parent_attr value)`; 1.0 when absent. */
  weights?: Record<string, number>;
  /** Never repeat a parent key within the child table. */
  isUnique: boolean;
  /** Further keyword arguments, passed to the distribution as options. */
  options?: Record<string, unknown>;
  span: Span;
}

/**
 * A `copy_from_fk(...)` call, normalised from either argument order:
 * `(fk_column, parent_table, parent_column)` or `(parent_table, fk_column, parent_column)`.
 */
export interface CopyFromFkCall {
  /** The column of this row holding the foreign key. */
  fkColumn: string;
  /** The parent table. */
  table: string;
  /** The parent column whose value is copied. */
  column: string;
  span: Span;
}

/** What the engine provides to a compiled expression for one cell. */
export interface CellContext {
  /** The row's id. */
  readonly rowId: number;
  /** The value of another column of the same row (computed earlier, dependency order). */
  column(name: string): Value;
  /** The cell's random stream; `random.*` draws from it. */
  readonly random: CellRandom;
  /** A faker whose randomizer draws from `random`, in the config's locale. */
  readonly faker: Faker;
  /** Logical "now": reference time for `datetime.now()`, "today", "-30d"... */
  readonly now: Date;
  /** Value of the i-th `foreign_key` call of this expression ({@link CompiledExpression.foreignKeys}). */
  foreignKey(index: number): Value;
  /** Value of the i-th `copy_from_fk` call of this expression ({@link CompiledExpression.copies}). */
  copyFromFk(index: number): Value;
}

/** Static types of what an expression reads, supplied by the engine for type inference. */
export interface TypeEnvironment {
  /** Type of another column of this table. */
  column(name: string): StaticType;
  /** When another column holds lists, tuples or dicts: the type of their items (values). */
  columnItems?(name: string): StaticType;
  /** When another column holds dicts: the type of their keys. */
  columnKeys?(name: string): StaticType;
  /** Type of the parent key column of the i-th foreign_key call. */
  foreignKey(index: number): StaticType;
  /** Type of the parent column of the i-th copy_from_fk call. */
  copyFromFk(index: number): StaticType;
}

/** A compiled `data:` expression. */
export interface CompiledExpression {
  /** The source as written (for messages). */
  readonly source: string;
  /** Computes the cell's value. */
  evaluate(ctx: CellContext): Value;
  /** Other columns of the same row that it reads (deduplicated, in order of appearance). */
  readonly columnRefs: readonly string[];
  /** Whether it reads `row_id`. */
  readonly usesRowId: boolean;
  /** Every `foreign_key` call, in order; `CellContext.foreignKey(i)` answers call i. */
  readonly foreignKeys: readonly ForeignKeyCall[];
  /** Every `copy_from_fk` call, in order; `CellContext.copyFromFk(i)` answers call i. */
  readonly copies: readonly CopyFromFkCall[];
  /**
   * True when the whole expression is exactly one `foreign_key(...)` call, so the column
   * holds a parent key that `copy_from_fk` can follow.
   */
  readonly isForeignKey: boolean;
  /**
   * True when the whole expression is `row_id`: its value is the row id, no stream is
   * drawn, so the engine reads it without entering the cell.
   */
  readonly isRowId?: boolean;
  /** The static type of the result, given the types of what it reads. */
  inferType(env: TypeEnvironment): StaticType;
  /** For results that are lists, tuples or dicts: the static type of their items (values). */
  inferItemType?(env: TypeEnvironment): StaticType;
  /** For results that are dicts: the static type of their keys. */
  inferKeyType?(env: TypeEnvironment): StaticType;
  /** Non-fatal findings (e.g. an argument that is accepted but ignored). */
  readonly warnings: readonly ExprDiagnostic[];
}

/** Options of {@link compileExpression}. */
export interface CompileOptions {
  /** Names of the table's columns (for references and "did you mean"). */
  columns: readonly string[];
  /** The column being compiled (a self reference is an error). */
  self?: string;
  /**
   * tablefaker's `config.python_import` modules: using one is reported as needing Python,
   * with what to do instead.
   */
  pythonModules?: readonly string[];
  /** tablefaker's `config.community_providers`: unknown `fake.*` methods may be theirs. */
  communityProviders?: readonly string[];
  /** Column functions of plugins, callable by name (`luhn_card_number(16)`). */
  functions?: Readonly<Record<string, FunctionSpec>>;
  /**
   * The distributions `foreign_key(distribution=...)` may name, to check the name and its
   * options; unchecked when absent.
   */
  distributions?: ReadonlyMap<string, AnyDistribution>;
}

/** Either a compiled expression or every problem found. */
export type CompileResult =
  | { ok: true; expr: CompiledExpression }
  | { ok: false; diagnostics: ExprDiagnostic[] };
