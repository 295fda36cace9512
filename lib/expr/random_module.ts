/**
 * Python's `random` module over the cell's own random stream. Every draw comes from
 * `ctx.random` (never `Math.random`), so a cell's value depends only on its seed.
 *
 * @module
 */
import { hintType, type Node } from "./compiled_node.ts";
import type { FunctionSpec, Report } from "./function_spec.ts";
import { exactInt, floatToInt, type Int, shortText } from "./integers.ts";
import { checkIntBits, checkLength } from "./limits.ts";
import { typeName } from "./operators.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { RandomSource } from "./host.ts";
import type { CellContext, TypeEnvironment } from "./host.ts";
import { floatValue, PyDictView, PyFloat, type StaticType, type Value } from "./values.ts";

/** A whole number argument (an int of any size), or a clear error naming the function. */
function needInt(fn: string, value: Value): Int {
  if (typeof value === "bigint") return value;
  const n = typeof value === "boolean"
    ? Number(value)
    : value instanceof PyFloat
    ? value.value
    : value;
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new ExprRuntimeError(`random.${fn}() needs whole numbers, got ${describe(value)}`);
  }
  return floatToInt(n);
}

/** A count argument (`k`) as a number; a `bigint` is beyond every count's bound. */
function needCount(fn: string, value: Value): number {
  return Number(needInt(fn, value));
}

/** `random.randint(a, b)` of any ints: exact, or a clear error. */
function randint(random: RandomSource, a: Value, b: Value): Int {
  const lo = needInt("randint", a), hi = needInt("randint", b);
  if (lo > hi) {
    throw new ExprRuntimeError(
      `random.randint(${shortText(lo)}, ${shortText(hi)}) has an empty range`,
    );
  }
  return uniformInt(random, lo, hi);
}

/** `random.randrange(lo, hi, step)` of any ints: exact, or a clear error. */
function randrange(random: RandomSource, start: Value, stop: Value, step: Value): Int {
  const [lo, hi, by] = [
    needInt("randrange", start),
    needInt("randrange", stop),
    needInt("randrange", step),
  ];
  if (by === 0) throw new ExprRuntimeError("random.randrange() step must not be zero");
  if (
    typeof lo === "number" && typeof hi === "number" && typeof by === "number" &&
    Math.abs(hi - lo) <= Number.MAX_SAFE_INTEGER // so the count below is exact
  ) {
    const count = Math.ceil((hi - lo) / by);
    if (count <= 0) throw emptyRange(lo, hi, by);
    return lo + by * random.int(0, count - 1);
  }
  // Python's count, exactly: ceil((hi - lo) / by) for either sign of `by`.
  const [first, width, stride] = [BigInt(lo), BigInt(hi) - BigInt(lo), BigInt(by)];
  const count = (width + stride + (stride > 0n ? -1n : 1n)) / stride;
  if (count <= 0n) throw emptyRange(lo, hi, by);
  return exactInt(first + stride * random.below(count), "random.randrange()");
}

/** Widths up to 2^53 keep the draws of the number path, so existing rows stay as they were. */
const MAX_NUMBER_SPAN = 2 ** 53;

/**
 * A uniform int in [lo, hi]: the number path while the range holds at most 2^53 ints (its
 * draws are what they always were), else exact over ranges of any size (Python's
 * `_randbelow`: whole words of bits, rejected past the range, never a float's rounding).
 */
function uniformInt(random: RandomSource, lo: Int, hi: Int): Int {
  if (typeof lo === "number" && typeof hi === "number" && hi - lo < MAX_NUMBER_SPAN) {
    return random.int(lo, hi);
  }
  const first = BigInt(lo);
  return exactInt(first + random.below(BigInt(hi) - first + 1n), "random.randint()");
}

/** An int or float constant's number (not a bool's: `draw` keeps to plain numbers). */
function constantNumber(value: Value | undefined): number | undefined {
  if (typeof value === "number") return value;
  if (value instanceof PyFloat) return value.value;
  return undefined;
}

/** A numeric argument, or a clear error naming the function. */
function needNumber(fn: string, value: Value): number {
  if (typeof value === "number") return value;
  if (value instanceof PyFloat) return value.value;
  if (typeof value === "boolean") return Number(value);
  throw new ExprRuntimeError(`random.${fn}() needs numbers, got ${describe(value)}`);
}

