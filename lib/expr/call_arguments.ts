/**
 * A call, compiled: its arguments compiled once, bound to a {@link FunctionSpec}'s parameters
 * by position and keyword (with the same diagnostics for every function), and the call's
 * node, folded at compile time when the function is pure and its arguments constant.
 *
 * @module
 */
import type { Draw } from "./draw.ts";
import { foldErrorCode } from "./limits.ts";
import type { Argument } from "./ast.ts";
import { brokenNode, constantNode, type Evaluator, joinTypes, type Node } from "./compiled_node.ts";
import { didYouMean } from "./diagnostic.ts";
import { type FunctionSpec, type Impl, paramName, signature } from "./function_spec.ts";
import type { Scope } from "./scope.ts";
import { closestString } from "./suggest.ts";
import type { CellContext, TypeEnvironment } from "./host.ts";
import type { Span } from "./types.ts";
import { type StaticType, tupleOf, type Value } from "./values.ts";

/** A call argument, compiled: positional, or `name=value`. */
export interface CompiledArgument {
  readonly name?: string;
  readonly nameSpan?: Span;
  readonly span: Span;
  readonly node: Node;
}

/** Compiles a call's arguments once, before they are bound to any function's parameters. */
export function compileArguments(scope: Scope, args: readonly Argument[]): CompiledArgument[] {
  return args.map((arg) => ({
    name: arg.name,
    nameSpan: arg.nameSpan,
    span: arg.span,
    node: scope.compile(arg.value),
  }));
}

/**
 * Maps a call's arguments onto `spec`'s parameters: one node per parameter, defaults
 * filled in. Reports too many, unknown, repeated and missing arguments (unless `quiet`);
 * returns undefined when there were any.
 */
export function bindArguments(
  scope: Scope,
  name: string,
  spec: FunctionSpec,
  args: readonly CompiledArgument[],
  callSpan: Span,
  quiet = false,
): Node[] | undefined {
  const report = quiet ? () => {} : scope.error.bind(scope);
  if (spec.variadic) return bindVariadic(report, name, spec, args, callSpan);
  const params = spec.params;
  const bound: (Node | undefined)[] = new Array(params.length).fill(undefined);
  let ok = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.name === undefined) {
      if (i >= params.length) {
        report(
          "too-many-arguments",
          `\`${name}()\` takes at most ${countText(params.length)}, got ${args.length}`,
          arg.span,
          `Call it as \`${signature(name, spec)}\`.`,
        );
        ok = false;
        continue;
      }
      bound[i] = arg.node;
      continue;
    }
    const index = params.findIndex((p) => paramName(p) === arg.name);
    if (index < 0) {
      const names = params.map(paramName);
      report(
        "unknown-argument",
        `\`${name}()\` has no argument \`${arg.name}\``,
        arg.nameSpan ?? arg.span,
        didYouMean(closestString(arg.name, names)) ??
          (names.length ? `Its arguments are: ${names.join(", ")}.` : `It takes no arguments.`),
      );
      ok = false;
    } else if (bound[index] !== undefined) {
      report(
        "bad-expression",
        `Argument \`${arg.name}\` of \`${name}()\` is given twice`,
        arg.span,
        "Pass it either by position or by name.",
      );
      ok = false;
    } else {
      bound[index] = arg.node;
    }
  }
  const nodes: Node[] = [];
  for (let i = 0; i < params.length; i++) {
    const param = params[i];
    const node = bound[i];
    if (node) {
      nodes.push(node);
    } else if (typeof param !== "string") {
      nodes.push(constantNode(param[1], callSpan));
    } else {
      if (ok) {
        report(
          "missing-argument",
          `\`${name}()\` needs the argument \`${param}\``,
          callSpan,
          `Call it as \`${signature(name, spec)}\`.`,
        );
      }
      ok = false;
    }
  }
  return ok ? nodes : undefined;
}

type ErrorReport = (code: string, message: string, span: Span, hint?: string) => void;

function bindVariadic(
  report: ErrorReport,
  name: string,
  spec: FunctionSpec,
  args: readonly CompiledArgument[],
  callSpan: Span,
): Node[] | undefined {
  const keyword = args.find((arg) => arg.name !== undefined);
  if (keyword) {
    report(
      "unknown-argument",
      `\`${name}()\` takes no keyword arguments`,
      keyword.nameSpan ?? keyword.span,
      `Call it as \`${signature(name, spec)}\`.`,
    );
    return undefined;
  }
  if (args.length === 0) {
    report("missing-argument", `\`${name}()\` needs at least one argument`, callSpan);
    return undefined;
  }
  return [listOf(args.map((arg) => arg.node), callSpan)];
}

