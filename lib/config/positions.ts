/**
 * Where things are in a config file: the position of every YAML node by path, and of
 * every character of a scalar's value (so an expression's span becomes a file line and
 * column, through quotes, escapes and block scalars).
 *
 * @module
 */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Range,
  type Scalar,
} from "yaml";
import { type Diagnostic, formatPath, type Severity, type YamlPath } from "./diagnostics.ts";
import { effectivePairs, resolveNode } from "./yaml_nodes.ts";

/** A place in the config file. */
export interface SourcePos {
  /** Where in the document, e.g. `["tables", 1, "columns", 0]`. */
  path: YamlPath;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** 0-based character offset in the source. */
  offset: number;
}

interface NodeEntry {
  path: YamlPath;
  /** Range of the mapping key that holds the node, if any. */
  key?: Range;
  /** The node as written (an alias stays an alias: that is where the user wrote it). */
  node: Node | null;
}

/** Options of {@link SourceMap.diagnostic}. */
export interface DiagnosticOptions {
  /** Default `error`. */
  severity?: Severity;
  hint?: string;
  /** Point at the node's key instead of its value (for unknown or duplicate keys). */
  at?: "key" | "value";
  /** An offset inside the scalar value at the path (e.g. an expression's span start). */
  valueOffset?: number;
}

/** Positions of the nodes of one parsed config file. */
export class SourceMap {
  /** The file name used in diagnostics. */
  readonly file: string;
  /** The file's text. */
  readonly source: string;
  readonly #lineStarts: readonly number[];
  readonly #nodes = new Map<string, NodeEntry>();
  readonly #offsetMaps = new Map<string, number[]>();

  constructor(file: string, source: string, lineCounter: LineCounter, doc?: Document) {
    this.file = file;
    this.source = source;
    this.#lineStarts = [...lineCounter.lineStarts].sort((a, b) => a - b);
    if (doc) this.#walk(doc, doc.contents as Node | null, [], undefined, 0);
  }

  #walk(doc: Document, node: Node | null, path: YamlPath, key: Range | undefined, depth: number) {
    this.#nodes.set(formatPath(path), { path, key, node });
    // Aliases may nest; the depth bound keeps a pathological document finite.
    if (depth > 64) return;
    const target = resolveNode(node, doc);
    if (isMap(target)) {
      for (const pair of effectivePairs(target, doc)) {
        const k = pair.key as Node | null;
        const name = isScalar(k) ? String(k.value) : undefined;
        if (name === undefined) continue;
        const keyRange = (k as Scalar).range ?? undefined;
        this.#walk(doc, pair.value as Node | null, [...path, name], keyRange, depth + 1);
      }
    } else if (isSeq(target)) {
      target.items.forEach((item, i) => {
        this.#walk(doc, item as Node | null, [...path, i], undefined, depth + 1);
      });
    }
  }

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = starts.length ? starts[lo] : 0;
    return { line: lo + 1, column: offset - lineStart + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string | undefined {
    const start = this.#lineStarts[line - 1];
    if (start === undefined) return undefined;
    const next = this.#lineStarts[line];
    const text = this.source.slice(start, next === undefined ? undefined : next);
    return text.replace(/\r?\n$/, "");
  }

  /** The node written at a path (an alias stays an alias), if any. */
  node(path: YamlPath): Node | null | undefined {
    return this.#nodes.get(formatPath(path))?.node;
  }

  /** The deepest path whose node contains the offset (the root when none does). */
  pathAt(offset: number): YamlPath {
    let best: YamlPath = [];
    for (const { path, node } of this.#nodes.values()) {
      const range = node?.range;
      if (range && range[0] <= offset && offset < Math.max(range[2], range[0] + 1)) {
        if (path.length >= best.length) best = path;
      }
    }
    return best;
  }

  /**
   * The start of the deepest node that is still open at `offset` (its range ends at or
   * after it) and matches `accept`: where an unclosed quote or bracket began.
   */
  openNodeStart(offset: number, accept: (node: Node) => boolean): number | undefined {
    let best: { start: number; depth: number } | undefined;
    for (const { path, node } of this.#nodes.values()) {
      const range = node?.range;
      if (!node || !range || !accept(node) || range[0] >= offset || range[2] < offset) continue;
      if (!best || path.length >= best.depth) best = { start: range[0], depth: path.length };
    }
    return best?.start;
  }

  /**
   * The character offset of a path: its key, or its value, or the nearest ancestor that
   * was written (a missing key is reported where its mapping starts).
   */
  offset(path: YamlPath, at: "key" | "value" = "value"): number {
    for (let n = path.length; n >= 0; n--) {
      const entry = this.#nodes.get(formatPath(path.slice(0, n)));
      if (!entry) continue;
      if (at === "key" && entry.key && n === path.length) return entry.key[0];
      const range = entry.node?.range;
      if (range) return range[0];
      if (entry.key) return entry.key[0];
    }
    return 0;
  }

  /**
   * The offset in the file of character `valueOffset` of the scalar value at `path`;
   * quotes, escapes and block-scalar indentation are accounted for.
   */
  valueOffset(path: YamlPath, valueOffset: number): number {
    const node = this.node(path);
    if (!isScalar(node) || !node.range) return this.offset(path);
    const key = formatPath(path);
    let map = this.#offsetMaps.get(key);
    if (!map) {
      map = scalarOffsetMap(node, this.source);
      this.#offsetMaps.set(key, map);
    }
    const i = Math.max(0, Math.min(valueOffset, map.length - 1));
    return map[i];
  }

  /** The position of a path (see {@link offset}) as a {@link SourcePos}. */
  pos(path: YamlPath, at: "key" | "value" = "value"): SourcePos {
    const offset = this.offset(path, at);
    return { path, offset, ...this.position(offset) };
  }

  /** A diagnostic about the node at `path`. */
  diagnostic(
    path: YamlPath,
    code: string,
    message: string,
    options: DiagnosticOptions = {},
  ): Diagnostic {
    const offset = options.valueOffset === undefined
      ? this.offset(path, options.at)
      : this.valueOffset(path, options.valueOffset);
    return this.diagnosticAtOffset(offset, path, code, message, options);
  }

  /** A diagnostic at a character offset of the file. */
  diagnosticAtOffset(
    offset: number,
    path: YamlPath,
    code: string,
    message: string,
    options: Pick<DiagnosticOptions, "severity" | "hint"> = {},
  ): Diagnostic {
    const { line, column } = this.position(offset);
    const diagnostic: Diagnostic = {
      code,
      severity: options.severity ?? "error",
      message,
      file: this.file,
      line,
      column,
      path: [...path],
      pathText: formatPath(path),
    };
    if (options.hint !== undefined) diagnostic.hint = options.hint;
    const sourceLine = this.lineText(line);
    if (sourceLine !== undefined) diagnostic.sourceLine = sourceLine;
    return diagnostic;
  }
}

