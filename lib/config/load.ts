/**
 * Loading a config: YAML text to a document with positions, the structural checks, then
 * the semantic ones. Every problem is collected; the config is returned only when none is
 * an error.
 *
 * @module
 */
import { loadLocale } from "../engine/faker.ts";
import {
  type Document,
  isCollection,
  isScalar,
  LineCounter,
  parseDocument,
  type YAMLError,
} from "yaml";
import {
  type Diagnostic,
  formatPath,
  hasErrors,
  type Severity,
  sortDiagnostics,
  type YamlPath,
} from "./diagnostics.ts";
import type { ColumnConfig, Config, LoadResult } from "./model.ts";
import { SourceMap } from "./positions.ts";
import { readConfig } from "./read.ts";
import {
  type AliasBomb,
  findAliasBomb,
  findTooDeep,
  MAX_EXPANDED_NODES,
  MAX_YAML_DEPTH,
} from "./yaml_nodes.ts";
import { validateConfig } from "./validate.ts";
import type { PluginRegistry } from "../plugin/registry.ts";
import { distributionCatalog } from "../plugin/distribution_options.ts";
import { builtinRegistry, checkSinks, columnFunctions, loadPluginFiles } from "./plugins.ts";

/** Options of {@link parseConfig}. */
export interface ParseOptions {
  /**
   * The plugins expressions and `sinks:` may use; the built-ins by default. `parseConfig`
   * cannot load plugin files (loading is asynchronous): `loadConfig` does.
   */
  plugins?: PluginRegistry;
}

/**
 * Reads, parses and checks a config file.
 *
 * @example
 * ```ts
 * const { config, diagnostics } = await loadConfig("examples/streaming_config.yaml");
 * if (diagnostics.length) console.error(formatDiagnostics(diagnostics));
 * if (!config) Deno.exit(2);
 * ```
 */
export async function loadConfig(path: string): Promise<LoadResult> {
  let text: string;
  try {
    const bytes = await Deno.readFile(path);
    const decoded = decodeUtf8(bytes);
    if (typeof decoded !== "string") {
      return { diagnostics: [encodingDiagnostic(path, bytes, decoded)] };
    }
    text = decoded;
  } catch (error) {
    const missing = error instanceof Deno.errors.NotFound;
    const reason = error instanceof Error ? error.message : String(error);
    return {
      diagnostics: [{
        code: missing ? "file-not-found" : "unreadable-file",
        severity: "error",
        message: missing
          ? "The config file does not exist"
          : `Cannot read the config file: ${reason}`,
        file: path,
        line: 1,
        column: 1,
        path: [],
        pathText: formatPath([]),
        hint: missing ? "Check the path given with --config." : undefined,
      }],
    };
  }
  const read = readStage(text, path);
  const registry = builtinRegistry();
  if (read.config) read.diagnostics.push(...await loadPluginFiles(read.config, registry));
  const result = checkStage(read, registry);
  // The faker data of the config's locale (a known one: checked above), for the engine.
  if (result.config) await loadLocale(result.config.locale);
  return result;
}

/**
 * The text of UTF-8 bytes (a byte-order mark dropped), or the offset of the first byte that
 * is not UTF-8: decoding leniently would put U+FFFD into table names without a word.
 */
function decodeUtf8(bytes: Uint8Array): string | { badByte: number } {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { badByte: firstNonUtf8(bytes) };
  }
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstNonUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80
      ? 1
      : b >= 0xc2 && b <= 0xdf
      ? 2
      : b >= 0xe0 && b <= 0xef
      ? 3
      : b >= 0xf0 && b <= 0xf4
      ? 4
      : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong, surrogate and out-of-range forms of 3- and 4-byte sequences.
    const second = bytes[i + 1];
    if (
      (b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) ||
      (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)
    ) return i;
    i += length;
  }
  return bytes.length;
}

function encodingDiagnostic(file: string, bytes: Uint8Array, at: { badByte: number }): Diagnostic {
  const before = new TextDecoder().decode(bytes.subarray(0, at.badByte));
  const lines = before.split("\n");
  const byte = bytes[at.badByte].toString(16).toUpperCase().padStart(2, "0");
  return {
    code: "bad-encoding",
    severity: "error",
    message: `The config is not UTF-8 text: byte 0x${byte} cannot start or continue a character`,
    file,
    line: lines.length,
    column: lines.at(-1)!.length + 1,
    path: [],
    pathText: formatPath([]),
    hint: "Save the file as UTF-8 (YAML files are UTF-8, as PyYAML reads them).",
  };
}

