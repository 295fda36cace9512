/**
 * The syntax tree of an expression, as the parser builds it. Every node carries the span
 * of source it was parsed from, so any later phase can point at it.
 *
 * A program is a list of statements. A program that is one expression statement is an
 * expression: its value is the cell's value. Any other program is a block, as tablefaker's
 * multi-line `data: |` blocks are: statements run in order and `return` gives the value
 * (`None` when the block ends without one).
 *
 * @module
 */
import type { Span } from "./types.ts";
import type { StaticType } from "./values.ts";

/** Binary arithmetic operators. */
export type BinaryOperator = "+" | "-" | "*" | "/" | "//" | "%" | "**";

/** Comparison operators, including membership and identity. */
export type CompareOperator =
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "in"
  | "not in"
  | "is"
  | "is not";

/** A literal: number, string, `True`, `False` or `None`. */
export interface LiteralNode {
  kind: "literal";
  value: number | bigint | string | boolean | null;
  /** `int` and `float` are both numbers; the literal's spelling decides which. */
  type: StaticType;
  span: Span;
}

/** One `{expression!conversion:spec}` field of an f-string. */
export interface FormattedValue {
  expr: Expr;
  /** `!r`, `!s` or `!a`. */
  conversion?: "r" | "s" | "a";
  /** The format spec after `:`, when it has no nested fields. */
  spec?: string;
  /** A format spec with nested fields (`{x:>{width}}`): its text and fields, in order. */
  specFields?: (string | FormattedValue)[];
  span: Span;
}

/** An f-string: literal text interleaved with formatted fields. */
export interface FStringNode {
  kind: "fstring";
  parts: (string | FormattedValue)[];
  span: Span;
}

/** A bare name: a column, `row_id`, a module or a function. */
export interface NameNode {
  kind: "name";
  name: string;
  span: Span;
}

/** `[a, b]` or `(a, b)`; tuples are lists at run time. */
export interface ListNode {
  kind: "list";
  items: Expr[];
  tuple: boolean;
  span: Span;
}

/** `{key: value, ...}`. */
export interface DictNode {
  kind: "dict";
  entries: { key: Expr; value: Expr }[];
  span: Span;
}

/** `-x`, `+x`, `not x`. */
export interface UnaryNode {
  kind: "unary";
  op: "-" | "+" | "not";
  operand: Expr;
  span: Span;
}

/** `a + b` and the other arithmetic operators. */
export interface BinaryNode {
  kind: "binary";
  op: BinaryOperator;
  left: Expr;
  right: Expr;
  /** The operator token, for messages about it. */
  opSpan: Span;
  span: Span;
}

/** `a and b`, `a or b`. */
export interface LogicalNode {
  kind: "logical";
  op: "and" | "or";
  left: Expr;
  right: Expr;
  span: Span;
}

/** A comparison chain: `a < b <= c` is `a < b and b <= c` with `b` evaluated once. */
export interface CompareNode {
  kind: "compare";
  first: Expr;
  rest: { op: CompareOperator; right: Expr; opSpan: Span }[];
  span: Span;
}

/** `then if test else otherwise`. */
export interface ConditionalNode {
  kind: "conditional";
  test: Expr;
  then: Expr;
  otherwise: Expr;
  span: Span;
}

/** One argument of a call: positional, or `name=value`. */
export interface Argument {
  name?: string;
  /** The span of `name` for keyword arguments. */
  nameSpan?: Span;
  value: Expr;
  span: Span;
}

/** `callee(args)`. */
export interface CallNode {
  kind: "call";
  callee: Expr;
  args: Argument[];
  span: Span;
}

/** `object.name`. */
export interface AttributeNode {
  kind: "attribute";
  object: Expr;
  name: string;
  nameSpan: Span;
  span: Span;
}

/** `object[index]` or `object[lower:upper:step]`. */
export interface SubscriptNode {
  kind: "subscript";
  object: Expr;
  index: Expr | SliceNode;
  span: Span;
}

/** `lower:upper:step` inside a subscript; each part optional. */
export interface SliceNode {
  kind: "slice";
  lower?: Expr;
  upper?: Expr;
  step?: Expr;
  span: Span;
}

/** Any expression. */
export type Expr =
  | LiteralNode
  | FStringNode
  | NameNode
  | ListNode
  | DictNode
  | UnaryNode
  | BinaryNode
  | LogicalNode
  | CompareNode
  | ConditionalNode
  | CallNode
  | AttributeNode
  | SubscriptNode;

/**
 * A statement that is a lone expression. Alone in a program its value is the cell's value;
 * in a block it is computed (its random draws happen) and its value dropped.
 */
export interface ExpressionStatement {
  kind: "expression";
  expr: Expr;
  span: Span;
}

/** A name being assigned to. */
export interface Target {
  name: string;
  span: Span;
}

/**
 * `a = value`, `a = b = value`, `a, b = value` (unpacking a list of that length) or
 * `a += value` (then `op` is the operator and there is one target).
 */
export interface AssignStatement {
  kind: "assign";
  /** One entry per `=`; each is one name, or several for unpacking. */
  targets: Target[][];
  /** For augmented assignment (`+=`), the arithmetic operator. */
  op?: BinaryOperator;
  value: Expr;
  span: Span;
}

/** `return value`, or `return` alone (which gives `None`). */
export interface ReturnStatement {
  kind: "return";
  value?: Expr;
  span: Span;
}

/** `if test: body` with optional `else` (an `elif` is an `if` alone in `orelse`). */
export interface IfStatement {
  kind: "if";
  test: Expr;
  body: Statement[];
  orelse: Statement[];
  span: Span;
}

/** `pass`. */
export interface PassStatement {
  kind: "pass";
  span: Span;
}

/** One imported name: `name` or `name as alias`. */
export interface ImportedName {
  name: string;
  alias?: string;
  span: Span;
}

/**
 * `import module [as alias]` (no `names`), or `from module import name [as alias], ...`.
 * Only the modules that are always available may be imported; the statement binds names.
 */
export interface ImportStatement {
  kind: "import";
  module: string;
  moduleSpan: Span;
  /** `import module as alias`. */
  alias?: string;
  /** `from module import ...`. */
  names?: ImportedName[];
  span: Span;
}

/** Any statement of a block. */
export type Statement =
  | ExpressionStatement
  | AssignStatement
  | ReturnStatement
  | IfStatement
  | PassStatement
  | ImportStatement;

/** A parsed `data:` source. */
export interface Program {
  body: Statement[];
  span: Span;
}
