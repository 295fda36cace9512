/**
 * Python's values, exactly: expressions evaluated by CPython (the interop peer's Python) and
 * by us, which must agree (see `_python_values.ts` for what agreeing means).
 *
 * - The corpus, `tests/fixtures/python_values.txt`: expressions and blocks written by hand
 *   around every documented function, method, operator and format spec, with edge values.
 *   A case may be marked refused on purpose only with a reason docs/expressions.md states.
 * - Random expressions from a grammar of what the language supports (`_expression_grammar.ts`),
 *   seeded: `TABLESTREAM_PYTHON_VALUES` of them (3,000 by default; a nightly run takes more,
 *   `deno task test:python-values` draws 100,000), and `TABLESTREAM_PYTHON_VALUES_SEED` to draw
 *   others.
 */
import { assert, assertEquals } from "../_assert.ts";
import { interopTest } from "./_peer.ts";
import { type Case, differences, parseCorpus } from "./_python_values.ts";
import { randomExpressions } from "./_expression_grammar.ts";

const CORPUS = new URL("../fixtures/python_values.txt", import.meta.url);
const DOCS = new URL("../../docs/expressions.md", import.meta.url);

function corpus(): Case[] {
  return parseCorpus(Deno.readTextFileSync(CORPUS), "python_values.txt");
}

Deno.test("the corpus has 1,000 cases, and every refusal's reason is in docs/expressions.md", () => {
  const cases = corpus();
  assert(cases.length >= 1000, `only ${cases.length} cases`);
  const docs = Deno.readTextFileSync(DOCS).replace(/\s+/g, " ");
  const unstated = cases.filter((c) => c.refused && !docs.includes(c.refused))
    .map((c) => `${c.where}: ${c.refused}`);
  assertEquals(unstated, []);
});

interopTest("the corpus computes what CPython computes", async (peer) => {
  const cases = corpus();
  const found = await differences(peer, cases);
  assertEquals(found, [], `${found.length} of ${cases.length} differ:\n${found.join("\n")}`);
});

interopTest("random expressions compute what CPython computes", async (peer) => {
  const count = Number(Deno.env.get("TABLESTREAM_PYTHON_VALUES") ?? 3000);
  const seed = Number(Deno.env.get("TABLESTREAM_PYTHON_VALUES_SEED") ?? 20260311);
  const found: string[] = [];
  // In chunks, so that a large nightly count does not make one huge request.
  for (let start = 0; start < count; start += 5000) {
    const cases = randomExpressions(Math.min(5000, count - start), seed + start);
    found.push(...await differences(peer, cases));
  }
  assertEquals(
    found,
    [],
    `${found.length} of ${count} differ (seed ${seed}):\n${found.join("\n")}`,
  );
});
