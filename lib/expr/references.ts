/**
 * `foreign_key(...)` and `copy_from_fk(...)`: calls whose arguments must be literals,
 * because the engine plans parent lookups before generating any row. Each call is
 * recorded on the compiled expression and evaluates through the cell context.
 *
 * @module
 */
import type { CallNode } from "./ast.ts";
import { brokenNode, type Node } from "./compiled_node.ts";
import { didYouMean } from "./diagnostic.ts";
import { bindArguments, compileArguments, type CompiledArgument } from "./call_arguments.ts";
import { type FunctionSpec, paramName } from "./function_spec.ts";
import type { Scope } from "./scope.ts";
import { closestString } from "./suggest.ts";
import type { ForeignKeyCall, Span } from "./types.ts";
import { isDict, numberOf, plainValue, type Value } from "./values.ts";

/** `foreign_key`'s parameters; the implementation is never called. */
export const FOREIGN_KEY_SPEC: FunctionSpec = {
  summary: "A key of a row of the parent table, picked by the distribution.",
  params: [
    "table",
    "column",
    ["distribution", "uniform"],
    ["param", null],
    ["parent_attr", null],
    ["weights", null],
    ["is_unique", false],
  ],
  returns: "any",
  impl: () => null,
};

/** `copy_from_fk`'s parameters in the documented order; either order of the first two is accepted. */
export const COPY_FROM_FK_SPEC: FunctionSpec = {
  summary: "The value of a parent column in the row that this row's foreign key points to.",
  params: ["fk_column", "parent_table", "parent_column"],
  returns: "any",
  impl: () => null,
};

const LITERAL_HINT = 'Write the value itself, e.g. `foreign_key("customers", "id")`.';

/** The literal values of bound arguments; reports each argument that is computed. */
function literals(
  scope: Scope,
  fn: string,
  names: readonly string[],
  nodes: readonly Node[],
): Value[] | undefined {
  let ok = true;
  const values = nodes.map((node, i) => {
    if (node.constant) return node.constant.value;
    scope.error(
      "not-literal",
      `The \`${names[i]}\` argument of \`${fn}()\` must be a literal value, not a computed one`,
      node.span,
      LITERAL_HINT,
    );
    ok = false;
    return null;
  });
  return ok ? values : undefined;
}

/** Compiles `foreign_key(table, column, distribution=..., ...)`; returns the node and the call's index. */
export function compileForeignKey(scope: Scope, call: CallNode): Node {
  const names = FOREIGN_KEY_SPEC.params.map((p) => (typeof p === "string" ? p : p[0]));
  const all = compileArguments(scope, call.args);
  // Keywords foreign_key does not know are options of the distribution, checked below when
  // the distributions are known (otherwise they are unknown arguments).
  const extras = scope.options.distributions
    ? all.filter((a) => a.name !== undefined && !names.includes(a.name))
    : [];
  const nodes = bindArguments(
    scope,
    "foreign_key",
    FOREIGN_KEY_SPEC,
    all.filter((a) => !extras.includes(a)),
    call.span,
  );
  if (!nodes) return brokenNode(call.span);
  const values = literals(scope, "foreign_key", names, nodes);
  if (!values) return brokenNode(call.span);
  const [table, column, distribution, param, parentAttr, weights, isUnique] = values;
  let ok = true;
  const fail = (i: number, message: string, hint?: string) => {
    scope.error("bad-argument", message, nodes[i].span, hint);
    ok = false;
  };
  if (typeof table !== "string" || table === "") {
    fail(0, "The parent `table` must be a non-empty string");
  }
  if (typeof column !== "string" || column === "") {
    fail(1, "The parent `column` must be a non-empty string");
  }
  if (typeof distribution !== "string") {
    fail(2, "`distribution` must be a string", 'E.g. `distribution="zipf"`.');
  }
  if (param !== null && numberOf(param) === undefined) {
    fail(3, "`param` must be a number", "E.g. `param=1.2`.");
  }
  if (parentAttr !== null && typeof parentAttr !== "string") {
    fail(4, "`parent_attr` must be a column name string");
  }
  if (
    weights !== null &&
    !(isDict(weights) && weights.values().every((w) => numberOf(w) !== undefined))
  ) {
    fail(5, "`weights` must be a dict of numbers", 'E.g. `weights={"gold": 3, "silver": 1}`.');
  }
  if (typeof isUnique !== "boolean") fail(6, "`is_unique` must be True or False");
  if (!ok) return brokenNode(call.span);
  const fk: ForeignKeyCall = {
    table: table as string,
    column: column as string,
    distribution: distribution as string,
    isUnique: isUnique as boolean,
    span: { start: call.span.start, end: call.span.end },
  };
  if (param !== null) fk.param = numberOf(param);
  if (parentAttr !== null) fk.parentAttr = parentAttr as string;
  if (weights !== null) fk.weights = plainValue(weights) as Record<string, number>;
  if (extras.length) {
    const extraValues = literals(
      scope,
      "foreign_key",
      extras.map((a) => a.name!),
      extras.map((a) => a.node),
    );
    if (!extraValues) return brokenNode(call.span);
    fk.options = Object.fromEntries(extras.map((a, i) => [a.name!, plainValue(extraValues[i])]));
  }
  if (!checkDistribution(scope, fk, nodes, extras, call.span)) return brokenNode(call.span);
  const index = scope.addForeignKey(fk);
  return {
    span: call.span,
    evaluate: (ctx) => ctx.foreignKey(index),
    type: (env) => env.foreignKey(index),
  };
}

/** Where each of tablefaker's arguments sits among foreign_key's bound arguments. */
const LEGACY_INDEX: Record<string, number> = { param: 3, parent_attr: 4, weights: 5 };

