/**
 * Multi-line blocks (`data: |`), as tablefaker runs them: the statements run in order in a
 * function body; `return` gives the cell's value, and a block that ends without one gives
 * `None`. Statements compile to closures, like expressions; a statement's closure returns
 * the block's value when it returned, or {@link NEXT} to go on with the next statement.
 *
 * The block's static type is the join of the types of its `return`s (and of `None` when it
 * can end without one), which decides the column's type when none is declared.
 *
 * @module
 */
import type { AssignStatement, Expr, IfStatement, Statement, Target } from "./ast.ts";
import { iteratedType } from "./builtins.ts";
import { constantNode, joinTypes, type Node } from "./compiled_node.ts";
import { joinFlows, type Locals, type TypeFn } from "./locals.ts";
import { truthy } from "./operators.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { Scope } from "./scope.ts";
import type { CellContext } from "./host.ts";
import type { Span } from "./types.ts";
import { isDict, pyRepr, type StaticType, typeNameOf, type Value } from "./values.ts";

/** What a statement's closure returns when the block goes on to the next statement. */
const NEXT: unique symbol = Symbol("next");

/** Runs a statement: the block's value if it returned, else {@link NEXT}. */
type Exec = (ctx: CellContext) => Value | typeof NEXT;

/** A compiled statement list. */
interface Compiled {
  exec: Exec;
  /** Every path through it returns, so nothing after it runs. */
  returns: boolean;
}

/**
 * The names a block assigns (anywhere, nested blocks included), each with where it is first
 * assigned: in Python they are the function's local names.
 */
export function assignedNames(body: readonly Statement[]): Map<string, Span> {
  const names = new Map<string, Span>();
  const visit = (list: readonly Statement[]) => {
    for (const statement of list) {
      if (statement.kind === "assign") {
        for (const target of statement.targets.flat()) {
          if (!names.has(target.name)) names.set(target.name, target.span);
        }
      } else if (statement.kind === "if") {
        visit(statement.body);
        visit(statement.orelse);
      }
    }
  };
  visit(body);
  return names;
}

/** Compiles a block's statements into one node computing the cell's value. */
export function compileBlock(
  scope: Scope,
  locals: Locals,
  body: readonly Statement[],
  span: Span,
): Node {
  const compiler = new BlockCompiler(scope, locals);
  const { exec, returns } = compiler.list(body);
  const returnTypes = compiler.returnTypes;
  if (returnTypes.length === 0) {
    scope.warn(
      "no-return",
      "This block has no `return`, so its value is always None",
      span,
      "End it with `return <value>`; a block is the body of a function.",
    );
  }
  const fallsThrough = !returns;
  const type = (env: Parameters<TypeFn>[0]): StaticType => {
    let result: StaticType = fallsThrough || returnTypes.length === 0
      ? "none"
      : returnTypes[0](env);
    for (const t of returnTypes) result = joinTypes(result, t(env));
    return result;
  };
  const holder = locals.holder;
  const size = locals.size;
  const evaluate = (ctx: CellContext): Value => {
    // A frame per evaluation: a block never re-enters itself, but stays correct if it did.
    const saved = holder.frame;
    holder.frame = new Array(size);
    try {
      const value = exec(ctx);
      return value === NEXT ? null : value;
    } finally {
      holder.frame = saved;
    }
  };
  return { span, evaluate, type };
}

class BlockCompiler {
  readonly returnTypes: TypeFn[] = [];
  readonly #scope: Scope;
  readonly #locals: Locals;

  constructor(scope: Scope, locals: Locals) {
    this.#scope = scope;
    this.#locals = locals;
  }

