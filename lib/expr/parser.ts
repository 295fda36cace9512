/**
 * Parses a `data:` source into a {@link Program}: one expression, or the statements of
 * tablefaker's multi-line blocks (assignments to names, `if` / `elif` / `else` with indented
 * blocks, `return`, `pass` and imports), each expression read by `expression_parser.ts`.
 * Python statements beyond those (loops, `def`, `try`...) are rejected with
 * `unsupported-syntax` and a hint. It stops at the first syntax error, which it reports with
 * the span of the offending token; a tree too deep for the compiler is `too-deep`.
 *
 * @module
 */
import type { BinaryOperator, Expr, ImportedName, Program, Statement, Target } from "./ast.ts";
import { errorAt, ExprSyntaxError, joinSpans } from "./diagnostic.ts";
import { describeToken, isKeyword, isOp, type Token, tokenSpan } from "./lexer.ts";
import { ExpressionParser, KEYWORDS } from "./expression_parser.ts";
import { MAX_TREE_DEPTH } from "./limits.ts";
import type { ExprDiagnostic, Span } from "./types.ts";

/** Either a program or the syntax error that stopped parsing. */
export type ParseResult =
  | { ok: true; program: Program }
  | { ok: false; diagnostics: ExprDiagnostic[] };

/** Statements Python has and blocks do not, each with what to do instead. */
const UNSUPPORTED_STATEMENTS: Readonly<Record<string, string>> = {
  for:
    "A cell computes one value: use `random.choices(items, k=n)`, `sum(...)`, `min(...)` or `len(...)` instead of a loop.",
  while:
    "A cell computes one value: use `random.choices(items, k=n)`, `sum(...)`, `min(...)` or `len(...)` instead of a loop.",
  def:
    "Functions cannot be defined in a block; write a column-function plugin (see docs/plugins.md).",
  class:
    "Classes cannot be defined in a block; write a column-function plugin (see docs/plugins.md).",
  with: "Blocks cannot open files or resources.",
  try: "Errors cannot be caught: check the value first, e.g. `x if x is not None else 0`.",
  except: "Errors cannot be caught: check the value first, e.g. `x if x is not None else 0`.",
  finally: "Errors cannot be caught: check the value first, e.g. `x if x is not None else 0`.",
  raise: "A cell cannot raise errors; return a value, or `None` for an empty cell.",
  assert: "A cell cannot raise errors; return a value, or `None` for an empty cell.",
  global: "Blocks have only their own local names.",
  nonlocal: "Blocks have only their own local names.",
  del: "Assign another value instead.",
  break: "There are no loops to break out of.",
  continue: "There are no loops to continue.",
  async: "Coroutines are not supported.",
  yield: "Generators are not supported.",
  await: "Coroutines are not supported.",
};

/** Augmented assignment operators and the arithmetic each applies. */
const AUGMENTED: Readonly<Record<string, BinaryOperator>> = {
  "+=": "+",
  "-=": "-",
  "*=": "*",
  "/=": "/",
  "//=": "//",
  "%=": "%",
  "**=": "**",
};

const ASSIGNMENT_OPERATORS = new Set([
  "=",
  "+=",
  "-=",
  "*=",
  "/=",
  "//=",
  "%=",
  "**=",
  "&=",
  "|=",
  "^=",
  ">>=",
  "<<=",
  "@=",
  ":=",
]);

/**
 * Parses a whole `data:` source: one expression, or a block of statements.
 *
 * @example
 * ```ts
 * const result = parse("round(price * 1.2, 2)");
 * if (result.ok) console.log(result.program.body[0].kind); // "expression"
 * ```
 */
export function parse(source: string): ParseResult {
  try {
    const program = new Parser(source).parseProgram();
    checkTreeDepth(program);
    return { ok: true, program };
  } catch (error) {
    if (error instanceof ExprSyntaxError) return { ok: false, diagnostics: [error.diagnostic] };
    throw error;
  }
}

/**
 * Fails with `too-deep` when the tree is deeper than {@link MAX_TREE_DEPTH}: long operator
 * chains parse in a loop but make deep trees, which the compiler walks recursively. Measured
 * with an explicit stack, so that measuring cannot overflow either.
 */
