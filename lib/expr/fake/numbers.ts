/**
 * Python Faker's numbers and Python types: `random_int`, `pyint`, `pyfloat`,
 * `random_number`, `pybool`, `random_element(s)` and the like, with Python Faker's bounds
 * and defaults.
 *
 * @module
 */
import type { RandomSource } from "../host.ts";
import { exactInt } from "../integers.ts";
import { checkIntBits } from "../limits.ts";
import {
  type Args,
  ASCII_LETTERS,
  exactSteppedInt,
  type FakeMethod,
  flag,
  int,
  lexifyOnly,
  num,
  optNum,
  plain,
  steppedInt,
  text,
} from "./method.ts";

export const FLOAT_DIGITS = 15;

/** Python Faker's `random_number(digits)`: 0 to 10^digits - 1, not padded. */
export function randomNumber(digits: number, random: RandomSource): number {
  return random.int(0, 10 ** digits - 1);
}

/** `_safe_random_int`: an int in [min, max), the missing bound 0..9999 away from the other. */
export function safeRandomInt(
  min: number | undefined,
  max: number | undefined,
  positive: boolean,
  random: RandomSource,
): number {
  let lo = min ?? max! - random.int(0, 9999);
  const hi = max ?? lo + random.int(0, 9999);
  if (positive) lo = Math.max(lo, 0);
  if (lo === hi) return safeRandomInt(min, (max ?? hi) + 1, positive, random);
  const top = Math.trunc(hi - 1) < Math.trunc(lo) ? Math.trunc(hi) : Math.trunc(hi - 1);
  return random.int(Math.trunc(lo), top);
}

/**
 * Python Faker's `pyfloat`, step by step: `"{sign}{left}.{right}"` where `left` has at most
 * `left_digits` digits and `right` is a random number below 10^`right_digits` (so
 * `right_digits=2` gives `.5` for 5 and `.05` never, as in Faker), bounded by `min_value` and
 * `max_value` when given. The digits left unset are chosen as Faker chooses them.
 */
export function pyfloat(args: Args, random: RandomSource): number {
  let left = optNum(args, "left_digits");
  let right = optNum(args, "right_digits");
  const positive = flag(args, "positive", false);
  const min = optNum(args, "min_value");
  const max = optNum(args, "max_value");
  if ((left !== undefined && left < 0) || (right !== undefined && right < 0)) {
    throw new RangeError("pyfloat: a float cannot have fewer than 0 digits");
  }
  if (left === 0 && right === 0) {
    throw new RangeError("pyfloat: left_digits and right_digits are both 0");
  }
  if (min !== undefined && max !== undefined && min >= max) {
    throw new RangeError("pyfloat: min_value must be less than max_value");
  }
  if (positive && min !== undefined && min <= 0) {
    throw new RangeError("pyfloat: positive=True needs a positive min_value");
  }
  for (const bound of [max, min]) {
    if (left !== undefined && bound && Math.ceil(Math.log10(Math.abs(bound))) > left) {
      throw new RangeError("pyfloat: min_value and max_value must fit within left_digits");
    }
  }
  if (left === undefined && right === undefined) {
    const needed = Math.max(
      1,
      Math.ceil(Math.log10(Math.max(Math.abs(max || 1), Math.abs(min || 1)))),
    );
    right = random.int(1, FLOAT_DIGITS - needed);
  }
  if (left === undefined) left = Math.max(1, FLOAT_DIGITS - right!);
  if (right === undefined) right = Math.max(1, FLOAT_DIGITS - left);
  if (left + right > FLOAT_DIGITS) {
    throw new RangeError(
      `pyfloat: asking for too many digits (${left} + ${right} > ${FLOAT_DIGITS})`,
    );
  }
  let sign = "";
  let whole: number;
  if (min !== undefined || max !== undefined) {
    let lo = min, hi = max;
    if (max === undefined) hi = 10 ** left;
    if (min === undefined) lo = -(10 ** left);
    if (max !== undefined && max < 0) hi = hi! + 1;
    if (min !== undefined && min < 0) lo = lo! + 1;
    whole = safeRandomInt(lo, hi, positive, random);
  } else {
    sign = positive ? "+" : random.int(0, 1) ? "-" : "+";
    whole = randomNumber(left, random);
  }
  let result = Number(`${sign}${whole}.${randomNumber(right, random)}`);
  const unit = right ? Number(`0.${"0".repeat(right - 1)}1`) : 0;
  if (positive && result === 0) result = right ? unit : Number.EPSILON;
  if (right) {
    result = Math.max(Math.min(result, 10 ** left - unit), -(10 ** left + unit));
  } else {
    result = Math.max(Math.min(result, 10 ** left - 1), -(10 ** left + 1));
  }
  // Faker pulls a value outside the bounds back in by a random part of their span.
  const span = min !== undefined && max !== undefined ? max - min : 0;
  if (max !== undefined && result > max) result = max - random.next() * span;
  if (min !== undefined && result < min) result = min + random.next() * span;
  return result;
}

