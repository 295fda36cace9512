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
import { iterate } from "./builtins.ts";
import * as libm from "./libm.ts";
import { intOf, multiply, typeName } from "./operators.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext } from "./host.ts";
import { floatValue, PyFloat, pyStr, type StaticType, type Value } from "./values.ts";

/** A float argument: an int converts as Python converts it (OverflowError past 1.8e308). */
function real(fn: string, value: Value): number {
  if (typeof value === "number") return value + 0;
  if (value instanceof PyFloat) return value.value;
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "bigint") return intToFloat(value);
  throw new ExprRuntimeError(`math.${fn}() needs a number, not ${typeName(value)}`, "TypeError");
}

/** An int argument (bools count), exact at any size; a float is a TypeError, as in Python. */
function integer(fn: string, value: Value): Int {
  const n = intOf(value);
  if (n === undefined) {
    throw new ExprRuntimeError(
      `math.${fn}() needs an int: '${typeName(value)}' object cannot be interpreted as an integer`,
      "TypeError",
    );
  }
  return n;
}

/** A non-negative int argument. */
function natural(fn: string, value: Value, what = "numbers"): Int {
  const n = integer(fn, value);
  if (n < 0) {
    throw new ExprRuntimeError(`math.${fn}() is not defined for negative ${what}`, "ValueError");
  }
  return n;
}

function domainError(fn: string, args: readonly number[]): ExprRuntimeError {
  return new ExprRuntimeError(
    `math.${fn}() is undefined for ${args.map((x) => pyStr(x)).join(", ")} (math domain error)`,
    "ValueError",
  );
}

/**
 * A float function's result with CPython's checks (`math_1`): NaN from a number is a domain
 * error; infinity from a finite number is an overflow where the function can overflow
 * (`exp`), else a domain error (`log1p(-1)`).
 */
function checked(fn: string, result: number, args: readonly number[], canOverflow = false): Value {
  if (Number.isNaN(result) && !args.some(Number.isNaN)) throw domainError(fn, args);
  if (!Number.isFinite(result) && !Number.isNaN(result) && args.every(Number.isFinite)) {
    if (canOverflow) {
      throw new ExprRuntimeError(
        `math.${fn}() is too large for a float (math range error)`,
        "OverflowError",
      );
    }
    throw domainError(fn, args);
  }
  return floatValue(result);
}

/**
 * A function of one number: a float (with Python's domain and range errors), or for
 * `floor`, `ceil` and `trunc` an int, as in Python 3.
 */
