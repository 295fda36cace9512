import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { withTempDir } from "../../tests/_cli.ts";
import { CellRandom } from "../engine/rng.ts";
import { createFaker } from "../engine/faker.ts";
import { type LoadMode, loadPluginFile, transpilePlugin } from "./load.ts";
import { resolveOptions } from "./options.ts";
import { PluginError, PluginRegistry } from "./registry.ts";
import type { AnyColumnFunction, AnyDistribution, AnySink } from "./types.ts";

const EXAMPLES = new URL("../../examples/plugins/", import.meta.url).pathname;
const MODES: LoadMode[] = ["import", "transpile"];

/** A module importer that refuses files, as a binary that cannot import from disk would. */
const noDiskImports = (specifier: string) =>
  specifier.startsWith("file:")
    ? Promise.reject(new TypeError(`Module not found "${specifier}"`))
    : import(specifier);

for (const mode of MODES) {
  Deno.test(`example plugins load by ${mode}, one of each kind`, async () => {
    const kinds = [];
    for (const file of ["pareto.ts", "luhn.ts", "webhook.ts"]) {
      const loaded = await loadPluginFile(`${EXAMPLES}${file}`, { mode });
      assertEquals(loaded.via, mode);
      kinds.push(...loaded.plugins.map((p) => `${p.kind}:${p.name}`));
    }
    assertEquals(kinds, ["distribution:pareto", "column:luhn_card_number", "sink:webhook"]);
  });
}

Deno.test("auto falls back to the transpiler where importing a file fails", async () => {
  const loaded = await loadPluginFile(`${EXAMPLES}pareto.ts`, { importModule: noDiskImports });
  assertEquals(loaded.via, "transpile");
  assertEquals(loaded.plugins[0].name, "pareto");
  assertEquals((await loadPluginFile(`${EXAMPLES}pareto.ts`)).via, "import");
});

Deno.test("the example plugins do what they say", async () => {
  const random = new CellRandom();
  const pareto = (await loadPluginFile(`${EXAMPLES}pareto.ts`)).plugins[0] as AnyDistribution;
  const { values } = resolveOptions(pareto.options, {});
  const sampler = pareto.create(values, { count: 1000, parentValue: () => null, where: "t.c" });
  const picks = Array.from({ length: 5000 }, (_, i) => {
    random.reset(7, i);
    return sampler.sample(random);
  });
  assert(picks.every((p) => Number.isInteger(p) && p >= 0 && p < 1000));
  const top = picks.filter((p) => p < 200).length / picks.length;
  assert(top > 0.7, `the oldest fifth gets most picks (${top})`);

  const luhn = (await loadPluginFile(`${EXAMPLES}luhn.ts`)).plugins[0] as AnyColumnFunction;
  const fn = luhn.create({}, { configDir: "." });
  const cell = { rowId: 1, random, faker: createFaker("en_US", random), now: new Date(0) };
  random.reset(1, 1);
  const number = String(fn(["4", 16], cell));
  assertEquals([number.length, number[0]], [16, "4"]);
  const digits = [...number].reverse().map(Number);
  const sum = digits.reduce((s, d, i) => s + (i % 2 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  assertEquals(sum % 10, 0, `${number} passes the Luhn check`);
});

Deno.test("the webhook sink posts each flush's rows", async () => {
  const received: { table: string; tick?: number; rows: Record<string, unknown>[] }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    received.push(await req.json());
    return new Response("ok");
  });
  try {
    const plugin = (await loadPluginFile(`${EXAMPLES}webhook.ts`)).plugins[0] as AnySink;
    const url = `http://127.0.0.1:${server.addr.port}/hook`;
    const sink = plugin.create({ url, headers: {} }, { configDir: "." });
    const table = new arrow.Table({
      id: arrow.vectorFromArray([1n, 2n], new arrow.Int64()),
      name: arrow.vectorFromArray(["a", "b"], new arrow.Utf8()),
    });
    await sink.open([{ name: "t", schema: table.schema }], { mode: "append" });
    await sink.write("t", table.batches[0]);
    await sink.flush({ tick: 3 });
    await sink.close();
    assertEquals(received, [{
      table: "t",
      tick: 3,
      rows: [{ id: 1, name: "a" }, { id: 2, name: "b" }],
    }]);
  } finally {
    await server.shutdown();
  }
});

async function pluginFile(dir: string, name: string, text: string): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, text);
  return path;
}

Deno.test("broken plugin files are errors that name the file and what is wrong", async () => {
  await withTempDir(async (dir) => {
    const syntax = await pluginFile(dir, "syntax.ts", "export const x = {\n  kind: 'sink',,\n};\n");
    for (const mode of MODES) {
      const error = await assertRejects(() => loadPluginFile(syntax, { mode }), PluginError);
      assertStringIncludes(error.message, `${syntax}:2:16: syntax error: Unexpected token`);
    }
    const located = await assertRejects(
      () => loadPluginFile(syntax, { mode: "transpile" }),
      PluginError,
    );
    assertStringIncludes(located.message, `${syntax}:2:`);

    const shape = await pluginFile(
      dir,
      "shape.js",
      `export const bad = { kind: "distribution", name: "Bad Name", options: {} };`,
    );
    const wrong = await assertRejects(() => loadPluginFile(shape), PluginError);
    assertStringIncludes(wrong.message, "export bad");
    assertStringIncludes(wrong.message, "snake_case");
    assertStringIncludes(wrong.message, "summary");
    assertStringIncludes(wrong.message, "create(options, ctx)");

    const none = await pluginFile(dir, "none.ts", "export const answer = 42;\n");
    assertStringIncludes(
      (await assertRejects(() => loadPluginFile(none))).message,
      "exports no plugin",
    );

    const relative = await pluginFile(
      dir,
      "relative.ts",
      'import { x } from "./other.ts";\nexport default x;\n',
    );
    const imports = await assertRejects(() => loadPluginFile(relative, { mode: "transpile" }));
    assertStringIncludes(imports.message, 'imports "./other.ts"');

    const missing = await assertRejects(() => loadPluginFile(`${dir}/nope.ts`), PluginError);
    assertStringIncludes(missing.message, `${dir}/nope.ts`);

    const throws = await pluginFile(
      dir,
      "throws.js",
      "export default () => { throw new Error('boom'); };\n",
    );
    assertStringIncludes(
      (await assertRejects(() => loadPluginFile(throws))).message,
      "threw: boom",
    );
  });
});

Deno.test("a plugin name is taken once per kind; built-ins cannot be replaced silently", async () => {
  const registry = new PluginRegistry();
  const pareto = (await loadPluginFile(`${EXAMPLES}pareto.ts`)).plugins[0];
  registry.add(pareto, "a.ts");
  let error: Error | undefined;
  try {
    registry.add(pareto, "b.ts");
  } catch (e) {
    error = e as Error;
  }
  assertStringIncludes(
    String(error?.message),
    'b.ts: a distribution plugin named "pareto" is already loaded from a.ts',
  );
  assertEquals(registry.names("distribution"), ["pareto"]);
  assertEquals(registry.get("distribution", "pareto"), pareto as AnyDistribution);
});

Deno.test("type annotations are stripped, imports of types erased", async () => {
  const code = await transpilePlugin(
    "p.ts",
    'import type { PluginApi } from "tablestream";\nexport default (api: PluginApi): number => 1 as number;\n',
  );
  assertEquals(code.includes("PluginApi"), false);
  assertStringIncludes(code, "export default (api) => 1");
});