/** The number and Python-type methods of {@link FAKE_METHODS}. */
export const NUMBER_METHODS: Readonly<Record<string, FakeMethod>> = {
  random_int: {
    params: ["min", "max", "step"],
    returns: "int",
    call(_f, a, ctx) {
      const min = int(a, "min", 0), max = int(a, "max", 9999), step = int(a, "step", 1);
      if (max < min) throw new RangeError(`random_int: max ${max} is less than min ${min}`);
      if (typeof min === "number" && typeof max === "number" && typeof step === "number") {
        // Numbers as they always were drawn (the common case); larger ints exactly.
        const width = max - min;
        if (width <= Number.MAX_SAFE_INTEGER) {
          return min + ctx.random.int(0, Math.floor(width / step)) * step;
        }
      }
      return exactSteppedInt(ctx.random, min, max, step, "random_int");
    },
  },
  random_digit: plain("int", (_f, ctx) => ctx.random.int(0, 9)),
  random_digit_not_null: plain("int", (_f, ctx) => ctx.random.int(1, 9)),
  random_number: {
    params: ["digits", "fix_len"],
    returns: "int",
    call(_f, a, ctx) {
      const digits = optNum(a, "digits") ?? ctx.random.int(1, 9);
      const fixed = flag(a, "fix_len", false);
      if (digits <= 15) {
        if (fixed) return ctx.random.int(10 ** (digits - 1), 10 ** digits - 1);
        return ctx.random.int(0, 10 ** digits - 1);
      }
      // 16 digits and more are past 2^53: drawn exactly, within the bound on ints.
      checkIntBits(Math.floor(digits * Math.log2(10)) - 1, "fake.random_number()");
      const top = 10n ** BigInt(digits);
      const low = fixed ? top / 10n : 0n;
      return exactInt(low + ctx.random.below(top - low), "fake.random_number()");
    },
  },
  pyint: {
    params: ["min_value", "max_value", "step"],
    returns: "int",
    call(_f, a, ctx) {
      const min = int(a, "min_value", 0), max = int(a, "max_value", 9999);
      return steppedInt(ctx.random, min, max, int(a, "step", 1), "pyint");
    },
  },
  pyfloat: {
    params: ["left_digits", "right_digits", "positive", "min_value", "max_value"],
    returns: "float",
    call: (_f, a, ctx) => pyfloat(a, ctx.random),
  },
  pydecimal: {
    params: ["left_digits", "right_digits", "positive", "min_value", "max_value"],
    returns: "float",
    call: (_f, a, ctx) => pyfloat(a, ctx.random),
  },
  pybool: {
    params: ["truth_probability"],
    returns: "bool",
    call: (_f, a, ctx) => ctx.random.next() * 100 < num(a, "truth_probability", 50),
  },
  boolean: {
    params: ["chance_of_getting_true"],
    returns: "bool",
    call: (_f, a, ctx) => ctx.random.next() * 100 < num(a, "chance_of_getting_true", 50),
  },
  pystr: {
    params: ["min_chars", "max_chars", "prefix", "suffix"],
    returns: "str",
    call(_f, a, ctx) {
      const max = num(a, "max_chars", 20), min = optNum(a, "min_chars");
      const n = min === undefined ? max : ctx.random.int(min, max);
      return text(a, "prefix", "") + lexifyOnly("?".repeat(n), ASCII_LETTERS, ctx.random) +
        text(a, "suffix", "");
    },
  },
};
