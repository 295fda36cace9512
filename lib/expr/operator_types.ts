/**
 * Static types of arithmetic: `int + int` is `int`, `/` is always `float`, `str * int` is
 * `str`... `undefined` means the operation is certain to fail, which the compiler reports
 * before any row is generated.
 *
 * @module
 */
import type { BinaryOperator } from "./ast.ts";
import { isNumeric } from "./compiled_node.ts";
import type { StaticType } from "./values.ts";

/** The result type of `left op right`, `any` when it depends on run-time values, `undefined` when it is an error. */
export function arithmeticType(
  op: BinaryOperator,
  left: StaticType,
  right: StaticType,
): StaticType | undefined {
  if (left === "any" || right === "any") {
    return withUnknown(op, left === "any" ? right : left, left === "any");
  }
  if (isNumeric(left) && isNumeric(right)) return numericType(op, left, right);
  if (isTime(left) || isTime(right)) return timeType(op, left, right);
  switch (op) {
    case "+":
      if (left === right && isSequence(left)) return left;
      return undefined;
    case "*":
      if (isSequence(left) && isInt(right)) return left;
      if (isSequence(right) && isInt(left)) return right;
      return undefined;
    case "%":
      return left === "str" ? "str" : undefined;
    default:
      return undefined;
  }
}

/** Strings, lists and tuples: what `+` joins and `*` repeats. */
function isSequence(type: StaticType): boolean {
  return type === "str" || type === "list" || type === "tuple";
}

function isTime(type: StaticType): boolean {
  return type === "date" || type === "datetime" || type === "timedelta";
}

/** `datetime - timedelta` is a datetime, `date - date` a timedelta, `td / td` a float... */
function timeType(op: BinaryOperator, left: StaticType, right: StaticType): StaticType | undefined {
  const moment = (t: StaticType) => t === "date" || t === "datetime";
  switch (op) {
    case "+":
      if (moment(left) && right === "timedelta") return left;
      if (left === "timedelta" && moment(right)) return right;
      return left === "timedelta" && right === "timedelta" ? "timedelta" : undefined;
    case "-":
      if (moment(left) && right === "timedelta") return left;
      if (moment(left) && left === right) return "timedelta";
      return left === "timedelta" && right === "timedelta" ? "timedelta" : undefined;
    case "*":
      if (left === "timedelta" && isNumeric(right)) return "timedelta";
      return right === "timedelta" && isNumeric(left) ? "timedelta" : undefined;
    case "/":
      if (left !== "timedelta") return undefined;
      return right === "timedelta" ? "float" : isNumeric(right) ? "timedelta" : undefined;
    case "//":
      if (left !== "timedelta") return undefined;
      return right === "timedelta" ? "int" : isInt(right) ? "timedelta" : undefined;
    case "%":
      return left === "timedelta" && right === "timedelta" ? "timedelta" : undefined;
    default:
      return undefined;
  }
}

function isInt(type: StaticType): boolean {
  return type === "int" || type === "bool";
}

function numericType(op: BinaryOperator, left: StaticType, right: StaticType): StaticType {
  if (op === "/") return "float";
  return left === "float" || right === "float" ? "float" : "int";
}

/** One side is only known at run time: guess from the other side where it is safe. */
function withUnknown(
  op: BinaryOperator,
  known: StaticType,
  unknownIsLeft: boolean,
): StaticType | undefined {
  if (known === "any") return "any";
  if (known === "none" || known === "timezone") return undefined;
  if (isTime(known)) return "any";
  switch (op) {
    case "+":
      return isSequence(known) || known === "float" ? known : "any";
    case "*":
      // A float times an unknown value may be a timedelta times a float: a timedelta.
      return isSequence(known) ? known : "any";
    case "/":
      // An unknown value divided by a number may be a timedelta divided: a timedelta.
      if (!isNumeric(known)) return undefined;
      return unknownIsLeft ? "any" : "float";
    case "%":
      if (!unknownIsLeft && known === "str") return "str";
      return known === "float" && unknownIsLeft ? "any" : known === "float" ? "float" : "any";
    default:
      if (isSequence(known) || known === "dict") return undefined;
      return known === "float" ? "float" : "any";
  }
}

/** How an operator is named in messages. */
export const OPERATOR_VERBS: Readonly<Record<BinaryOperator, string>> = {
  "+": "add",
  "-": "subtract",
  "*": "multiply",
  "/": "divide",
  "//": "floor-divide",
  "%": "take the remainder of",
  "**": "raise",
};
