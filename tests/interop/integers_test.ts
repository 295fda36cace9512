/**
 * Python's ints, against CPython itself: a corpus of integer expressions, and a few hundred
 * more drawn (seeded) from a small grammar of ints of every size and the operations on them,
 * each evaluated by the peer's Python and by our evaluator. Ints must be equal digit for digit,
 * floats equal as floats, and where Python raises we must fail too.
 */
import { assertEquals } from "../_assert.ts";
import { run } from "../_expr_context.ts";
import { interopTest } from "./_peer.ts";
import { floatRepr } from "../../lib/expr/float_repr.ts";
import { PyFloat } from "../../lib/expr/values.ts";

/** Written by hand: the cases that broke before ints were exact, and their neighbours. */
const CORPUS = [
  "2**62 + 1",
  "2**64 - 1",
  "-(2**63)",
  "9007199254740991 + 2",
  "3 * 3002399751580331",
  "9999999999999999 * 9999999999999999",
  "(2**70) // 3",
  "-(2**70) // 3",
  "(2**70) % -7",
  "-7 % 2**70",
  "2**70 / 3",
  "10**400 / 10**399",
  "1 / 10**400",
  "float(2**53 + 1)",
  "2**64 * 1.5",
  "2**64 // 1.5",
  "(2**70) ** -1",
  "int(1e20)",
  "int('-0x' + 'f' * 20, 16)",
  "int('zz' * 20, 36)",
  "round(2**64 + 25, -1)",
  "round(9007199254740991, -16)",
  "round(2.5e20)",
  "math.factorial(100)",
  "math.factorial(1000) % 1000007",
  "math.comb(100, 50)",
  "math.perm(30, 20)",
  "math.gcd(2**80, 6**40)",
  "math.lcm(2**40, 3**30)",
  "math.isqrt(10**40 + 12345)",
  "math.floor(1e20)",
  "math.log(10**400)",
  "math.prod([2**40, 2**40, 3])",
  "f'{2**64:,}'",
  "f'{-2**64:#x}'",
  "f'{2**64:.3e}'",
  "'%d' % 1e22",
  "'%025d' % -2**64",
  "format(2**64, '=+40,')",
  "sorted([2**64, 1, -2**70])",
  "2**53 + 1 > 2.0**53",
  "2**64 == 2.0**64",
  "float(10**400)",
  "10**400 * 1.5",
  "10**400 / 3",
];

/** mulberry32: a tiny seeded generator, so every run draws the same expressions. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random expressions of ints of every size: small, around 2^53 and 2^63, and far beyond. */
function grammar(count: number, seed: number): string[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const digits = (n: number) =>
    String(1 + Math.floor(random() * 9)) +
    Array.from({ length: n - 1 }, () => Math.floor(random() * 10)).join("");
  const int = (): string => {
    const sign = random() < 0.3 ? "-" : "";
    return pick([
      () => String(Math.floor(random() * 1000)),
      () => `${sign}${digits(15 + Math.floor(random() * 3))}`,
      () => `${sign}(2**${50 + Math.floor(random() * 16)} + ${Math.floor(random() * 9)})`,
      () => `${sign}${digits(19 + Math.floor(random() * 30))}`,
      () => `${sign}(10**${20 + Math.floor(random() * 60)} - ${Math.floor(random() * 99)})`,
    ])();
  };
  const nonZero = () => `(${int()} or 7)`;
  const expression = (): string =>
    pick([
      () => `${int()} + ${int()}`,
      () => `${int()} - ${int()}`,
      () => `${int()} * ${int()}`,
      () => `${int()} // ${nonZero()}`,
      () => `${int()} % ${nonZero()}`,
      () => `${int()} / ${nonZero()}`,
      () => `(${int()}) ** ${Math.floor(random() * 5)}`,
      () => `abs(${int()}) ** -1`,
      () => `${int()} * ${(random() * 100).toFixed(2)}`,
      () => `${int()} < ${int()}`,
      () => `${int()} == float(${int()})`,
      () => `max(${int()}, ${int()}, ${int()})`,
      () => `sum([${int()}, ${int()}, ${int()}])`,
      () => `round(${int()}, -${1 + Math.floor(random() * 20)})`,
      () => `int(str(${int()}))`,
      () => `float(${int()})`,
      () => `math.gcd(${int()}, ${int()})`,
      () => `math.isqrt(abs(${int()}))`,
      () => `math.comb(${Math.floor(random() * 300)}, ${Math.floor(random() * 150)})`,
      () => `f"{${int()}:,}"`,
      () => `'%x' % abs(${int()})`,
      () => `random.randint(${int()}, ${int()}) * 0`,
    ])();
  return Array.from({ length: count }, expression);
}

/** A value's comparable form: ints exact, floats by repr, errors by "E". */
type Tagged = [kind: "i" | "f" | "s" | "b" | "E" | "v", text: string];

const PYTHON = `
import math, random
def tag(source):
    try:
        v = eval(source, {"math": math, "random": random})
    except Exception as error:
        return ["E", type(error).__name__ + ": " + str(error)[:100]]
    if isinstance(v, bool): return ["b", str(v)]
    if isinstance(v, int):
        try: return ["i", str(v)]
        except ValueError as error: return ["E", "ValueError: " + str(error)[:100]]
    if isinstance(v, float): return ["f", repr(v)]
    if isinstance(v, str): return ["s", v]
    return ["v", str(v)]
result = [tag(source) for source in args["sources"]]
`;

function ours(source: string): Tagged {
  let value;
  try {
    value = run(source);
  } catch (error) {
    return ["E", (error as Error).message];
  }
  if (typeof value === "boolean") return ["b", value ? "True" : "False"];
  if (typeof value === "bigint") return ["i", String(value)];
  if (value instanceof PyFloat) return ["f", floatRepr(value.value)];
  if (typeof value === "number") {
    return Number.isInteger(value) ? ["i", String(value)] : ["f", floatRepr(value)];
  }
  if (typeof value === "string") return ["s", value];
  return ["v", JSON.stringify(value, (_, v) => typeof v === "bigint" ? String(v) : v)];
}

/** Whether our value is CPython's: of the same kind, with the same text (a float's repr). */
function same(python: Tagged, us: Tagged): boolean {
  if (python[0] === "E" || us[0] === "E") return python[0] === us[0];
  if (python[0] === "v") return true; // lists: their ints are compared through other cases
  return python[0] === us[0] && python[1] === us[1];
}

interopTest("ints compute what CPython computes, digit for digit", async (peer) => {
  const sources = [...CORPUS, ...grammar(600, 20261204)];
  const python = await peer.py<Tagged[]>(PYTHON, { sources });
  const differences = sources
    .map((source, i) => ({ source, python: python[i], us: ours(source) }))
    .filter(({ python, us }) => !same(python, us))
    .map(({ source, python, us }) => `${source}\n  CPython: ${python}\n  ours:    ${us}`);
  assertEquals(differences, [], `${differences.length} of ${sources.length} differ`);
});
