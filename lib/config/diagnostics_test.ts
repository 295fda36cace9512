import { assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import {
  ConfigError,
  type Diagnostic,
  formatDiagnostics,
  formatPath,
  hasErrors,
  sortDiagnostics,
} from "./diagnostics.ts";

function diagnostic(overrides: Partial<Diagnostic> = {}): Diagnostic {
  return {
    code: "unknown-function",
    severity: "error",
    message: "Unknown faker method `fake.emial`",
    file: "bad.yaml",
    line: 12,
    column: 15,
    path: ["tables", 0, "columns", 1, "data"],
    pathText: "tables[0].columns[1].data",
    hint: "did you mean `fake.email()`?",
    sourceLine: "        data: fake.emial()",
    ...overrides,
  };
}

Deno.test("formatPath prints keys and indices", () => {
  assertEquals(formatPath(["tables", 1, "columns", 0, "data"]), "tables[1].columns[0].data");
  assertEquals(formatPath([]), "<root>");
  assertEquals(formatPath(["config", "odd key"]), 'config["odd key"]');
});

Deno.test("formatDiagnostics prints position, source line, caret and hint", () => {
  assertEquals(
    formatDiagnostics([diagnostic()]),
    [
      "bad.yaml:12:15: error[unknown-function]: Unknown faker method `fake.emial`",
      "   12 |         data: fake.emial()",
      "      |               ^",
      "  hint: did you mean `fake.email()`?",
      "",
    ].join("\n"),
  );
});

Deno.test("formatDiagnostics takes the line from the sources when given", () => {
  const text = formatDiagnostics(
    [diagnostic({
      line: 2,
      column: 3,
      sourceLine: undefined,
      hint: undefined,
      severity: "warning",
    })],
    { "bad.yaml": "first\n\tsecond\n" },
  );
  assertEquals(
    text,
    "bad.yaml:2:3: warning[unknown-function]: Unknown faker method `fake.emial`\n    2 | \tsecond\n      | \t ^\n",
  );
  const noSource = formatDiagnostics(
    [diagnostic({ sourceLine: undefined, hint: undefined })],
    new Map(),
  );
  assertEquals(
    noSource,
    "bad.yaml:12:15: error[unknown-function]: Unknown faker method `fake.emial`\n",
  );
});

Deno.test("sortDiagnostics orders by position, keeping ties in order", () => {
  const a = diagnostic({ line: 3, column: 1, code: "a" });
  const b = diagnostic({ line: 1, column: 9, code: "b" });
  const c = diagnostic({ line: 1, column: 9, code: "c" });
  const d = diagnostic({ line: 1, column: 2, code: "d" });
  assertEquals(sortDiagnostics([a, b, c, d]).map((x) => x.code), ["d", "b", "c", "a"]);
});

Deno.test("ConfigError carries the diagnostics and names the first error", () => {
  const error = new ConfigError([
    diagnostic({ severity: "warning", message: "just a warning" }),
    diagnostic(),
    diagnostic({ line: 20 }),
  ]);
  assertEquals(error.name, "ConfigError");
  assertEquals(error.diagnostics.length, 3);
  assertStringIncludes(
    error.message,
    "bad.yaml:12:15: Unknown faker method `fake.emial` (and 1 more)",
  );
  assertEquals(hasErrors(error.diagnostics), true);
  assertEquals(hasErrors([diagnostic({ severity: "warning" })]), false);
});
