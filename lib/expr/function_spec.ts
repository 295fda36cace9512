/**
 * Functions as data: parameters, return type, purity and implementation. Builtins, the
 * `random` and `datetime` modules, value methods and plugin column functions are all tables
 * of these specs; one binder (`call_arguments.ts`) maps a call's positional and keyword
 * arguments onto them, with the same diagnostics for every function. The same tables drive
 * the documentation.
 *
 * @module
 */
import type { Node } from "./compiled_node.ts";
import type { CellContext, TypeEnvironment } from "./host.ts";
import type { Span } from "./types.ts";
import type { Draw } from "./draw.ts";
import { pyRepr, type StaticType, type Value } from "./values.ts";

/** A function's implementation: the cell context, then one value per parameter. */
export type Impl = (ctx: CellContext, ...args: Value[]) => Value;

/** A parameter: a required name, or `[name, default]`. */
export type Param = string | readonly [name: string, fallback: Value];

/** Reports a problem with a call's arguments at compile time. */
export type Report = (message: string, span: Span, hint?: string) => void;

/** A function the expression language offers. */
export interface FunctionSpec {
  /** One sentence for the docs. */
  readonly summary: string;
  /** Parameters in order (after the receiver, for methods). */
  readonly params: readonly Param[];
  /** Positional arguments are collected into one list, passed as the only argument. */
  readonly variadic?: boolean;
  /** The result's static type, fixed or computed from the arguments. */
  readonly returns: StaticType | ((args: readonly Node[], env: TypeEnvironment) => StaticType);
  /** For results that are lists or tuples: the static type of their items. */
  readonly items?: (args: readonly Node[], env: TypeEnvironment) => StaticType;
  /** No randomness, time or context: calls with constant arguments are folded. */
  readonly pure?: boolean;
  /** Computes the result. */
  readonly impl: Impl;
  /** Picks an implementation using what is known at compile time (e.g. float-ness). */
  readonly specialize?: (args: readonly Node[]) => Impl;
  /** Checks arguments known at compile time (ranges, types of literals). */
  readonly check?: (args: readonly Node[], report: Report) => void;
  /** The call as a {@link Draw}, when its arguments (constants) make it one. */
  readonly draw?: (args: readonly Node[]) => Draw | undefined;
}

/** A parameter's name. */
export function paramName(param: Param): string {
  return typeof param === "string" ? param : param[0];
}

/** How a call is written in docs and hints: `random.randint(a, b)`, `round(number, ndigits=None)`. */
export function signature(name: string, spec: FunctionSpec): string {
  if (spec.variadic) return `${name}(*${spec.params.map(paramName).join(", ")})`;
  const params = spec.params.map((p) => typeof p === "string" ? p : `${p[0]}=${literalText(p[1])}`);
  return `${name}(${params.join(", ")})`;
}

function literalText(value: Value): string {
  if (typeof value === "string") return JSON.stringify(value);
  return pyRepr(value);
}
