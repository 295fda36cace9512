/**
 * Python indexing and slicing: `items[0]`, `items[-1]`, `text[1:3]`, `d["key"]`.
 *
 * @module
 */
import { dictKey, typeName } from "./operators.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import { isDict, pyRepr, type Value } from "./values.ts";

const SURROGATE = /[\uD800-\uDFFF]/;

/** Characters as Python counts them (code points), cheaply when there are no surrogates. */
function characters(text: string): string | string[] {
  return SURROGATE.test(text) ? [...text] : text;
}

function indexOf(index: Value, length: number, what: string): number {
  // An int beyond 2^53 is beyond every length: its number is out of range as well.
  const i = typeof index === "boolean" || typeof index === "bigint" ? Number(index) : index;
  if (typeof i !== "number" || !Number.isInteger(i)) {
    throw new ExprRuntimeError(`${what} indexes must be whole numbers, not ${typeName(index)}`);
  }
  const position = i < 0 ? i + length : i;
  if (position < 0 || position >= length) {
    throw new ExprRuntimeError(`${what} index ${i} is out of range (length ${length})`);
  }
  return position;
}

/** `object[index]`. */
export function subscriptOf(object: Value, index: Value): Value {
  if (Array.isArray(object)) return object[indexOf(index, object.length, "List")];
  if (typeof object === "string") {
    const chars = characters(object);
    return chars[indexOf(index, chars.length, "String")];
  }
  if (isDict(object)) {
    const key = dictKey(index);
    if (!Object.hasOwn(object, key)) {
      throw new ExprRuntimeError(
        `Key ${pyRepr(index)} is not in the dict; use .get(key, default) for optional keys`,
      );
    }
    return object[key];
  }
  throw new ExprRuntimeError(`A ${typeName(object)} value cannot be indexed with [...]`);
}

function bound(value: Value, name: string): number | null {
  if (value === null) return null;
  // A bigint bound is past either end, where its number clamps it too.
  const n = typeof value === "boolean" || typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new ExprRuntimeError(
      `Slice ${name} must be a whole number or None, not ${typeName(value)}`,
    );
  }
  return n;
}

/** The positions `start:stop:step` selects from a sequence of `length` items (Python's `slice.indices`). */
function slicePositions(
  length: number,
  lower: number | null,
  upper: number | null,
  step: number,
): number[] {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const resolve = (v: number | null, fallback: number, lo: number, hi: number) =>
    v === null ? fallback : clamp(v < 0 ? v + length : v, lo, hi);
  const positions: number[] = [];
  if (step > 0) {
    const start = resolve(lower, 0, 0, length);
    const stop = resolve(upper, length, 0, length);
    for (let i = start; i < stop; i += step) positions.push(i);
  } else {
    const start = resolve(lower, length - 1, -1, length - 1);
    const stop = resolve(upper, -1, -1, length - 1);
    for (let i = start; i > stop; i += step) positions.push(i);
  }
  return positions;
}

/** `object[lower:upper:step]` for lists and strings. */
export function sliceOf(object: Value, lower: Value, upper: Value, step: Value): Value {
  const by = bound(step, "step") ?? 1;
  if (by === 0) throw new ExprRuntimeError("Slice step cannot be zero");
  const lo = bound(lower, "start"), hi = bound(upper, "stop");
  if (Array.isArray(object)) {
    if (by === 1) return object.slice(...plainRange(object.length, lo, hi));
    return slicePositions(object.length, lo, hi, by).map((i) => object[i]);
  }
  if (typeof object === "string") {
    const chars = characters(object);
    if (by === 1 && typeof chars === "string") {
      return chars.slice(...plainRange(chars.length, lo, hi));
    }
    return slicePositions(chars.length, lo, hi, by).map((i) => chars[i]).join("");
  }
  throw new ExprRuntimeError(`A ${typeName(object)} value cannot be sliced`);
}

function plainRange(length: number, lo: number | null, hi: number | null): [number, number] {
  return [lo ?? 0, hi ?? length];
}