function checkTreeDepth(program: Program): void {
  const stack: [unknown, number][] = [[program, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_TREE_DEPTH) {
      throw new ExprSyntaxError(
        errorAt(
          "too-deep",
          `This expression is more than ${MAX_TREE_DEPTH} operations deep`,
          (node as { span: Span }).span,
          "Split it into several columns, or into the lines of a `data: |` block.",
        ),
      );
    }
    for (const child of Object.values(node as object)) {
      if (Array.isArray(child)) {
        for (const item of child) if (isTreeNode(item)) stack.push([item, depth + 1]);
      } else if (isTreeNode(child)) {
        stack.push([child, depth + 1]);
      }
    }
  }
}

function isTreeNode(value: unknown): boolean {
  return typeof value === "object" && value !== null && "kind" in value && "span" in value;
}

/** Parses a single expression; throws {@link ExprSyntaxError} (for tests and tools). */
export function parseExpression(source: string): Expr {
  const program = new Parser(source).parseProgram();
  const [first] = program.body;
  if (program.body.length !== 1 || first.kind !== "expression") {
    throw new ExprSyntaxError(
      errorAt("bad-expression", "Expected one expression", program.span),
    );
  }
  return first.expr;
}

/** A recursive-descent parser over a {@link Lexer}, one precedence level per method. */

