/**
 * Splits expression source into tokens, Python's way: names, numbers, strings (with
 * prefixes `r`, `f`, escapes and triple quotes), operators, newlines outside brackets (they
 * separate statements) and `indent` / `dedent` tokens where a line's indentation grows or
 * shrinks, as in Python's tokenizer. Comments, blank lines and line continuations are
 * skipped. The first line's indentation is the base level, so a block that YAML left
 * indented still reads as top-level statements.
 *
 * The lexer is pulled one token at a time, so an f-string field can be lexed in place
 * without reading past its end.
 *
 * @module
 */
import { errorAt, ExprSyntaxError } from "./diagnostic.ts";
import { type Int, parseIntDigits } from "./integers.ts";
import { TooLargeError } from "./limits.ts";
import type { Span } from "./types.ts";

/** What a token is. Keywords are `name` tokens; the parser tells them apart. */
export type TokenKind =
  | "name"
  | "int"
  | "float"
  | "string"
  | "op"
  | "newline"
  | "indent"
  | "dedent"
  | "eof";

/** A string literal's decoding details. */
export interface StringToken {
  /** Decoded value; for f-strings the raw content, decoded by the parser part by part. */
  value: string;
  /** `r` prefix: backslashes are kept. */
  raw: boolean;
  /** `f` prefix: contains `{fields}`. */
  format: boolean;
  /** Offsets of the content between the quotes. */
  contentStart: number;
  contentEnd: number;
}

/** One token with its place in the source. */
export interface Token extends Span {
  kind: TokenKind;
  /** The token's source text (for `op`, the operator; for names, the name). */
  text: string;
  /** Numbers: the value (an int beyond 2^53 is a `bigint`, exactly). */
  number?: number | bigint;
  /** Strings: the decoded value and details. */
  string?: StringToken;
}

/** Options of {@link Lexer}. */
export interface LexerOptions {
  /** Offset to start at (default 0). */
  start?: number;
  /** Offset to stop at (default the end of the source). */
  end?: number;
  /** Lex as if inside brackets, so newlines are whitespace (f-string fields). */
  nested?: boolean;
}

/** Operators, longest first so `**` wins over `*`. */
const OPERATORS = [
  "**=",
  "//=",
  ">>=",
  "<<=",
  "**",
  "//",
  "==",
  "!=",
  "<=",
  ">=",
  "<<",
  ">>",
  "->",
  ":=",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "@=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "<",
  ">",
  "=",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  ".",
  ";",
  "~",
  "&",
  "|",
  "^",
  "@",
  "!",
];

const OPENING = "([{";
const CLOSING = ")]}";
const NAME_START = /[\p{L}\p{Nl}_]/u;
const NAME_PART = /[\p{L}\p{Nl}\p{N}\p{Mn}\p{Mc}_]/u;
const STRING_PREFIXES = new Set(["r", "u", "f", "b", "rb", "br", "fr", "rf"]);

/** Pulls tokens from a source string, one at a time. */
export class Lexer {
  readonly source: string;
  #pos: number;
  readonly #end: number;
  #depth: number;
  #lastKind: TokenKind | undefined;
  /** At the start of a logical line, where indentation is measured (never when nested). */
  #lineStart: boolean;
  /** Indentation widths of the open blocks; the first is the base level. */
  readonly #indents: number[] = [];
  /** Tokens decided already (dedents, the newline before the end). */
  readonly #pending: Token[] = [];

  constructor(source: string, options: LexerOptions = {}) {
    this.source = source;
    this.#pos = options.start ?? 0;
    this.#end = options.end ?? source.length;
    this.#depth = options.nested ? 1 : 0;
    this.#lineStart = !options.nested;
  }

  /** The next token; `eof` forever once the end is reached. */
  next(): Token {
    const token = this.#pending.shift() ?? this.#scan();
    this.#lastKind = token.kind;
    return token;
  }