/** A node building a list from nodes: constant when they all are. */
export function listOf(items: readonly Node[], span: Span): Node {
  const itemType = (env: TypeEnvironment) => {
    let type: StaticType | undefined;
    for (const item of items) {
      const t = item.type(env);
      type = type === undefined ? t : joinTypes(type, t);
    }
    return type ?? "any";
  };
  if (items.every((item) => item.constant)) {
    const value = items.map((item) => item.constant!.value);
    return {
      span,
      evaluate: () => value,
      type: () => "list",
      itemType,
      items,
      constant: { value },
    };
  }
  const evaluators = items.map((item) => item.evaluate);
  const count = evaluators.length;
  return {
    span,
    evaluate(ctx) {
      const out: Value[] = new Array(count);
      for (let i = 0; i < count; i++) out[i] = evaluators[i](ctx);
      return out;
    },
    type: () => "list",
    itemType,
    items,
  };
}

/** A node building a tuple from nodes (`(a, b)`): constant when they all are. */
export function tupleNode(items: readonly Node[], span: Span): Node {
  const list = listOf(items, span);
  if (list.constant) {
    return { ...constantNode(tupleOf(list.constant.value as Value[]), span), items };
  }
  const build = list.evaluate;
  return { ...list, evaluate: (ctx) => tupleOf(build(ctx) as Value[]), type: () => "tuple" };
}

/** Compiles a call of `spec` on bound arguments into one node. */
export function callNode(
  scope: Scope,
  name: string,
  spec: FunctionSpec,
  args: readonly Node[],
  span: Span,
): Node {
  let valid = true;
  spec.check?.(args, (message, at, hint) => {
    scope.error("bad-argument", message, at, hint);
    valid = false;
  });
  if (!valid) return brokenNode(span);
  const impl = spec.specialize?.(args) ?? spec.impl;
  const returns = spec.returns;
  const type = typeof returns === "string"
    ? () => returns
    : (env: TypeEnvironment) => returns(args, env);
  if (spec.pure && args.every((arg) => arg.constant)) {
    try {
      const value = impl(
        undefined as unknown as CellContext,
        ...args.map((arg) => arg.constant!.value),
      );
      // The value's own type: values know whether they are ints or floats.
      return constantNode(value, span);
    } catch (error) {
      scope.error(foldErrorCode(error), `\`${name}()\` fails: ${(error as Error).message}`, span);
      return brokenNode(span);
    }
  }
  const items = spec.items;
  const draw = spec.draw?.(args) ?? (spec.pure ? mappedDraw(impl, args) : undefined);
  return {
    span,
    evaluate: applyEvaluator(impl, args.map((arg) => arg.evaluate)),
    type,
    ...(items ? { itemType: (env: TypeEnvironment) => items(args, env) } : {}),
    ...(draw ? { draw } : {}),
  };
}

/**
 * A pure function's call on one draw and constants (`round(random.uniform(1, 9), 2)`) as a
 * draw passed through it; undefined for any other arguments.
 */
function mappedDraw(impl: Impl, args: readonly Node[]): Draw | undefined {
  const drawn = args.findIndex((arg) => arg.draw !== undefined);
  if (drawn < 0 || args.some((arg, i) => i !== drawn && !arg.constant)) return undefined;
  const values = args.map((arg) => arg.constant?.value ?? null);
  const ctx = undefined as unknown as CellContext; // a pure function reads no context
  return {
    kind: "map",
    draw: args[drawn].draw!,
    map(value) {
      values[drawn] = value;
      return impl(ctx, ...values);
    },
  };
}

/** A closure calling `impl` on evaluated arguments, without allocating for up to 4. */
export function applyEvaluator(impl: Impl, args: readonly Evaluator[]): Evaluator {
  switch (args.length) {
    case 0:
      return (ctx) => impl(ctx);
    case 1: {
      const [a] = args;
      return (ctx) => impl(ctx, a(ctx));
    }
    case 2: {
      const [a, b] = args;
      return (ctx) => impl(ctx, a(ctx), b(ctx));
    }
    case 3: {
      const [a, b, c] = args;
      return (ctx) => impl(ctx, a(ctx), b(ctx), c(ctx));
    }
    case 4: {
      const [a, b, c, d] = args;
      return (ctx) => impl(ctx, a(ctx), b(ctx), c(ctx), d(ctx));
    }
    default:
      return (ctx) => impl(ctx, ...args.map((arg) => arg(ctx)));
  }
}

function countText(n: number): string {
  return n === 1 ? "1 argument" : `${n} arguments`;
}
