/**
 * Compiles method calls and attribute reads on values (`name.upper()`, `d.year`). When the
 * receiver's type is known the method is checked against that type; when it is only known
 * at run time (`any`), every type with such a method is a candidate and the value's kind
 * picks one per cell.
 *
 * @module
 */
import { foldErrorCode } from "./limits.ts";
import type { AttributeNode, CallNode } from "./ast.ts";
import { brokenNode, constantNode, hintType, joinTypes, type Node } from "./compiled_node.ts";
import { didYouMean } from "./diagnostic.ts";
import { formatString } from "./str_format.ts";
import { bindArguments, compileArguments, type CompiledArgument } from "./call_arguments.ts";
import type { FunctionSpec, Impl } from "./function_spec.ts";
import { ATTRIBUTES, kindOf, METHODS, type ReceiverKind } from "./methods.ts";
import { typeName } from "./operators.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { Scope } from "./scope.ts";
import { closestString } from "./suggest.ts";
import type { CellContext, TypeEnvironment } from "./host.ts";
import type { StaticType, Value } from "./values.ts";

type Bound = (ctx: CellContext, self: Value) => Value;

const KINDS = Object.keys(METHODS) as ReceiverKind[];

/** The kinds a receiver of static type `type` may have. */
function candidateKinds(type: StaticType): ReceiverKind[] {
  if (type === "any") return KINDS;
  return (KINDS as string[]).includes(type) ? [type as ReceiverKind] : [];
}

/** Compiles `object.name(args)` where `object` is a value. */
export function compileMethodCall(scope: Scope, call: CallNode, attr: AttributeNode): Node {
  const receiver = scope.compile(attr.object);
  const args = compileArguments(scope, call.args);
  if (receiver.broken) return brokenNode(call.span); // its error is reported already
  const type = hintType(receiver);
  const name = attr.name;
  if (name === "format" && (type === "str" || type === "any")) {
    return formatCall(receiver, args, call);
  }
  const kinds = candidateKinds(type).filter((kind) => Object.hasOwn(METHODS[kind], name));
  if (kinds.length === 0) {
    reportUnknownMethod(scope, attr, type);
    return brokenNode(call.span);
  }
  const bound = new Map<ReceiverKind, { spec: FunctionSpec; args: Node[] }>();
  for (const kind of kinds) {
    const spec = METHODS[kind][name];
    const nodes = bindArguments(scope, `${kind}.${name}`, spec, args, call.span, kinds.length > 1);
    if (nodes) bound.set(kind, { spec, args: nodes });
  }
  if (bound.size === 0) {
    if (kinds.length > 1) {
      bindArguments(scope, `${kinds[0]}.${name}`, METHODS[kinds[0]][name], args, call.span);
    }
    return brokenNode(call.span);
  }
  const folded = foldConstant(scope, receiver, bound, name, call);
  if (folded) return folded;
  const type_ = (env: TypeEnvironment) => {
    // When the receiver's type is known here, only its method can run.
    const known = bound.get(receiver.type(env) as ReceiverKind);
    const candidates = known ? [known] : bound.values();
    let result: StaticType | undefined;
    for (const { spec, args: nodes } of candidates) {
      const t = typeof spec.returns === "string"
        ? spec.returns
        : spec.returns([receiver, ...nodes], env);
      result = result === undefined ? t : joinTypes(result, t);
    }
    return result ?? "any";
  };
  const itemTypes = [...bound.values()].filter(({ spec }) => spec.items);
  const itemType = itemTypes.length
    ? (env: TypeEnvironment) => {
      const known = bound.get(receiver.type(env) as ReceiverKind);
      if (known) return known.spec.items?.([receiver, ...known.args], env) ?? "any";
      return itemTypes.map(({ spec, args: nodes }) => spec.items!([receiver, ...nodes], env))
        .reduce(joinTypes);
    }
    : undefined;
  return {
    span: call.span,
    evaluate: dispatch(receiver, bound, name),
    type: type_,
    ...(itemType ? { itemType } : {}),
  };
}

function reportUnknownMethod(scope: Scope, attr: AttributeNode, type: StaticType): void {
  const table = (KINDS as string[]).includes(type) ? METHODS[type as ReceiverKind] : undefined;
  if (type !== "any" && !table) {
    scope.error(
      "unknown-attribute",
      `A ${type} value has no method \`${attr.name}\``,
      attr.nameSpan,
      type === "int" || type === "float" ? "Convert it first, e.g. `str(x).zfill(5)`." : undefined,
    );
    return;
  }
  const names = table ? Object.keys(table) : KINDS.flatMap((kind) => Object.keys(METHODS[kind]));
  const suggestion = closestString(attr.name, names);
  scope.error(
    "unknown-attribute",
    table ? `A ${type} value has no method \`${attr.name}\`` : `Unknown method \`${attr.name}\``,
    attr.nameSpan,
    suggestion ? `did you mean \`.${suggestion}()\`?` : undefined,
  );
}

