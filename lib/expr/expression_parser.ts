/**
 * Parses Python's expressions, with its grammar and operator precedence: conditionals,
 * `and` / `or` / `not`, comparisons, arithmetic, calls, subscripts and slices, attribute
 * access, literals and displays, strings (`fstring_parser.ts`). It stops at the first syntax
 * error, with the span of the offending token and, for an unclosed bracket, where the bracket
 * was opened; Python it does not support (lambdas, comprehensions, bitwise operators...) is
 * refused with `unsupported-syntax` and a hint.
 *
 * @module
 */
import type { Argument, CompareOperator, Expr, SliceNode } from "./ast.ts";
import { describePosition, errorAt, ExprSyntaxError, joinSpans } from "./diagnostic.ts";
import { stringsNode } from "./fstring_parser.ts";
import { describeToken, isKeyword, isOp, Lexer, type Token, tokenSpan } from "./lexer.ts";
import { MAX_NESTING } from "./limits.ts";
import type { Span } from "./types.ts";

/** Python keywords: never names. */
export const KEYWORDS = new Set([
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

const BITWISE_OPERATORS = new Set(["|", "^", "&", "<<", ">>", "~"]);
const COMPARISON_OPERATORS = new Set(["==", "!=", "<", "<=", ">", ">="]);

/**
 * A recursive-descent parser of Python's expressions over a {@link Lexer}, one precedence
 * level per method; `parser.ts` adds the statements of blocks on top of it.
 */
export class ExpressionParser {
  readonly source: string;
  readonly #lexer: Lexer;
  readonly #buffer: Token[] = [];
  /** Levels of nesting being parsed (see `#nested`). */
  #depth = 0;

  constructor(source: string, lexer: Lexer = new Lexer(source)) {
    this.source = source;
    this.#lexer = lexer;
  }

  /** A full expression, including `x if c else y`. */
  parseExpression(): Expr {
    return this.nested(() => this.#parseConditional());
  }

  /**
   * Parses one more level of nesting, failing with `too-deep` past {@link MAX_NESTING}: the
   * parser recurses once per level, and a hostile `((((...))))` must not exhaust the stack.
   */
  protected nested<T>(parse: () => T): T {
    if (this.#depth >= MAX_NESTING) {
      throw new ExprSyntaxError(
        errorAt(
          "too-deep",
          `This expression nests more than ${MAX_NESTING} levels deep`,
          tokenSpan(this.peek()),
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
    const token = this.peek();
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
    if (!isKeyword(this.peek(), "if")) return then;
    this.advance();
    const test = this.#parseOr();
    const elseToken = this.peek();
    if (!isKeyword(elseToken, "else")) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `Expected \`else\` to finish the conditional expression, found ${
            describeToken(elseToken)
          }`,
          tokenSpan(elseToken),
          "A conditional needs both branches: `a if condition else b`.",
        ),
      );
    }
    this.advance();
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
    while (isKeyword(this.peek(), "or")) {
      this.advance();
      const right = this.#parseAnd();
      left = { kind: "logical", op: "or", left, right, span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  #parseAnd(): Expr {
    let left = this.#parseNot();
    while (isKeyword(this.peek(), "and")) {
      this.advance();
      const right = this.#parseNot();
      left = { kind: "logical", op: "and", left, right, span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  #parseNot(): Expr {
    const token = this.peek();
    if (!isKeyword(token, "not")) return this.#parseComparison();
    this.advance();
    const operand = this.nested(() => this.#parseNot());
    return { kind: "unary", op: "not", operand, span: joinSpans(token, operand.span) };
  }

  #parseComparison(): Expr {
    const first = this.#parseArithmetic();
    const rest: { op: CompareOperator; right: Expr; opSpan: Span }[] = [];
    while (true) {
      const token = this.peek();
      let op: CompareOperator | undefined;
      let opSpan: Span = tokenSpan(token);
      if (token.kind === "op" && COMPARISON_OPERATORS.has(token.text)) {
        op = token.text as CompareOperator;
        this.advance();
      } else if (isKeyword(token, "in")) {
        op = "in";
        this.advance();
      } else if (isKeyword(token, "not") && isKeyword(this.peek(1), "in")) {
        this.advance();
        opSpan = joinSpans(token, this.advance());
        op = "not in";
      } else if (isKeyword(token, "is")) {
        this.advance();
        op = "is";
        if (isKeyword(this.peek(), "not")) {
          opSpan = joinSpans(token, this.advance());
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
      const token = this.peek();
      if (isOp(token, "+") || isOp(token, "-")) {
        this.advance();
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
      const token = this.peek();
      if (token.kind !== "op" || !["*", "/", "//", "%", "@"].includes(token.text)) return left;
      if (token.text === "@") {
        throw new ExprSyntaxError(
          errorAt("unsupported-syntax", "Matrix multiplication `@` is not supported", token),
        );
      }
      this.advance();
      const right = this.#parseFactor();
      left = binary(token.text as "*" | "/" | "//" | "%", left, right, token);
    }
  }

  #parseFactor(): Expr {
    const token = this.peek();
    if (isOp(token, "-") || isOp(token, "+")) {
      this.advance();
      const operand = this.nested(() => this.#parseFactor());
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
    const token = this.peek();
    if (!isOp(token, "**")) return base;
    this.advance();
    // The exponent may be negated (`2 ** -1`) and binds to the right (`2 ** 3 ** 2`).
    const exponent = this.#parseFactor();
    return binary("**", base, exponent, token);
  }

  #parsePrimary(): Expr {
    let expr = this.#parseAtom();
    while (true) {
      const token = this.peek();
      if (isOp(token, ".")) {
        this.advance();
        const name = this.peek();
        if (name.kind !== "name" || KEYWORDS.has(name.text)) {
          throw new ExprSyntaxError(
            errorAt(
              "bad-expression",
              `Expected a name after \`.\`, found ${describeToken(name)}`,
              tokenSpan(name),
              "Write an attribute or method name, e.g. `fake.email()`.",
            ),
          );
        }
        this.advance();
        expr = {
          kind: "attribute",
          object: expr,
          name: name.text,
          nameSpan: tokenSpan(name),
          span: joinSpans(expr.span, name),
        };
      } else if (isOp(token, "(")) {
        this.advance();
        expr = this.#parseCall(expr, token);
      } else if (isOp(token, "[")) {
        this.advance();
        expr = this.#parseSubscript(expr, token);
      } else {
        return expr;
      }
    }
  }

  #parseCall(callee: Expr, open: Token): Expr {
    const args: Argument[] = [];
    const keywords = new Set<string>();
    while (!isOp(this.peek(), ")")) {
      const token = this.peek();
      if (token.kind === "eof") this.expectClose(open, ")", "call");
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
      if (token.kind === "name" && !KEYWORDS.has(token.text) && isOp(this.peek(1), "=")) {
        this.advance();
        this.advance();
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
      if (!isOp(this.peek(), ",")) break;
      this.advance();
    }
    const close = this.expectClose(open, ")", "call");
    return { kind: "call", callee, args, span: joinSpans(callee.span, close) };
  }

  #parseSubscript(object: Expr, open: Token): Expr {
    let index: Expr | SliceNode;
    if (this.peek().kind === "eof") this.expectClose(open, "]", "subscript");
    const first = isOp(this.peek(), ":") ? undefined : this.parseExpression();
    if (isOp(this.peek(), ":")) {
      index = this.#parseSlice(first, this.peek());
    } else {
      index = first!;
      if (isOp(this.peek(), ",")) {
        throw new ExprSyntaxError(
          errorAt(
            "unsupported-syntax",
            "Subscripts with several indexes are not supported",
            this.peek(),
          ),
        );
      }
    }
    const close = this.expectClose(open, "]", "subscript");
    return { kind: "subscript", object, index, span: joinSpans(object.span, close) };
  }

  #parseSlice(lower: Expr | undefined, colon: Token): SliceNode {
    this.advance();
    const endsPart = () => isOp(this.peek(), ":") || isOp(this.peek(), "]");
    const upper = endsPart() ? undefined : this.parseExpression();
    let step: Expr | undefined;
    if (isOp(this.peek(), ":")) {
      this.advance();
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
    const token = this.peek();
    switch (token.kind) {
      case "int":
      case "float":
        this.advance();
        return { kind: "literal", value: token.number!, type: token.kind, span: tokenSpan(token) };
      case "string":
        return this.#parseStrings();
      case "name":
        return this.#parseName(token);
      case "op":
        if (token.text === "(") return this.#parseParenthesized(token);
        if (token.text === "[") return this.#parseList(token);
        if (token.text === "{") return this.#parseDict(token);
        throw this.unexpected(token, "where a value was expected");
      default:
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            `Expected a value, found ${describeToken(token)}`,
            tokenSpan(token),
            "The expression is incomplete: add the missing value.",
          ),
        );
    }
  }

  #parseName(token: Token): Expr {
    this.advance();
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

  #parseParenthesized(open: Token): Expr {
    this.advance();
    if (this.peek().kind === "eof") this.expectClose(open, ")", "parenthesis");
    if (isOp(this.peek(), ")")) {
      const close = this.advance();
      return { kind: "list", items: [], tuple: true, span: joinSpans(open, close) };
    }
    const first = this.parseExpression();
    this.#rejectComprehension();
    if (!isOp(this.peek(), ",")) {
      this.expectClose(open, ")", "parenthesis");
      // Parentheses only group: the node keeps its own span so messages point inside them.
      return first;
    }
    const items = [first];
    while (isOp(this.peek(), ",")) {
      this.advance();
      if (isOp(this.peek(), ")")) break;
      items.push(this.parseExpression());
    }
    const close = this.expectClose(open, ")", "tuple");
    return { kind: "list", items, tuple: true, span: joinSpans(open, close) };
  }

  #parseList(open: Token): Expr {
    this.advance();
    const items: Expr[] = [];
    while (!isOp(this.peek(), "]")) {
      if (this.peek().kind === "eof") this.expectClose(open, "]", "list");
      this.#rejectUnpacking();
      items.push(this.parseExpression());
      if (items.length === 1) this.#rejectComprehension();
      if (!isOp(this.peek(), ",")) break;
      this.advance();
    }
    const close = this.expectClose(open, "]", "list");
    return { kind: "list", items, tuple: false, span: joinSpans(open, close) };
  }

  #parseDict(open: Token): Expr {
    this.advance();
    const entries: { key: Expr; value: Expr }[] = [];
    while (!isOp(this.peek(), "}")) {
      if (this.peek().kind === "eof") this.expectClose(open, "}", "dictionary");
      this.#rejectUnpacking();
      const key = this.parseExpression();
      const colon = this.peek();
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
            `Expected \`:\` after the dictionary key, found ${describeToken(colon)}`,
            tokenSpan(colon),
            'Write entries as `"key": value`.',
          ),
        );
      }
      this.advance();
      const value = this.parseExpression();
      if (entries.length === 0) this.#rejectComprehension();
      entries.push({ key, value });
      if (!isOp(this.peek(), ",")) break;
      this.advance();
    }
    const close = this.expectClose(open, "}", "dictionary");
    return { kind: "dict", entries, span: joinSpans(open, close) };
  }

  #rejectComprehension(): void {
    const token = this.peek();
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
    const token = this.peek();
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

  protected expectClose(open: Token, close: string, what: string): Token {
    const token = this.peek();
    if (isOp(token, close)) return this.advance();
    throw new ExprSyntaxError(
      errorAt(
        "bad-expression",
        `Expected \`${close}\` to close the ${what} opened at ${
          describePosition(this.source, open.start)
        }, ` +
          `found ${describeToken(token)}`,
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

  protected unexpected(token: Token, where: string): ExprSyntaxError {
    let hint = "Check for a missing operator, comma or bracket.";
    if (isOp(token, ")") || isOp(token, "]") || isOp(token, "}")) {
      hint = `Remove the \`${token.text}\`, or add the bracket it should close.`;
    } else if (isOp(token, ":")) {
      hint = "A `:` belongs after an `if`, `elif` or `else` condition, a dict key or a slice.";
    }
    return new ExprSyntaxError(
      errorAt(
        "bad-expression",
        `Unexpected ${describeToken(token)} ${where}`,
        tokenSpan(token),
        hint,
      ),
    );
  }

  /** The token `ahead` tokens on, without taking it. */
  peek(ahead = 0): Token {
    while (this.#buffer.length <= ahead) this.#buffer.push(this.#lexer.next());
    return this.#buffer[ahead];
  }

  /** Takes the next token. */
  advance(): Token {
    const token = this.peek();
    this.#buffer.shift();
    return token;
  }

  /** Adjacent strings are one string (`"a" "b"`); any f-string makes it an f-string. */
  #parseStrings(): Expr {
    const tokens: Token[] = [];
    while (this.peek().kind === "string") tokens.push(this.advance());
    const src = this.source;
    return stringsNode(
      src,
      tokens,
      (start, end) => new ExpressionParser(src, new Lexer(src, { start, end, nested: true })),
    );
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
