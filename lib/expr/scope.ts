/**
 * What the parts of the compiler that handle one kind of call (`fake.*`, `foreign_key`,
 * methods...) need from the compiler: compiling sub-expressions, reporting problems and
 * recording what the expression reads.
 *
 * @module
 */
import type { Expr } from "./ast.ts";
import type { Node } from "./compiled_node.ts";
import type { CompileOptions } from "./compiled_expression.ts";
import type { CopyFromFkCall, ForeignKeyCall, Span } from "./types.ts";

/** The compiler, as seen by the handlers of particular calls. */
export interface Scope {
  /** The expression's source text. */
  readonly source: string;
  /** The table's columns and the column being compiled. */
  readonly options: CompileOptions;
  /** Compiles a sub-expression. */
  compile(expr: Expr): Node;
  /** Compiles code that never runs (the branch not taken): its errors and warnings are dropped. */
  unchecked(expr: Expr): Node;
  /** Records an error; compilation goes on to find more. */
  error(code: string, message: string, span: Span, hint?: string): void;
  /** Records a warning. */
  warn(code: string, message: string, span: Span, hint?: string): void;
  /** Records a `foreign_key` call; returns its index. */
  addForeignKey(call: ForeignKeyCall): number;
  /** Records a `copy_from_fk` call; returns its index. */
  addCopy(call: CopyFromFkCall): number;
  /** Records that the expression reads another column of the row. */
  addColumnRef(name: string): void;
}
