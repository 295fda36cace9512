/**
 * Parses expression source into a {@link Program}, with Python's grammar and operator
 * precedence. It stops at the first syntax error, which it reports with the span of the
 * offending token and, for an unclosed bracket, where the bracket was opened.
 *
 * Statements other than a lone expression (assignments, `if`, `return`, imports...) are
 * recognised and rejected with `unsupported-syntax`; {@link Parser.parseStatement} is
 * where they will be parsed once multi-line blocks are supported.
 *
 * @module
 */
import type {
  Argument,
  CompareOperator,
  Expr,
  FormattedValue,
  FStringNode,
  Program,
  SliceNode,
  Statement,
} from "./ast.ts";
import { describePosition, errorAt, ExprSyntaxError, joinSpans } from "./diagnostic.ts";
import { decodeEscapes, Lexer, type Token } from "./lexer.ts";
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

/** Keywords that start a statement, which only a multi-line block may contain. */
const STATEMENT_KEYWORDS = new Set([
  "if",
  "elif",
  "else",
  "return",
  "for",
  "while",
  "def",
  "class",
  "with",
  "try",
  "except",
  "finally",
  "pass",
  "raise",
  "global",
  "nonlocal",
  "del",
  "assert",
  "break",
  "continue",
  "async",
]);

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

/** Message and hint for everything a multi-line block would be needed for. */
const BLOCK_HINT = "Write the value as one expression, e.g. `a if condition else b`.";

/**
 * Parses a whole `data:` source.
 *
 * @example
 * ```ts
 * const result = parse("round(price * 1.2, 2)");
 * if (result.ok) console.log(result.program.body[0].expr.kind); // "call"
 * ```
 */
export function parse(source: string): ParseResult {
  try {
    return { ok: true, program: new Parser(source).parseProgram() };
  } catch (error) {
    if (error instanceof ExprSyntaxError) return { ok: false, diagnostics: [error.diagnostic] };
    throw error;
  }
}

/** Parses a single expression; throws {@link ExprSyntaxError} (for tests and tools). */
export function parseExpression(source: string): Expr {
  const program = new Parser(source).parseProgram();
  return program.body[0].expr;
}

/** A recursive-descent parser over a {@link Lexer}, one precedence level per method. */
export class Parser {
  readonly source: string;
  readonly #lexer: Lexer;
  readonly #buffer: Token[] = [];

  constructor(source: string, lexer: Lexer = new Lexer(source)) {
    this.source = source;
    this.#lexer = lexer;
  }

  /** Statements separated by newlines or `;`; today exactly one expression statement. */
  parseProgram(): Program {
    const body: Statement[] = [];
    while (this.#peek().kind !== "eof") {
      body.push(this.parseStatement());
      const after = this.#peek();
      if (after.kind === "newline" || isOp(after, ";")) {
        this.#advance();
      } else if (after.kind !== "eof") {
        throw this.#unexpected(after, "after the expression");
      }
    }
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
    if (body.length > 1) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          "Only one expression is allowed; multi-line blocks come with tablefaker compatibility",
          body[1].span,
          BLOCK_HINT,
        ),
      );
    }
    return { body, span };
  }

  /** One statement. Block statements are recognised here and rejected for now. */
  parseStatement(): Statement {
    const token = this.#peek();
    if (token.kind === "name" && (token.text === "import" || token.text === "from")) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          "Imports are not supported",
          token,
          "`fake`, `random`, `datetime` and `date` are always available; other modules cannot be used.",
        ),
      );
    }
    if (token.kind === "name" && STATEMENT_KEYWORDS.has(token.text)) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          `The \`${token.text}\` statement is not supported: multi-line blocks come with tablefaker compatibility`,
          token,
          BLOCK_HINT,
        ),
      );
    }
    const expr = this.parseExpression();
    const next = this.#peek();
    if (next.kind === "op" && ASSIGNMENT_OPERATORS.has(next.text)) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          "Assignments are not supported: multi-line blocks come with tablefaker compatibility",
          next,
          next.text === "="
            ? "Use `==` to compare; otherwise " + lowerFirst(BLOCK_HINT)
            : BLOCK_HINT,
        ),
      );
    }
    return { kind: "expression", expr, span: expr.span };
  }

  /** A full expression, including `x if c else y`. */
  parseExpression(): Expr {
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
    const operand = this.#parseNot();
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
      const operand = this.#parseFactor();
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
      if (conversion.kind !== "name" || (conversion.text !== "r" && conversion.text !== "s")) {
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            `Unknown f-string conversion ${describe(conversion)}`,
            tokenSpan(conversion),
            "Use `!r` or `!s`.",
          ),
        );
      }
      field.conversion = conversion.text;
      token = sub.#peek();
    }
    if (isOp(token, ":")) {
      let end = token.end;
      while (end < contentEnd && src[end] !== "}") {
        if (src[end] === "{") {
          throw new ExprSyntaxError(
            errorAt("unsupported-syntax", "Nested fields in a format spec are not supported", {
              start: end,
              end: end + 1,
            }),
          );
        }
        end++;
      }
      field.spec = src.slice(token.end, end);
      if (end >= contentEnd) throw this.#unclosedField(open, { start: end, end });
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
    } else if (token.kind === "op" && ASSIGNMENT_OPERATORS.has(token.text)) {
      hint = BLOCK_HINT;
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
      return "a line break";
    case "string":
      return "a string";
    default:
      return `\`${token.text}\``;
  }
}

function lowerFirst(text: string): string {
  return text[0].toLowerCase() + text.slice(1);
}
