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
import {
  bindArguments,
  compileArguments,
  type CompiledArgument,
  type FunctionSpec,
} from "./function_spec.ts";
import type { Scope } from "./scope.ts";
import { closestString } from "./suggest.ts";
import type { ForeignKeyCall } from "./types.ts";
import { isDict, type Value } from "./values.ts";

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
  const nodes = bindArguments(
    scope,
    "foreign_key",
    FOREIGN_KEY_SPEC,
    compileArguments(scope, call.args),
    call.span,
  );
  if (!nodes) return brokenNode(call.span);
  const names = FOREIGN_KEY_SPEC.params.map((p) => (typeof p === "string" ? p : p[0]));
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
  if (param !== null && typeof param !== "number") {
    fail(3, "`param` must be a number", "E.g. `param=1.2`.");
  }
  if (parentAttr !== null && typeof parentAttr !== "string") {
    fail(4, "`parent_attr` must be a column name string");
  }
  if (
    weights !== null &&
    !(isDict(weights) && Object.values(weights).every((w) => typeof w === "number"))
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
  if (param !== null) fk.param = param as number;
  if (parentAttr !== null) fk.parentAttr = parentAttr as string;
  if (weights !== null) fk.weights = weights as Record<string, number>;
  warnIgnored(scope, fk, nodes);
  const index = scope.addForeignKey(fk);
  return {
    span: call.span,
    evaluate: (ctx) => ctx.foreignKey(index),
    type: (env) => env.foreignKey(index),
  };
}

/** Arguments that the chosen distribution does not read are accepted but worth a warning. */
function warnIgnored(scope: Scope, fk: ForeignKeyCall, nodes: readonly Node[]): void {
  const weighted = fk.distribution === "weighted_parent";
  if (!weighted && fk.parentAttr !== undefined) {
    scope.warn(
      "ignored-argument",
      '`parent_attr` is only used by distribution="weighted_parent"',
      nodes[4].span,
      'Add `distribution="weighted_parent"` or remove it.',
    );
  }
  if (!weighted && fk.weights !== undefined) {
    scope.warn(
      "ignored-argument",
      '`weights` is only used by distribution="weighted_parent"',
      nodes[5].span,
      'Add `distribution="weighted_parent"` or remove it.',
    );
  }
  if (fk.distribution === "uniform" && fk.param !== undefined) {
    scope.warn(
      "ignored-argument",
      "`param` is ignored by the uniform distribution",
      nodes[3].span,
      'Remove it, or choose a distribution that reads it, e.g. `distribution="zipf"`.',
    );
  }
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