/** `"literal".upper()` and the like are computed once, at compile time. */
function foldConstant(
  scope: Scope,
  receiver: Node,
  bound: Map<ReceiverKind, { spec: FunctionSpec; args: Node[] }>,
  name: string,
  call: CallNode,
): Node | undefined {
  if (!receiver.constant) return undefined;
  const self = receiver.constant.value;
  const kind = kindOf(self);
  const entry = kind && bound.get(kind);
  if (!entry || !entry.spec.pure || !entry.args.every((arg) => arg.constant)) return undefined;
  try {
    const value = entry.spec.impl(
      undefined as unknown as CellContext,
      self,
      ...entry.args.map((a) => a.constant!.value),
    );
    return constantNode(value, call.span);
  } catch (error) {
    scope.error(
      foldErrorCode(error),
      `\`.${name}()\` fails: ${(error as Error).message}`,
      call.span,
    );
    return brokenNode(call.span);
  }
}

/** Calls `impl(ctx, self, ...args)` without allocating for up to three arguments. */
function bindMethod(impl: Impl, args: readonly Node[]): Bound {
  const evaluators = args.map((arg) => arg.evaluate);
  switch (evaluators.length) {
    case 0:
      return (ctx, self) => impl(ctx, self);
    case 1: {
      const [a] = evaluators;
      return (ctx, self) => impl(ctx, self, a(ctx));
    }
    case 2: {
      const [a, b] = evaluators;
      return (ctx, self) => impl(ctx, self, a(ctx), b(ctx));
    }
    case 3: {
      const [a, b, c] = evaluators;
      return (ctx, self) => impl(ctx, self, a(ctx), b(ctx), c(ctx));
    }
    default:
      return (ctx, self) => impl(ctx, self, ...evaluators.map((e) => e(ctx)));
  }
}

function noMethod(self: Value, name: string): ExprRuntimeError {
  return new ExprRuntimeError(`A ${typeName(self)} value has no method \`${name}\``);
}

function dispatch(
  receiver: Node,
  bound: Map<ReceiverKind, { spec: FunctionSpec; args: Node[] }>,
  name: string,
): (ctx: CellContext) => Value {
  const recv = receiver.evaluate;
  if (bound.size === 1) {
    const [[kind, { spec, args }]] = bound;
    const call = bindMethod(spec.impl, args);
    return (ctx) => {
      const self = recv(ctx);
      if (kindOf(self) !== kind) throw noMethod(self, name);
      return call(ctx, self);
    };
  }
  const table: Partial<Record<ReceiverKind, Bound>> = {};
  for (const [kind, { spec, args }] of bound) table[kind] = bindMethod(spec.impl, args);
  return (ctx) => {
    const self = recv(ctx);
    const kind = kindOf(self);
    const call = kind && table[kind];
    if (!call) throw noMethod(self, name);
    return call(ctx, self);
  };
}

/** `template.format(*args, **kwargs)`. */
function formatCall(receiver: Node, args: readonly CompiledArgument[], call: CallNode): Node {
  const positional = args.filter((a) => a.name === undefined).map((a) => a.node);
  const named = args.filter((a) => a.name !== undefined);
  const recv = receiver.evaluate;
  const evaluate = (ctx: CellContext) => {
    const self = recv(ctx);
    if (typeof self !== "string") throw noMethod(self, "format");
    const keywords: Record<string, Value> = {};
    for (const arg of named) keywords[arg.name!] = arg.node.evaluate(ctx);
    return formatString(self, positional.map((node) => node.evaluate(ctx)), keywords);
  };
  return { span: call.span, evaluate, type: () => "str" };
}

/** Compiles `object.name` where `object` is a value (date and datetime fields). */
export function compileAttribute(scope: Scope, attr: AttributeNode): Node {
  const receiver = scope.compile(attr.object);
  if (receiver.broken) return brokenNode(attr.span); // its error is reported already
  const type = hintType(receiver);
  const kinds = candidateKinds(type).filter((kind) =>
    ATTRIBUTES[kind] && Object.hasOwn(ATTRIBUTES[kind]!, attr.name)
  );
  if (kinds.length === 0) {
    reportUnknownAttribute(scope, attr, type);
    return brokenNode(attr.span);
  }
  const recv = receiver.evaluate;
  const name = attr.name;
  const getters = kinds.map((kind) => [kind, ATTRIBUTES[kind]![name]] as const);
  const evaluate = (ctx: CellContext) => {
    const self = recv(ctx);
    const kind = kindOf(self);
    for (const [k, spec] of getters) {
      if (k === kind) return spec.get(self);
    }
    throw new ExprRuntimeError(`A ${typeName(self)} value has no attribute \`${name}\``);
  };
  const types = getters.map(([, spec]) => spec.type);
  return { span: attr.span, evaluate, type: () => types.reduce(joinTypes) };
}

function reportUnknownAttribute(scope: Scope, attr: AttributeNode, type: StaticType): void {
  const kinds = candidateKinds(type);
  const isMethod = kinds.some((kind) => Object.hasOwn(METHODS[kind], attr.name));
  if (isMethod) {
    scope.error(
      "bad-expression",
      `\`${attr.name}\` is a method: call it`,
      attr.nameSpan,
      `Write \`.${attr.name}()\`.`,
    );
    return;
  }
  const names = kinds.flatMap((kind) => Object.keys(ATTRIBUTES[kind] ?? {}));
  scope.error(
    "unknown-attribute",
    type === "any"
      ? `Unknown attribute \`${attr.name}\``
      : `A ${type} value has no attribute \`${attr.name}\``,
    attr.nameSpan,
    didYouMean(closestString(attr.name, names)),
  );
}