/**
 * Parses and checks a config's text; `file` names it in diagnostics.
 *
 * @example
 * ```ts
 * const { config } = parseConfig("tables:\n  - table_name: t\n    columns:\n      - {column_name: id, data: row_id}\n", "inline.yaml");
 * config?.tables[0].rowCount; // 10
 * ```
 */
export function parseConfig(text: string, file: string, options: ParseOptions = {}): LoadResult {
  const read = readStage(text, file);
  const refs = read.config?.pluginFiles ?? [];
  if (refs.length && !options.plugins) {
    read.diagnostics.push(
      read.map.diagnostic(["plugins"], "bad-plugin", "Plugin files are loaded by loadConfig", {
        hint: "Use loadConfig(path), which loads `plugins:`, or pass the plugins to parseConfig.",
      }),
    );
  }
  return checkStage(read, options.plugins ?? builtinRegistry());
}

/** What the structural stage produced. */
interface ReadStage {
  map: SourceMap;
  diagnostics: Diagnostic[];
  config?: Config;
  incomplete: ReadonlySet<ColumnConfig>;
}

/** YAML and the structural checks. */
function readStage(text: string, file: string): ReadStage {
  const lineCounter = new LineCounter();
  const deep = findTooDeep(text);
  if (deep !== undefined) {
    lineCounter.lineStarts.push(...lineStartsOf(text));
    const map = new SourceMap(file, text, lineCounter);
    return {
      map,
      diagnostics: [
        map.diagnosticAtOffset(
          deep,
          [],
          "too-deep",
          `The YAML nests more than ${MAX_YAML_DEPTH} levels deep`,
          {
            hint:
              "A config nests a few levels (tables, columns, options); check the brackets and indentation here.",
          },
        ),
      ],
      incomplete: new Set(),
    };
  }
  // merge: `<<: *base` merge keys, as PyYAML (and so tablefaker) reads them.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: true,
    merge: true,
  });
  const bomb = doc.errors.length === 0 ? findAliasBomb(doc) : undefined;
  if (bomb) {
    // Not even the source map may walk it: every walk would expand the aliases.
    const map = new SourceMap(file, text, lineCounter);
    return { map, diagnostics: [aliasDiagnostic(bomb, map)], incomplete: new Set() };
  }
  const map = new SourceMap(file, text, lineCounter, doc);
  const diagnostics = yamlDiagnostics(doc, map);
  // A duplicate key leaves a sound document (the first value wins); other syntax errors
  // may not, and checking a half-read document would only add confusing follow-ups.
  const sound = doc.errors.every((e) => e.code === "DUPLICATE_KEY");
  if (!sound) return { map, diagnostics, incomplete: new Set() };
  const read = readConfig(doc, map);
  diagnostics.push(...read.diagnostics);
  return { map, diagnostics, config: read.config, incomplete: read.incomplete };
}

/** The offsets where the lines of a text start (a LineCounter's, without parsing). */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** An alias that would expand the config past the bound, at the alias. */
function aliasDiagnostic(bomb: AliasBomb, map: SourceMap): Diagnostic {
  const expanded = Number.isFinite(bomb.expanded)
    ? `${Math.round(bomb.expanded).toLocaleString("en-US")} values`
    : "itself, without end";
  return map.diagnosticAtOffset(
    bomb.alias.range?.[0] ?? 0,
    [],
    "yaml-aliases",
    `The alias \`*${bomb.name}\` expands to ${expanded}; a config may expand to at most ` +
      `${MAX_EXPANDED_NODES.toLocaleString("en-US")} through its aliases`,
    {
      hint: "Aliases of aliases multiply what they repeat: write the values out, or use " +
        "fewer levels of aliases.",
    },
  );
}

/** The semantic checks, with the plugins: expressions, foreign keys, sinks. */
function checkStage(read: ReadStage, plugins: PluginRegistry): LoadResult {
  const { config, diagnostics } = read;
  if (config) {
    config.plugins = plugins;
    const functions = columnFunctions(config, plugins, diagnostics);
    diagnostics.push(
      ...validateConfig(config, {
        incomplete: read.incomplete,
        functions,
        distributions: distributionCatalog(plugins.distributions()),
      }),
      ...checkSinks(config, plugins),
    );
  }
  const sorted = sortDiagnostics(diagnostics);
  if (!config || hasErrors(sorted)) return { diagnostics: sorted };
  return { config, diagnostics: sorted };
}

