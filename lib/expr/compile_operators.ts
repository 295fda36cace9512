/**
 * Compiling operators and displays: unary and binary arithmetic (with the fast path of
 * proven ints), `and` / `or` / `not`, chained comparisons, conditionals, dict displays,
 * f-strings and their fields, subscripts and slices. Each is checked against the static
 * types known, and folded to a constant when its operands are constants.
 *
 * @module
 */
import { foldErrorCode, TooLargeError } from "./limits.ts";
import type {
  BinaryNode,
  CompareNode,
  ConditionalNode,
  DictNode,
  FormattedValue,
  FStringNode,
  LogicalNode,
  SliceNode,
  SubscriptNode,
  UnaryNode,
} from "./ast.ts";
import {
  brokenNode,
  constantNode,
  type Evaluator,
  hintType,
  isNumeric,
  joinTypes,
  type Node,
} from "./compiled_node.ts";
import { convertAndFormat } from "./str_format.ts";
import { parseSpec } from "./format_spec.ts";
import {
  add,
  addInts,
  floorDivide,
  modulo,
  multiply,
  multiplyInts,
  negate,
  power,
  subtract,
  subtractInts,
  trueDivide,
  truthy,
  unaryPlus,
} from "./operators.ts";
import {
  contains,
  equals,
  greaterEqual,
  greaterThan,
  identical,
  lessEqual,
  lessThan,
} from "./comparison.ts";
import { arithmeticType, OPERATOR_VERBS } from "./operator_types.ts";
import type { Scope } from "./scope.ts";
import { sliceOf, subscriptOf } from "./subscript.ts";
import type { CellContext, TypeEnvironment } from "./host.ts";
import type { Span } from "./types.ts";
import { PyDict, type StaticType, type Value } from "./values.ts";

export function compileDict(scope: Scope, expr: DictNode): Node {
  const keys = expr.entries.map((entry) => scope.compile(entry.key));
  const values = expr.entries.map((entry) => scope.compile(entry.value));
  for (const key of keys) {
    const type = hintType(key);
    if (type === "list" || type === "dict") {
      scope.error(
        "bad-expression",
        `A ${type} cannot be a dict key (unhashable type: '${type}')`,
        key.span,
        "Use a string, a number or a tuple.",
      );
    }
  }
  const itemType = (env: TypeEnvironment) =>
    values.map((v) => v.type(env)).reduce(joinTypes, "none");
  const keyType = (env: TypeEnvironment) => keys.map((k) => k.type(env)).reduce(joinTypes, "none");
  const keyEvals = keys.map((k) => k.evaluate);
  const valueEvals = values.map((v) => v.evaluate);
  const evaluate = (ctx: CellContext) => {
    const out = new PyDict();
    for (let i = 0; i < keyEvals.length; i++) out.set(keyEvals[i](ctx), valueEvals[i](ctx));
    return out;
  };
  const node: Node = { span: expr.span, evaluate, type: () => "dict", itemType, keyType };
  return foldNode(scope, node, [...keys, ...values], () => evaluate(undefined!));
}

export function compileFString(scope: Scope, expr: FStringNode): Node {
  const pieces: Node[] = expr.parts.map((part) =>
    typeof part === "string" ? constantNode(part, expr.span) : compileField(scope, part)
  );
  return concatenation(pieces, expr.span);
}

/** One `{expr!conversion:spec}` field of an f-string, formatted. */
function compileField(scope: Scope, part: FormattedValue): Node {
  const node = scope.compile(part.expr);
  const { conversion } = part;
  if (part.specFields) {
    // `{x:>{width}}`: the spec is computed after the value, as Python computes it.
    const spec = concatenation(
      part.specFields.map((p) =>
        typeof p === "string" ? constantNode(p, part.span) : compileField(scope, p)
      ),
      part.span,
    );
    const [value, specText] = [node.evaluate, spec.evaluate];
    return foldNode(
      scope,
      {
        span: part.span,
        evaluate: (ctx) => convertAndFormat(value(ctx), conversion, specText(ctx) as string),
        type: () => "str",
      },
      [node, spec],
      (v, text) => convertAndFormat(v, conversion, text as string),
    );
  }
  const spec = part.spec ?? "";
  if (!checkSpec(scope, node, spec, part.span)) return brokenNode(part.span);
  const format = (value: Value) => convertAndFormat(value, conversion, spec);
  const inner = node.evaluate;
  return foldNode(
    scope,
    {
      span: part.span,
      evaluate: (ctx) => format(inner(ctx)),
      type: () => "str",
    },
    [node],
    format,
  );
}

