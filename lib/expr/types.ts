/**
 * The expression language's plain data, shared by all of its files and imported by none of
 * them back: spans, diagnostics, and the `foreign_key` / `copy_from_fk` calls an expression
 * makes. (What the host gives an expression is in `host.ts`; what compiling takes and gives,
 * in `compiled_expression.ts`.)
 *
 * @module
 */

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

/**
 * The names a table with `changes:` gives its expressions: `version` (0 at insert, n at the
 * row's n-th update) and `previous` (the column's value before the update, `None` at insert).
 */
export type ChangeName = "previous" | "version";

/** Every {@link ChangeName}. */
export const CHANGE_NAMES: readonly ChangeName[] = ["previous", "version"];

/** Where an expression reads one of the {@link ChangeName}s. */
export interface ChangeNameRead {
  name: ChangeName;
  span: Span;
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
