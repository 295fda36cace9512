import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { compileOk, diagnose, run, testContext } from "../../tests/_expr_context.ts";
import { RANDOM_FUNCTIONS } from "./random_module.ts";
import type { Value } from "./values.ts";

function call(name: string, ...args: Value[]): Value {
  return RANDOM_FUNCTIONS[name].impl(testContext({ rowId: 1 }), ...args);
}

/** Many draws from distinct cells (row ids), as a column would see them. */
function draws(name: string, count: number, ...args: Value[]): Value[] {
  const out: Value[] = [];
  for (let row = 0; row < count; row++) {
    out.push(RANDOM_FUNCTIONS[name].impl(testContext({ rowId: row }), ...args));
  }
  return out;
}

Deno.test("random functions draw only from the cell's stream", () => {
  assertEquals(call("random"), call("random"));
  assertEquals(call("gauss", 10, 2), call("gauss", 10, 2));
  assertEquals(
    call("choices", ["a", "b", "c"], null, null, 5),
    call("choices", ["a", "b", "c"], null, null, 5),
  );
  const a = RANDOM_FUNCTIONS.random.impl(testContext({ rowId: 1 }));
  const b = RANDOM_FUNCTIONS.random.impl(testContext({ rowId: 2 }));
  assert(a !== b);
});

Deno.test("randint covers both bounds and nothing else", () => {
  const values = new Set(draws("randint", 400, 1, 3));
  assertEquals([...values].sort(), [1, 2, 3]);
  assertThrows(() => call("randint", 1, 2.5), Error, "needs whole numbers");
  assertThrows(() => call("randint", 5, 1), Error, "empty range");
});

Deno.test("randrange, uniform, choice and sample stay in range", () => {
  assert(draws("randrange", 200, 0, 10, 3).every((v) => [0, 3, 6, 9].includes(v as number)));
  assert(draws("randrange", 200, 4, null, 1).every((v) => (v as number) >= 0 && (v as number) < 4));
  assert(draws("uniform", 200, 5, 6).every((v) => (v as number) >= 5 && (v as number) <= 6));
  assertEquals(new Set(draws("choice", 200, ["x", "y"])).size, 2);
  assert(draws("choice", 50, "ab").every((v) => v === "a" || v === "b"));
  const sample = call("sample", [1, 2, 3, 4, 5], 3) as number[];
  assertEquals(new Set(sample).size, 3);
  assertThrows(() => call("choice", []), Error, "empty list");
  assertThrows(() => call("sample", [1], 2), Error, "cannot take 2 items");
});

Deno.test("choices honours weights", () => {
  const picks = draws("choices", 2000, ["rare", "common"], [1, 9], null, 1).map((v) =>
    (v as Value[])[0]
  );
  const common = picks.filter((p) => p === "common").length / picks.length;
  assertAlmostEquals(common, 0.9, 0.03);
  assertEquals((call("choices", ["a"], null, null, 4) as Value[]).length, 4);
  assertEquals(call("choices", ["a", "b"], null, [0, 1], 2), ["b", "b"]);
  assertThrows(() => call("choices", ["a", "b"], [1], null, 1), Error, "one weight per item");
});

Deno.test("gauss has the requested mean and spread", () => {
  const values = draws("gauss", 4000, 50, 5) as number[];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  assertAlmostEquals(mean, 50, 0.4);
  assertAlmostEquals(sd, 5, 0.3);
});

Deno.test("the other distributions return numbers in their support", () => {
  assert(draws("expovariate", 100, 2).every((v) => (v as number) >= 0));
  assert(draws("triangular", 100, 1, 3, 2).every((v) => (v as number) >= 1 && (v as number) <= 3));
  assert(draws("lognormvariate", 100, 0, 1).every((v) => (v as number) > 0));
  assert(draws("getrandbits", 100, 8).every((v) => Number.isInteger(v) && (v as number) < 256));
  assert(
    draws("getrandbits", 100, 40).every((v) => Number.isInteger(v) && (v as number) < 2 ** 40),
  );
});

Deno.test("ranges of up to 2^53 ints draw what they drew before exact ints", () => {
  // Pinned from the number-only implementation: existing configs keep their rows.
  const before: Record<string, Value[]> = {
    "random.randint(1, 100)": [11, 66, 69, 5, 84],
    "random.randint(-9000000000000, 9000000000000)": [
      3257456466094,
      -2722527159121,
      8802429584128,
      -2404666240813,
      -6762805670457,
    ],
    "random.randint(0, 2**53 - 1)": [
      6133630708134593,
      3141247149667851,
      8908335026818267,
      3300304740028994,
      1119491949876378,
    ],
    "random.randrange(0, 10**15, 7)": [
      680969803671892,
      348748491159936,
      989023865784836,
      366407431065970,
      124288573863524,
    ],
    "random.randrange(10)": [0, 5, 8, 4, 3],
    "random.getrandbits(40)": [
      751127277686,
      382797185731,
      1087500400322,
      403383292057,
      133145372307,
    ],
    "random.getrandbits(53)": [
      6133633713483894,
      3141245136110275,
      8908334276228802,
      3300308361187481,
      1119491817023123,
    ],
    "fake.random_int(0, 10**12)": [
      680969803672,
      348748491160,
      989023865785,
      366407431066,
      124288573863,
    ],
    "fake.random_number(digits=15)": [
      680969803671892,
      348748491159939,
      989023865784840,
      366407431065973,
      124288573863526,
    ],
  };
  for (const [source, values] of Object.entries(before)) {
    assertEquals([1, 2, 3, 4, 5].map((rowId) => run(source, { rowId })), values, source);
  }
});

