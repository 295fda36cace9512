/**
 * Python indexing and slicing: `items[0]`, `items[-1]`, `text[1:3]`, `d["key"]`, `t[::-1]`.
 * A slice of a list is a list, of a tuple a tuple, of a range a range; dict views cannot be
 * indexed, as in Python.
 *
 * @module
 */
import { typeName } from "./operators.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import {
  isDict,
  PyDictView,
  PyRange,
  pyRepr,
  PyTuple,
  rangeOf,
  tupleOf,
  type Value,
} from "./values.ts";

const SURROGATE = /[\uD800-\uDFFF]/;

/** Characters as Python counts them (code points), cheaply when there are no surrogates. */
function characters(text: string): string | string[] {
  return SURROGATE.test(text) ? [...text] : text;
}

function indexOf(index: Value, length: number, what: string): number {
  // An int beyond 2^53 is beyond every length: its number is out of range as well.
  const i = typeof index === "boolean" || typeof index === "bigint" ? Number(index) : index;
  if (typeof i !== "number" || !Number.isInteger(i)) {
    throw new ExprRuntimeError(
      `${what} indices must be integers, not ${typeName(index)}`,
      "TypeError",
    );
  }
  const position = i < 0 ? i + length : i;
  if (position < 0 || position >= length) {
    throw new ExprRuntimeError(
      `${what} index ${i} is out of range (length ${length})`,
      "IndexError",
    );
  }
  return position;
}

function notSubscriptable(object: Value): ExprRuntimeError {
  return new ExprRuntimeError(
    `A ${typeName(object)} value cannot be indexed with [...]` +
      (object instanceof PyDictView ? "; make it a list first: list(d.keys())" : ""),
    "TypeError",
  );
}

/** `object[index]`. */
export function subscriptOf(object: Value, index: Value): Value {
  if (Array.isArray(object)) {
    if (object instanceof PyDictView) throw notSubscriptable(object);
    const what = object instanceof PyTuple ? "Tuple" : object instanceof PyRange ? "Range" : "List";
    return object[indexOf(index, object.length, what)];
  }
  if (typeof object === "string") {
    const chars = characters(object);
    return chars[indexOf(index, chars.length, "String")];
  }
  if (isDict(object)) {
    const value = object.get(index);
    if (value === undefined) {
      throw new ExprRuntimeError(
        `Key ${pyRepr(index)} is not in the dict; use .get(key, default) for optional keys`,
        "KeyError",
      );
    }
    return value;
  }
  throw notSubscriptable(object);
}

function bound(value: Value): number | null {
  if (value === null) return null;
  // A bigint bound is past either end, where its number clamps it too.
  const n = typeof value === "boolean" || typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new ExprRuntimeError(
      `Slice indices must be integers or None, not ${typeName(value)}`,
      "TypeError",
    );
  }
  return n;
}

/** Python's `slice.indices(length)`: start, stop and step, clamped to the sequence. */
function sliceIndices(
  length: number,
  lower: number | null,
  upper: number | null,
  step: number,
): [number, number] {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const resolve = (v: number | null, fallback: number, lo: number, hi: number) =>
    v === null ? fallback : clamp(v < 0 ? v + length : v, lo, hi);
  if (step > 0) return [resolve(lower, 0, 0, length), resolve(upper, length, 0, length)];
  return [resolve(lower, length - 1, -1, length - 1), resolve(upper, -1, -1, length - 1)];
}

/** The positions `start:stop:step` selects from a sequence of `length` items. */
function slicePositions(
  length: number,
  lower: number | null,
  upper: number | null,
  step: number,
): number[] {
  const [start, stop] = sliceIndices(length, lower, upper, step);
  const positions: number[] = [];
  if (step > 0) { for (let i = start; i < stop; i += step) positions.push(i); }
  else for (let i = start; i > stop; i += step) positions.push(i);
  return positions;
}

/** `object[lower:upper:step]` for lists, tuples, ranges and strings. */
export function sliceOf(object: Value, lower: Value, upper: Value, step: Value): Value {
  const by = bound(step) ?? 1;
  if (by === 0) throw new ExprRuntimeError("Slice step cannot be zero", "ValueError");
  const lo = bound(lower), hi = bound(upper);
  if (Array.isArray(object)) {
    if (object instanceof PyDictView) throw notSubscriptable(object);
    const items = by === 1
      ? object.slice(...sliceIndices(object.length, lo, hi, 1))
      : slicePositions(object.length, lo, hi, by).map((i) => object[i]);
    if (object instanceof PyTuple) return tupleOf(items);
    if (object instanceof PyRange) return rangeSlice(object, lo, hi, by, items);
    return items;
  }
  if (typeof object === "string") {
    const chars = characters(object);
    if (by === 1 && typeof chars === "string") {
      return chars.slice(...sliceIndices(chars.length, lo, hi, 1));
    }
    return slicePositions(chars.length, lo, hi, by).map((i) => chars[i]).join("");
  }
  throw new ExprRuntimeError(`A ${typeName(object)} value cannot be sliced`, "TypeError");
}

/** A slice of a range is a range: `range(0, 10, 3)[1:]` is `range(3, 12, 3)`. */
function rangeSlice(
  range: PyRange,
  lo: number | null,
  hi: number | null,
  by: number,
  items: Value[],
): PyRange {
  const [start, stop] = sliceIndices(range.length, lo, hi, by);
  const first = Number(range.start), step = Number(range.step);
  return rangeOf(items, first + start * step, first + stop * step, step * by);
}