/** A list (or a string, as a list of characters) to draw from. */
function needSequence(fn: string, value: Value): readonly Value[] {
  if (Array.isArray(value) && !(value instanceof PyDictView)) return value;
  if (typeof value === "string") return [...value];
  throw new ExprRuntimeError(`random.${fn}() needs a list, got ${typeName(value)}`);
}

function describe(value: Value): string {
  if (typeof value === "bigint") return shortText(value);
  return typeof value === "number" ? String(value) : typeName(value);
}

/** A standard normal draw by the Box–Muller transform (one of the pair; no caching, so cells stay independent). */
function standardNormal(random: RandomSource): number {
  const u1 = 1 - random.next(); // (0, 1]: log(0) is never taken
  const u2 = random.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Index of the first cumulative weight greater than `x` (Python's `bisect`). */
function bisect(cumulative: readonly number[], x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < cumulative[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulativeWeights(weights: Value, cumWeights: Value, n: number): number[] | undefined {
  if (weights === null && cumWeights === null) return undefined;
  if (weights !== null && cumWeights !== null) {
    throw new ExprRuntimeError("random.choices() takes weights or cum_weights, not both");
  }
  const given = needSequence("choices", weights ?? cumWeights);
  if (given.length !== n) {
    throw new ExprRuntimeError(
      `random.choices() needs one weight per item: ${n} items, ${given.length} weights`,
    );
  }
  const numbers = given.map((w) => needNumber("choices", w));
  if (cumWeights !== null) return numbers;
  let total = 0;
  return numbers.map((w) => (total += w));
}

/** The static type of the items of a list argument (strings give strings). */
function itemTypeOf(node: Node, env: TypeEnvironment): StaticType {
  const type = node.type(env);
  if (type === "str") return "str";
  return node.itemType?.(env) ?? "any";
}

function checkIntegers(fn: string, args: readonly Node[], report: Report): void {
  for (const arg of args) {
    if (hintType(arg) === "float" || hintType(arg) === "str") {
      report(
        `\`random.${fn}()\` needs whole numbers`,
        arg.span,
        "Use `random.uniform(a, b)` for decimals.",
      );
    }
  }
}

function checkNotEmpty(fn: string, args: readonly Node[], report: Report): void {
  const seq = args[0].constant?.value;
  if ((Array.isArray(seq) || typeof seq === "string") && seq.length === 0) {
    report(
      `\`random.${fn}()\` cannot pick from an empty list`,
      args[0].span,
      "Give it at least one item.",
    );
  }
}

function emptyRange(lo: Int, hi: Int, by: Int): ExprRuntimeError {
  return new ExprRuntimeError(
    `random.randrange(${shortText(lo)}, ${shortText(hi)}, ${shortText(by)}) has an empty range`,
  );
}

/** Python's `random` functions, keyed by name (`random.<name>(...)`). */
export const RANDOM_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  random: {
    summary: "A float in [0, 1).",
    params: [],
    returns: "float",
    impl: (ctx) => floatValue(ctx.random.next()),
    draw: () => ({ kind: "uniform", lo: 0, hi: 1 }),
  },
  randint: {
    summary: "An int between `a` and `b`, both included.",
    params: ["a", "b"],
    returns: "int",
    check(args, report) {
      checkIntegers("randint", args, report);
      const [a, b] = args.map((arg) => arg.constant?.value);
      const isInt = (v: Value | undefined) => typeof v === "number" || typeof v === "bigint";
      if (isInt(a) && isInt(b) && a! > b!) {
        report(
          `\`random.randint(${a}, ${b})\` has an empty range`,
          args[1].span,
          "The first bound must not exceed the second.",
        );
      }
    },
    impl(ctx: CellContext, a: Value, b: Value) {
      // The common case, two small ints, as directly as before ints were exact.
      if (
        typeof a === "number" && typeof b === "number" && Number.isInteger(a) &&
        Number.isInteger(b) && a <= b && b - a < MAX_NUMBER_SPAN
      ) {
        return ctx.random.int(a, b);
      }
      return randint(ctx.random, a, b);
    },
    draw(args) {
      // The common case of `impl`, with both bounds known.
      const [a, b] = args.map((arg) => arg.constant?.value);
      if (
        typeof a === "number" && typeof b === "number" && Number.isInteger(a) &&
        Number.isInteger(b) && a <= b && b - a < MAX_NUMBER_SPAN
      ) {
        return { kind: "int", min: a, max: b };
      }
      return undefined;
    },
  },
  randrange: {
    summary: "An int from `range(start, stop, step)`; `randrange(n)` is 0 to n-1.",
    params: ["start", ["stop", null], ["step", 1]],
    returns: "int",
    check: (args, report) => checkIntegers("randrange", args, report),
    impl(ctx: CellContext, start: Value, stop: Value, step: Value) {
      // The common case, small ints, as directly as before ints were exact.
      const [lo, hi] = stop === null ? [0, start] : [start, stop];
      if (
        typeof lo === "number" && typeof hi === "number" && typeof step === "number" &&
        Number.isInteger(lo) && Number.isInteger(hi) && Number.isInteger(step) && step !== 0 &&
        Math.abs(hi - lo) <= Number.MAX_SAFE_INTEGER // so the count below is exact
      ) {
        const count = Math.ceil((hi - lo) / step);
        if (count > 0) return lo + step * ctx.random.int(0, count - 1);
      }
      return randrange(ctx.random, lo, hi, step);
    },
  },
  uniform: {
    summary: "A float between `a` and `b`.",
    params: ["a", "b"],
    returns: "float",
    impl(ctx: CellContext, a: Value, b: Value) {
      const lo = needNumber("uniform", a), hi = needNumber("uniform", b);
      return floatValue(lo + (hi - lo) * ctx.random.next());
    },
    draw(args) {
      const [lo, hi] = args.map((arg) => constantNumber(arg.constant?.value));
      return lo === undefined || hi === undefined ? undefined : { kind: "uniform", lo, hi };
    },
  },
  choice: {
    summary: "One item of a list, each equally likely.",
    params: ["seq"],
    returns: (args, env) => itemTypeOf(args[0], env),
    check: (args, report) => checkNotEmpty("choice", args, report),
    impl(ctx: CellContext, seq: Value) {
      const items = needSequence("choice", seq);
      if (items.length === 0) {
        throw new ExprRuntimeError("random.choice() cannot pick from an empty list");
      }
      return items[ctx.random.int(0, items.length - 1)];
    },
    draw([seq]) {
      const items = seq.constant?.value;
      if (typeof items === "string" && items.length > 0) {
        return { kind: "choice", items: [...items] };
      }
      return Array.isArray(items) && !(items instanceof PyDictView) && items.length > 0
        ? { kind: "choice", items }
        : undefined;
    },
  },
  choices: {
    summary: "A list of `k` items picked with replacement, optionally weighted.",
    params: ["population", ["weights", null], ["cum_weights", null], ["k", 1]],
    returns: "list",
    check: (args, report) => checkNotEmpty("choices", args, report),
    impl(ctx: CellContext, population: Value, weights: Value, cumWeights: Value, k: Value) {
      const items = needSequence("choices", population);
      const count = needCount("choices", k);
      checkLength(count, "list", "random.choices(k=...)");
      if (items.length === 0) {
        throw new ExprRuntimeError("random.choices() cannot pick from an empty list");
      }
      const cumulative = cumulativeWeights(weights, cumWeights, items.length);
      const out: Value[] = [];
      if (cumulative === undefined) {
        for (let i = 0; i < count; i++) {
          out.push(items[Math.floor(ctx.random.next() * items.length)]);
        }
        return out;
      }
      const total = cumulative[cumulative.length - 1];
      if (!(total > 0)) {
        throw new ExprRuntimeError("random.choices() needs weights that add up to more than zero");
      }
      for (let i = 0; i < count; i++) {
        out.push(items[bisect(cumulative, ctx.random.next() * total)]);
      }
      return out;
    },
  },
  sample: {
    summary: "A list of `k` distinct items of a list, in random order.",
    params: ["population", "k"],
    returns: "list",
    impl(ctx: CellContext, population: Value, k: Value) {
      const items = [...needSequence("sample", population)];
      const count = needCount("sample", k);
      if (count < 0 || count > items.length) {
        throw new ExprRuntimeError(
          `random.sample() cannot take ${count} items from a list of ${items.length}`,
        );
      }
      for (let i = 0; i < count; i++) {
        const j = ctx.random.int(i, items.length - 1);
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items.slice(0, count);
    },
  },
  gauss: {
    summary: "A normally distributed float with mean `mu` and standard deviation `sigma`.",
    params: [["mu", 0], ["sigma", 1]],
    returns: "float",
    impl: (ctx: CellContext, mu: Value, sigma: Value) =>
      floatValue(needNumber("gauss", mu) + needNumber("gauss", sigma) * standardNormal(ctx.random)),
  },
  normalvariate: {
    summary: "The same as `random.gauss(mu, sigma)`.",
    params: [["mu", 0], ["sigma", 1]],
    returns: "float",
    impl: (ctx: CellContext, mu: Value, sigma: Value) =>
      floatValue(
        needNumber("normalvariate", mu) +
          needNumber("normalvariate", sigma) * standardNormal(ctx.random),
      ),
  },
  lognormvariate: {
    summary: "A float whose logarithm is normal with mean `mu` and standard deviation `sigma`.",
    params: ["mu", "sigma"],
    returns: "float",
    impl: (ctx: CellContext, mu: Value, sigma: Value) =>
      floatValue(Math.exp(
        needNumber("lognormvariate", mu) +
          needNumber("lognormvariate", sigma) * standardNormal(ctx.random),
      )),
  },
  expovariate: {
    summary: "An exponentially distributed float with rate `lambd` (mean 1/lambd).",
    params: [["lambd", 1]],
    returns: "float",
    impl(ctx: CellContext, lambd: Value) {
      const rate = needNumber("expovariate", lambd);
      if (rate === 0) throw new ExprRuntimeError("random.expovariate() needs a non-zero rate");
      return floatValue(-Math.log(1 - ctx.random.next()) / rate);
    },
  },
  triangular: {
    summary: "A float between `low` and `high`, most likely near `mode` (default: the middle).",
    params: [["low", 0], ["high", 1], ["mode", null]],
    returns: "float",
    impl(ctx: CellContext, low: Value, high: Value, mode: Value) {
      let lo = needNumber("triangular", low), hi = needNumber("triangular", high);
      if (hi === lo) return low; // Python returns `low` itself
      let u = ctx.random.next();
      let c = mode === null ? 0.5 : (needNumber("triangular", mode) - lo) / (hi - lo);
      if (u > c) {
        u = 1 - u;
        c = 1 - c;
        [lo, hi] = [hi, lo];
      }
      return floatValue(lo + (hi - lo) * Math.sqrt(u * c));
    },
  },
  paretovariate: {
    summary: "A Pareto-distributed float with shape `alpha`.",
    params: ["alpha"],
    returns: "float",
    impl: (ctx: CellContext, alpha: Value) =>
      floatValue(1 / (1 - ctx.random.next()) ** (1 / needNumber("paretovariate", alpha))),
  },
  weibullvariate: {
    summary: "A Weibull-distributed float with scale `alpha` and shape `beta`.",
    params: ["alpha", "beta"],
    returns: "float",
    impl: (ctx: CellContext, alpha: Value, beta: Value) =>
      floatValue(
        needNumber("weibullvariate", alpha) *
          (-Math.log(1 - ctx.random.next())) ** (1 / needNumber("weibullvariate", beta)),
      ),
  },
  getrandbits: {
    summary: "An int of `k` random bits, exact at any size.",
    params: ["k"],
    returns: "int",
    impl(ctx: CellContext, k: Value) {
      const bits = needCount("getrandbits", k);
      if (bits < 0) throw new ExprRuntimeError("random.getrandbits() needs a number of bits >= 0");
      if (bits === 0) return 0;
      if (bits <= 32) return ctx.random.nextUint32() >>> (32 - bits);
      if (bits <= 53) {
        const high = ctx.random.nextUint32() >>> (64 - bits);
        return high * 4294967296 + ctx.random.nextUint32();
      }
      // Its largest value, 2^k - 1, must be within the bound on ints.
      checkIntBits(bits + 1, "random.getrandbits()");
      return exactInt(ctx.random.bits(bits), "random.getrandbits()");
    },
  },
};

/** Why some `random` functions are missing, with what to use instead. */
export const RANDOM_ALTERNATIVES: Readonly<Record<string, string>> = {
  shuffle:
    "`random.shuffle` changes a list in place; use `random.sample(items, len(items))` for a shuffled copy.",
  seed: "The seed is set once for the run, in the config (`config.seed`).",
};
