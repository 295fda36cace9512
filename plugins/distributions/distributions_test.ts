import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { CellRandom } from "../../lib/engine/rng.ts";
import { resolveOptions } from "../../lib/plugin/options.ts";
import { PluginRegistry } from "../../lib/plugin/registry.ts";
import type { AnyDistribution } from "../../lib/plugin/types.ts";
import { BUILTIN_DISTRIBUTIONS } from "./mod.ts";

function draw(name: string, given: Record<string, unknown>, count: number, n = 20_000): number[] {
  const plugin = BUILTIN_DISTRIBUTIONS.find((d) => d.name === name) as AnyDistribution;
  const { values, problems } = resolveOptions(plugin.options, given);
  assertEquals(problems, []);
  const tiers = ["gold", "silver", "bronze"];
  const sampler = plugin.create(values, {
    count,
    parentValue: (_column, i) => tiers[i % 3],
    where: "t.c",
  });
  const random = new CellRandom();
  return Array.from({ length: n }, (_, i) => {
    random.reset(99, i);
    return sampler.sample(random);
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

Deno.test("every built-in is a valid plugin and stays within the parent rows", () => {
  const registry = new PluginRegistry(BUILTIN_DISTRIBUTIONS);
  assertEquals(registry.names("distribution"), [
    "uniform",
    "zipf",
    "weighted_parent",
    "normal",
    "exponential",
  ]);
  for (const count of [1, 2, 7, 1000]) {
    for (
      const [name, options] of [
        ["uniform", {}],
        ["zipf", {}],
        ["weighted_parent", { parent_attr: "tier", weights: { gold: 3 } }],
        ["normal", { mean: 0.9, sd: 0.5 }],
        ["exponential", { scale: 2 }],
      ] as const
    ) {
      const picks = draw(name, options, count, 2000);
      assert(picks.every((p) => Number.isInteger(p) && p >= 0 && p < count), `${name} ${count}`);
    }
  }
});

Deno.test("normal centres on its mean; exponential decays from the newest or oldest", () => {
  const normal = draw("normal", { mean: 0.25, sd: 0.05 }, 1000);
  assert(Math.abs(mean(normal) - 250) < 5, `normal mean ${mean(normal)}`);
  const newest = draw("exponential", { scale: 0.1 }, 1000);
  assert(Math.abs(999 - mean(newest) - 100) < 8, `mean distance from newest ${999 - mean(newest)}`);
  const oldest = draw("exponential", { scale: 0.1, from: "oldest" }, 1000);
  assert(Math.abs(mean(oldest) - 100) < 8, `mean distance from oldest ${mean(oldest)}`);
});

Deno.test("weighted_parent follows the weights of the parent attribute", () => {
  const picks = draw(
    "weighted_parent",
    { parent_attr: "tier", weights: { gold: 6, silver: 3 } },
    300,
  );
  const share = (r: number) => picks.filter((p) => p % 3 === r).length / picks.length;
  // gold 6 : silver 3 : bronze 1 (absent weights count 1).
  assert(
    Math.abs(share(0) - 0.6) < 0.02 && Math.abs(share(1) - 0.3) < 0.02,
    `${share(0)} ${share(1)}`,
  );
});

Deno.test("options are checked by the spec", () => {
  const normal = BUILTIN_DISTRIBUTIONS.find((d) => d.name === "normal")!;
  const { problems } = resolveOptions(normal.options, { mean: 2, sdd: 1 });
  assertEquals(problems.map((p) => p.code).sort(), ["bad-option", "unknown-option"]);
  assertEquals(problems.find((p) => p.code === "unknown-option")?.hint, "did you mean `sd`?");
  const weighted = BUILTIN_DISTRIBUTIONS.find((d) => d.name === "weighted_parent")!;
  assertEquals(resolveOptions(weighted.options, {}).problems.map((p) => p.code), [
    "missing-option",
  ]);
  assertThrows(() => draw("exponential", { from: "middle" }, 10), Error);
});
