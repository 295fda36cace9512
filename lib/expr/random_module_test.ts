import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { testContext } from "./_test_context.ts";
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
