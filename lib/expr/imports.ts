/**
 * `import` statements in blocks. tablefaker configs write `from datetime import datetime,
 * timedelta` or `import math` although those names are always defined; such imports are
 * checked and then only bind names: `from math import floor` makes `floor` stand for
 * `math.floor`, `import datetime as dt` makes `dt` stand for `datetime`. Anything else
 * would need Python, which never runs, so it is reported with what to do instead.
 *
 * The binding is a rewrite of the syntax tree: each use of an alias is replaced by what it
 * stands for, before the block is compiled.
 *
 * @module
 */
import type { Expr, ImportStatement, Statement } from "./ast.ts";
import { didYouMean } from "./diagnostic.ts";
import { IMPORTABLE_MODULES, importableMembers, importedMember } from "./modules.ts";
import { closestString } from "./suggest.ts";
import type { CompileOptions } from "./compiled_expression.ts";
import type { Span } from "./types.ts";

/** What an alias stands for, built at each use (so spans point at the use). */
export type Aliases = ReadonlyMap<string, (span: Span) => Expr>;

/** Reports a problem: code, message, span, hint. */
export type ImportReport = (code: string, message: string, span: Span, hint?: string) => void;

/** The hint for every import that cannot be honoured. */
export const PLUGIN_HINT =
  "Only `datetime`, `math`, `random` and `string` can be imported, and they are always available; " +
  "for other Python code write a column-function plugin (see docs/plugins.md).";

/** Every import statement of a block, in order, nested ones included. */
function* importsOf(body: readonly Statement[]): Generator<ImportStatement> {
  for (const statement of body) {
    if (statement.kind === "import") yield statement;
    if (statement.kind === "if") {
      yield* importsOf(statement.body);
      yield* importsOf(statement.orelse);
    }
  }
}

/** What a block's imports bind. */
export interface Imports {
  /** Names bound to something other than themselves. */
  aliases: Map<string, (span: Span) => Expr>;
  /** Names an import that was refused would have bound: their uses are not reported again. */
  failed: Set<string>;
}

/** Checks the block's imports and returns what they bind. */
export function collectImports(
  body: readonly Statement[],
  options: CompileOptions,
  report: ImportReport,
): Imports {
  const aliases = new Map<string, (span: Span) => Expr>();
  const failed = new Set<string>();
  for (const statement of importsOf(body)) {
    const { module, moduleSpan } = statement;
    if (!(IMPORTABLE_MODULES as readonly string[]).includes(module)) {
      reportModule(module, moduleSpan, options, report);
      if (statement.names) {
        for (const imported of statement.names) failed.add(imported.alias ?? imported.name);
      } else {
        failed.add(statement.alias ?? module.split(".")[0]);
      }
      continue;
    }
    if (!statement.names) {
      if (statement.alias !== undefined && statement.alias !== module) {
        aliases.set(statement.alias, (span) => ({ kind: "name", name: module, span }));
      }
      continue;
    }
    for (const imported of statement.names) {
      const target = importedMember(module, imported.name);
      if (!target && module === "datetime" && imported.name === "tzinfo") {
        report(
          "unsupported-syntax",
          "`datetime.tzinfo` is not supported",
          imported.span,
          "Use `timezone.utc` or `timezone(timedelta(hours=2))` for a time zone.",
        );
        failed.add(imported.alias ?? imported.name);
        continue;
      }
      if (!target) {
        failed.add(imported.alias ?? imported.name);
        const suggestion = closestString(imported.name, importableMembers(module));
        report(
          "unknown-name",
          `\`${module}\` has no \`${imported.name}\` that tablestream provides`,
          imported.span,
          didYouMean(suggestion) ??
            `It provides: ${importableMembers(module).join(", ")}.`,
        );
        continue;
      }
      const name = imported.alias ?? imported.name;
      if ("global" in target) {
        if (name !== target.global) {
          aliases.set(name, (span) => ({ kind: "name", name: target.global, span }));
        }
        continue;
      }
      aliases.set(name, (span) => ({
        kind: "attribute",
        object: { kind: "name", name: target.module, span },
        name: target.member,
        nameSpan: span,
        span,
      }));
    }
  }
  return { aliases, failed };
}

function reportModule(
  module: string,
  span: Span,
  options: CompileOptions,
  report: ImportReport,
): void {
  const head = module.split(".")[0];
  if (options.pythonModules?.includes(head)) {
    report(
      "python-module",
      `\`${head}\` is a Python module from \`config.python_import\`, which tablestream cannot run`,
      span,
      "Write a column-function plugin (see docs/plugins.md) that computes this value.",
    );
    return;
  }
  if ((IMPORTABLE_MODULES as readonly string[]).includes(head)) {
    report(
      "unsupported-syntax",
      `\`import ${module}\` is not supported: import the module \`${head}\` itself`,
      span,
      `Write \`import ${head}\` or \`from ${head} import name\`.`,
    );
    return;
  }
  report("python-module", `Python module \`${module}\` cannot be imported`, span, PLUGIN_HINT);
}

/** The statements with every use of an alias replaced by what it stands for. */
export function substituteStatements(
  body: readonly Statement[],
  aliases: Aliases,
): Statement[] {
  if (aliases.size === 0) return [...body];
  const expr = (e: Expr) => substitute(e, aliases);
  return body.map((statement): Statement => {
    switch (statement.kind) {
      case "expression":
        return { ...statement, expr: expr(statement.expr) };
      case "assign":
        return { ...statement, value: expr(statement.value) };
      case "return":
        return statement.value ? { ...statement, value: expr(statement.value) } : statement;
      case "if":
        return {
          ...statement,
          test: expr(statement.test),
          body: substituteStatements(statement.body, aliases),
          orelse: substituteStatements(statement.orelse, aliases),
        };
      default:
        return statement;
    }
  });
}

/** `expr` with aliases replaced, sharing the nodes that contain none. */
function substitute(expr: Expr, aliases: Aliases): Expr {
  const sub = (e: Expr) => substitute(e, aliases);
  switch (expr.kind) {
    case "name":
      return aliases.get(expr.name)?.(expr.span) ?? expr;
    case "literal":
      return expr;
    case "fstring":
      return {
        ...expr,
        parts: expr.parts.map((part) =>
          typeof part === "string" ? part : { ...part, expr: sub(part.expr) }
        ),
      };
    case "list":
      return { ...expr, items: expr.items.map(sub) };
    case "dict":
      return {
        ...expr,
        entries: expr.entries.map((e) => ({ key: sub(e.key), value: sub(e.value) })),
      };
    case "unary":
      return { ...expr, operand: sub(expr.operand) };
    case "binary":
    case "logical":
      return { ...expr, left: sub(expr.left), right: sub(expr.right) };
    case "compare":
      return {
        ...expr,
        first: sub(expr.first),
        rest: expr.rest.map((part) => ({ ...part, right: sub(part.right) })),
      };
    case "conditional":
      return {
        ...expr,
        test: sub(expr.test),
        then: sub(expr.then),
        otherwise: sub(expr.otherwise),
      };
    case "call":
      return {
        ...expr,
        callee: sub(expr.callee),
        args: expr.args.map((arg) => ({ ...arg, value: sub(arg.value) })),
      };
    case "attribute":
      return { ...expr, object: sub(expr.object) };
    case "subscript": {
      const index = expr.index;
      return {
        ...expr,
        object: sub(expr.object),
        index: index.kind === "slice"
          ? {
            ...index,
            lower: index.lower && sub(index.lower),
            upper: index.upper && sub(index.upper),
            step: index.step && sub(index.step),
          }
          : sub(index),
      };
    }
  }
}
