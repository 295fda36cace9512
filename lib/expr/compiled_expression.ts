/**
 * What compiling an expression takes and gives: {@link CompileOptions} (the table's columns,
 * the host's column functions and distributions) and a {@link CompiledExpression}, a closure
 * over the host's {@link CellContext} plus what the checker learned statically (which columns
 * it reads, which `foreign_key` / `copy_from_fk` calls it makes, its type). The contract
 * between the language, the config checker (`lib/config/`) and the engine (`lib/engine/`).
 *
 * @module
 */
import type { FunctionSpec } from "./function_spec.ts";

export type { Draw, NumberDraw } from "./draw.ts";
import type { Draw } from "./draw.ts";
import type { CellContext, DistributionCatalog, TypeEnvironment } from "./host.ts";
import type { ChangeNameRead, CopyFromFkCall, ExprDiagnostic, ForeignKeyCall } from "./types.ts";
import type { StaticType, Value } from "./values.ts";

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
  /**
   * Where it reads `previous` or `version` (names a table's `changes:` give; absent when it
   * reads neither), for the checks of a table's changes.
   */
  readonly changeNames?: readonly ChangeNameRead[];
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
  /**
   * Set when the whole expression is one draw from the cell's random stream, which the engine
   * may then draw a column at a time (the same values as `evaluate`'s).
   */
  readonly draw?: Draw;
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
  distributions?: DistributionCatalog;
}

/** Either a compiled expression or every problem found. */
export type CompileResult =
  | { ok: true; expr: CompiledExpression }
  | { ok: false; diagnostics: ExprDiagnostic[] };
