/**
 * Python's `math` module: rounding to ints (`floor`, `ceil`, `trunc`), powers and logarithms,
 * trigonometry, exact integer functions (`factorial`, `comb`, `perm`, `gcd`, `lcm`, `isqrt`,
 * exact at any size) and the constants `pi`, `e`, `tau`, `inf`, `nan`. Every function is
 * pure, so calls on literals are computed when the config is loaded.
 *
 * @module
 */
import type { FunctionSpec } from "./function_spec.ts";
import {
  bitLength,
  exactInt,
  factorialBits,
  floatToInt,
  type Int,
  intToFloat,
  shortText,
} from "./integers.ts";
import { checkIntBits } from "./limits.ts";
import { multiply, typeName } from "./operators.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext } from "./types.ts";
import type { StaticType, Value } from "./values.ts";

/** A float argument: an int converts as Python converts it (OverflowError past 1.8e308). */
function real(fn: string, value: Value): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "bigint") return intToFloat(value);
  throw new ExprRuntimeError(`math.${fn}() needs a number, not ${typeName(value)}`);
}

/** An int argument, exact at any size. */
function integer(fn: string, value: Value): Int {
  if (typeof value === "bigint") return value;
  const n = real(fn, value);
  if (!Number.isInteger(n)) throw new ExprRuntimeError(`math.${fn}() needs an int, not ${n}`);
  return floatToInt(n);
}

/** A non-negative int argument. */
function natural(fn: string, value: Value, what = "numbers"): Int {
  const n = integer(fn, value);
  if (n < 0) throw new ExprRuntimeError(`math.${fn}() is not defined for negative ${what}`);
  return n;
}

/** A result that Python would refuse: `math domain error` and friends. */
function checked(fn: string, result: number, args: readonly number[]): number {
  if (Number.isNaN(result) && !args.some(Number.isNaN)) {
    throw new ExprRuntimeError(
      `math.${fn}() is undefined for ${args.join(", ")} (math domain error)`,
    );
  }
  return result;
}

/**
 * A function of one number: a float (with Python's domain errors), or for `floor`, `ceil` and
 * `trunc` an int, as in Python 3.
 */
function ofNumber(
  summary: string,
  op: (x: number) => number,
  returns: "float" | "int" = "float",
): (name: string) => FunctionSpec {
  return (name) => ({
    summary,
    params: ["x"],
    pure: true,
    returns,
    impl(_: CellContext, x: Value) {
      if (returns === "int" && typeof x === "bigint") return x; // already an int
      const n = real(name, x);
      if (returns === "float") return checked(name, op(n), [n]);
      if (!Number.isFinite(n)) {
        throw new ExprRuntimeError(`math.${name}() cannot convert ${n} to an int`);
      }
      return floatToInt(op(n)); // exact: math.floor(1e20) is 100000000000000000000
    },
  });
}

function gcd(a: Int, b: Int): Int {
  if (typeof a === "number" && typeof b === "number") {
    [a, b] = [Math.abs(a), Math.abs(b)];
    while (b) [a, b] = [b, a % b];
    return a;
  }
  let [x, y] = [BigInt(a), BigInt(b)];
  [x, y] = [x < 0n ? -x : x, y < 0n ? -y : y];
  while (y) [x, y] = [y, x % y];
  return exactInt(x, "math.gcd()");
}

function lcm(a: Int, b: Int): Int {
  if (a === 0 || b === 0) return 0; // a bigint is never zero
  const product = BigInt(a) * BigInt(b);
  const g = BigInt(gcd(a, b));
  return exactInt((product < 0n ? -product : product) / g, "math.lcm()");
}

/** `n!`, exactly; its size is estimated before any multiplication. */
function factorial(n: Int): Int {
  checkIntBits(factorialBits(Number(n)), "math.factorial()");
  const count = Number(n);
  let out = 1;
  let i = 2;
  for (; i <= count && out * i <= Number.MAX_SAFE_INTEGER; i++) out *= i;
  if (i > count) return out;
  let big = BigInt(out);
  for (; i <= count; i++) big *= BigInt(i);
  return exactInt(big, "math.factorial()");
}

/**
 * `n! / (n - k)!` (`perm`) or that divided by `k!` (`comb`), exactly, over `min(k, n - k)`
 * factors for `comb`. Both are at least `(n / k)^k`, which bounds the work before it starts.
 */
function choose(fn: "comb" | "perm", n: Int, k: Int): Int {
  if (k > n) return 0;
  const [big, kBig] = [BigInt(n), BigInt(k)];
  const m = fn === "comb" && 2n * kBig > big ? big - kBig : kBig;
  if (m === 0n) return 1;
  // log2(n / m) is at least (bits of n - 1) - (bits of m).
  const ratioBits = Math.max(0, bitLength(big) - 1 - bitLength(m));
  checkIntBits(Number(m) * ratioBits + 1, `math.${fn}()`);
  checkIntBits(Number(m), `math.${fn}()`); // the result is at least 2^(m - 1)
  let out = 1n;
  for (let i = 1n; i <= m; i++) {
    out *= big - m + i;
    if (fn === "comb") out /= i; // exact: the product so far is C(n - m + i, i) × i!
  }
  return exactInt(out, `math.${fn}()`);
}

