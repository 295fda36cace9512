/**
 * Strings and f-strings of the parser: adjacent strings joined, and an f-string's text,
 * `{{` / `}}` escapes, and `{expr!c:spec}` fields (nested fields in specs included), each
 * field's expression parsed by a parser over its part of the source.
 *
 * @module
 */
import type { Expr, FormattedValue, FStringNode } from "./ast.ts";
import { describePosition, errorAt, ExprSyntaxError, joinSpans } from "./diagnostic.ts";
import { decodeEscapes, describeToken, isOp, type Token, tokenSpan } from "./lexer.ts";
import type { Span } from "./types.ts";

/** What parsing a field needs of a parser over the field's part of the source. */
export interface FieldExpressionParser {
  peek(): Token;
  advance(): Token;
  parseExpression(): Expr;
}

/** Makes a parser of the expression between `start` and `end` of the source (a field). */
export type FieldParser = (start: number, end: number) => FieldExpressionParser;

/**
 * Adjacent string tokens as one node (`"a" "b"`): a literal, or an f-string when any of them
 * is one. `fieldParser` parses the expression of a field.
 */
export function stringsNode(source: string, tokens: Token[], fieldParser: FieldParser): Expr {
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
    if (token.string!.format) parseFString(source, token, node.parts, fieldParser);
    else pushText(node.parts, token.string!.value);
  }
  return node;
}

/** The text and fields of one f-string token, appended to `parts`. */
function parseFString(
  src: string,
  token: Token,
  parts: (string | FormattedValue)[],
  fieldParser: FieldParser,
): void {
  const { contentStart, contentEnd, raw } = token.string!;
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
      const field = parseField(src, i, contentEnd, fieldParser);
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
function parseField(
  src: string,
  open: number,
  contentEnd: number,
  fieldParser: FieldParser,
): FormattedValue {
  const sub = fieldParser(open + 1, contentEnd);
  const openSpan = { start: open, end: open + 1 };
  if (peekIsFieldEnd(sub)) {
    throw new ExprSyntaxError(
      errorAt(
        "bad-expression",
        "Empty `{}` in an f-string",
        { start: open, end: sub.peek().end },
        "Put an expression inside, e.g. `{first_name}`, or write `{{` for a literal brace.",
      ),
    );
  }
  const expr = sub.parseExpression();
  const field: FormattedValue = { expr, span: openSpan };
  let token = sub.peek();
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
    sub.advance();
    const conversion = sub.advance();
    if (conversion.kind !== "name" || !["r", "s", "a"].includes(conversion.text)) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          `Unknown f-string conversion ${describeToken(conversion)}`,
          tokenSpan(conversion),
          "Use `!r`, `!s` or `!a`.",
        ),
      );
    }
    field.conversion = conversion.text as FormattedValue["conversion"];
    token = sub.peek();
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
        const inner = parseField(src, end, contentEnd, fieldParser);
        nested.push(inner);
        end = inner.span.end;
        continue;
      }
      specText += src[end];
      end++;
    }
    if (end >= contentEnd) throw unclosedField(src, open, { start: end, end });
    if (nested.length) {
      if (specText) nested.push(specText);
      field.specFields = nested;
    } else {
      field.spec = specText;
    }
    field.span = { start: open, end: end + 1 };
    return field;
  }
  if (!isOp(token, "}")) throw unclosedField(src, open, tokenSpan(token));
  field.span = { start: open, end: token.end };
  return field;
}

function peekIsFieldEnd(sub: FieldExpressionParser): boolean {
  const token = sub.peek();
  return token.kind === "eof" || isOp(token, "}") || isOp(token, ":") || isOp(token, "!");
}

function unclosedField(source: string, open: number, at: Span): ExprSyntaxError {
  return new ExprSyntaxError(
    errorAt(
      "bad-expression",
      `Expected \`}\` to close the f-string field opened at ${describePosition(source, open)}`,
      at,
      "Close the field with `}`.",
    ),
  );
}

function pushText(parts: (string | FormattedValue)[], text: string): void {
  if (text === "") return;
  const last = parts.length - 1;
  if (typeof parts[last] === "string") parts[last] = (parts[last] as string) + text;
  else parts.push(text);
}