/**
 * A malformed spec is certain to fail on every row when the value is a number or string:
 * reported here (false), once.
 */
function checkSpec(scope: Scope, node: Node, spec: string, span: Span): boolean {
  const type = hintType(node);
  if (spec === "" || !(isNumeric(type) || type === "str")) return true;
  try {
    parseSpec(spec);
    return true;
  } catch (error) {
    const tooLarge = error instanceof TooLargeError;
    scope.error(
      tooLarge ? error.code : "bad-expression",
      (error as Error).message,
      span,
      tooLarge ? undefined : "E.g. `{price:.2f}`, `{n:05d}` or `{name:>10}`.",
    );
    return false;
  }
}

export function compileUnary(scope: Scope, expr: UnaryNode): Node {
  const operand = scope.compile(expr.operand);
  if (expr.op === "not") {
    const inner = operand.evaluate;
    return foldNode(
      scope,
      {
        span: expr.span,
        evaluate: (ctx) => !truthy(inner(ctx)),
        type: () => "bool",
      },
      [operand],
      (v) => !truthy(v),
    );
  }
  const type = hintType(operand);
  if (type !== "any" && !isNumeric(type) && type !== "timedelta") {
    scope.error(
      "bad-operand",
      `Cannot apply unary \`${expr.op}\` to a ${type}`,
      expr.span,
      type === "str" ? "Convert it with `int(...)` or `float(...)` first." : undefined,
    );
    return brokenNode(expr.span);
  }
  const op = expr.op === "-" ? negate : unaryPlus;
  const inner = operand.evaluate;
  const resultType = (env: TypeEnvironment): StaticType => {
    const t = operand.type(env);
    return t === "bool" ? "int" : t;
  };
  return foldNode(scope, { span: expr.span, evaluate: (ctx) => op(inner(ctx)), type: resultType }, [
    operand,
  ], op);
}

export function compileBinary(scope: Scope, expr: BinaryNode): Node {
  const left = scope.compile(expr.left);
  const right = scope.compile(expr.right);
  const [lt, rt] = [hintType(left), hintType(right)];
  if (arithmeticType(expr.op, lt, rt) === undefined) {
    const hint = (lt === "str" && isNumeric(rt)) || (rt === "str" && isNumeric(lt))
      ? 'Convert the number with `str(...)` first, or use an f-string: `f"{a}{b}"`.'
      : undefined;
    scope.error(
      "bad-operand",
      `Cannot ${OPERATOR_VERBS[expr.op]} ${lt} and ${rt} with \`${expr.op}\``,
      expr.span,
      hint,
    );
    return brokenNode(expr.span);
  }
  // Of two proven ints, the operators that cannot meet a float (and give an int).
  const ints = left.alwaysInt && right.alwaysInt && expr.op !== "/" && expr.op !== "**";
  const op = (ints ? INT_BINARY : BINARY)[expr.op];
  const [l, r] = [left.evaluate, right.evaluate];
  const exponent = right.constant?.value;
  const negativeExponent = expr.op === "**" &&
    (typeof exponent === "number" || typeof exponent === "bigint") && exponent < 0;
  const type = (env: TypeEnvironment): StaticType => {
    if (negativeExponent) return "float";
    return arithmeticType(expr.op, left.type(env), right.type(env)) ?? "any";
  };
  // `a + b` and `a * n` of lists and tuples hold the items of both.
  const itemType = expr.op === "+"
    ? (env: TypeEnvironment) =>
      joinTypes(left.itemType?.(env) ?? "any", right.itemType?.(env) ?? "any")
    : expr.op === "*"
    ? (env: TypeEnvironment) => {
      const t = left.type(env);
      return (t === "list" || t === "tuple" ? left : right).itemType?.(env) ?? "any";
    }
    : undefined;
  const node: Node = {
    span: expr.span,
    evaluate: (ctx) => op(l(ctx), r(ctx)),
    type,
    ...(itemType ? { itemType } : {}),
    ...(ints ? { alwaysInt: true as const } : {}),
  };
  return foldNode(scope, node, [
    left,
    right,
  ], op);
}