/**
 * Checks the distribution a foreign key names and the options the call gives it, when the
 * plugins are known: an unknown name, or an option its spec refuses, is an error at the
 * argument; tablefaker's arguments it does not read are accepted with a warning.
 */
function checkDistribution(
  scope: Scope,
  fk: ForeignKeyCall,
  nodes: readonly Node[],
  extras: readonly CompiledArgument[],
  callSpan: Span,
): boolean {
  const distributions = scope.options.distributions;
  if (!distributions) return true;
  const options = distributions.optionNames(fk.distribution);
  if (!options) {
    const names = distributions.names();
    scope.error(
      "unknown-distribution",
      `Unknown distribution \`${fk.distribution}\``,
      nodes[2].span,
      didYouMean(closestString(fk.distribution, names)) ?? `Known: ${names.join(", ")}.`,
    );
    return false;
  }
  const name = fk.distribution;
  const { problems, ignored } = distributions.check(fk);
  for (const argument of ignored) {
    scope.warn(
      "ignored-argument",
      `\`${argument}\` is ignored by the ${name} distribution`,
      nodes[LEGACY_INDEX[argument]].span,
      "Remove it, or choose a distribution that reads it" +
        (argument === "param"
          ? ', e.g. `distribution="zipf"`.'
          : ', e.g. `distribution="weighted_parent"`.'),
    );
  }
  const known = [...FOREIGN_KEY_SPEC.params.map(paramName), ...options];
  for (const problem of problems) {
    const extra = extras.find((a) => a.name === problem.option);
    if (problem.code === "unknown-option") {
      problem.hint = didYouMean(closestString(problem.option, known)) ??
        (options.length
          ? `The ${name} distribution takes: ${options.join(", ")}.`
          : `The ${name} distribution takes no options.`);
    }
    const span = problem.code === "missing-option"
      ? callSpan
      : extra
      ? (problem.code === "unknown-option" ? extra.nameSpan ?? extra.span : extra.node.span)
      : nodes[LEGACY_INDEX[problem.option] ?? 2].span;
    scope.error(
      problem.code === "unknown-option" ? "unknown-argument" : "bad-argument",
      `distribution="${name}": ${problem.message}`,
      span,
      // Options are keyword arguments here: `alpha=1.16`, not YAML's `alpha: 1.16`.
      problem.hint?.replace(/`([a-z_][a-z0-9_]*): ([^`]*)`/g, "`$1=$2`"),
    );
  }
  return problems.length === 0;
}

/**
 * Compiles `copy_from_fk(fk_column, parent_table, parent_column)`, also accepting
 * `(parent_table, fk_column, parent_column)`: whichever of the first two names a column of
 * this table is the foreign-key column (the first when both do).
 */
export function compileCopyFromFk(scope: Scope, call: CallNode): Node {
  const args = compileArguments(scope, call.args);
  const keyword = args.find((a) => a.name !== undefined);
  if (keyword) {
    scope.error(
      "bad-argument",
      "`copy_from_fk()` takes its three arguments by position",
      keyword.nameSpan ?? keyword.span,
      'Write `copy_from_fk("customer_id", "customers", "email")`.',
    );
    return brokenNode(call.span);
  }
  const nodes = bindArguments(scope, "copy_from_fk", COPY_FROM_FK_SPEC, args, call.span);
  if (!nodes) return brokenNode(call.span);
  const values = literals(
    scope,
    "copy_from_fk",
    ["fk_column", "parent_table", "parent_column"],
    nodes,
  );
  if (!values) return brokenNode(call.span);
  let ok = true;
  values.forEach((value, i) => {
    if (typeof value !== "string" || value === "") {
      scope.error(
        "bad-argument",
        "`copy_from_fk()` arguments must be non-empty strings",
        nodes[i].span,
      );
      ok = false;
    }
  });
  if (!ok) return brokenNode(call.span);
  const [a, b, column] = values as string[];
  const fkFirst = chooseOrder(scope, a, b, args);
  if (fkFirst === undefined) return brokenNode(call.span);
  const [fkColumn, table] = fkFirst ? [a, b] : [b, a];
  if (fkColumn === scope.options.self) {
    scope.error(
      "self-reference",
      `Column \`${fkColumn}\` cannot copy through itself`,
      args[fkFirst ? 0 : 1].span,
      "Name the foreign-key column of this table, the one defined with `foreign_key(...)`.",
    );
    return brokenNode(call.span);
  }
  scope.addColumnRef(fkColumn);
  const index = scope.addCopy({
    fkColumn,
    table,
    column,
    span: { start: call.span.start, end: call.span.end },
  });
  return {
    span: call.span,
    evaluate: (ctx) => ctx.copyFromFk(index),
    type: (env) => env.copyFromFk(index),
  };
}

/** True for `(fk_column, parent_table, ...)`, false for `(parent_table, fk_column, ...)`. */
function chooseOrder(
  scope: Scope,
  a: string,
  b: string,
  args: readonly CompiledArgument[],
): boolean | undefined {
  const columns = scope.options.columns;
  const aIsColumn = columns.includes(a);
  const bIsColumn = columns.includes(b);
  if (aIsColumn) return true;
  if (bIsColumn) return false;
  const others = columns.filter((c) => c !== scope.options.self);
  const suggestion = closestString(a, others) ?? closestString(b, others);
  scope.error(
    "unknown-column",
    `\`copy_from_fk()\` needs a column of this table holding the foreign key, but neither "${a}" nor "${b}" is one`,
    { start: args[0].span.start, end: args[1].span.end },
    didYouMean(suggestion) ??
      (others.length ? `Columns of this table: ${others.join(", ")}.` : undefined),
  );
  return undefined;
}
