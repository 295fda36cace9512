/**
 * Config diagnostics: problems found in a config file, each with a stable code, a
 * position (file, 1-based line and column), the YAML path and an optional hint, and
 * their compiler-style formatting.
 *
 * @module
 */

/** Errors make a config unusable; warnings are printed and the run goes on. */
export type Severity = "error" | "warning";

/** One step of a YAML path: a mapping key or a sequence index. */
export type PathSegment = string | number;

/** A path from the document root, e.g. `["tables", 1, "columns", 0, "data"]`. */
export type YamlPath = readonly PathSegment[];

/** A problem in a config file. */
export interface Diagnostic {
  /** Stable kebab-case code, e.g. `unknown-field`, `unknown-table`, `bad-expression`. */
  code: string;
  severity: Severity;
  /** Sentence-case message that says what is wrong. */
  message: string;
  /** The config file, as given to the loader. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** Where in the document, as keys and indices. */
  path: YamlPath;
  /** {@link path} printed, e.g. `tables[1].columns[0].data`. */
  pathText: string;
  /** What to do instead, e.g. "did you mean `column_name`?". */
  hint?: string;
  /** The text of line {@link line}, so the diagnostic can be shown without the file. */
  sourceLine?: string;
}

/**
 * Prints a YAML path the way a user would write it in a query.
 *
 * @example
 * ```ts
 * formatPath(["tables", 1, "columns", 0, "data"]); // "tables[1].columns[0].data"
 * ```
 */
export function formatPath(path: YamlPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text || "<root>";
}

/** Whether any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Diagnostics ordered by file, line and column; equal positions keep their order. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) =>
      (a.d.file < b.d.file ? -1 : a.d.file > b.d.file ? 1 : 0) ||
      a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i
    )
    .map(({ d }) => d);
}

/** Sources of config files by file name, for {@link formatDiagnostics}. */
export type Sources = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/**
 * Formats diagnostics like a compiler: the position and message, the source line with a
 * caret under the column, and the hint. The source line comes from `sources` when it has
 * the file, else from the diagnostic's own {@link Diagnostic.sourceLine}.
 *
 * @example
 * ```ts
 * formatDiagnostics(diagnostics);
 * // config.yaml:12:15: error[unknown-function]: Unknown faker method `fake.emial`
 * //    12 |         data: fake.emial()
 * //       |               ^
 * //   hint: did you mean `fake.email()`?
 * ```
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], sources?: Sources): string {
  return diagnostics.map((d) => formatDiagnostic(d, sources) + "\n").join("");
}

function formatDiagnostic(d: Diagnostic, sources: Sources | undefined): string {
  const lines = [`${d.file}:${d.line}:${d.column}: ${d.severity}[${d.code}]: ${d.message}`];
  const whole = lineOf(d, sources);
  if (whole !== undefined) {
    const { text, column } = excerpt(whole, d.column);
    const gutter = String(d.line).padStart(5);
    const blank = " ".repeat(gutter.length);
    // Keep tabs so the caret lines up however the terminal expands them.
    const pad = text.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, " ");
    lines.push(`${gutter} | ${text}`.trimEnd(), `${blank} | ${pad}^`);
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join("\n");
}

/** The most characters of a source line a diagnostic shows. */
const EXCERPT_WIDTH = 200;

/**
 * The part of a long line around `column` (1-based), with `…` where it was cut, and the
 * column within it: a 15,000-character line must not flood the terminal.
 */
function excerpt(line: string, column: number): { text: string; column: number } {
  if (line.length <= EXCERPT_WIDTH) return { text: line, column };
  const start = Math.max(0, Math.min(column - 1 - EXCERPT_WIDTH / 2, line.length - EXCERPT_WIDTH));
  const end = start + EXCERPT_WIDTH;
  const head = start > 0 ? "…" : "";
  const tail = end < line.length ? "…" : "";
  return { text: head + line.slice(start, end) + tail, column: column - start + head.length };
}

function lineOf(d: Diagnostic, sources: Sources | undefined): string | undefined {
  const source = sources instanceof Map
    ? sources.get(d.file)
    : (sources as Record<string, string> | undefined)?.[d.file];
  if (source === undefined) return d.sourceLine;
  return source.split(/\r?\n/)[d.line - 1];
}

/** A config that cannot be used; carries every diagnostic, errors and warnings. */
export class ConfigError extends Error {
  /** Every problem found, errors first in file order. */
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[], options?: ErrorOptions) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    const first = errors[0] ?? diagnostics[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    super(
      first
        ? `${first.file}:${first.line}:${first.column}: ${first.message}${more}`
        : "Invalid config",
      options,
    );
    this.name = "ConfigError";
    this.diagnostics = diagnostics;
  }
}