  list(statements: readonly Statement[]): Compiled {
    const execs: Exec[] = [];
    let returns = false;
    for (const statement of statements) {
      if (returns) {
        this.#scope.warn(
          "unreachable-code",
          "This line never runs: the block has returned before it",
          statement.span,
          "Remove it, or move it before the `return`.",
        );
        break;
      }
      const compiled = this.#statement(statement);
      execs.push(compiled.exec);
      returns = compiled.returns;
    }
    return { exec: sequence(execs), returns };
  }

  #statement(statement: Statement): Compiled {
    switch (statement.kind) {
      case "expression": {
        const run = this.#scope.compile(statement.expr).evaluate;
        return {
          exec: (ctx) => {
            run(ctx);
            return NEXT;
          },
          returns: false,
        };
      }
      case "pass":
      case "import":
        return { exec: () => NEXT, returns: false };
      case "return": {
        const node = statement.value
          ? this.#scope.compile(statement.value)
          : constantNode(null, statement.span);
        this.returnTypes.push(node.type);
        return { exec: node.evaluate, returns: true };
      }
      case "assign":
        return { exec: this.#assign(statement), returns: false };
      case "if":
        return this.#if(statement);
    }
  }

  #assign(statement: AssignStatement): Exec {
    const node = this.#scope.compile(this.#valueOf(statement));
    const run = node.evaluate;
    const stores = statement.targets.map((group) => this.#store(group, node));
    if (stores.length === 1) {
      const [store] = stores;
      return (ctx) => {
        store(run(ctx));
        return NEXT;
      };
    }
    return (ctx) => {
      const value = run(ctx);
      for (const store of stores) store(value);
      return NEXT;
    };
  }

  /** The assigned value; for `x += v`, the expression `x + v`. */
  #valueOf(statement: AssignStatement): Expr {
    if (!statement.op) return statement.value;
    const [target] = statement.targets[0];
    return {
      kind: "binary",
      op: statement.op,
      left: { kind: "name", name: target.name, span: target.span },
      right: statement.value,
      opSpan: target.span,
      span: statement.span,
    };
  }

  /** Stores a value into one target, or unpacks a list into several. */
  #store(group: readonly Target[], node: Node): (value: Value) => void {
    const frame = this.#locals.holder;
    if (group.length === 1) {
      const slot = this.#locals.assign(group[0].name, node.type, node);
      return (value) => (frame.frame[slot] = value);
    }
    // `a, b = 1, "x"`: each name gets its item's own type when the items are written out.
    const slots = group.map((target, i) => {
      const item = node.items?.length === group.length ? node.items[i] : undefined;
      const itemType: TypeFn = item ? item.type : (env) => iteratedType(node, env);
      return this.#locals.assign(target.name, itemType, item ?? {});
    });
    const count = slots.length;
    return (value) => {
      const items = Array.isArray(value)
        ? value
        : typeof value === "string"
        ? [...value]
        : isDict(value)
        ? value.keys()
        : undefined;
      if (items === undefined) {
        throw new ExprRuntimeError(
          `Cannot unpack a ${typeNameOf(value)} into ${count} names: it is not iterable`,
          "TypeError",
        );
      }
      if (items.length !== count) {
        throw new ExprRuntimeError(
          `Cannot unpack ${pyRepr(value)} into ${count} names: ` +
            (items.length > count ? "too many values" : "not enough values"),
          "ValueError",
        );
      }
      for (let i = 0; i < count; i++) frame.frame[slots[i]] = items[i];
    };
  }

  #if(statement: IfStatement): Compiled {
    const test = this.#scope.compile(statement.test).evaluate;
    const before = this.#locals.fork();
    this.#locals.flow = new Map(before);
    const then = this.list(statement.body);
    const thenFlow = this.#locals.flow;
    this.#locals.flow = new Map(before);
    const otherwise = this.list(statement.orelse);
    const elseFlow = this.#locals.flow;
    this.#locals.flow = joinFlows(thenFlow, then.returns, elseFlow, otherwise.returns);
    const [a, b] = [then.exec, otherwise.exec];
    return {
      exec: (ctx) => (truthy(test(ctx)) ? a(ctx) : b(ctx)),
      returns: then.returns && otherwise.returns,
    };
  }
}

function sequence(execs: readonly Exec[]): Exec {
  switch (execs.length) {
    case 0:
      return () => NEXT;
    case 1:
      return execs[0];
    default:
      return (ctx) => {
        for (let i = 0; i < execs.length; i++) {
          const value = execs[i](ctx);
          if (value !== NEXT) return value;
        }
        return NEXT;
      };
  }
}
