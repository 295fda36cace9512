/**
 * Typed fields of a YAML document with positions: a mapping's known keys (unknown ones reported
 * with "did you mean"), strings, booleans, integers, lists and durations, each wrong one reported
 * at its line and column. The config's readers are built on it.
 *
 * @module
 */
import { type Document, isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { effectivePairs, resolveNode } from "./yaml_nodes.ts";
import { closestString } from "../expr/mod.ts";
import type { Diagnostic, Severity, YamlPath } from "./diagnostics.ts";
import type { SourceMap } from "./positions.ts";

/** A scalar's value as YAML gives it. */
export type Value = string | number | boolean | null;

/** What a node holds, for messages: `"ten"`, `-5`, `a list`, `a mapping`, `nothing`. */
export function describe(node: Node | null | undefined): string {
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return "nothing";
    if (typeof v === "string") return JSON.stringify(v);
    return String(v);
  }
  return "nothing";
}

/** "did you mean `x`?", when there is a close name. */
export function didYouMean(suggestion: string | undefined): string | undefined {
  return suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`;
}

/**
 * Top-level keys starting with `x-` are ignored, as in Compose files: a place to define
 * anchors that tables merge (`x-defaults: &defaults ...`, then `<<: *defaults`).
 */
export function isExtensionKey(key: string): boolean {
  return key.startsWith("x-");
}

/** Reads typed fields of one document, collecting diagnostics. */
export class YamlFields {
  readonly diagnostics: Diagnostic[] = [];
  readonly doc: Document;
  readonly map: SourceMap;

  constructor(doc: Document, map: SourceMap) {
    this.doc = doc;
    this.map = map;
  }

  report(
    path: YamlPath,
    code: string,
    message: string,
    options: { hint?: string; severity?: Severity; at?: "key" | "value" } = {},
  ): void {
    this.diagnostics.push(this.map.diagnostic(path, code, message, options));
  }

  resolve(node: Node | null | undefined): Node | null {
    return resolveNode(node, this.doc);
  }

  /**
   * The values of a mapping by key, after reporting unknown keys (with the closest known
   * key as a hint) and keys that are not plain names.
   */
  fields(
    node: YAMLMap,
    path: YamlPath,
    known: readonly string[],
    where: string,
    allowed: readonly string[] = [],
  ): Map<string, Node | null> {
    const fields = new Map<string, Node | null>();
    for (const pair of effectivePairs(node, this.doc)) {
      const keyNode = this.resolve(pair.key as Node | null);
      if (isScalar(keyNode) && typeof keyNode.value === "symbol") {
        // A merge key left by effectivePairs: its value is no mapping to merge.
        this.diagnostics.push(
          this.map.diagnosticAtOffset(
            keyNode.range?.[0] ?? this.map.offset(path),
            path,
            "bad-merge",
            "`<<` merges mappings into this one: its value must be a mapping, an alias of one, " +
              `or a list of them, got ${describe(this.resolve(pair.value as Node | null))}`,
            { hint: "E.g. `<<: *defaults`, where `defaults` is an anchor on a mapping." },
          ),
        );
        continue;
      }
      const key = isScalar(keyNode) && keyNode.value !== null ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.diagnostics.push(
          this.map.diagnosticAtOffset(
            keyNode?.range?.[0] ?? this.map.offset(path),
            path,
            "wrong-type",
            `Keys of ${where} must be names, got ${describe(keyNode)}`,
          ),
        );
        continue;
      }
      const value = this.resolve(pair.value as Node | null);
      if (path.length === 0 && isExtensionKey(key)) continue;
      if (known.includes(key) || allowed.includes(key)) {
        fields.set(key, value);
        continue;
      }
      const suggestion = closestString(key, known);
      this.report([...path, key], "unknown-field", `Unknown field \`${key}\` in ${where}`, {
        at: "key",
        hint: didYouMean(suggestion) ?? `Known fields: ${known.join(", ")}.`,
      });
    }
    return fields;
  }

  mapping(node: Node | null, path: YamlPath, what: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.report(path, "wrong-type", `${what} must be a mapping, got ${describe(node)}`);
    return undefined;
  }

  scalar(node: Node | null): Value | undefined {
    if (node === null) return null;
    if (!isScalar(node)) return undefined;
    const v = node.value;
    if (v === null || v === undefined) return null;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    if (typeof v === "bigint") return Number(v);
    return undefined;
  }

  string(node: Node | null, path: YamlPath, key: string): string | undefined {
    const v = this.scalar(node);
    if (typeof v === "string") return v;
    this.report(path, "wrong-type", `\`${key}\` must be a string, got ${describe(node)}`);
    return undefined;
  }

  bool(node: Node | null, path: YamlPath, key: string): boolean | undefined {
    const v = this.scalar(node);
    if (typeof v === "boolean") return v;
    this.report(path, "wrong-type", `\`${key}\` must be true or false, got ${describe(node)}`, {
      hint: typeof v === "string" && /^(true|false|yes|no)$/i.test(v)
        ? `Write \`${key}: ${/^(true|yes)$/i.test(v) ? "true" : "false"}\` without quotes.`
        : undefined,
    });
    return undefined;
  }

  /**
   * A rate per minute (`rows_per_minute`, `updates_per_minute`...): a finite number, not
   * negative; fractions are allowed. `hints` give an example rate, what one is (`one row`)
   * and, in `none`,
   * how to have none instead.
   */
  rate(
    node: Node | null,
    path: YamlPath,
    key: string,
    hints: { example: number; each: string; none: string },
  ): number | undefined {
    const v = this.scalar(node);
    if (typeof v !== "number" || !Number.isFinite(v)) {
      this.report(path, "wrong-type", `\`${key}\` must be a number, got ${describe(node)}`, {
        hint: `E.g. \`${key}: ${hints.example}\`, or \`0.5\` for ${hints.each} every two minutes.`,
      });
      return undefined;
    }
    if (v < 0) {
      this.report(path, "out-of-range", `\`${key}\` must not be negative, got ${v}`, {
        hint: hints.none,
      });
      return undefined;
    }
    return v;
  }

  /** An integer, at least `min` when given. */
  integer(
    node: Node | null,
    path: YamlPath,
    key: string,
    min?: number,
  ): number | undefined {
    const v = this.scalar(node);
    const kind = min === 0
      ? "a non-negative integer"
      : min === 1
      ? "a positive integer"
      : "an integer";
    if (typeof v !== "number" || !Number.isInteger(v)) {
      const numeric = typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v));
      this.report(path, "wrong-type", `\`${key}\` must be ${kind}, got ${describe(node)}`, {
        hint: numeric && Number.isInteger(Number(v))
          ? `Write \`${key}: ${Number(v)}\` without quotes.`
          : undefined,
      });
      return undefined;
    }
    this.floatWritten(node, path, key, v);
    if (!Number.isSafeInteger(v)) {
      this.report(path, "out-of-range", `\`${key}\` is too large: ${describe(node)}`, {
        hint: `Integers must be at most ${Number.MAX_SAFE_INTEGER}.`,
      });
      return undefined;
    }
    if (min !== undefined && v < min) {
      this.report(path, "out-of-range", `\`${key}\` must be ${kind}, got ${v}`);
      return undefined;
    }
    return v;
  }

  /**
   * Warns when an integer was written as a float (`1e12`, `5000.0`): YAML reads it as a
   * float, which tablestream takes at its value, but PyYAML reads `1e12` as a string and
   * tablefaker would fail on it.
   */
  floatWritten(node: Node | null, path: YamlPath, key: string, value: number): void {
    const range = node?.range;
    if (!isScalar(node) || !range) return;
    const written = this.map.source.slice(range[0], range[1]).trim();
    if (!/^[-+]?(\d[\d_]*)?\.?\d*[eE.]/.test(written)) return;
    this.report(
      path,
      "float-as-integer",
      `\`${key}: ${written}\` is a float in YAML; it is read as the integer ` +
        value.toLocaleString("en-US"),
      {
        severity: "warning",
        hint: `Write the digits, \`${key}: ${value}\`` +
          (/^[^.]*[eE]/.test(written)
            ? ` (PyYAML, and so tablefaker, reads \`${written}\` as text).`
            : "."),
      },
    );
  }

  /** A list of strings, or one string standing for a list of one. */
  stringList(node: Node | null, path: YamlPath, key: string): string[] | undefined {
    const v = this.scalar(node);
    if (typeof v === "string") return [v];
    if (!isSeq(node)) {
      this.report(
        path,
        "wrong-type",
        `\`${key}\` must be a list of strings, got ${describe(node)}`,
      );
      return undefined;
    }
    const out: string[] = [];
    node.items.forEach((item, i) => {
      const s = this.string(this.resolve(item as Node | null), [...path, i], `${key}[${i}]`);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  /** A node as plain JSON-like data (option values). */
  data(node: Node | null): unknown {
    if (node === null) return null;
    return (node as { toJS(doc: Document): unknown }).toJS(this.doc);
  }

  /** A mapping of option values; undefined (reported) when it is not a mapping. */
  options(node: Node | null, path: YamlPath): Record<string, unknown> | undefined {
    if (node === null || (isScalar(node) && node.value === null)) return {};
    const map = this.mapping(node, path, "`options`");
    if (!map) return undefined;
    return this.data(map) as Record<string, unknown>;
  }

  /** Whether an unknown key of the mapping is a misspelling of `key` (reported already). */
  isTypoOf(map: YAMLMap, key: string, known: readonly string[]): boolean {
    return map.items.some((pair) => {
      const k = this.resolve(pair.key as Node | null);
      if (!isScalar(k) || typeof k.value !== "string" || known.includes(k.value)) return false;
      return closestString(k.value, known) === key;
    });
  }
}
