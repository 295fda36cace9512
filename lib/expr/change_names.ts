/**
 * `version` and `previous`: the names a table's `changes:` add to its expressions (0 and None
 * in a row never updated). They resolve after columns and locals, so a column of that name
 * keeps meaning the column; each read is recorded on the compiled expression, and evaluates
 * through the cell context.
 *
 * @module
 */
import type { Node } from "./compiled_node.ts";
import type { ChangeName, Span } from "./types.ts";

/**
 * The node of a read of `name` at `span`; `self` is the column being compiled, whose value
 * before the update `previous` is.
 */
export function changeNameNode(name: ChangeName, span: Span, self: string): Node {
  if (name === "version") {
    return { span, evaluate: (ctx) => ctx.version, type: () => "int", alwaysInt: true };
  }
  return {
    span,
    evaluate: (ctx) => ctx.previous(self),
    type: (env) => env.previous?.(self) ?? "any",
  };
}
