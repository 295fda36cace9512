/** The README's examples are real: its config loads without a diagnostic, its formats exist. */
import { assertEquals, assertStringIncludes } from "./_assert.ts";
import { formatDiagnostics, parseConfig } from "../lib/config/mod.ts";
import { FILE_FORMATS } from "../plugins/mod.ts";
import { cli } from "./_cli.ts";

const README = await Deno.readTextFile(new URL("../README.md", import.meta.url));

Deno.test("the README's config example is valid, with no warning", () => {
  const yaml = /## Config\n\n```yaml\n([\s\S]*?)```/.exec(README)?.[1];
  if (!yaml) throw new Error("README.md has no config example under ## Config");
  const { config, diagnostics } = parseConfig(yaml, "README.md");
  assertEquals(formatDiagnostics(diagnostics), "");
  assertEquals(config?.tables.map((t) => t.name), ["customers", "orders"]);
  assertEquals(
    config?.tables[1].columns.at(-1)?.inferred,
    'copy_from_fk("customer_id", "customers", "age")',
  );
});

Deno.test("the README lists every output format", () => {
  assertStringIncludes(README, `[--format ${FILE_FORMATS.join("\\|")}]`);
  for (const format of FILE_FORMATS) assertStringIncludes(README, `\`${format}\``);
});

Deno.test("the README's diagram is what `diagram` draws of the bundled example", async () => {
  const drawn = /```mermaid\n([\s\S]*?)```/.exec(README)?.[1];
  if (!drawn) throw new Error("README.md has no mermaid diagram");
  const result = await cli("diagram", "--config", "examples/streaming_config.yaml");
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    drawn,
    result.stdout,
    "regenerate it with `deno task cli diagram -c examples/streaming_config.yaml`",
  );
});
