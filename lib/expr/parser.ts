/**
 * Parses expression source into a {@link Program}, with Python's grammar and operator
 * precedence. It stops at the first syntax error, which it reports with the span of the
 * offending token and, for an unclosed bracket, where the bracket was opened.
 *
 * Besides expressions it reads the statements of tablefaker's multi-line blocks: assignments
 * to names, `if` / `elif` / `else` with indented blocks, `return`, `pass` and imports.
 * Python statements beyond those (loops, `def`, `try`...) are rejected with
 * `unsupported-syntax` and a hint.
 *
 * @module
 */
import type {
  Argument,
  BinaryOperator,
  CompareOperator,
  Expr,
  FormattedValue,
  FStringNode,
  ImportedName,
  Program,
  SliceNode,
  Statement,
  Target,
} from "./ast.ts";
import { describePosition, errorAt, ExprSyntaxError, joinSpans } from "./diagnostic.ts";
import { decodeEscapes, Lexer, type Token } from "./lexer.ts";
import { MAX_NESTING, MAX_TREE_DEPTH } from "./limits.ts";
import type { ExprDiagnostic, Span } from "./types.ts";

/** Either a program or the syntax error that stopped parsing. */
export type ParseResult =
  | { ok: true; program: Program }
  | { ok: false; diagnostics: ExprDiagnostic[] };

/** Python keywords: never names. */
const KEYWORDS = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
]);

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

const BITWISE_OPERATORS = new Set(["|", "^", "&", "<<", ">>", "~"]);
const COMPARISON_OPERATORS = new Set(["==", "!=", "<", "<=", ">", ">="]);

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
export class Parser {
  readonly source: string;
  readonly #lexer: Lexer;
  readonly #buffer: Token[] = [];
  /** Levels of nesting being parsed (see `#nested`). */
  #depth = 0;