/** The parser of a whole source: the statements of blocks, over the expression parser. */
class Parser extends ExpressionParser {
  /** Statements up to the end of the source. */
  parseProgram(): Program {
    const body = this.#parseStatements("eof");
    const span = { start: 0, end: this.source.length };
    if (body.length === 0) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          "The expression is empty",
          span,
          "Write a value such as `row_id`, `fake.name()` or `None`.",
        ),
      );
    }
    return { body, span };
  }

  /** Statements until `end` (the end of the source, or of an indented block). */
  #parseStatements(end: "eof" | "dedent"): Statement[] {
    const body: Statement[] = [];
    while (this.peek().kind !== end) {
      const token = this.peek();
      if (token.kind === "eof") {
        // Only reached for an indented block: the lexer closes every block before the end.
        break;
      }
      if (token.kind === "indent") {
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            "Unexpected indentation",
            { start: token.end, end: token.end + 1 },
            "Indent a line only inside an `if`, `elif` or `else` block; otherwise line it up with the one before.",
          ),
        );
      }
      if (token.kind === "newline") {
        this.advance();
        continue;
      }
      this.#parseLine(body);
    }
    return body;
  }

  /** One line: a compound statement with its block, or simple statements separated by `;`. */
  #parseLine(body: Statement[]): void {
    const token = this.peek();
    if (isKeyword(token, "if")) {
      body.push(this.#parseIf());
      return;
    }
    if (isKeyword(token, "elif") || isKeyword(token, "else")) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `\`${token.text}\` without an \`if\` before it`,
          token,
          `Line \`${token.text}\` up with its \`if\`, and put it right after the \`if\`'s block.`,
        ),
      );
    }
    this.#parseSimpleStatements(body);
  }

  /** `stmt; stmt` up to the end of the line. */
  #parseSimpleStatements(body: Statement[]): void {
    while (true) {
      body.push(this.parseStatement());
      const after = this.peek();
      if (isOp(after, ";")) {
        this.advance();
        const next = this.peek();
        if (next.kind === "newline" || next.kind === "eof") break;
        continue;
      }
      if (after.kind === "newline") break;
      if (after.kind === "eof" || after.kind === "dedent") return;
      throw this.unexpected(after, "after the statement");
    }
    if (this.peek().kind === "newline") this.advance();
  }

  /** `if test: ...` with its `elif` and `else` parts (a level of nesting each). */
  #parseIf(): Statement {
    return this.nested(() => this.#parseIfPart());
  }

  #parseIfPart(): Statement {
    const keyword = this.advance(); // `if` or `elif`
    const test = this.parseExpression();
    const body = this.#parseSuite(keyword.text);
    let orelse: Statement[] = [];
    const next = this.peek();
    if (isKeyword(next, "elif")) {
      orelse = [this.#parseIf()];
    } else if (isKeyword(next, "else")) {
      this.advance();
      orelse = this.#parseSuite("else");
    }
    const last = orelse.at(-1) ?? body.at(-1)!;
    return { kind: "if", test, body, orelse, span: joinSpans(keyword, last.span) };
  }

  /** `: stmt` on the same line, or `:` then an indented block on the next lines. */
  #parseSuite(owner: string): Statement[] {
    const colon = this.peek();
    if (!isOp(colon, ":")) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `Expected \`:\` after the \`${owner}\` condition, found ${describeToken(colon)}`,
          tokenSpan(colon),
          `Write \`${
            owner === "else" ? "else:" : `${owner} condition:`
          }\` and the block below it, indented.`,
        ),
      );
    }
    this.advance();
    if (this.peek().kind !== "newline") {
      const body: Statement[] = [];
      this.#parseSimpleStatements(body);
      return body;
    }
    this.advance();
    const indent = this.peek();
    if (indent.kind !== "indent") {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `Expected an indented block after \`${owner}:\``,
          indent.kind === "eof" ? { start: indent.start, end: indent.end } : tokenSpan(indent),
          `Indent the lines that belong to the \`${owner}\`, e.g. by two spaces.`,
        ),
      );
    }
    this.advance();
    const body = this.#parseStatements("dedent");
    if (this.peek().kind === "dedent") this.advance();
    return body;
  }

  /** One simple statement: an expression, an assignment, `return`, `pass` or an import. */
  parseStatement(): Statement {
    const token = this.peek();
    if (token.kind === "name") {
      if (token.text === "return") return this.#parseReturn();
      if (token.text === "pass") {
        this.advance();
        return { kind: "pass", span: tokenSpan(token) };
      }
      if (token.text === "import" || token.text === "from") return this.#parseImport();
      if (token.text === "if") {
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            "An `if` statement must start its own line",
            token,
            "Put it on a new line, or write the value as `a if condition else b`.",
          ),
        );
      }
      const hint = UNSUPPORTED_STATEMENTS[token.text];
      if (hint !== undefined) {
        throw new ExprSyntaxError(
          errorAt(
            "unsupported-syntax",
            `The \`${token.text}\` statement is not supported`,
            token,
            hint,
          ),
        );
      }
    }
    const first = this.#parseExpressionList();
    const next = this.peek();
    if (next.kind === "op" && ASSIGNMENT_OPERATORS.has(next.text)) {
      return this.#parseAssignment(first, next);
    }
    return { kind: "expression", expr: first, span: first.span };
  }

  #parseReturn(): Statement {
    const keyword = this.advance();
    const next = this.peek();
    if (
      next.kind === "newline" || next.kind === "eof" || next.kind === "dedent" || isOp(next, ";")
    ) {
      return { kind: "return", span: tokenSpan(keyword) };
    }
    const value = this.#parseExpressionList();
    return { kind: "return", value, span: joinSpans(keyword, value.span) };
  }

  /** `a = b = value`, `a, b = value` or `a += value`, the first target already parsed. */
  #parseAssignment(first: Expr, operator: Token): Statement {
    const op = operator.text;
    if (op !== "=" && AUGMENTED[op] === undefined) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          op === ":="
            ? "Assignment expressions (`:=`) are not supported"
            : `\`${op}\` is not supported`,
          operator,
          op === ":="
            ? "Assign on a line of its own: `name = value`."
            : "Use `name = name <op> value` with arithmetic.",
        ),
      );
    }
    const targets: Target[][] = [this.#targets(first, op !== "=")];
    this.advance();
    let value = this.#parseExpressionList();
    if (op === "=") {
      while (isOp(this.peek(), "=")) {
        targets.push(this.#targets(value, false));
        this.advance();
        value = this.#parseExpressionList();
      }
    }
    const after = this.peek();
    if (after.kind === "op" && ASSIGNMENT_OPERATORS.has(after.text)) {
      throw this.unexpected(after, "after the assigned value");
    }
    const statement: Statement = {
      kind: "assign",
      targets,
      value,
      span: joinSpans(first.span, value.span),
    };
    if (op !== "=") statement.op = AUGMENTED[op];
    return statement;
  }

  /** The names an assignment target stands for; anything else cannot be assigned to. */
  #targets(expr: Expr, single: boolean): Target[] {
    if (expr.kind === "name") return [{ name: expr.name, span: expr.span }];
    if (expr.kind === "list" && !single && expr.items.length > 0) {
      return expr.items.flatMap((item) => {
        if (item.kind !== "name") throw this.#badTarget(item);
        return [{ name: item.name, span: item.span }];
      });
    }
    throw this.#badTarget(expr);
  }

  #badTarget(expr: Expr): ExprSyntaxError {
    const what = expr.kind === "subscript"
      ? "Items of lists and dicts cannot be assigned to"
      : expr.kind === "attribute"
      ? "Attributes cannot be assigned to"
      : "Only names can be assigned to";
    return new ExprSyntaxError(
      errorAt(
        "unsupported-syntax",
        what,
        expr.span,
        'Assign to a local name (`total = ...`); build lists and dicts whole, e.g. `d = {"a": 1}`. Use `==` to compare.',
      ),
    );
  }

  /** `import a [as b]` or `from a import x [as y], ...`. */
  #parseImport(): Statement {
    const keyword = this.advance();
    const module = this.#dottedName();
    if (keyword.text === "import") {
      let alias: string | undefined;
      let end: Span = module.span;
      if (isKeyword(this.peek(), "as")) {
        this.advance();
        const name = this.#importName("after `as`");
        alias = name.text;
        end = name;
      }
      if (isOp(this.peek(), ",")) {
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            "Import one module per line",
            this.peek(),
            "Write `import a` and `import b` on two lines.",
          ),
        );
      }
      const statement: Statement = {
        kind: "import",
        module: module.name,
        moduleSpan: module.span,
        span: joinSpans(keyword, end),
      };
      if (alias !== undefined) statement.alias = alias;
      return statement;
    }
    const importKeyword = this.peek();
    if (!isKeyword(importKeyword, "import")) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `Expected \`import\` after \`from ${module.name}\`, found ${
            describeToken(importKeyword)
          }`,
          tokenSpan(importKeyword),
          `Write \`from ${module.name} import name\`.`,
        ),
      );
    }
    this.advance();
    const parenthesized = isOp(this.peek(), "(");
    if (parenthesized) this.advance();
    const names: ImportedName[] = [];
    do {
      if (names.length) this.advance();
      if (parenthesized && isOp(this.peek(), ")")) break;
      const name = this.#importName(names.length ? "after `,`" : "after `import`");
      const imported: ImportedName = { name: name.text, span: tokenSpan(name) };
      if (isKeyword(this.peek(), "as")) {
        this.advance();
        const alias = this.#importName("after `as`");
        imported.alias = alias.text;
        imported.span = joinSpans(name, alias);
      }
      names.push(imported);
    } while (isOp(this.peek(), ","));
    let last: Span = names.at(-1)?.span ?? importKeyword;
    if (parenthesized) last = this.expectClose(this.peek(), ")", "import list");
    return {
      kind: "import",
      module: module.name,
      moduleSpan: module.span,
      names,
      span: joinSpans(keyword, last),
    };
  }

  #dottedName(): { name: string; span: Span } {
    const first = this.#importName("after `import`");
    let name = first.text;
    let end: Span = first;
    while (isOp(this.peek(), ".")) {
      this.advance();
      const part = this.#importName("after `.`");
      name += "." + part.text;
      end = part;
    }
    return { name, span: joinSpans(first, end) };
  }

  #importName(where: string): Token {
    const token = this.peek();
    if (isOp(token, "*")) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          "`import *` is not supported",
          token,
          "Name what you import, e.g. `from datetime import timedelta`.",
        ),
      );
    }
    if (token.kind !== "name" || KEYWORDS.has(token.text)) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `Expected a name ${where}, found ${describeToken(token)}`,
          tokenSpan(token),
        ),
      );
    }
    return this.advance();
  }

  /** `a`, or `a, b, ...` as a tuple (as in `return a, b` and `x, y = ...`). */
  #parseExpressionList(): Expr {
    const first = this.parseExpression();
    if (!isOp(this.peek(), ",")) return first;
    const items = [first];
    while (isOp(this.peek(), ",")) {
      this.advance();
      const next = this.peek();
      if (
        next.kind === "newline" || next.kind === "eof" || next.kind === "dedent" ||
        (next.kind === "op" && (ASSIGNMENT_OPERATORS.has(next.text) || next.text === ";"))
      ) break;
      items.push(this.parseExpression());
    }
    return { kind: "list", items, tuple: true, span: joinSpans(first.span, items.at(-1)!.span) };
  }
}