/** The integer square root `floor(sqrt(n))`, exactly (Newton's method past 2^52). */
function isqrt(n: Int): Int {
  if (typeof n === "number" && n < 2 ** 52) {
    const root = Math.floor(Math.sqrt(n));
    return root * root > n ? root - 1 : root;
  }
  const big = BigInt(n);
  let x = 1n << BigInt((bitLength(big) >> 1) + 1); // above the root
  for (;;) {
    const next = (x + big / x) >> 1n;
    if (next >= x) return exactInt(x, "math.isqrt()");
    x = next;
  }
}

/**
 * `log(x)` of an int too large for a float, as Python computes it: `x = m × 2^e` with a
 * float `m`, so `math.log(10**400)` is about 921.03 rather than an OverflowError.
 */
function logOfInt(n: bigint, log: (x: number) => number): number {
  const shift = Math.max(0, bitLength(n) - 64);
  return log(Number(n >> BigInt(shift))) + shift * log(2);
}

/** A logarithm's argument: positive, and an int of any size. */
function logarithm(fn: string, x: Value, log: (x: number) => number): number {
  if (typeof x === "bigint") {
    if (x < 0n) {
      throw new ExprRuntimeError(
        `math.${fn}() is undefined for ${shortText(x)} (math domain error)`,
      );
    }
    return logOfInt(x, log);
  }
  const n = real(fn, x);
  if (n <= 0) {
    throw new ExprRuntimeError(`math.${fn}() is undefined for ${n} (math domain error)`);
  }
  return log(n);
}

const FLOAT_FUNCTIONS: Record<string, (name: string) => FunctionSpec> = {
  sqrt: ofNumber("The square root.", Math.sqrt),
  exp: ofNumber("e raised to `x`.", Math.exp),
  log1p: ofNumber("`log(1 + x)`, accurate near 0.", Math.log1p),
  fabs: ofNumber("The absolute value, as a float.", Math.abs),
  sin: ofNumber("The sine of `x` radians.", Math.sin),
  cos: ofNumber("The cosine of `x` radians.", Math.cos),
  tan: ofNumber("The tangent of `x` radians.", Math.tan),
  asin: ofNumber("The arc sine, in radians.", Math.asin),
  acos: ofNumber("The arc cosine, in radians.", Math.acos),
  atan: ofNumber("The arc tangent, in radians.", Math.atan),
  degrees: ofNumber("Radians to degrees.", (x) => (x * 180) / Math.PI),
  radians: ofNumber("Degrees to radians.", (x) => (x * Math.PI) / 180),
  floor: ofNumber("The largest int not above `x`.", Math.floor, "int"),
  ceil: ofNumber("The smallest int not below `x`.", Math.ceil, "int"),
  trunc: ofNumber("`x` without its fraction, toward zero.", Math.trunc, "int"),
};

