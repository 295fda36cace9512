/**
 * A compiled sub-expression: the closure that computes it, its static type, and its value
 * when that is known at compile time (for constant folding and literal-only arguments).
 * The compiler builds these bottom-up; no syntax tree is kept for evaluation.
 *
 * @module
 */
import type { CellContext, TypeEnvironment } from "./host.ts";
import type { Span } from "./types.ts";
import type { Draw } from "./draw.ts";
import { isDict, type StaticType, typeOfValue, type Value } from "./values.ts";

/** Computes a sub-expression's value for one cell. */
export type Evaluator = (ctx: CellContext) => Value;

/** A compiled sub-expression. */
export interface Node {
  /** Where it came from, for diagnostics about it. */
  readonly span: Span;
  /** Its value for a cell. */
  readonly evaluate: Evaluator;
  /** Its static type, given the types of what it reads. */
  readonly type: (env: TypeEnvironment) => StaticType;
  /** For lists, tuples and dicts: the common type of the items (values). */
  readonly itemType?: (env: TypeEnvironment) => StaticType;
  /** For dicts: the common type of the keys. */
  readonly keyType?: (env: TypeEnvironment) => StaticType;
  /** For list displays (`[a, b]`, and a variadic call's arguments): the item nodes. */
  readonly items?: readonly Node[];
  /** Set when the value is known at compile time: it does not depend on the cell. */
  readonly constant?: { readonly value: Value };
  /** Set on stand-ins for sub-expressions with errors, so no follow-up errors pile on. */
  readonly broken?: true;
  /**
   * Set when the value is an int in every cell, proven: an int literal, `row_id`, and `+ - *
   * // %` of such. Arithmetic on two of them needs no check for floats.
   */
  readonly alwaysInt?: true;
  /**
   * Set on a call that is one draw from the cell's random stream (`random.randint(1, 6)`), or a
   * pure function of one.
   */
  readonly draw?: Draw;
}

/** The environment used at compile time, when nothing is known about other columns. */
export const UNKNOWN_ENV: TypeEnvironment = {
  column: () => "any",
  foreignKey: () => "any",
  copyFromFk: () => "any",
};

/** What the compiler can tell about a node's type without knowing other columns. */
export function hintType(node: Node): StaticType {
  return node.type(UNKNOWN_ENV);
}

/** A node whose value is known, of the value's own type. */
export function constantNode(value: Value, span: Span): Node {
  const type = typeOfValue(value);
  const node: Node = {
    span,
    evaluate: () => value,
    type: () => type,
    constant: { value },
    ...(type === "int" && typeof value !== "boolean" ? { alwaysInt: true as const } : {}),
  };
  if (Array.isArray(value)) {
    const itemType = joinAll(value.map((v) => typeOfValue(v)));
    return { ...node, itemType: () => itemType };
  }
  if (isDict(value)) {
    const itemType = joinAll(value.values().map((v) => typeOfValue(v)));
    const keyType = joinAll(value.keys().map((v) => typeOfValue(v)));
    return { ...node, itemType: () => itemType, keyType: () => keyType };
  }
  return node;
}

/**
 * Stands in for a sub-expression that had an error, so checking can go on and report
 * further problems. It is never evaluated: an expression with errors is not returned.
 */
export function brokenNode(span: Span): Node {
  return {
    span,
    evaluate: () => {
      throw new Error("A broken expression was evaluated");
    },
    type: () => "any",
    broken: true,
  };
}

/** Whether a static type is numeric (Python's bool is an int). */
export function isNumeric(type: StaticType): boolean {
  return type === "int" || type === "float" || type === "bool";
}

/**
 * The type of a value that is one of two types (`a if c else b`, list items): equal
 * types stay, `None` gives way to the other, `int` widens to `float`, `bool` to `int`;
 * anything else is `any`.
 */
export function joinTypes(a: StaticType, b: StaticType): StaticType {
  if (a === b) return a;
  if (a === "none") return b;
  if (b === "none") return a;
  if (a === "any" || b === "any") return "any";
  if (isNumeric(a) && isNumeric(b)) return a === "float" || b === "float" ? "float" : "int";
  return "any";
}

/** {@link joinTypes} over many; `none` for none at all (the items of an empty list). */
export function joinAll(types: readonly StaticType[]): StaticType {
  if (types.length === 0) return "none";
  return types.reduce(joinTypes);
}