/** YAML syntax errors and warnings as diagnostics. */
function yamlDiagnostics(doc: Document, map: SourceMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  const convertOne = (error: YAMLError, severity: "error" | "warning") => {
    const offset = errorOffset(error, map);
    const duplicate = error.code === "DUPLICATE_KEY";
    const key = duplicate ? keyAt(map.source, offset) : undefined;
    const message = key !== undefined ? `Duplicate key \`${key}\`` : plainMessage(error.message);
    const path = map.pathAt(offset);
    out.push(
      map.diagnosticAtOffset(offset, path, duplicate ? "duplicate-key" : "yaml-syntax", message, {
        severity,
        hint: duplicate
          ? "A key may appear once per mapping; remove or rename one of them."
          : unclosedHint(error) ?? flowValueHint(map, offset) ?? syntaxHint(error.code),
      }),
    );
  };
  // One report per line and kind: the parser may flag both ends of one mistake.
  const seen = new Set<string>();
  const convert = (error: YAMLError, severity: "error" | "warning") => {
    const key = `${map.position(errorOffset(error, map)).line}:${error.code}`;
    if (!seen.has(key)) {
      seen.add(key);
      convertOne(error, severity);
    }
  };
  for (const error of doc.errors) convert(error, "error");
  for (const warning of doc.warnings) convert(warning, "warning");
  return out;
}

/**
 * Where to point for a YAML error: where it was found, except that an unclosed quote or
 * bracket (found only at the end of the file) points where it was opened.
 */
function errorOffset(error: YAMLError, map: SourceMap): number {
  const offset = Math.min(error.pos[0], map.source.length);
  const unclosed = unclosedKind(error);
  if (!unclosed) return offset;
  const quote = unclosed === "quote";
  const start = map.openNodeStart(offset, (node) => quote ? isScalar(node) : isCollection(node));
  return start ?? offset;
}

function unclosedKind(error: YAMLError): "quote" | "bracket" | undefined {
  if (error.code === "MISSING_CHAR" && /quote/i.test(error.message)) return "quote";
  if (/end with an? [\]}]/.test(error.message)) return "bracket";
  return undefined;
}

/** The message without the position and source excerpt that `prettyErrors` appends. */
function plainMessage(message: string): string {
  const plain = message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "").trim()
    .replace(/^Missing closing (["'])quote/, "Missing closing $1 quote");
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}

/**
 * An expression that starts with `{` or `[` (a dict or list literal) is read as a YAML
 * collection, a common surprise with `data:`; say so when an error is on such a line.
 */
function flowValueHint(map: SourceMap, offset: number): string | undefined {
  const { line } = map.position(offset);
  const text = map.lineText(line);
  if (text === undefined || !/\bdata:\s+[[{]/.test(text)) return undefined;
  return "A value that starts with `{` or `[` is read as YAML, not as an expression: quote it, " +
    `e.g. \`data: '{"a": 1}[key]'\`.`;
}

function unclosedHint(error: YAMLError): string | undefined {
  switch (unclosedKind(error)) {
    case "quote":
      return "This quote is never closed: close it at the end of the value.";
    case "bracket":
      return "This bracket is never closed: close it, or quote the whole value if it is an expression.";
    default:
      return undefined;
  }
}

function syntaxHint(code: string): string | undefined {
  switch (code) {
    case "TAB_AS_INDENT":
      return "Indent with spaces; YAML does not allow tabs for indentation.";
    case "BAD_INDENT":
    case "MISSING_CHAR":
      return "Check the indentation and the brackets and quotes of this line and the one before.";
    case "MULTIPLE_DOCS":
      return "A config is one YAML document; remove the `---` separator.";
    case "BLOCK_AS_IMPLICIT_KEY":
      return "A value that contains `: ` must be quoted, e.g. `data: 'f(x={\"a\": 1})'`.";
    case "MULTILINE_IMPLICIT_KEY":
      return "A `key: value` pair may be missing its colon, or a value its quotes.";
    default:
      return undefined;
  }
}

/** The key written at an offset (for duplicate-key messages). */
function keyAt(source: string, offset: number): string | undefined {
  const match = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:,{}[\]\n#]+?)\s*:/.exec(
    source.slice(offset),
  );
  if (!match) return undefined;
  const raw = match[1];
  return /^["']/.test(raw) ? raw.slice(1, -1) : raw.trim();
}

/**
 * A diagnostic about a node of a loaded config, for later stages (the engine, the
 * streaming server) that find a problem with a table or column: it points at the node
 * at `path` (or its nearest written ancestor).
 *
 * @example
 * ```ts
 * diagnosticAt(config, ["tables", 1, "columns", 2, "data"], "runtime-error", "Division by zero in row 7");
 * ```
 */
export function diagnosticAt(
  config: Config,
  path: YamlPath,
  code: string,
  message: string,
  hint?: string | { hint?: string; severity?: Severity },
): Diagnostic {
  const options = typeof hint === "string" ? { hint } : hint ?? {};
  return config.sourceMap.diagnostic(path, code, message, options);
}