export function compileLogical(scope: Scope, expr: LogicalNode): Node {
  const left = scope.compile(expr.left);
  // Python decides from the left operand alone: when it is constant and decides, the right
  // one never runs, so what would fail in it is not an error.
  const rightRuns = !left.constant || truthy(left.constant.value) !== (expr.op === "or");
  const right = rightRuns ? scope.compile(expr.right) : scope.unchecked(expr.right);
  const [l, r] = [left.evaluate, right.evaluate];
  const type = (env: TypeEnvironment) => joinTypes(left.type(env), right.type(env));
  if (left.constant) {
    const pickLeft = truthy(left.constant.value) === (expr.op === "or");
    return { ...(pickLeft ? left : right), span: expr.span };
  }
  const evaluate: Evaluator = expr.op === "and"
    ? (ctx) => {
      const v = l(ctx);
      return truthy(v) ? r(ctx) : v;
    }
    : (ctx) => {
      const v = l(ctx);
      return truthy(v) ? v : r(ctx);
    };
  return { span: expr.span, evaluate, type };
}

export function compileCompare(scope: Scope, expr: CompareNode): Node {
  const operands = [
    scope.compile(expr.first),
    ...expr.rest.map((part) => scope.compile(part.right)),
  ];
  const ops = expr.rest.map((part) => COMPARE[part.op]);
  const evaluators = operands.map((node) => node.evaluate);
  let evaluate: Evaluator;
  if (ops.length === 1) {
    const [op] = ops;
    const [a, b] = evaluators;
    evaluate = (ctx) => op(a(ctx), b(ctx));
  } else {
    evaluate = (ctx) => {
      let left = evaluators[0](ctx);
      for (let i = 0; i < ops.length; i++) {
        const right = evaluators[i + 1](ctx);
        if (!ops[i](left, right)) return false;
        left = right;
      }
      return true;
    };
  }
  return foldNode(
    scope,
    { span: expr.span, evaluate, type: () => "bool" },
    operands,
    () => evaluate(undefined!),
  );
}

export function compileConditional(scope: Scope, expr: ConditionalNode): Node {
  const test = scope.compile(expr.test);
  // With a constant test one branch never runs: what would fail in it is not an error.
  const taken = test.constant ? truthy(test.constant.value) : undefined;
  const then = taken === false ? scope.unchecked(expr.then) : scope.compile(expr.then);
  const otherwise = taken === true
    ? scope.unchecked(expr.otherwise)
    : scope.compile(expr.otherwise);
  const type = (env: TypeEnvironment) => joinTypes(then.type(env), otherwise.type(env));
  if (test.constant) {
    const chosen = truthy(test.constant.value) ? then : otherwise;
    return { ...chosen, span: expr.span };
  }
  const [t, a, b] = [test.evaluate, then.evaluate, otherwise.evaluate];
  return { span: expr.span, evaluate: (ctx) => (truthy(t(ctx)) ? a(ctx) : b(ctx)), type };
}

/** Computes a node now when all its operands are constant; a failure is reported, not thrown later. */
export function foldNode(
  scope: Scope,
  node: Node,
  operands: readonly Node[],
  compute: (...values: Value[]) => Value,
): Node {
  if (!operands.every((operand) => operand.constant)) return node;
  try {
    const value = compute(...operands.map((operand) => operand.constant!.value));
    return constantNode(value, node.span);
  } catch (error) {
    scope.error(foldErrorCode(error), (error as Error).message, node.span);
    return brokenNode(node.span);
  }
}

