/**
 * Random expressions from a small grammar of what the expression language supports, for the
 * differential test against CPython: numbers of every kind (ints small and past 2^53, whole
 * and fractional floats, -0.0, inf, nan), strings with non-ASCII text, lists, tuples, dicts,
 * dates and durations, combined by the operators, builtins, methods, slices and format specs
 * of docs/expressions.md. Seeded, so a run draws the same expressions every time.
 *
 * Expressions are drawn by the type they should have, so most of them compute a value; some
 * mix types on purpose, where both sides must raise.
 *
 * @module
 */
import type { Case } from "./_python_values.ts";

/** mulberry32: a tiny seeded generator. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind =
  | "int"
  | "float"
  | "num"
  | "str"
  | "bool"
  | "list"
  | "tuple"
  | "dict"
  | "date"
  | "datetime"
  | "timedelta"
  | "any";

/** A generator of expressions, drawing from one seeded stream. */
class Grammar {
  readonly #random: () => number;
  constructor(seed: number) {
    this.#random = seeded(seed);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#random() < p;
  }

  /** An int from `lo` to `hi`, both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.#random() * (hi - lo + 1));
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)];
  }

  /** An expression of `kind`, at most `depth` levels deep. */
  expr(kind: Kind, depth: number): string {
    if (depth <= 0 || this.chance(0.3)) return this.#atom(kind);
    const forms = FORMS[kind];
    return this.pick(forms)(this, depth - 1);
  }

  #atom(kind: Kind): string {
    switch (kind) {
      case "int":
        return this.pick([
          () => String(this.int(-12, 12)),
          () => String(this.int(-100000, 100000)),
          () => this.pick(["i", "n", "z", "k", "big", "row_id", "True", "False"]),
          () => this.pick(["2**53 + 1", "-(2**63)", "10**20", "9007199254740993", "0"]),
        ])();
      case "float":
        return this.pick([
          () => this.pick(["0.1", "2.5", "-0.0", "0.0", "3.0", "-7.0", "1e16", "1e-05", "0.125"]),
          () => this.pick(["1.5e300", "1e-320", "123456.789", "2.675", "-1.5", "0.5", "1e22"]),
          () => this.pick(["x", "w", "price", "nz", "tiny", "huge", "inf", "nan"]),
          () => `${this.int(-999, 999)}.${this.int(0, 99)}`,
          () => `${this.int(1, 9)}e${this.int(-25, 25)}`,
        ])();
      case "num":
        return this.#atom(this.chance(0.5) ? "int" : "float");
      case "str":
        return this.pick([
          () =>
            this.pick([
              "'abc'",
              "''",
              "'Hello World'",
              "'héllo'",
              `"it's"`,
              `'say "hi"'`,
              "'a\\nb'",
              "'  pad  '",
              "'ß'",
              "'ǆemal'",
              "'²3'",
              "'42'",
              "'-17'",
              "'3.5'",
              "'x,y,,z'",
              "'日本語'",
              "'\\t tab'",
              "'MiXeD cAsE'",
              "'o\\'neil'",
              "'\\x00'",
              "'😀 ok'",
            ]),
          () => this.pick(["s", "e", "q", "tier"]),
        ])();
      case "bool":
        return this.pick(["True", "False", "b"]);
      case "list":
        return this.pick([
          "[]",
          "[1, 2, 3]",
          "[3, 1.5, -2]",
          "['b', 'a', 'c']",
          "lst",
          "[[1], [2, 3]]",
        ]);
      case "tuple":
        return this.pick(["()", "(1,)", "(1, 2)", "('a', 2.0)", "tup"]);
      case "dict":
        return this.pick(["{}", "{'a': 1, 'b': 2.0}", "dct", "{1: 'x', 2.0: 'y', True: 'z'}"]);
      case "date":
        return this.pick([
          "d",
          "date(2024, 1, 31)",
          "date(2023, 12, 31)",
          "date(1, 1, 1)",
          "date(9999, 12, 31)",
        ]);
      case "datetime":
        return this.pick([
          "dt",
          "adt",
          "datetime(2024, 2, 29, 23, 59, 59)",
          "datetime(2000, 1, 1)",
          "datetime(2024, 3, 5, 14, 7, 9, 500)",
        ]);
      case "timedelta":
        return this.pick([
          "td",
          "timedelta(seconds=-1)",
          "timedelta(days=2, microseconds=7)",
          "timedelta(hours=1.5)",
          "timedelta(0)",
        ]);
      case "any":
        return this.#atom(this.pick(ANY_KINDS));
    }
  }

  /** A format spec: `[[fill]align][sign][z][#][0][width][,|_][.precision][type]`. */
  spec(kind: "num" | "str"): string {
    let spec = "";
    if (this.chance(0.3)) {
      spec += (this.chance(0.5) ? this.pick(["*", "0", "-", " ", "é"]) : "") +
        this.pick(["<", ">", "^", "="]);
    }
    if (kind === "num" && this.chance(0.3)) spec += this.pick(["+", "-", " "]);
    if (kind === "num" && this.chance(0.1)) spec += "z";
    if (kind === "num" && this.chance(0.15)) spec += "#";
    if (this.chance(0.2)) spec += "0";
    if (this.chance(0.5)) spec += String(this.int(1, 14));
    if (kind === "num" && this.chance(0.25)) spec += this.pick([",", "_"]);
    if (this.chance(0.4)) spec += "." + this.int(0, 8);
    if (this.chance(0.7)) {
      spec += kind === "num"
        // Not `c`: a random code point may be a character Unicode assigned after CPython
        // 3.11's Unicode 14, which its repr() escapes (the corpus has `c` of fixed ones).
        ? this.pick(["d", "f", "e", "g", "%", "x", "X", "o", "b", "n", "E", "G", "F", ""])
        : this.pick(["s", ""]);
    }
    return spec;
  }
}