  #scan(): Token {
    const src = this.source;
    if (this.#lineStart) {
      const indentation = this.#indentation();
      if (indentation) return indentation;
    }
    while (this.#pos < this.#end) {
      const ch = src[this.#pos];
      if (ch === " " || ch === "\t" || ch === "\r" || ch === "\f") {
        this.#pos++;
      } else if (ch === "#") {
        while (this.#pos < this.#end && src[this.#pos] !== "\n") this.#pos++;
      } else if (ch === "\\" && src[this.#pos + 1] === "\n") {
        this.#pos += 2; // line continuation
      } else if (ch === "\\" && src[this.#pos + 1] === "\r" && src[this.#pos + 2] === "\n") {
        this.#pos += 3;
      } else if (ch === "\n") {
        const start = this.#pos++;
        // Newlines inside brackets separate nothing.
        if (this.#depth > 0) continue;
        this.#lineStart = true;
        return { kind: "newline", text: "\n", start, end: start + 1 };
      } else {
        return this.#token(ch);
      }
    }
    return this.#finish();
  }

  /**
   * At the end: the newline that ends the last statement, a dedent for each open block, then
   * `eof` forever.
   */
  #finish(): Token {
    const at = { start: this.#end, end: this.#end };
    const ended = this.#lastKind === undefined || this.#lastKind === "newline" ||
      this.#lastKind === "dedent" || this.#depth > 0;
    if (!ended) {
      this.#lineStart = false;
      return { kind: "newline", text: "", ...at };
    }
    if (this.#indents.length > 1) {
      this.#indents.pop();
      return { kind: "dedent", text: "", ...at };
    }
    return { kind: "eof", text: "", ...at };
  }

  /**
   * Measures the indentation of the next non-blank line, skipping blank and comment-only
   * lines: an `indent` when it grows, `dedent`s when it returns to an outer block's level,
   * nothing when it stays. The end of the source ends the measuring.
   */
  #indentation(): Token | undefined {
    const src = this.source;
    while (this.#pos < this.#end) {
      let width = 0;
      let i = this.#pos;
      for (; i < this.#end; i++) {
        if (src[i] === " ") width++;
        else if (src[i] === "\t") width = (Math.floor(width / 8) + 1) * 8;
        else if (src[i] !== "\f" && src[i] !== "\r") break;
      }
      if (i < this.#end && src[i] !== "\n" && src[i] !== "#") {
        const lineStart = this.#pos;
        this.#lineStart = false;
        this.#pos = i;
        return this.#indentTo(width, { start: lineStart, end: i });
      }
      // A blank or comment-only line: skip it whole.
      while (i < this.#end && src[i] !== "\n") i++;
      this.#pos = Math.min(i + 1, this.#end);
    }
    this.#lineStart = false;
    return undefined;
  }

  #indentTo(width: number, span: Span): Token | undefined {
    const indents = this.#indents;
    if (indents.length === 0) {
      indents.push(width);
      return undefined;
    }
    const top = indents[indents.length - 1];
    if (width > top) {
      indents.push(width);
      return { kind: "indent", text: "", ...span };
    }
    if (width === top) return undefined;
    while (indents.length > 1 && indents[indents.length - 1] > width) {
      indents.pop();
      this.#pending.push({ kind: "dedent", text: "", ...span });
    }
    if (indents[indents.length - 1] !== width) {
      throw new ExprSyntaxError(
        errorAt(
          "bad-expression",
          "This line's indentation matches no outer block",
          { start: span.end, end: span.end + 1 },
          "Indent it exactly as far as the lines of the block it belongs to.",
        ),
      );
    }
    return this.#pending.shift();
  }

  #token(ch: string): Token {
    const src = this.source;
    const start = this.#pos;
    if (isDigit(ch) || (ch === "." && isDigit(src[start + 1] ?? ""))) return this.#number();
    if (ch === "'" || ch === '"') return this.#string(start, "");
    if (NAME_START.test(ch)) {
      let end = start + 1;
      while (end < this.#end && NAME_PART.test(src[end])) end++;
      const text = src.slice(start, end);
      const quote = src[end];
      if ((quote === "'" || quote === '"') && STRING_PREFIXES.has(text.toLowerCase())) {
        this.#pos = end;
        return this.#string(start, text.toLowerCase());
      }
      this.#pos = end;
      return { kind: "name", text, start, end };
    }
    for (const op of OPERATORS) {
      if (src.startsWith(op, start) && start + op.length <= this.#end) {
        this.#pos = start + op.length;
        if (OPENING.includes(op)) this.#depth++;
        if (CLOSING.includes(op) && this.#depth > 0) this.#depth--;
        return { kind: "op", text: op, start, end: this.#pos };
      }
    }
    throw new ExprSyntaxError(
      errorAt(
        "bad-expression",
        `Unexpected character ${JSON.stringify(ch)}`,
        { start, end: start + 1 },
        "Remove it, or put the text in quotes.",
      ),
    );
  }

  #number(): Token {
    const src = this.source;
    const start = this.#pos;
    let end = start;
    let kind: "int" | "float" = "int";
    let value: number | bigint;
    const radix = src[start] === "0"
      ? RADIX_PREFIXES[(src[start + 1] ?? "").toLowerCase()]
      : undefined;
    if (radix !== undefined) {
      end = start + 2;
      while (end < this.#end && /[0-9a-fA-F_]/.test(src[end])) end++;
      const digits = src.slice(start + 2, end).replaceAll("_", "");
      if (digits === "" || !isValidRadix(digits, radix)) {
        throw this.#badNumber(start, end);
      }
      value = this.#intLiteral(digits, radix, start, end);
    } else {
      end = this.#digits(end);
      if (src[end] === "." && end < this.#end) {
        kind = "float";
        end = this.#digits(end + 1);
      }
      if ((src[end] === "e" || src[end] === "E") && end < this.#end) {
        const signed = src[end + 1] === "+" || src[end + 1] === "-";
        const after = end + (signed ? 2 : 1);
        if (isDigit(src[after] ?? "")) {
          kind = "float";
          end = this.#digits(after);
        }
      }
      const text = src.slice(start, end).replaceAll("_", "");
      if (kind === "int" && text.length > 1 && text[0] === "0" && /[1-9]/.test(text)) {
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            "Leading zeros are not allowed in integers",
            { start, end },
            `Write \`${text.replace(/^0+/, "")}\`, or \`0o${
              text.replace(/^0+/, "")
            }\` for an octal number.`,
          ),
        );
      }
      value = kind === "int" ? this.#intLiteral(text, 10, start, end) : Number(text);
    }
    if (end < this.#end && (src[end] === "j" || src[end] === "J")) {
      throw new ExprSyntaxError(
        errorAt("unsupported-syntax", "Complex numbers are not supported", { start, end: end + 1 }),
      );
    }
    if (end < this.#end && NAME_PART.test(src[end])) throw this.#badNumber(start, end + 1);
    this.#pos = end;
    return { kind, text: src.slice(start, end), start, end, number: value };
  }

  /** An int literal's exact value; one past the bound on ints is refused where it is written. */
  #intLiteral(digits: string, radix: number, start: number, end: number): Int {
    try {
      return parseIntDigits(digits, radix, "This literal");
    } catch (error) {
      if (!(error instanceof TooLargeError)) throw error;
      throw new ExprSyntaxError(errorAt(error.code, error.message, { start, end }));
    }
  }

  #digits(from: number): number {
    let end = from;
    while (end < this.#end && (isDigit(this.source[end]) || this.source[end] === "_")) end++;
    return end;
  }

  #badNumber(start: number, end: number): ExprSyntaxError {
    return new ExprSyntaxError(
      errorAt(
        "bad-expression",
        `Invalid number \`${this.source.slice(start, end)}\``,
        { start, end },
        "Write a number such as `42`, `3.5`, `1e6` or `0xff`; names cannot start with a digit.",
      ),
    );
  }

  #string(start: number, prefix: string): Token {
    const src = this.source;
    const raw = prefix.includes("r");
    const format = prefix.includes("f");
    if (prefix.includes("b")) {
      throw new ExprSyntaxError(
        errorAt(
          "unsupported-syntax",
          "Bytes literals are not supported",
          { start, end: this.#pos + 1 },
          "Use a normal string without the `b` prefix.",
        ),
      );
    }
    const quoteChar = src[this.#pos];
    const triple = src.startsWith(quoteChar.repeat(3), this.#pos);
    const quote = triple ? quoteChar.repeat(3) : quoteChar;
    const contentStart = this.#pos + quote.length;
    let i = contentStart;
    while (true) {
      if (i >= this.#end || (!triple && src[i] === "\n")) {
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            "This string is never closed",
            { start, end: Math.min(i, this.#end) },
            `Add the closing ${quote} at the end of the text.`,
          ),
        );
      }
      if (src[i] === "\\") {
        i += 2;
      } else if (src.startsWith(quote, i)) {
        break;
      } else {
        i++;
      }
    }
    const contentEnd = i;
    this.#pos = i + quote.length;
    const content = src.slice(contentStart, contentEnd);
    const value = raw || format ? content : decodeEscapes(content, contentStart);
    return {
      kind: "string",
      text: src.slice(start, this.#pos),
      start,
      end: this.#pos,
      string: { value, raw, format, contentStart, contentEnd },
    };
  }
}

const RADIX_PREFIXES: Record<string, number | undefined> = { x: 16, o: 8, b: 2 };

function isValidRadix(digits: string, radix: number): boolean {
  const pattern = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[01]+$/;
  return pattern.test(digits);
}

function isDigit(ch: string): boolean {
  return ch >= "0" && ch <= "9";
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\n": "",
};

/**
 * Decodes Python escapes (`\n`, `\x41`, `\u00e9`, `\N{...}` excepted). `offset` is where
 * `text` starts in the source, for the span of a bad escape. Unknown escapes stay as
 * written, as in Python.
 */
export function decodeEscapes(text: string, offset: number): string {
  if (!text.includes("\\")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== "\\" || i + 1 >= text.length) {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (next === "x" || next === "u" || next === "U") {
      const width = next === "x" ? 2 : next === "u" ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + width);
      if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) {
        throw new ExprSyntaxError(
          errorAt(
            "bad-expression",
            `Invalid \\${next} escape: it needs ${width} hex digits`,
            { start: offset + i, end: offset + i + 2 + hex.length },
            'Write the escape in full, or use a raw string `r"..."` to keep backslashes.',
          ),
        );
      }
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 2 + width;
    } else if (next >= "0" && next <= "7") {
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(octal, 8));
      i += 1 + octal.length;
    } else if (next === "\r" && text[i + 2] === "\n") {
      i += 3;
    } else {
      out += ch + next;
      i += 2;
    }
  }
  return out;
}

/** Every token of `source` up to and including `eof` (for tests and tools). */
export function tokenize(source: string): Token[] {
  const lexer = new Lexer(source);
  const tokens: Token[] = [];
  while (true) {
    const token = lexer.next();
    tokens.push(token);
    if (token.kind === "eof") return tokens;
  }
}

/** Whether the token is the operator or punctuation `text`. */
export function isOp(token: Token, text: string): boolean {
  return token.kind === "op" && token.text === text;
}

/** Whether the token is the name `name` (keywords are names to the lexer). */
export function isKeyword(token: Token, name: string): boolean {
  return token.kind === "name" && token.text === name;
}

/** The token's span alone. */
export function tokenSpan(token: Token): Span {
  return { start: token.start, end: token.end };
}

/** How a message names the token: `` `)` ``, "a string", "the end of the expression"... */
export function describeToken(token: Token): string {
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
