/**
 * Helpers for the config tests: parse inline YAML and summarise diagnostics.
 *
 * @module
 */
import type { Diagnostic } from "../lib/config/diagnostics.ts";
import { parseConfig } from "../lib/config/load.ts";
import type { Config, LoadResult } from "../lib/config/model.ts";

/** Parses a config given as text, named `t.yaml`. */
export function parse(yaml: string): LoadResult {
  return parseConfig(yaml, "t.yaml");
}

/** `code@line:column` of each diagnostic, with `!` for warnings. */
export function summary(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) =>
    `${d.severity === "warning" ? "!" : ""}${d.code}@${d.line}:${d.column}`
  );
}

/** Parses a config that must be valid, and returns it. */
export function valid(yaml: string): Config {
  const { config, diagnostics } = parse(yaml);
  if (!config) {
    throw new Error(`expected a valid config, got ${JSON.stringify(summary(diagnostics))}`);
  }
  return config;
}

/** The diagnostic with a code; fails when there is none or several. */
export function only(diagnostics: readonly Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  if (found.length !== 1) {
    throw new Error(`expected one ${code}, got ${JSON.stringify(summary(diagnostics))}`);
  }
  return found[0];
}

/** A table of columns, as YAML, indented for a `tables:` list. */
export function table(name: string, ...columns: string[]): string {
  return `  - table_name: ${name}\n    columns:\n${columns.map((c) => `      - ${c}\n`).join("")}`;
}