export function compileSubscript(scope: Scope, expr: SubscriptNode): Node {
  const object = scope.compile(expr.object);
  const type = hintType(object);
  if (
    type !== "any" && type !== "str" && type !== "list" && type !== "tuple" && type !== "dict"
  ) {
    scope.error("bad-operand", `A ${type} value cannot be indexed with [...]`, expr.span);
    return brokenNode(expr.span);
  }
  if (expr.index.kind === "slice") return compileSlice(scope, expr, object, expr.index);
  const index = scope.compile(expr.index);
  const [o, i] = [object.evaluate, index.evaluate];
  // `[a, b][0]`: the item written at that place, with its own type.
  const at = index.constant?.value;
  const item = typeof at === "number" && Number.isInteger(at) ? object.items?.at(at) : undefined;
  const resultType = (env: TypeEnvironment): StaticType => {
    if (item) return item.type(env);
    const t = object.type(env);
    return t === "str" ? "str" : object.itemType?.(env) ?? "any";
  };
  const node: Node = {
    span: expr.span,
    evaluate: (ctx) => subscriptOf(o(ctx), i(ctx)),
    type: resultType,
    ...(item?.itemType ? { itemType: item.itemType } : {}),
    ...(item?.keyType ? { keyType: item.keyType } : {}),
    ...(item?.items ? { items: item.items } : {}),
  };
  return foldNode(scope, node, [object, index], subscriptOf);
}

function compileSlice(scope: Scope, expr: SubscriptNode, object: Node, slice: SliceNode): Node {
  const parts = [slice.lower, slice.upper, slice.step].map((part) =>
    part ? scope.compile(part) : constantNode(null, slice.span)
  );
  const [o, lo, hi, step] = [object, ...parts].map((node) => node.evaluate);
  const type = (env: TypeEnvironment): StaticType => {
    const t = object.type(env);
    return t === "str" || t === "tuple" ? t : t === "any" ? "any" : "list";
  };
  const node: Node = {
    span: expr.span,
    evaluate: (ctx) => sliceOf(o(ctx), lo(ctx), hi(ctx), step(ctx)),
    type,
    ...(object.itemType ? { itemType: object.itemType } : {}),
  };
  return foldNode(scope, node, [object, ...parts], sliceOf);
}

/** The operators on two proven ints: `+ - *` without the checks for float operands. */
const INT_BINARY: Record<BinaryNode["op"], (a: Value, b: Value) => Value> = {
  "+": addInts,
  "-": subtractInts,
  "*": multiplyInts,
  "/": trueDivide,
  "//": floorDivide,
  "%": modulo,
  "**": power,
};

const BINARY: Record<BinaryNode["op"], (a: Value, b: Value) => Value> = {
  "+": add,
  "-": subtract,
  "*": multiply,
  "/": trueDivide,
  "//": floorDivide,
  "%": modulo,
  "**": power,
};

/** A node joining the text of `pieces` (f-strings): constant when they all are. */
function concatenation(pieces: readonly Node[], span: Span): Node {
  if (pieces.every((p) => p.constant)) {
    return constantNode(pieces.map((p) => p.constant!.value as string).join(""), span);
  }
  const evaluators = pieces.map((p) => p.evaluate);
  const evaluate = (ctx: CellContext) => {
    let out = "";
    for (let i = 0; i < evaluators.length; i++) out += evaluators[i](ctx) as string;
    return out;
  };
  return { span, evaluate, type: () => "str" };
}

const COMPARE: Record<CompareNode["rest"][number]["op"], (a: Value, b: Value) => boolean> = {
  "==": equals,
  "!=": (a, b) => !equals(a, b),
  "<": lessThan,
  "<=": lessEqual,
  ">": greaterThan,
  ">=": greaterEqual,
  "in": (a, b) => contains(b, a),
  "not in": (a, b) => !contains(b, a),
  "is": identical,
  "is not": (a, b) => !identical(a, b),
};