const ANY_KINDS: readonly Kind[] = ["int", "float", "str", "bool", "list", "tuple", "dict"];

type Form = (g: Grammar, depth: number) => string;

const e = (g: Grammar, kind: Kind, depth: number) => g.expr(kind, depth);

/** An f-string field's expression: CPython 3.11 allows no backslash there, nor the quote. */
function noBackslash(expr: string): string {
  return expr.includes("\\") || expr.includes('"') ? "s" : expr;
}
const paren = (text: string) => `(${text})`;

/** Exponents that keep any power quick to compute, on both sides. */
const SMALL_EXPONENTS = [
  "2",
  "-1",
  "0.5",
  "3",
  "-2.5",
  "x",
  "nz",
  "0.0",
  "inf",
  "nan",
  "1e16",
  "-0.5",
];

/** Float bases: a float power of any exponent is quick (a float exponent, or an overflow). */
const FLOAT_BASES = ["2.0", "-2.5", "0.0", "1.0", "-1.0", "10.0", "0.5", "inf", "nan", "nz"];

/**
 * Without `**`: between values of any kind, an int raised to a large int would take CPython
 * minutes (we refuse it at once); powers are drawn with small exponents instead.
 */
const ARITHMETIC_NO_POWER = ["+", "-", "*", "/", "//", "%"];

/**
 * Between values of any kind: neither `**` nor `*`, as a string or list times a large int
 * would make CPython allocate gigabytes (we refuse it at once); repetition is drawn with
 * small counts instead.
 */
const MIXED_OPERATORS = ["+", "-", "/", "//", "%"];

