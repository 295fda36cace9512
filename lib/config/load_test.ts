import { assert, assertEquals } from "../../tests/_assert.ts";
import { formatDiagnostics } from "./diagnostics.ts";
import { diagnosticAt, loadConfig } from "./load.ts";
import { tableOrder } from "./validate.ts";
import { externalTest, tablefakerCorpus } from "../../tests/_external.ts";

const corpus = tablefakerCorpus();

Deno.test("loadConfig reads a file and keeps its name and text", async () => {
  const path = await Deno.makeTempFile({ suffix: ".yaml" });
  try {
    const text =
      "tables:\n  - table_name: t\n    columns:\n      - {column_name: id, data: row_id}\n";
    await Deno.writeTextFile(path, text);
    const { config, diagnostics } = await loadConfig(path);
    assertEquals(diagnostics, []);
    assertEquals([config?.file, config?.source], [path, text]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a missing file is a diagnostic, not an exception", async () => {
  const { config, diagnostics } = await loadConfig("/nonexistent/config.yaml");
  assertEquals(config, undefined);
  assertEquals(
    formatDiagnostics(diagnostics),
    "/nonexistent/config.yaml:1:1: error[file-not-found]: The config file does not exist\n" +
      "  hint: Check the path given with --config.\n",
  );
});

Deno.test("diagnosticAt places a later finding on the config's node", async () => {
  const { config } = await loadConfig("examples/streaming_config.yaml");
  assert(config);
  const column = config.tables[1].columns[1];
  const d = diagnosticAt(
    config,
    [...column.pos.path, "data"],
    "runtime-error",
    "Boom",
    "Try again.",
  );
  assertEquals([d.line, d.column, d.pathText], [
    column.dataPos.line,
    column.dataPos.column,
    "tables[1].columns[1].data",
  ]);
  assertEquals([d.severity, d.hint, d.sourceLine?.trim()], [
    "error",
    "Try again.",
    `data: ${column.data}`,
  ]);
  const w = diagnosticAt(config, ["tables", 0, "nothing_here"], "note", "Here", {
    severity: "warning",
  });
  assertEquals([w.line, w.severity], [config.tables[0].pos.line, "warning"]);
});

Deno.test("the bundled example loads cleanly, parents first", async () => {
  const { config, diagnostics } = await loadConfig("examples/streaming_config.yaml");
  assertEquals(formatDiagnostics(diagnostics), "");
  assert(config);
  assert(tableOrder(config).length === config.tables.length);
});

/** Diagnostics about expressions: those placed on a `data:` value by the semantic checks. */
function isExpressionDiagnostic(d: { path: readonly (string | number)[]; code: string }): boolean {
  return d.path.at(-1) === "data" && d.code !== "wrong-type" && d.code !== "missing-field";
}

/** Structural errors some corpus files are known to have, by file. */
const KNOWN_STRUCTURAL: Record<string, string[]> = {
  // The jonaolden fork's postprocess table runs Python after each cycle; its row count is Python too.
  "streaming/hotel_streaming.yaml": [
    "unsupported tables[9].update_policy",
    "python-module tables[9].row_count",
  ],
};

externalTest({
  name: "tablefaker's configs are found",
  need: corpus,
  fn: ({ names }) => assertEquals(names.length, 22),
});

for (const name of corpus.found ? corpus.value.names : []) {
  Deno.test(`tablefaker config ${name} has no structural error`, async () => {
    const { diagnostics } = await loadConfig(corpus.found ? corpus.value.path(name) : name);
    const structural = diagnostics
      .filter((d) => d.severity === "error" && !isExpressionDiagnostic(d))
      .map((d) => `${d.code} ${d.pathText}`);
    assertEquals(structural, KNOWN_STRUCTURAL[name] ?? [], formatDiagnostics(diagnostics));
  });
}
