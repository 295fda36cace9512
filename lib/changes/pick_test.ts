import { assert, assertEquals } from "../../tests/_assert.ts";
import { CellRandom } from "../engine/rng.ts";
import { ordinalDraw, pickFree } from "./pick.ts";
import type { PickSpec } from "./spec.ts";

const DRAWS = 100_000;

/** How often each ordinal of [0, n) is drawn in {@link DRAWS} draws. */
function histogram(pick: PickSpec, n: number): number[] {
  const random = new CellRandom();
  random.reset(11, 1);
  const draw = ordinalDraw(pick, n);
  const counts = new Array(n).fill(0);
  for (let i = 0; i < DRAWS; i++) counts[draw(random)]++;
  return counts;
}

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );
}

Deno.test("uniform: every live row equally likely", () => {
  const counts = histogram({ distribution: "uniform" }, 20);
  // 5,000 expected each; a standard deviation of about 70.
  for (const c of counts) near(c, DRAWS / 20, 350, "count");
});

Deno.test("zipf: the newest row is rank 1, rank r has weight 1/r^param", () => {
  const n = 1000, s = 1.1;
  const counts = histogram({ distribution: "zipf", param: s }, n);
  let h = 0;
  for (let r = 1; r <= n; r++) h += r ** -s;
  // By rank: ordinal n - r.
  for (const r of [1, 2, 3, 10]) {
    const p = r ** -s / h;
    near(counts[n - r] / DRAWS, p, 4 * Math.sqrt(p * (1 - p) / DRAWS) + 1e-3, `rank ${r}`);
  }
  // The oldest rows still get changes: a heavy tail.
  assert(counts.slice(0, n / 2).reduce((a, b) => a + b) > DRAWS * 0.02);
});

Deno.test("recent: a row half_life rows older is half as likely", () => {
  const n = 10_000, half = 100;
  const counts = histogram({ distribution: "recent", halfLifeRows: half }, n);
  const within = (age: number) => counts.slice(n - age).reduce((a, b) => a + b) / DRAWS;
  near(within(half), 0.5, 0.01, "younger than one half-life");
  near(within(2 * half), 0.75, 0.01, "younger than two");
  near(within(10 * half), 1 - 2 ** -10, 0.002, "younger than ten");
  // Over few rows the exponential is truncated to them, not piled on the oldest.
  const few = histogram({ distribution: "recent", halfLifeRows: 1000 }, 4);
  for (const c of few) near(c, DRAWS / 4, 1000, "count over 4 rows");
});

Deno.test("a taken row is drawn again, then the nearest free one; none when all are taken", () => {
  const random = new CellRandom();
  random.reset(5, 9);
  const n = 50;
  // Only row 7 is free: drawing it is unlikely in 16 tries, the nearest scan finds it.
  const free = (o: number) => o !== 7;
  const taken = (o: number) => free(o);
  assertEquals(pickFree(ordinalDraw({ distribution: "uniform" }, n), random, n, 1, taken), 7);
  assertEquals(
    pickFree(ordinalDraw({ distribution: "uniform" }, n), random, n, 0, () => true),
    undefined,
  );
  // Deterministic: the same stream gives the same picks.
  const picks = (seed: number) => {
    random.reset(seed, 1);
    const draw = ordinalDraw({ distribution: "zipf", param: 1.2 }, n);
    const set = new Set<number>();
    for (let i = 0; i < 30; i++) {
      set.add(pickFree(draw, random, n, n - set.size, (o) => set.has(o))!);
    }
    return [...set];
  };
  assertEquals(picks(3), picks(3));
  assertEquals(picks(3).length, 30);
});