/** The forms of each kind's expressions, beyond its atoms. */
const FORMS: Record<Kind, readonly Form[]> = {
  int: [
    (g, d) =>
      `${paren(e(g, "int", d))} ${g.pick(["+", "-", "*", "//", "%"])} ${paren(e(g, "int", d))}`,
    (g, d) => `${paren(e(g, "int", d))} ** ${g.int(0, 5)}`,
    (g, d) => `len(${e(g, g.pick(["str", "list", "tuple", "dict"]), d)})`,
    (g, d) => `int(${e(g, "float", d)})`,
    (g, d) => `round(${e(g, "float", d)})`,
    (g, d) => `round(${e(g, "int", d)}, ${g.int(-3, 2)})`,
    (g, d) => `abs(${e(g, "int", d)})`,
    (g, d) => `-${paren(e(g, "int", d))}`,
    (g, d) => `max(${e(g, "int", d)}, ${e(g, "int", d)})`,
    (g, d) => `sum([${e(g, "int", d)}, ${e(g, "int", d)}])`,
    (g, d) => `${e(g, "str", d)}.find(${e(g, "str", d)})`,
    (g, d) => `${e(g, "str", d)}.count(${e(g, "str", d)})`,
    (g, d) => `math.floor(${e(g, "float", d)})`,
    (g, d) => `math.ceil(${e(g, "float", d)})`,
    (g, d) => `math.gcd(${e(g, "int", d)}, ${e(g, "int", d)})`,
    (g, d) => `int(${e(g, "str", d)})`,
    (g, d) => `${e(g, "date", d)}.${g.pick(["year", "month", "day"])}`,
    (g, d) => `${e(g, "datetime", d)}.${g.pick(["hour", "minute", "second", "microsecond"])}`,
    (g, d) => `${e(g, "timedelta", d)}.${g.pick(["days", "seconds", "microseconds"])}`,
    (g, d) => `ord(${e(g, "str", d)}[0])`,
    (g, d) => `${e(g, "list", d)}.count(${e(g, "any", d)})`,
    (g, d) => `${e(g, "dict", d)}.get(${e(g, "any", d)}, ${e(g, "int", d)})`,
  ],
  float: [
    (g, d) => `${paren(e(g, "num", d))} ${g.pick(ARITHMETIC_NO_POWER)} ${paren(e(g, "float", d))}`,
    (g, d) => `${paren(e(g, "float", d))} ${g.pick(ARITHMETIC_NO_POWER)} ${paren(e(g, "num", d))}`,
    (g, d) => `${paren(e(g, "num", d))} ** ${g.pick(SMALL_EXPONENTS)}`,
    (g, d) => `${g.pick(FLOAT_BASES)} ** ${paren(e(g, "num", d))}`,
    (g, d) => `${paren(e(g, "int", d))} / ${paren(e(g, "int", d))}`,
    (g, d) => `${paren(e(g, "int", d))} ** -${g.int(1, 4)}`,
    (g, d) => `float(${e(g, g.pick(["int", "str"]), d)})`,
    (g, d) => `round(${e(g, "float", d)}, ${g.int(-2, 6)})`,
    (g, d) => `abs(${e(g, "float", d)})`,
    (g, d) => `-${paren(e(g, "float", d))}`,
    (g, d) => `min(${e(g, "num", d)}, ${e(g, "num", d)})`,
    (g, d) => `sum([${e(g, "float", d)}, ${e(g, "num", d)}])`,
    (g, d) => `math.${g.pick(MATH_1)}(${e(g, "num", d)})`,
    (g, d) =>
      `math.${g.pick(["pow", "atan2", "copysign", "fmod", "hypot", "log"])}(${e(g, "num", d)}, ${
        e(g, "num", d)
      })`,
    (g, d) => `math.fsum([${e(g, "num", d)}, ${e(g, "num", d)}, ${e(g, "num", d)}])`,
    (g, d) => `pow(${e(g, "num", d)}, ${g.pick(["0.5", "-1", "2", "3", "-2.5", "x", "k"])})`,
    (g, d) => `${e(g, "timedelta", d)}.total_seconds()`,
    (g, d) => `${e(g, "timedelta", d)} / ${e(g, "timedelta", d)}`,
  ],
  num: [
    (g, d) => e(g, "int", d),
    (g, d) => e(g, "float", d),
    (g, d) => `max(${e(g, "num", d)}, ${e(g, "num", d)})`,
    (g, d) => `${e(g, "bool", d)} and ${e(g, "num", d)} or ${e(g, "num", d)}`,
    (g, d) => `${e(g, "num", d)} if ${e(g, "bool", d)} else ${e(g, "num", d)}`,
  ],
  str: [
    (g, d) => `str(${e(g, "any", d)})`,
    (g, d) => `repr(${e(g, "any", d)})`,
    (g, d) => `f"{${noBackslash(e(g, "num", d))}:${g.spec("num")}}"`,
    (g, d) => `f"<{${noBackslash(e(g, "str", d))}:${g.spec("str")}}>"`,
    (g, d) => `f"{${noBackslash(e(g, "any", d))}!r} and {${noBackslash(e(g, "any", d))}}"`,
    (g, d) => `format(${e(g, "num", d)}, ${JSON.stringify(g.spec("num"))})`,
    (g, d) => `'{}|{:${g.spec("num")}}'.format(${e(g, "any", d)}, ${e(g, "num", d)})`,
    (g, d) => `'%s/%r' % (${e(g, "any", d)}, ${e(g, "any", d)})`,
    (g, d) =>
      `'%${g.pick(["", "5", "-8", "08", "+", ".2", "10.3"])}${
        g.pick(["d", "i", "f", "e", "g", "x", "s", "r", "E", "G", "o"])
      }' % ${paren(e(g, "num", d))}`,
    (g, d) => `${e(g, "str", d)}.${g.pick(STR_0)}()`,
    (g, d) => `${e(g, "str", d)}.${g.pick(["strip", "lstrip", "rstrip"])}(${e(g, "str", d)})`,
    (g, d) => `${e(g, "str", d)}.replace(${e(g, "str", d)}, ${e(g, "str", d)})`,
    (g, d) =>
      `${e(g, "str", d)}.${g.pick(["zfill", "center", "ljust", "rjust"])}(${g.int(-2, 14)})`,
    (g, d) => `${e(g, "str", d)}.${g.pick(["removeprefix", "removesuffix"])}(${e(g, "str", d)})`,
    (g, d) =>
      `${paren(e(g, "str", d))}[${g.int(-4, 4)}:${g.int(-4, 6)}:${
        g.pick(["", "1", "2", "-1", "-2"])
      }]`,
    (g, d) => `${paren(e(g, "str", d))} + ${paren(e(g, "str", d))}`,
    (g, d) => `${paren(e(g, "str", d))} * ${g.int(-1, 3)}`,
    (g, d) => `${e(g, "str", d)}.join(${e(g, "list", d)})`,
    (g, d) => `'-'.join(${e(g, "str", d)}.split(${g.pick(["", "','", "' '", "'a'"])}))`,
    (g, d) => `${e(g, g.pick(["date", "datetime"]), d)}.isoformat()`,
    (g, d) =>
      `${e(g, g.pick(["date", "datetime"]), d)}.strftime(${
        g.pick(["'%Y-%m-%d'", "'%d/%m/%y %H:%M'", "'%a %b %j'", "'%A %B %p %I'", "'%f %U %W'"])
      })`,
    (g, d) => `str(${e(g, g.pick(["date", "datetime", "timedelta"]), d)})`,
    (g) =>
      `${g.pick(TIMES)}.${g.pick(["isoformat()", "strftime('%H:%M %p')", "hour", "tzname()"])}`,
    (g) => `repr(${g.pick(TIMES)})`,
    (g) => `chr(${g.int(32, 0x2fff)})`,
  ],
  bool: [
    (g, d) => `${e(g, "num", d)} ${g.pick(["<", "<=", "==", "!=", ">", ">="])} ${e(g, "num", d)}`,
    (g, d) => `${e(g, "str", d)} ${g.pick(["<", "==", ">=", "in", "not in"])} ${e(g, "str", d)}`,
    (g, d) => `${e(g, "any", d)} == ${e(g, "any", d)}`,
    (g, d) => `${e(g, "any", d)} in ${e(g, g.pick(["list", "tuple", "dict"]), d)}`,
    (g, d) => `not ${e(g, "any", d)}`,
    (g, d) => `bool(${e(g, "any", d)})`,
    (g, d) => `${e(g, "str", d)}.${g.pick(STR_IS)}()`,
    (g, d) => `${e(g, "str", d)}.startswith(${e(g, "str", d)})`,
    (g, d) => `math.isclose(${e(g, "num", d)}, ${e(g, "num", d)})`,
    (g, d) => `${e(g, "list", d)} < ${e(g, "list", d)}`,
  ],
  list: [
    (g, d) => `[${e(g, "any", d)}, ${e(g, "any", d)}]`,
    (g, d) => `sorted(${e(g, g.pick(["list", "str", "tuple", "dict"]), d)})`,
    (g, d) => `list(${e(g, g.pick(["str", "tuple", "dict"]), d)})`,
    (g, d) => `${e(g, "str", d)}.split()`,
    (g, d) => `${paren(e(g, "list", d))} + ${paren(e(g, "list", d))}`,
    (g, d) => `${paren(e(g, "list", d))} * ${g.int(0, 3)}`,
    (g, d) => `${paren(e(g, "list", d))}[::${g.pick(["1", "-1", "2"])}]`,
    (g) => `list(range(${g.int(-5, 5)}, ${g.int(-5, 10)}, ${g.pick(["1", "2", "-1", "3"])}))`,
    (g, d) => `list(${e(g, "dict", d)}.${g.pick(["keys", "values", "items"])}())`,
  ],
  tuple: [
    (g, d) => `(${e(g, "any", d)}, ${e(g, "any", d)})`,
    (g, d) => `tuple(${e(g, "list", d)})`,
    (g, d) => `${paren(e(g, "tuple", d))} + ${paren(e(g, "tuple", d))}`,
    (g, d) => `${paren(e(g, "tuple", d))}[1:]`,
  ],
  dict: [
    (g, d) => `{${e(g, "str", d)}: ${e(g, "any", d)}, ${e(g, "int", d)}: ${e(g, "any", d)}}`,
  ],
  date: [
    (g, d) => `${e(g, "date", d)} + timedelta(days=${g.int(-400, 400)})`,
    (g, d) => `${e(g, "date", d)}.replace(day=${g.int(1, 31)})`,
    (g, d) => `${e(g, "datetime", d)}.date()`,
    (g) => `date.fromisoformat(${g.pick(["'2024-02-29'", "'2023-02-29'", "'2024-12-31'"])})`,
  ],
  datetime: [
    (g, d) => `${e(g, "datetime", d)} + ${e(g, "timedelta", d)}`,
    (g, d) =>
      `${e(g, "datetime", d)}.replace(${
        g.pick(["hour=0", "microsecond=999999", "day=31", "tzinfo=None", "tzinfo=UTC"])
      })`,
    (g) =>
      `datetime.strptime(${
        g.pick([
          "'2024-03-05 14:07:09.123456', '%Y-%m-%d %H:%M:%S.%f'",
          "'05/03/24', '%d/%m/%y'",
          "'2024-060', '%Y-%j'",
        ])
      })`,
    (g, d) => `datetime.fromtimestamp(${e(g, "num", d)})`,
    (g, d) => `datetime.combine(${e(g, "date", d)}, ${g.pick(TIMES)})`,
    (g, d) => `datetime.combine(${e(g, "date", d)}, ${e(g, "datetime", d)}.time())`,
  ],
  timedelta: [
    (g, d) => `${e(g, "timedelta", d)} ${g.pick(["+", "-"])} ${e(g, "timedelta", d)}`,
    (g, d) => `${e(g, "timedelta", d)} * ${e(g, "num", d)}`,
    (g, d) => `${e(g, "timedelta", d)} // ${g.int(-3, 5)}`,
    (g, d) => `${e(g, "date", d)} - ${e(g, "date", d)}`,
    (g, d) =>
      `timedelta(${g.pick(["days", "hours", "seconds", "microseconds", "weeks"])}=${
        e(g, "num", d)
      })`,
    (g, d) => `-${paren(e(g, "timedelta", d))}`,
  ],
  any: [
    (g, d) => e(g, g.pick(ANY_KINDS), d),
    (g, d) => e(g, g.pick(["date", "datetime", "timedelta", "num"]), d),
    (g, d) => `${e(g, "any", d)} ${g.pick(MIXED_OPERATORS)} ${e(g, "any", d)}`,
    (g, d) => `${e(g, "any", d)} * ${g.pick(["2", "-1", "0", "True", "2.5", "x", "i"])}`,
    (g, d) => `${paren(e(g, "any", d))} ** ${g.pick(SMALL_EXPONENTS)}`,
    (g, d) => `${paren(e(g, g.pick(["list", "tuple", "str"]), d))}[${g.int(-3, 3)}]`,
    (g, d) => `${e(g, "dict", d)}[${e(g, "any", d)}]`,
    (g, d) => `${e(g, "any", d)} ${g.pick(["and", "or"])} ${e(g, "any", d)}`,
  ],
};

/** Times of day, as tablefaker's `time` (datetime.time) makes them. */
const TIMES = [
  "time(9, 30)",
  "time()",
  "time(23, 59, 59, 999999)",
  "dt.time()",
  "adt.timetz()",
  "time(1, 2, 3, tzinfo=UTC)",
  "time(12, 0, 0, 5)",
];

const MATH_1 = [
  "sqrt",
  "exp",
  "log",
  "log10",
  "log2",
  "log1p",
  "fabs",
  "sin",
  "cos",
  "tan",
  "asin",
  "acos",
  "atan",
  "degrees",
  "radians",
];

const STR_0 = ["upper", "lower", "title", "capitalize", "swapcase", "strip", "lstrip", "rstrip"];

const STR_IS = ["isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower"];

/** `count` random expressions drawn from the grammar with `seed`. */
export function randomExpressions(count: number, seed: number): Case[] {
  const grammar = new Grammar(seed);
  const kinds: Kind[] = [
    "int",
    "float",
    "num",
    "str",
    "str",
    "bool",
    "list",
    "tuple",
    "any",
    "date",
    "datetime",
    "timedelta",
  ];
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length];
    return { source: grammar.expr(kind, 3), block: false, where: `random #${i}`, random: true };
  });
}