  constructor(source: string, lexer: Lexer = new Lexer(source)) {
    this.source = source;
    this.#lexer = lexer;
  }

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
    while (this.#peek().kind !== end) {
      const token = this.#peek();
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
        this.#advance();
        continue;
      }
      this.#parseLine(body);
    }
    return body;
  }

  /** One line: a compound statement with its block, or simple statements separated by `;`. */
  #parseLine(body: Statement[]): void {
    const token = this.#peek();
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
      const after = this.#peek();
      if (isOp(after, ";")) {
        this.#advance();
        const next = this.#peek();
        if (next.kind === "newline" || next.kind === "eof") break;
        continue;
      }
      if (after.kind === "newline") break;
      if (after.kind === "eof" || after.kind === "dedent") return;
      throw this.#unexpected(after, "after the statement");
    }
    if (this.#peek().kind === "newline") this.#advance();
  }

  /** `if test: ...` with its `elif` and `else` parts (a level of nesting each). */
  #parseIf(): Statement {
    return this.#nested(() => this.#parseIfPart());
  }

  #parseIfPart(): Statement {
    const keyword = this.#advance(); // `if` or `elif`
    const test = this.parseExpression();
    const body = this.#parseSuite(keyword.text);
    let orelse: Statement[] = [];
    const next = this.#peek();
    if (isKeyword(next, "elif")) {
      orelse = [this.#parseIf()];
    } else if (isKeyword(next, "else")) {
      this.#advance();
      orelse = this.#parseSuite("else");
    }
    const last = orelse.at(-1) ?? body.at(-1)!;
    return { kind: "if", test, body, orelse, span: joinSpans(keyword, last.span) };
  }

  /** `: stmt` on the same line, or `:` then an indented block on the next lines. */
  #parseSuite(owner: string): Statement[] {
    const colon = this.#peek();
    if (!isOp(colon, ":")) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `Expected \`:\` after the \`${owner}\` condition, found ${describe(colon)}`,
          tokenSpan(colon),
          `Write \`${
            owner === "else" ? "else:" : `${owner} condition:`
          }\` and the block below it, indented.`,
        ),
      );
    }
    this.#advance();
    if (this.#peek().kind !== "newline") {
      const body: Statement[] = [];
      this.#parseSimpleStatements(body);
      return body;
    }
    this.#advance();
    const indent = this.#peek();
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
    this.#advance();
    const body = this.#parseStatements("dedent");
    if (this.#peek().kind === "dedent") this.#advance();
    return body;
  }

  /** One simple statement: an expression, an assignment, `return`, `pass` or an import. */
  parseStatement(): Statement {
    const token = this.#peek();
    if (token.kind === "name") {
      if (token.text === "return") return this.#parseReturn();
      if (token.text === "pass") {
        this.#advance();
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
    const next = this.#peek();
    if (next.kind === "op" && ASSIGNMENT_OPERATORS.has(next.text)) {
      return this.#parseAssignment(first, next);
    }
    return { kind: "expression", expr: first, span: first.span };
  }

  #parseReturn(): Statement {
    const keyword = this.#advance();
    const next = this.#peek();
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
    this.#advance();
    let value = this.#parseExpressionList();
    if (op === "=") {
      while (isOp(this.#peek(), "=")) {
        targets.push(this.#targets(value, false));
        this.#advance();
        value = this.#parseExpressionList();
      }
    }
    const after = this.#peek();
    if (after.kind === "op" && ASSIGNMENT_OPERATORS.has(after.text)) {
      throw this.#unexpected(after, "after the assigned value");
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
    const keyword = this.#advance();
    const module = this.#dottedName();
    if (keyword.text === "import") {
      let alias: string | undefined;
      let end: Span = module.span;
      if (isKeyword(this.#peek(), "as")) {
        this.#advance();
        const name = this.#importName("after `as`");
        alias = name.text;
        end = name;
      }
      if (isOp(this.#peek(), ",")) {
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            "Import one module per line",
            this.#peek(),
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
    const importKeyword = this.#peek();
    if (!isKeyword(importKeyword, "import")) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `Expected \`import\` after \`from ${module.name}\`, found ${describe(importKeyword)}`,
          tokenSpan(importKeyword),
          `Write \`from ${module.name} import name\`.`,
        ),
      );
    }
    this.#advance();
    const parenthesized = isOp(this.#peek(), "(");
    if (parenthesized) this.#advance();
    const names: ImportedName[] = [];
    do {
      if (names.length) this.#advance();
      if (parenthesized && isOp(this.#peek(), ")")) break;
      const name = this.#importName(names.length ? "after `,`" : "after `import`");
      const imported: ImportedName = { name: name.text, span: tokenSpan(name) };
      if (isKeyword(this.#peek(), "as")) {
        this.#advance();
        const alias = this.#importName("after `as`");
        imported.alias = alias.text;
        imported.span = joinSpans(name, alias);
      }
      names.push(imported);
    } while (isOp(this.#peek(), ","));
    let last: Span = names.at(-1)?.span ?? importKeyword;
    if (parenthesized) last = this.#expectClose(this.#peek(), ")", "import list");
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
    while (isOp(this.#peek(), ".")) {
      this.#advance();
      const part = this.#importName("after `.`");
      name += "." + part.text;
      end = part;
    }
    return { name, span: joinSpans(first, end) };
  }

  #importName(where: string): Token {
    const token = this.#peek();
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
          `Expected a name ${where}, found ${describe(token)}`,
          tokenSpan(token),
        ),
      );
    }
    return this.#advance();
  }

  /** `a`, or `a, b, ...` as a tuple (as in `return a, b` and `x, y = ...`). */
  #parseExpressionList(): Expr {
    const first = this.parseExpression();
    if (!isOp(this.#peek(), ",")) return first;
    const items = [first];
    while (isOp(this.#peek(), ",")) {
      this.#advance();
      const next = this.#peek();
      if (
        next.kind === "newline" || next.kind === "eof" || next.kind === "dedent" ||
        (next.kind === "op" && (ASSIGNMENT_OPERATORS.has(next.text) || next.text === ";"))
      ) break;
      items.push(this.parseExpression());
    }
    return { kind: "list", items, tuple: true, span: joinSpans(first.span, items.at(-1)!.span) };
  }

  /** A full expression, including `x if c else y`. */
  parseExpression(): Expr {
    return this.#nested(() => this.#parseConditional());
  }

  /**
   * Parses one more level of nesting, failing with `too-deep` past {@link MAX_NESTING}: the
   * parser recurses once per level, and a hostile `((((...))))` must not exhaust the stack.
   */
  #nested<T>(parse: () => T): T {
    if (this.#depth >= MAX_NESTING) {
      throw new ExprSyntaxError(
        errorAt(
          "too-deep",
          `This expression nests more than ${MAX_NESTING} levels deep`,
          tokenSpan(this.#peek()),
          "Split it into several columns, or into the lines of a `data: |` block.",
        ),
      );
    }
    this.#depth++;
    try {
      return parse();
    } finally {
      this.#depth--;
    }
  }

  #parseConditional(): Expr {
    const token = this.#peek();
    if (isKeyword(token, "lambda")) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          "Lambdas are not supported",
          token,
          "Write the computation directly in the expression.",
        ),
      );
    }
    const then = this.#parseOr();
    if (!isKeyword(this.#peek(), "if")) return then;
    this.#advance();
    const test = this.#parseOr();
    const elseToken = this.#peek();
    if (!isKeyword(elseToken, "else")) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `Expected \`else\` to finish the conditional expression, found ${describe(elseToken)}`,
          tokenSpan(elseToken),
          "A conditional needs both branches: `a if condition else b`.",
        ),
      );
    }
    this.#advance();
    const otherwise = this.parseExpression();
    return {
      kind: "conditional",
      test,
      then,
      otherwise,
      span: joinSpans(then.span, otherwise.span),
    };
  }

  #parseOr(): Expr {
    let left = this.#parseAnd();
    while (isKeyword(this.#peek(), "or")) {
      this.#advance();
      const right = this.#parseAnd();
      left = { kind: "logical", op: "or", left, right, span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  #parseAnd(): Expr {
    let left = this.#parseNot();
    while (isKeyword(this.#peek(), "and")) {
      this.#advance();
      const right = this.#parseNot();
      left = { kind: "logical", op: "and", left, right, span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  #parseNot(): Expr {
    const token = this.#peek();
    if (!isKeyword(token, "not")) return this.#parseComparison();
    this.#advance();
    const operand = this.#nested(() => this.#parseNot());
    return { kind: "unary", op: "not", operand, span: joinSpans(token, operand.span) };
  }

  #parseComparison(): Expr {
    const first = this.#parseArithmetic();
    const rest: { op: CompareOperator; right: Expr; opSpan: Span }[] = [];
    while (true) {
      const token = this.#peek();
      let op: CompareOperator | undefined;
      let opSpan: Span = tokenSpan(token);
      if (token.kind === "op" && COMPARISON_OPERATORS.has(token.text)) {
        op = token.text as CompareOperator;
        this.#advance();
      } else if (isKeyword(token, "in")) {
        op = "in";
        this.#advance();
      } else if (isKeyword(token, "not") && isKeyword(this.#peek(1), "in")) {
        this.#advance();
        opSpan = joinSpans(token, this.#advance());
        op = "not in";
      } else if (isKeyword(token, "is")) {
        this.#advance();
        op = "is";
        if (isKeyword(this.#peek(), "not")) {
          opSpan = joinSpans(token, this.#advance());
          op = "is not";
        }
      }
      if (op === undefined) break;
      rest.push({ op, right: this.#parseArithmetic(), opSpan });
    }
    if (rest.length === 0) return first;
    return {
      kind: "compare",
      first,
      rest,
      span: joinSpans(first.span, rest[rest.length - 1].right.span),
    };
  }

  #parseArithmetic(): Expr {
    let left = this.#parseTerm();
    while (true) {
      const token = this.#peek();
      if (isOp(token, "+") || isOp(token, "-")) {
        this.#advance();
        const right = this.#parseTerm();
        left = binary(token.text as "+" | "-", left, right, token);
      } else if (token.kind === "op" && BITWISE_OPERATORS.has(token.text)) {
        throw this.#bitwise(token);
      } else {
        return left;
      }
    }
  }

  #parseTerm(): Expr {
    let left = this.#parseFactor();
    while (true) {
      const token = this.#peek();
      if (token.kind !== "op" || !["*", "/", "//", "%", "@"].includes(token.text)) return left;
      if (token.text === "@") {
        throw new ExprSyntaxError(
          errorAt("unsupported-syntax", "Matrix multiplication `@` is not supported", token),
        );
      }
      this.#advance();
      const right = this.#parseFactor();
      left = binary(token.text as "*" | "/" | "//" | "%", left, right, token);
    }
  }

  #parseFactor(): Expr {
    const token = this.#peek();
    if (isOp(token, "-") || isOp(token, "+")) {
      this.#advance();
      const operand = this.#nested(() => this.#parseFactor());
      return {
        kind: "unary",
        op: token.text as "-" | "+",
        operand,
        span: joinSpans(token, operand.span),
      };
    }
    if (isOp(token, "~")) throw this.#bitwise(token);
    return this.#parsePower();
  }

  #parsePower(): Expr {
    const base = this.#parsePrimary();
    const token = this.#peek();
    if (!isOp(token, "**")) return base;
    this.#advance();
    // The exponent may be negated (`2 ** -1`) and binds to the right (`2 ** 3 ** 2`).
    const exponent = this.#parseFactor();
    return binary("**", base, exponent, token);
  }

  #parsePrimary(): Expr {
    let expr = this.#parseAtom();
    while (true) {
      const token = this.#peek();
      if (isOp(token, ".")) {
        this.#advance();
        const name = this.#peek();
        if (name.kind !== "name" || KEYWORDS.has(name.text)) {
          throw new ExprSyntaxError(
            errorAt(
              "bad-expression",
              `Expected a name after \`.\`, found ${describe(name)}`,
              tokenSpan(name),
              "Write an attribute or method name, e.g. `fake.email()`.",
            ),
          );
        }
        this.#advance();
        expr = {
          kind: "attribute",
          object: expr,
          name: name.text,
          nameSpan: tokenSpan(name),
          span: joinSpans(expr.span, name),
        };
      } else if (isOp(token, "(")) {
        this.#advance();
        expr = this.#parseCall(expr, token);
      } else if (isOp(token, "[")) {
        this.#advance();
        expr = this.#parseSubscript(expr, token);
      } else {
        return expr;
      }
    }
  }

  #parseCall(callee: Expr, open: Token): Expr {
    const args: Argument[] = [];
    const keywords = new Set<string>();
    while (!isOp(this.#peek(), ")")) {
      const token = this.#peek();
      if (token.kind === "eof") this.#expectClose(open, ")", "call");
      if (isOp(token, "*") || isOp(token, "**")) {
        throw new ExprSyntaxError(
          errorAt(
            "unsupported-syntax",
            "Argument unpacking (`*args`, `**kwargs`) is not supported",
            token,
            "Pass each argument explicitly.",
          ),
        );
      }
      if (token.kind === "name" && !KEYWORDS.has(token.text) && isOp(this.#peek(1), "=")) {
        this.#advance();
        this.#advance();
        if (keywords.has(token.text)) {
          throw new ExprSyntaxError(
            errorAt(
              "bad-expression",
              `Keyword argument \`${token.text}\` is repeated`,
              token,
              "Pass it once.",
            ),
          );
        }
        keywords.add(token.text);
        const value = this.parseExpression();
        args.push({
          name: token.text,
          nameSpan: tokenSpan(token),
          value,
          span: joinSpans(token, value.span),
        });
      } else {
        const value = this.parseExpression();
        if (keywords.size > 0) {
          throw new ExprSyntaxError(
            errorAt(
              "bad-expression",
              "Positional argument follows keyword argument",
              value.span,
              "Put positional arguments before keyword arguments (`name=value`).",
            ),
          );
        }
        this.#rejectComprehension();
        args.push({ value, span: value.span });
      }
      if (!isOp(this.#peek(), ",")) break;
      this.#advance();
    }
    const close = this.#expectClose(open, ")", "call");
    return { kind: "call", callee, args, span: joinSpans(callee.span, close) };
  }

  #parseSubscript(object: Expr, open: Token): Expr {
    let index: Expr | SliceNode;
    if (this.#peek().kind === "eof") this.#expectClose(open, "]", "subscript");
    const first = isOp(this.#peek(), ":") ? undefined : this.parseExpression();
    if (isOp(this.#peek(), ":")) {
      index = this.#parseSlice(first, this.#peek());
    } else {
      index = first!;
      if (isOp(this.#peek(), ",")) {
        throw new ExprSyntaxError(
          errorAt(
            "unsupported-syntax",
            "Subscripts with several indexes are not supported",
            this.#peek(),
          ),
        );
      }
    }
    const close = this.#expectClose(open, "]", "subscript");
    return { kind: "subscript", object, index, span: joinSpans(object.span, close) };
  }

  #parseSlice(lower: Expr | undefined, colon: Token): SliceNode {
    this.#advance();
    const endsPart = () => isOp(this.#peek(), ":") || isOp(this.#peek(), "]");
    const upper = endsPart() ? undefined : this.parseExpression();
    let step: Expr | undefined;
    if (isOp(this.#peek(), ":")) {
      this.#advance();
      step = endsPart() ? undefined : this.parseExpression();
    }
    const last = step ?? upper;
    return {
      kind: "slice",
      lower,
      upper,
      step,
      span: { start: lower?.span.start ?? colon.start, end: last?.span.end ?? colon.end },
    };
  }

  #parseAtom(): Expr {
    const token = this.#peek();
    switch (token.kind) {
      case "int":
      case "float":
        this.#advance();
        return { kind: "literal", value: token.number!, type: token.kind, span: tokenSpan(token) };
      case "string":
        return this.#parseStrings();
      case "name":
        return this.#parseName(token);
      case "op":
        if (token.text === "(") return this.#parseParenthesized(token);
        if (token.text === "[") return this.#parseList(token);
        if (token.text === "{") return this.#parseDict(token);
        throw this.#unexpected(token, "where a value was expected");
      default:
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            `Expected a value, found ${describe(token)}`,
            tokenSpan(token),
            "The expression is incomplete: add the missing value.",
          ),
        );
    }
  }

  #parseName(token: Token): Expr {
    this.#advance();
    const span = tokenSpan(token);
    if (token.text === "True" || token.text === "False") {
      return { kind: "literal", value: token.text === "True", type: "bool", span };
    }
    if (token.text === "None") return { kind: "literal", value: null, type: "none", span };
    if (KEYWORDS.has(token.text)) {
      const hint = token.text === "yield" || token.text === "await"
        ? "Generators and coroutines are not supported."
        : "Keywords cannot be used as values; rename or quote it.";
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `Unexpected keyword \`${token.text}\` where a value was expected`,
          span,
          hint,
        ),
      );
    }
    return { kind: "name", name: token.text, span };
  }

  /** Adjacent strings are one string (`"a" "b"`); any f-string makes it an f-string. */
  #parseStrings(): Expr {
    const tokens: Token[] = [];
    while (this.#peek().kind === "string") tokens.push(this.#advance());
    const span = joinSpans(tokens[0], tokens[tokens.length - 1]);
    if (!tokens.some((t) => t.string!.format)) {
      return {
        kind: "literal",
        value: tokens.map((t) => t.string!.value).join(""),
        type: "str",
        span,
      };
    }
    const node: FStringNode = { kind: "fstring", parts: [], span };
    for (const token of tokens) {
      if (token.string!.format) this.#parseFString(token, node.parts);
      else pushText(node.parts, token.string!.value);
    }
    return node;
  }

  #parseFString(token: Token, parts: (string | FormattedValue)[]): void {
    const { contentStart, contentEnd, raw } = token.string!;
    const src = this.source;
    let textStart = contentStart;
    let text = "";
    const flushText = (end: number) => {
      const piece = src.slice(textStart, end);
      text += raw ? piece : decodeEscapes(piece, textStart);
    };
    let i = contentStart;
    while (i < contentEnd) {
      const ch = src[i];
      if (ch === "\\" && !raw) {
        i += 2;
      } else if ((ch === "{" || ch === "}") && src[i + 1] === ch) {
        flushText(i + 1);
        i += 2;
        textStart = i;
      } else if (ch === "}") {
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            "Single `}` in an f-string",
            { start: i, end: i + 1 },
            "Write `}}` for a literal `}`.",
          ),
        );
      } else if (ch === "{") {
        flushText(i);
        pushText(parts, text);
        text = "";
        const field = this.#parseField(i, contentEnd);
        parts.push(field);
        i = field.span.end;
        textStart = i;
      } else {
        i++;
      }
    }
    flushText(contentEnd);
    pushText(parts, text);
  }

  /** One `{expr!c:spec}` field starting at the `{` at `open`. */
  #parseField(open: number, contentEnd: number): FormattedValue {
    const src = this.source;
    const sub = new Parser(src, new Lexer(src, { start: open + 1, end: contentEnd, nested: true }));
    const openSpan = { start: open, end: open + 1 };
    if (sub.#peekIsFieldEnd()) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          "Empty `{}` in an f-string",
          { start: open, end: sub.#peek().end },
          "Put an expression inside, e.g. `{first_name}`, or write `{{` for a literal brace.",
        ),
      );
    }
    const expr = sub.parseExpression();
    const field: FormattedValue = { expr, span: openSpan };
    let token = sub.#peek();
    if (isOp(token, "=")) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          "Self-documenting f-string fields (`{x=}`) are not supported",
          token,
        ),
      );
    }
    if (isOp(token, "!")) {
      sub.#advance();
      const conversion = sub.#advance();
      if (conversion.kind !== "name" || !["r", "s", "a"].includes(conversion.text)) {
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            `Unknown f-string conversion ${describe(conversion)}`,
            tokenSpan(conversion),
            "Use `!r`, `!s` or `!a`.",
          ),
        );
      }
      field.conversion = conversion.text as FormattedValue["conversion"];
      token = sub.#peek();
    }
    // `{x:=^8}`: the lexer reads `:=`, but in a field `:` starts the spec, as in Python.
    if (isOp(token, ":") || isOp(token, ":=")) {
      let end = token.start + 1;
      let specText = "";
      const nested: (string | FormattedValue)[] = [];
      while (end < contentEnd && src[end] !== "}") {
        if (src[end] === "{") {
          // A nested field (`{x:>{width}}`): its value is part of the spec.
          if (specText) nested.push(specText);
          specText = "";
          const inner = this.#parseField(end, contentEnd);
          nested.push(inner);
          end = inner.span.end;
          continue;
        }
        specText += src[end];
        end++;
      }
      if (end >= contentEnd) throw this.#unclosedField(open, { start: end, end });
      if (nested.length) {
        if (specText) nested.push(specText);
        field.specFields = nested;
      } else {
        field.spec = specText;
      }
      field.span = { start: open, end: end + 1 };
      return field;
    }
    if (!isOp(token, "}")) throw this.#unclosedField(open, tokenSpan(token));
    field.span = { start: open, end: token.end };
    return field;
  }

  #peekIsFieldEnd(): boolean {
    const token = this.#peek();
    return token.kind === "eof" || isOp(token, "}") || isOp(token, ":") || isOp(token, "!");
  }

  #unclosedField(open: number, at: Span): ExprSyntaxError {
    return new ExprSyntaxError(
      errorAt(
        "bad-expression",
        `Expected \`}\` to close the f-string field opened at ${
          describePosition(this.source, open)
        }`,
        at,
        "Close the field with `}`.",
      ),
    );
  }

  #parseParenthesized(open: Token): Expr {
    this.#advance();
    if (this.#peek().kind === "eof") this.#expectClose(open, ")", "parenthesis");
    if (isOp(this.#peek(), ")")) {
      const close = this.#advance();
      return { kind: "list", items: [], tuple: true, span: joinSpans(open, close) };
    }
    const first = this.parseExpression();
    this.#rejectComprehension();
    if (!isOp(this.#peek(), ",")) {
      this.#expectClose(open, ")", "parenthesis");
      // Parentheses only group: the node keeps its own span so messages point inside them.
      return first;
    }
    const items = [first];
    while (isOp(this.#peek(), ",")) {
      this.#advance();
      if (isOp(this.#peek(), ")")) break;
      items.push(this.parseExpression());
    }
    const close = this.#expectClose(open, ")", "tuple");
    return { kind: "list", items, tuple: true, span: joinSpans(open, close) };
  }

  #parseList(open: Token): Expr {
    this.#advance();
    const items: Expr[] = [];
    while (!isOp(this.#peek(), "]")) {
      if (this.#peek().kind === "eof") this.#expectClose(open, "]", "list");
      this.#rejectUnpacking();
      items.push(this.parseExpression());
      if (items.length === 1) this.#rejectComprehension();
      if (!isOp(this.#peek(), ",")) break;
      this.#advance();
    }
    const close = this.#expectClose(open, "]", "list");
    return { kind: "list", items, tuple: false, span: joinSpans(open, close) };
  }

  #parseDict(open: Token): Expr {
    this.#advance();
    const entries: { key: Expr; value: Expr }[] = [];
    while (!isOp(this.#peek(), "}")) {
      if (this.#peek().kind === "eof") this.#expectClose(open, "}", "dictionary");
      this.#rejectUnpacking();
      const key = this.parseExpression();
      const colon = this.#peek();
      if (!isOp(colon, ":")) {
        if (entries.length === 0 && (isOp(colon, ",") || isOp(colon, "}"))) {
          throw new ExprSyntaxError(
            errorAt(
              "unsupported-syntax",
              "Sets are not supported",
              joinSpans(open, key.span),
              "Use a list `[...]`.",
            ),
          );
        }
        this.#rejectComprehension();
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            `Expected \`:\` after the dictionary key, found ${describe(colon)}`,
            tokenSpan(colon),
            'Write entries as `"key": value`.',
          ),
        );
      }
      this.#advance();
      const value = this.parseExpression();
      if (entries.length === 0) this.#rejectComprehension();
      entries.push({ key, value });
      if (!isOp(this.#peek(), ",")) break;
      this.#advance();
    }
    const close = this.#expectClose(open, "}", "dictionary");
    return { kind: "dict", entries, span: joinSpans(open, close) };
  }

  #rejectComprehension(): void {
    const token = this.#peek();
    if (isKeyword(token, "for") || isKeyword(token, "async")) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          "Comprehensions and generator expressions are not supported",
          token,
          "Write the list out, or use `random.choices(population, k=n)` for several random picks.",
        ),
      );
    }
  }

  #rejectUnpacking(): void {
    const token = this.#peek();
    if (isOp(token, "*") || isOp(token, "**")) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          "Unpacking with `*` and `**` is not supported",
          token,
          "Write the items out.",
        ),
      );
    }
  }

  #expectClose(open: Token, close: string, what: string): Token {
    const token = this.#peek();
    if (isOp(token, close)) return this.#advance();
    throw new ExprSyntaxError(
      errorAt(
        "bad-expression",
        `Expected \`${close}\` to close the ${what} opened at ${
          describePosition(this.source, open.start)
        }, ` +
          `found ${describe(token)}`,
        tokenSpan(token),
        token.kind === "eof"
          ? `Add \`${close}\` at the end.`
          : `Add \`${close}\`, or a \`,\` between ${what === "call" ? "arguments" : "items"}.`,
      ),
    );
  }

  #bitwise(token: Token): ExprSyntaxError {
    return new ExprSyntaxError(
      errorAt(
        "unsupported-syntax",
        `Bitwise operator \`${token.text}\` is not supported`,
        token,
        "Use `and`, `or` and `not` for logic, arithmetic for numbers.",
      ),
    );
  }

  #unexpected(token: Token, where: string): ExprSyntaxError {
    let hint = "Check for a missing operator, comma or bracket.";
    if (isOp(token, ")") || isOp(token, "]") || isOp(token, "}")) {
      hint = `Remove the \`${token.text}\`, or add the bracket it should close.`;
    } else if (isOp(token, ":")) {
      hint = "A `:` belongs after an `if`, `elif` or `else` condition, a dict key or a slice.";
    }
    return new ExprSyntaxError(
      errorAt("bad-expression", `Unexpected ${describe(token)} ${where}`, tokenSpan(token), hint),
    );
  }

  #peek(ahead = 0): Token {
    while (this.#buffer.length <= ahead) this.#buffer.push(this.#lexer.next());
    return this.#buffer[ahead];
  }

  #advance(): Token {
    const token = this.#peek();
    this.#buffer.shift();
    return token;
  }
}

function binary(
  op: "+" | "-" | "*" | "/" | "//" | "%" | "**",
  left: Expr,
  right: Expr,
  token: Token,
): Expr {
  return {
    kind: "binary",
    op,
    left,
    right,
    opSpan: tokenSpan(token),
    span: joinSpans(left.span, right.span),
  };
}

function pushText(parts: (string | FormattedValue)[], text: string): void {
  if (text === "") return;
  const last = parts.length - 1;
  if (typeof parts[last] === "string") parts[last] = (parts[last] as string) + text;
  else parts.push(text);
}

function isOp(token: Token, text: string): boolean {
  return token.kind === "op" && token.text === text;
}

function isKeyword(token: Token, name: string): boolean {
  return token.kind === "name" && token.text === name;
}

function tokenSpan(token: Token): Span {
  return { start: token.start, end: token.end };
}

function describe(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "the end of the expression";
    case "newline":
      // The lexer ends the last statement with a newline of no text at the very end.
      return token.text === "" ? "the end of the expression" : "a line break";
    case "indent":
      return "an indented line";
    case "dedent":
      return "the end of the indented block";
    case "string":
      return "a string";
    default:
      return `\`${token.text}\``;
  }
}
