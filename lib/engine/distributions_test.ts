import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { aliasSampler, Permutation, uniformSampler, zipfSampler } from "./distributions.ts";
import { CellRandom } from "./rng.ts";

function histogram(sample: (r: CellRandom) => number, n: number, draws: number): number[] {
  const counts = new Array(n).fill(0);
  const random = new CellRandom();
  for (let i = 0; i < draws; i++) {
    random.reset(7, i);
    counts[sample(random)]++;
  }
  return counts;
}

Deno.test("uniform sampler covers every index evenly", () => {
  const counts = histogram((r) => uniformSampler(10).sample(r), 10, 50_000);
  for (const c of counts) assertAlmostEquals(c / 50_000, 0.1, 0.01);
});

Deno.test("zipf sampler matches k^-s probabilities", () => {
  const n = 20, s = 1.2, draws = 200_000;
  const sampler = zipfSampler(n, s);
  const counts = histogram((r) => sampler.sample(r), n, draws);
  let norm = 0;
  for (let k = 1; k <= n; k++) norm += k ** -s;
  for (let k = 1; k <= n; k++) {
    assertAlmostEquals(counts[k - 1] / draws, k ** -s / norm, 0.006, `rank ${k}`);
  }
});

Deno.test("zipf sampler stays in range with a million parents and tiny exponents", () => {
  for (const s of [0.1, 1, 1.000001, 3]) {
    const sampler = zipfSampler(1_000_000, s);
    const random = new CellRandom();
    for (let i = 0; i < 2000; i++) {
      random.reset(3, i);
      const k = sampler.sample(random);
      assert(k >= 0 && k < 1_000_000 && Number.isInteger(k));
    }
  }
  assertThrows(() => zipfSampler(10, 0), RangeError);
});

Deno.test("alias sampler follows the weights", () => {
  const weights = [3, 0, 1, 4];
  const sampler = aliasSampler(weights);
  const counts = histogram((r) => sampler.sample(r), 4, 80_000);
  assertEquals(counts[1], 0);
  assertAlmostEquals(counts[0] / 80_000, 3 / 8, 0.01);
  assertAlmostEquals(counts[3] / 80_000, 4 / 8, 0.01);
  assertThrows(() => aliasSampler([0, 0]), RangeError);
  assertThrows(() => aliasSampler([1, -1]), RangeError);
});

Deno.test("permutation is a bijection for many sizes", () => {
  for (const n of [1, 2, 3, 5, 16, 17, 1000, 4097]) {
    const p = new Permutation(n, 99);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) seen.add(p.permute(i));
    assertEquals(seen.size, n);
    assert([...seen].every((x) => x >= 0 && x < n));
  }
});

Deno.test("permutation depends on its key", () => {
  const a = new Permutation(1000, 1), b = new Permutation(1000, 2);
  let same = 0;
  for (let i = 0; i < 1000; i++) if (a.permute(i) === b.permute(i)) same++;
  assert(same < 20, `${same} fixed points in common`);
});