/** `math.<name>(...)`. */
export const MATH_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  ...Object.fromEntries(Object.entries(FLOAT_FUNCTIONS).map(([name, make]) => [name, make(name)])),
  log: {
    summary: "The natural logarithm, or the logarithm in `base`.",
    params: ["x", ["base", null]],
    pure: true,
    returns: "float",
    impl(_: CellContext, x: Value, base: Value) {
      const ln = logarithm("log", x, Math.log);
      return base === null ? ln : ln / logarithm("log", base, Math.log);
    },
  },
  log10: {
    summary: "The base-10 logarithm.",
    params: ["x"],
    pure: true,
    returns: "float",
    impl: (_: CellContext, x: Value) => logarithm("log10", x, Math.log10),
  },
  log2: {
    summary: "The base-2 logarithm.",
    params: ["x"],
    pure: true,
    returns: "float",
    impl: (_: CellContext, x: Value) => logarithm("log2", x, Math.log2),
  },
  pow: {
    summary: "`x ** y` as a float.",
    params: ["x", "y"],
    pure: true,
    returns: "float",
    impl: (_: CellContext, x: Value, y: Value) =>
      checked("pow", real("pow", x) ** real("pow", y), [real("pow", x), real("pow", y)]),
  },
  atan2: {
    summary: "The angle of the point (`x`, `y`), in radians.",
    params: ["y", "x"],
    pure: true,
    returns: "float",
    impl: (_: CellContext, y: Value, x: Value) => Math.atan2(real("atan2", y), real("atan2", x)),
  },
  hypot: {
    summary: "The length of the vector of the arguments.",
    params: ["coordinates"],
    variadic: true,
    pure: true,
    returns: "float",
    impl: (_: CellContext, values: Value) =>
      Math.hypot(...(values as Value[]).map((v) => real("hypot", v))),
  },
  copysign: {
    summary: "`x` with the sign of `y`.",
    params: ["x", "y"],
    pure: true,
    returns: "float",
    impl: (_: CellContext, x: Value, y: Value) => {
      const sign = Object.is(real("copysign", y), -0) || real("copysign", y) < 0 ? -1 : 1;
      return Math.abs(real("copysign", x)) * sign;
    },
  },
  fmod: {
    summary: "The remainder of `x / y` with the sign of `x` (C's fmod).",
    params: ["x", "y"],
    pure: true,
    returns: "float",
    impl(_: CellContext, x: Value, y: Value) {
      if (real("fmod", y) === 0) {
        throw new ExprRuntimeError("math.fmod() by zero (math domain error)");
      }
      return real("fmod", x) % real("fmod", y);
    },
  },
  isclose: {
    summary: "Whether `a` and `b` are close: `rel_tol=1e-09`, `abs_tol=0.0`.",
    params: ["a", "b", ["rel_tol", 1e-9], ["abs_tol", 0]],
    pure: true,
    returns: "bool",
    impl(_: CellContext, a: Value, b: Value, rel: Value, abs: Value) {
      const [x, y] = [real("isclose", a), real("isclose", b)];
      if (x === y) return true;
      const diff = Math.abs(x - y);
      return diff <=
        Math.max(real("isclose", rel) * Math.max(Math.abs(x), Math.abs(y)), real("isclose", abs));
    },
  },
  isfinite: predicate("Whether `x` is neither infinite nor NaN.", Number.isFinite),
  isinf: predicate("Whether `x` is infinite.", (x) => x === Infinity || x === -Infinity),
  isnan: predicate("Whether `x` is NaN.", Number.isNaN),
  gcd: {
    summary: "The greatest common divisor of ints.",
    params: ["integers"],
    variadic: true,
    pure: true,
    returns: "int",
    impl: (_: CellContext, values: Value) =>
      (values as Value[]).map((v) => integer("gcd", v)).reduce(gcd, 0),
  },
  lcm: {
    summary: "The least common multiple of ints.",
    params: ["integers"],
    variadic: true,
    pure: true,
    returns: "int",
    impl: (_: CellContext, values: Value) =>
      (values as Value[]).map((v) => integer("lcm", v)).reduce(lcm, 1),
  },
  factorial: {
    summary: "`n!` of a non-negative int, exactly.",
    params: ["n"],
    pure: true,
    returns: "int",
    impl: (_: CellContext, n: Value) => factorial(natural("factorial", n)),
  },
  comb: {
    summary: "The number of ways to choose `k` items of `n`, exactly.",
    params: ["n", "k"],
    pure: true,
    returns: "int",
    impl: (_: CellContext, n: Value, k: Value) =>
      choose("comb", natural("comb", n), natural("comb", k)),
  },
  perm: {
    summary: "The number of ways to arrange `k` items of `n` (all `n` without `k`), exactly.",
    params: ["n", ["k", null]],
    pure: true,
    returns: "int",
    impl(_: CellContext, n: Value, k: Value) {
      const count = natural("perm", n);
      return k === null ? factorial(count) : choose("perm", count, natural("perm", k));
    },
  },
  isqrt: {
    summary: "The integer square root of a non-negative int: the largest `r` with `r * r <= n`.",
    params: ["n"],
    pure: true,
    returns: "int",
    impl: (_: CellContext, n: Value) => isqrt(natural("isqrt", n)),
  },
  fsum: {
    summary: "The sum of a list of numbers, as a float.",
    params: ["iterable"],
    pure: true,
    returns: "float",
    impl(_: CellContext, iterable: Value) {
      if (!Array.isArray(iterable)) throw new ExprRuntimeError("math.fsum() needs a list");
      return iterable.reduce((sum: number, v) => sum + real("fsum", v), 0);
    },
  },
  prod: {
    summary: "The product of a list of numbers.",
    params: ["iterable", ["start", 1]],
    pure: true,
    returns: (args, env) => {
      const item = args[0].itemType?.(env);
      return item === "float" || args[1].type(env) === "float"
        ? "float"
        : item === "int"
        ? "int"
        : "any";
    },
    impl(_: CellContext, iterable: Value, start: Value) {
      if (!Array.isArray(iterable)) throw new ExprRuntimeError("math.prod() needs a list");
      // Ints multiply exactly, as with `*`.
      const number = (v: Value) => (typeof v === "bigint" ? v : real("prod", v));
      return iterable.reduce((product: Value, v) => multiply(product, number(v)), number(start));
    },
  },
};

function predicate(summary: string, test: (x: number) => boolean): FunctionSpec {
  return {
    summary,
    params: ["x"],
    pure: true,
    returns: "bool",
    impl: (_: CellContext, x: Value) => test(real("is", x)),
  };
}

/** `math.pi` and the other constants, with their static types. */
export const MATH_CONSTANTS: Readonly<Record<string, { value: Value; type: StaticType }>> = {
  pi: { value: Math.PI, type: "float" },
  e: { value: Math.E, type: "float" },
  tau: { value: 2 * Math.PI, type: "float" },
  inf: { value: Infinity, type: "float" },
  nan: { value: NaN, type: "float" },
};
