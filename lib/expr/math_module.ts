/**
 * Python's `math` module: rounding to ints (`floor`, `ceil`, `trunc`), powers and logarithms,
 * trigonometry and the constants `pi`, `e`, `tau`, `inf`, `nan`. Every function is pure, so
 * calls on literals are computed when the config is loaded.
 *
 * @module
 */
import type { FunctionSpec } from "./function_spec.ts";
import { typeName } from "./operators.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext } from "./types.ts";
import type { StaticType, Value } from "./values.ts";

function real(fn: string, value: Value): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return Number(value);
  throw new ExprRuntimeError(`math.${fn}() needs a number, not ${typeName(value)}`);
}

function integer(fn: string, value: Value): number {
  const n = real(fn, value);
  if (!Number.isInteger(n)) throw new ExprRuntimeError(`math.${fn}() needs an int, not ${n}`);
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
      const n = real(name, x);
      if (returns === "float") return checked(name, op(n), [n]);
      if (!Number.isFinite(n)) {
        throw new ExprRuntimeError(`math.${name}() cannot convert ${n} to an int`);
      }
      return op(n) + 0; // + 0 turns -0 into 0
    },
  });
}

function gcd(a: number, b: number): number {
  [a, b] = [Math.abs(a), Math.abs(b)];
  while (b) [a, b] = [b, a % b];
  return a;
}

function factorial(n: number): number {
  if (n < 0) throw new ExprRuntimeError("math.factorial() is not defined for negative numbers");
  let out = 1;
  for (let i = 2; i <= n; i++) out *= i;
  return out;
}

function comb(n: number, k: number): number {
  if (n < 0 || k < 0) throw new ExprRuntimeError("math.comb() needs non-negative numbers");
  if (k > n) return 0;
  let out = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) out = (out * (n - i + 1)) / i;
  return Math.round(out);
}

const FLOAT_FUNCTIONS: Record<string, (name: string) => FunctionSpec> = {
  sqrt: ofNumber("The square root.", Math.sqrt),
  exp: ofNumber("e raised to `x`.", Math.exp),
  log10: ofNumber("The base-10 logarithm.", Math.log10),
  log2: ofNumber("The base-2 logarithm.", Math.log2),
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
      const n = real("log", x);
      if (n <= 0) {
        throw new ExprRuntimeError(`math.log() is undefined for ${n} (math domain error)`);
      }
      return base === null ? Math.log(n) : Math.log(n) / Math.log(real("log", base));
    },
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
  factorial: {
    summary: "`n!` of a non-negative int.",
    params: ["n"],
    pure: true,
    returns: "int",
    impl: (_: CellContext, n: Value) => factorial(integer("factorial", n)),
  },
  comb: {
    summary: "The number of ways to choose `k` items of `n`.",
    params: ["n", "k"],
    pure: true,
    returns: "int",
    impl: (_: CellContext, n: Value, k: Value) => comb(integer("comb", n), integer("comb", k)),
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
      return iterable.reduce(
        (product: number, v) => product * real("prod", v),
        real("prod", start),
      );
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