/**
 * For each character of a scalar's value (and one past the end), its offset in the
 * file. Exact for plain scalars on one line and for literal block scalars; quoted and
 * folded scalars are aligned character by character, which is exact unless an escape
 * sequence stands for the character.
 */
export function scalarOffsetMap(node: Scalar, source: string): number[] {
  const range = node.range!;
  const value = typeof node.value === "string" ? node.value : String(node.source ?? node.value);
  const written = source.slice(range[0], range[1]);
  if (node.type === "PLAIN" || node.type === undefined) {
    if (written.startsWith(value)) return identityMap(range[0], value.length);
    return alignMap(value, source, range[0], range[1]);
  }
  if (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") {
    return alignMap(value, source, range[0] + 1, range[1]);
  }
  if (node.type === "BLOCK_LITERAL") {
    const literal = blockLiteralMap(value, source, range[0], range[1]);
    if (literal) return literal;
  }
  const bodyStart = source.indexOf("\n", range[0]);
  return alignMap(value, source, bodyStart < 0 ? range[0] : bodyStart + 1, range[1]);
}

function identityMap(start: number, length: number): number[] {
  return Array.from({ length: length + 1 }, (_, i) => start + i);
}

/** Offsets of a literal block scalar's value, line by line, or undefined if unsure. */
function blockLiteralMap(
  value: string,
  source: string,
  start: number,
  end: number,
): number[] | undefined {
  const headerEnd = source.indexOf("\n", start);
  if (headerEnd < 0 || headerEnd >= end) return undefined;
  const lines: { offset: number; text: string }[] = [];
  let offset = headerEnd + 1;
  while (offset < end) {
    const newline = source.indexOf("\n", offset);
    const lineEnd = newline < 0 || newline > end ? end : newline;
    lines.push({ offset, text: source.slice(offset, lineEnd).replace(/\r$/, "") });
    offset = lineEnd + 1;
  }
  const first = lines.find((l) => l.text.trim() !== "");
  if (!first) return undefined;
  const indent = first.text.length - first.text.trimStart().length;
  const map: number[] = [];
  let rebuilt = "";
  for (const line of lines) {
    const content = line.text.length > indent ? line.text.slice(indent) : "";
    for (let j = 0; j < content.length; j++) map.push(line.offset + indent + j);
    rebuilt += content;
    map.push(line.offset + line.text.length);
    rebuilt += "\n";
  }
  if (!rebuilt.startsWith(value) && !value.startsWith(rebuilt.trimEnd())) return undefined;
  while (map.length < value.length + 1) map.push(end);
  return map.slice(0, value.length + 1);
}

/**
 * Aligns a value with its written form: each character is found at or shortly after the
 * previous one, skipping whitespace, quotes and escapes; a character that cannot be found
 * nearby stays where the previous one was.
 */
function alignMap(value: string, source: string, start: number, end: number): number[] {
  const map: number[] = [];
  let p = start;
  for (const c of value) {
    let q = p;
    let skipped = 0;
    let found = -1;
    while (q < end) {
      const s = source[q];
      if (s === c || (/\s/.test(c) && /\s/.test(s))) {
        found = q;
        break;
      }
      if (!/\s/.test(s) && ++skipped > 10) break;
      q++;
    }
    for (let k = 0; k < c.length; k++) map.push(found < 0 ? p : found + k);
    if (found >= 0) p = found + c.length;
  }
  map.push(Math.min(p, Math.max(start, end)));
  return map;
}