function ofNumber(
  summary: string,
  op: (x: number) => number,
  returns: "float" | "int" = "float",
  errors: "domain" | "overflow" | "none" = "domain",
): (name: string) => FunctionSpec {
  return (name) => ({
    summary,
    params: ["x"],
    pure: true,
    returns,
    impl(_: CellContext, x: Value) {
      if (returns === "int") {
        const n = intOf(x);
        if (n !== undefined) return n; // already an int
      }
      const v = real(name, x);
      if (errors === "none") return floatValue(op(v));
      if (returns === "float") return checked(name, op(v), [v], errors === "overflow");
      return floatToInt(op(v)); // exact: math.floor(1e20) is 100000000000000000000
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
 * `log(n)` of a large int, as Python computes it: of its nearest float while it has one,
 * else `log(m) + log(2) × e` for `n ≈ m × 2^e`, 0.5 <= m < 1 (`_PyLong_Frexp`), so
 * `math.log(10**400)` is about 921.03 rather than an OverflowError.
 */
function logOfInt(n: bigint, log: (x: number) => number): number {
  const x = Number(n);
  if (Number.isFinite(x)) return log(x);
  let e = bitLength(n);
  const shift = BigInt(e - 55);
  // 55 bits and a sticky bit: Number() then rounds to 53 bits exactly as a division would.
  let top = n >> shift;
  if ((n & ((1n << shift) - 1n)) !== 0n) top |= 1n;
  let m = Number(top) / 2 ** 55;
  if (m === 1) {
    m = 0.5;
    e += 1;
  }
  return log(m) + log(2) * e;
}

/** A logarithm's argument: positive, and an int of any size. */
function logarithm(fn: string, x: Value, log: (x: number) => number): number {
  if (typeof x === "bigint") {
    if (x < 0n) {
      throw new ExprRuntimeError(
        `math.${fn}() is undefined for ${shortText(x)} (math domain error)`,
        "ValueError",
      );
    }
    return logOfInt(x, log);
  }
  const n = real(fn, x);
  if (n <= 0) throw domainError(fn, [n]);
  return Number.isFinite(n) ? log(n) : n; // log(inf) is inf, log(nan) nan
}

/**
 * A function of `libm.ts` where the argument is finite and the result is in range; JavaScript's
 * for the special values (infinities, NaN, overflow), which it gets right.
 */
function finiteOnly(
  f: (x: number) => number,
  special: (x: number) => number,
): (x: number) => number {
  return (x) => {
    if (!Number.isFinite(x)) return special(x);
    const value = f(x);
    return Number.isNaN(value) ? special(x) : value;
  };
}

/** A function of `libm.ts` on its domain; JavaScript's elsewhere (NaN, infinities, the edges). */
function inDomain(
  f: (x: number) => number,
  domain: (x: number) => boolean,
  special: (x: number) => number,
): (x: number) => number {
  return (x) => Number.isFinite(x) && domain(x) ? f(x) : special(x);
}

/** CPython's `radians` and `degrees` multiply by these, once. */
const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;

const FLOAT_FUNCTIONS: Record<string, (name: string) => FunctionSpec> = {
  sqrt: ofNumber("The square root.", Math.sqrt),
  exp: ofNumber("e raised to `x`.", finiteOnly(libm.exp, Math.exp), "float", "overflow"),
  log1p: ofNumber(
    "`log(1 + x)`, accurate near 0.",
    inDomain(libm.log1p, (x) => x > -1, Math.log1p),
  ),
  fabs: ofNumber("The absolute value, as a float.", Math.abs),
  sin: ofNumber("The sine of `x` radians.", finiteOnly(libm.sin, Math.sin)),
  cos: ofNumber("The cosine of `x` radians.", finiteOnly(libm.cos, Math.cos)),
  tan: ofNumber("The tangent of `x` radians.", finiteOnly(libm.tan, Math.tan)),
  asin: ofNumber(
    "The arc sine, in radians.",
    inDomain(libm.asin, (x) => Math.abs(x) <= 1, Math.asin),
  ),
  acos: ofNumber(
    "The arc cosine, in radians.",
    inDomain(libm.acos, (x) => Math.abs(x) <= 1, Math.acos),
  ),
  atan: ofNumber("The arc tangent, in radians.", libm.atan),
  degrees: ofNumber("Radians to degrees.", (x) => x * RAD_TO_DEG, "float", "none"),
  radians: ofNumber("Degrees to radians.", (x) => x * DEG_TO_RAD, "float", "none"),
  floor: ofNumber("The largest int not above `x`.", Math.floor, "int"),
  ceil: ofNumber("The smallest int not below `x`.", Math.ceil, "int"),
  trunc: ofNumber("`x` without its fraction, toward zero.", Math.trunc, "int"),
};

/** CPython's `math.pow`: IEEE's special cases, ValueError and OverflowError as `math_pow` gives them. */
function mathPow(x: number, y: number): Value {
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    let r: number;
    if (Number.isNaN(x)) r = y === 0 ? 1 : x;
    else if (Number.isNaN(y)) r = x === 1 ? 1 : y;
    else if (!Number.isFinite(x)) {
      const odd = Number.isFinite(y) && Math.abs(y) % 2 === 1;
      if (y > 0) r = odd ? x : Math.abs(x);
      else if (y === 0) r = 1;
      else r = odd ? (x < 0 ? -0 : 0) : 0;
    } else {
      if (Math.abs(x) === 1) r = 1;
      else if (y > 0 && Math.abs(x) > 1) r = y;
      else if (y < 0 && Math.abs(x) < 1) r = -y;
      else r = 0;
    }
    return floatValue(r);
  }
  if (x === 1 || y === 0) return floatValue(1);
  const r = x ** y;
  if (Number.isNaN(r) || (!Number.isFinite(r) && x === 0)) throw domainError("pow", [x, y]);
  if (!Number.isFinite(r)) {
    throw new ExprRuntimeError(
      "math.pow() is too large for a float (math range error)",
      "OverflowError",
    );
  }
  return floatValue(r);
}

/** CPython's `math.fsum`: the exactly rounded sum (Shewchuk's partials), with its errors. */
function fsum(values: readonly Value[]): Value {
  const partials: number[] = [];
  let special = 0;
  let infinities = 0;
  for (const item of values) {
    let x = real("fsum", item);
    const saved = x;
    let i = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j];
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    if (x !== 0) {
      if (!Number.isFinite(x)) {
        if (Number.isFinite(saved)) {
          throw new ExprRuntimeError("Intermediate overflow in math.fsum()", "OverflowError");
        }
        if (!Number.isNaN(saved)) infinities += saved;
        special += saved;
        partials.length = 0;
      } else {
        partials.push(x);
      }
    }
  }
  if (special !== 0) {
    if (Number.isNaN(infinities)) {
      throw new ExprRuntimeError("-inf + inf in math.fsum()", "ValueError");
    }
    return floatValue(special);
  }
  let hi = 0;
  let lo = 0;
  let n = partials.length;
  if (n > 0) {
    hi = partials[--n];
    while (n > 0) {
      const x = hi;
      const y = partials[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Half-even rounding across partials, as CPython does it.
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
  }
  return floatValue(hi);
}

/** The exponent `e` of `x = m × 2^e`, 0.5 <= m < 1 (C's `frexp`), for a finite positive `x`. */
function frexpExponent(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const biased = (view.getUint16(0) >> 4) & 0x7ff;
  if (biased !== 0) return biased - 1022;
  const mantissa = view.getBigUint64(0) & 0xfffffffffffffn;
  return mantissa.toString(2).length - 1074;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/** CPython 3.11's `vector_norm`: the length of a vector, correctly rounded in nearly all cases. */
function vectorNorm(vec: number[], max: number, foundNaN: boolean): number {
  const T27 = 134217729.0;
  if (!Number.isFinite(max) && !Number.isNaN(max)) return max;
  if (foundNaN) return NaN;
  if (max === 0 || vec.length <= 1) return max;
  const maxE = frexpExponent(max);
  if (maxE < -1023) {
    return MIN_NORMAL * vectorNorm(vec.map((x) => x / MIN_NORMAL), max / MIN_NORMAL, foundNaN);
  }
  const scale = 2 ** -maxE;
  let csum = 1, frac1 = 0, frac2 = 0, frac3 = 0;
  let x: number, t: number, hi: number, lo: number, old: number;
  for (const value of vec) {
    x = value * scale;
    t = x * T27;
    hi = t - (t - x);
    lo = x - hi;
    x = hi * hi;
    old = csum;
    csum += x;
    frac1 += (old - csum) + x;
    x = 2.0 * hi * lo;
    old = csum;
    csum += x;
    frac2 += (old - csum) + x;
    frac3 += lo * lo;
  }
  const h = Math.sqrt(csum - 1.0 + (frac1 + frac2 + frac3));
  x = h;
  t = x * T27;
  hi = t - (t - x);
  lo = x - hi;
  x = -hi * hi;
  old = csum;
  csum += x;
  frac1 += (old - csum) + x;
  x = -2.0 * hi * lo;
  old = csum;
  csum += x;
  frac2 += (old - csum) + x;
  x = -lo * lo;
  old = csum;
  csum += x;
  frac3 += (old - csum) + x;
  x = csum - 1.0 + (frac1 + frac2 + frac3);
  return (h + x / (2.0 * h)) / scale;
}

/** `math.<name>(...)`. */
export const MATH_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  ...Object.fromEntries(Object.entries(FLOAT_FUNCTIONS).map(([name, make]) => [name, make(name)])),
  log: {
    summary: "The natural logarithm, or the logarithm in `base`.",
    params: ["x", ["base", null]],
    pure: true,
    returns: "float",
    impl(_: CellContext, x: Value, base: Value) {
      const ln = logarithm("log", x, libm.log);
      if (base === null) return floatValue(ln);
      const denominator = logarithm("log", base, libm.log);
      if (denominator === 0) {
        throw new ExprRuntimeError(
          "math.log() base 1: float division by zero",
          "ZeroDivisionError",
        );
      }
      return floatValue(ln / denominator);
    },
  },
  log10: {
    summary: "The base-10 logarithm.",
    params: ["x"],
    pure: true,
    returns: "float",
    impl: (_: CellContext, x: Value) => floatValue(logarithm("log10", x, libm.log10)),
  },
  log2: {
    summary: "The base-2 logarithm.",
    params: ["x"],
    pure: true,
    returns: "float",
    impl: (_: CellContext, x: Value) => floatValue(logarithm("log2", x, libm.log2)),
  },
  pow: {
    summary: "`x ** y` as a float.",
    params: ["x", "y"],
    pure: true,
    returns: "float",
    impl: (_: CellContext, x: Value, y: Value) => mathPow(real("pow", x), real("pow", y)),
  },
  atan2: {
    summary: "The angle of the point (`x`, `y`), in radians.",
    params: ["y", "x"],
    pure: true,
    returns: "float",
    impl: (_: CellContext, y: Value, x: Value) =>
      floatValue(libm.atan2(real("atan2", y), real("atan2", x))),
  },
  hypot: {
    summary: "The length of the vector of the arguments.",
    params: ["coordinates"],
    variadic: true,
    pure: true,
    returns: "float",
    impl(_: CellContext, values: Value) {
      const vec = (values as Value[]).map((v) => Math.abs(real("hypot", v)));
      let max = 0;
      let foundNaN = false;
      for (const x of vec) {
        foundNaN ||= Number.isNaN(x);
        if (x > max) max = x;
      }
      return floatValue(vectorNorm(vec, max, foundNaN));
    },
  },
  copysign: {
    summary: "`x` with the sign of `y`.",
    params: ["x", "y"],
    pure: true,
    returns: "float",
    impl: (_: CellContext, x: Value, y: Value) => {
      const to = real("copysign", y);
      const negative = Object.is(to, -0) || to < 0 || (Number.isNaN(to) && signBit(to));
      const magnitude = Math.abs(real("copysign", x));
      return floatValue(negative ? -magnitude : magnitude);
    },
  },
  fmod: {
    summary: "The remainder of `x / y` with the sign of `x` (C's fmod).",
    params: ["x", "y"],
    pure: true,
    returns: "float",
    impl(_: CellContext, x: Value, y: Value) {
      const [a, b] = [real("fmod", x), real("fmod", y)];
      if (!Number.isFinite(b) && !Number.isNaN(b) && Number.isFinite(a)) return floatValue(a);
      return checked("fmod", a % b, [a, b]);
    },
  },
  isclose: {
    summary: "Whether `a` and `b` are close: `rel_tol=1e-09`, `abs_tol=0.0`.",
    params: ["a", "b", ["rel_tol", 1e-9], ["abs_tol", 0]],
    pure: true,
    returns: "bool",
    impl(_: CellContext, a: Value, b: Value, rel: Value, abs: Value) {
      const [x, y] = [real("isclose", a), real("isclose", b)];
      const [relTol, absTol] = [real("isclose", rel), real("isclose", abs)];
      if (relTol < 0 || absTol < 0) {
        throw new ExprRuntimeError("math.isclose() tolerances must be non-negative", "ValueError");
      }
      if (x === y) return true;
      if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
      const diff = Math.abs(y - x);
      return diff <= Math.abs(relTol * y) || diff <= Math.abs(relTol * x) || diff <= absTol;
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
    impl: (_: CellContext, iterable: Value) => fsum(iterate("math.fsum", iterable)),
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
    impl: (_: CellContext, iterable: Value, start: Value) =>
      // `*` from left to right, as CPython multiplies (ints exactly).
      iterate("math.prod", iterable).reduce((product: Value, v) => multiply(product, v), start),
  },
};

/** Whether a NaN carries a sign (`-nan`); JavaScript's NaNs mostly do not. */
function signBit(x: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getUint8(0) >= 0x80;
}

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
  nan: { value: new PyFloat(NaN), type: "float" },
};