/** Draws of `source` in `count` cells, as bigints. */
function bigDraws(source: string, count: number): bigint[] {
  const expr = compileOk(source);
  return Array.from(
    { length: count },
    (_, row) => BigInt(expr.evaluate(testContext({ rowId: row })) as number | bigint),
  );
}

Deno.test("randint draws exact ints over the whole int64 range and beyond, uniformly", () => {
  const lo = -9000000000000000000n, hi = 9000000000000000000n;
  const values = bigDraws("random.randint(-9000000000000000000, 9000000000000000000)", 2000);
  assert(values.every((v) => v >= lo && v <= hi));
  // A double's rounding would leave the low bits of every value zero.
  const odd = values.filter((v) => v % 2n !== 0n).length;
  assert(odd > 900 && odd < 1100, `${odd} odd values of 2000`);
  const low = values.filter((v) => v % 1000n === 7n || v % 1000n === -993n).length;
  assert(low < 15, "the last digits are uniform");
  const negative = values.filter((v) => v < 0n).length;
  assert(negative > 900 && negative < 1100, `${negative} negative values of 2000`);
  // Beyond 64 bits: never a multiple of a large power of two.
  const wide = bigDraws("random.randint(0, 10**20)", 500);
  assert(wide.every((v) => v >= 0n && v <= 10n ** 20n));
  assert(wide.filter((v) => v % 4096n === 0n).length < 5);
  assert(wide.some((v) => v > 2n ** 64n) && wide.some((v) => v < 2n ** 64n));
  // Bounds beyond 2^53 with a small range between them.
  const near = new Set(bigDraws("random.randint(2**70, 2**70 + 2)", 200));
  assertEquals([...near].sort(), [2n ** 70n, 2n ** 70n + 1n, 2n ** 70n + 2n]);
  assertEquals(run("random.randint(2**70, 2**70)"), 2n ** 70n);
  assertEquals(diagnose("random.randint(2**70, 2**69)")[0].code, "bad-argument");
});

Deno.test("randrange and getrandbits are exact at any size", () => {
  const stepped = bigDraws("random.randrange(-2**64, 2**64, 3)", 500);
  assert(stepped.every((v) => v >= -(2n ** 64n) && v < 2n ** 64n && (v + 2n ** 64n) % 3n === 0n));
  const down = bigDraws("random.randrange(2**64, -2**64, -5)", 500);
  assert(down.every((v) => v <= 2n ** 64n && v > -(2n ** 64n) && (2n ** 64n - v) % 5n === 0n));
  assertEquals(new Set(bigDraws("random.randrange(2**64, 2**64 + 3)", 100)).size, 3);
  assertThrows(() => run("random.randrange(2**64, 2**64)"), Error, "empty range");
  const bits = bigDraws("random.getrandbits(100)", 500);
  assert(bits.every((v) => v >= 0n && v < 2n ** 100n));
  assert(bits.some((v) => v >= 2n ** 99n), "the top bit is drawn");
  assert(bits.filter((v) => v % 2n === 1n).length > 200, "the low bit is drawn");
  assertThrows(() => run("random.getrandbits(20000)"), Error, "ints are limited to 4,300 digits");
  // One stream, the first word drawn the most significant: the top 32 bits of 64 are the 32.
  assertEquals(
    bigDraws("random.getrandbits(64)", 5).map((v) => v >> 32n),
    bigDraws("random.getrandbits(32)", 5),
  );
});

Deno.test("faker's ints are exact beyond 2^53", () => {
  const numbers = bigDraws("fake.random_number(digits=19, fix_len=True)", 300);
  assert(numbers.every((v) => v >= 10n ** 18n && v < 10n ** 19n));
  assert(numbers.filter((v) => v % 2n === 1n).length > 100);
  const ints = bigDraws("fake.random_int(0, 2**64)", 300);
  assert(ints.every((v) => v >= 0n && v <= 2n ** 64n) && ints.some((v) => v % 2n === 1n));
  const stepped = bigDraws("fake.pyint(min_value=2**60, max_value=2**61, step=10)", 100);
  assert(stepped.every((v) => v >= 2n ** 60n && v <= 2n ** 61n && (v - 2n ** 60n) % 10n === 0n));
});

Deno.test("random.choices refuses a list past the bound on lists", () => {
  assertThrows(() => run("random.choices([1, 2], k=10**10)"), Error, "would make a list");
});
