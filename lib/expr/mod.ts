/**
 * The `data:` expression language: a small, Python-syntax language compiled to closures.
 *
 * `compileExpression` parses a column's expression, or a tablefaker-style block of
 * statements, checks it (names, calls, arguments, types known statically) and returns either
 * a {@link CompiledExpression} or every problem found, each with a span into the source.
 * Nothing is evaluated with `eval`: the syntax tree is compiled once into plain closures.
 *
 * @example
 * ```ts
 * import { compileExpression } from "./mod.ts";
 *
 * const result = compileExpression("round(price * qty, 2)", { columns: ["price", "qty", "total"], self: "total" });
 * if (result.ok) console.log(result.expr.columnRefs); // ["price", "qty"]
 * ```
 *
 * @module
 */
import { type CompiledProgram, compileProgram } from "./compile.ts";
import { constantNode } from "./compiled_node.ts";
import { parse } from "./parser.ts";
import type { CompiledExpression, CompileOptions, CompileResult } from "./compiled_expression.ts";
import { typeOfValue, type Value } from "./values.ts";

export type { CellContext, TypeEnvironment } from "./host.ts";
export type { CompiledExpression, CompileOptions, CompileResult } from "./compiled_expression.ts";
export type {
  ChangeName,
  ChangeNameRead,
  CopyFromFkCall,
  ExprDiagnostic,
  ForeignKeyCall,
  Span,
} from "./types.ts";
export { CHANGE_NAMES } from "./types.ts";
export {
  formatDateTime,
  pyRepr,
  pyStr,
  type StaticType,
  typeOfValue,
  type Value,
} from "./values.ts";
export { PyDate } from "./datetime_values.ts";
export { closestString } from "./suggest.ts";
export { ExprRuntimeError } from "./runtime_error.ts";

/**
 * Compiles a column's `data:` expression or multi-line block. Non-string YAML scalars
 * (`data: 150`, `data: true`, `data:` empty) are literal values.
 */
export function compileExpression(
  source: string | number | boolean | null,
  options: CompileOptions,
): CompileResult {
  if (typeof source !== "string") return { ok: true, expr: literalExpression(source) };
  const parsed = parse(source);
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics };
  const compiled = compileProgram(source, parsed.program, options);
  if (compiled.errors.length > 0) {
    return {
      ok: false,
      diagnostics: [...compiled.errors, ...compiled.warnings].sort((a, b) =>
        a.span.start - b.span.start
      ),
    };
  }
  return { ok: true, expr: expressionOf(source, compiled) };
}

function literalExpression(value: number | boolean | null): CompiledExpression {
  const source = value === null
    ? "None"
    : typeof value === "boolean"
    ? (value ? "True" : "False")
    : String(value);
  const node = constantNode(value as Value, { start: 0, end: source.length });
  const type = typeOfValue(value);
  return {
    source,
    evaluate: node.evaluate,
    columnRefs: [],
    usesRowId: false,
    foreignKeys: [],
    copies: [],
    isForeignKey: false,
    inferType: () => type,
    warnings: [],
  };
}

function expressionOf(source: string, compiled: CompiledProgram): CompiledExpression {
  const { root } = compiled;
  return {
    source,
    evaluate: root.evaluate,
    columnRefs: compiled.columnRefs,
    usesRowId: compiled.usesRowId,
    ...(compiled.changeNames.length ? { changeNames: compiled.changeNames } : {}),
    foreignKeys: compiled.foreignKeys,
    copies: compiled.copies,
    isForeignKey: compiled.isForeignKey && compiled.foreignKeys.length === 1,
    isRowId: compiled.isRowId,
    ...(compiled.draw ? { draw: compiled.draw } : {}),
    inferType: root.type,
    ...(root.itemType ? { inferItemType: root.itemType } : {}),
    ...(root.keyType ? { inferKeyType: root.keyType } : {}),
    warnings: compiled.warnings,
  };
}
