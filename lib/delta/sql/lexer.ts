/**
 * The tokens of tablestream's Spark SQL subset (see parse.ts), each with its offset in the
 * expression text, so an error points at the character it is about.
 *
 * @module
 */

/** What a token is. */
export type TokenKind = "number" | "string" | "word" | "quoted" | "op" | "end";

/** A token and where it starts (0-based offset in the expression). */
export interface Token {
  kind: TokenKind;
  /** The text as it stands, but unquoted for strings and backquoted identifiers. */
  text: string;
  offset: number;
}

/** An expression outside the subset, or malformed, at `offset` (0-based) of `expression`. */
export class SqlError extends Error {
  constructor(
    readonly reason: string,
    readonly expression: string,
    readonly offset: number,
  ) {
    super(`${reason} (at column ${offset + 1} of "${expression}")`);
    this.name = "SqlError";
  }
}

/** Operators, longest first so `<=>` is not read as `<=` then `>`. */
const OPERATORS = [
  "<=>",
  "==",
  "<>",
  "!=",
  "<=",
  ">=",
  "||",
  "<",
  ">",
  "=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "(",
  ")",
  ",",
  ".",
  "!",
];

/** Characters Spark SQL knows as operators that the subset leaves out. */
const UNSUPPORTED_OPERATORS: Record<string, string> = {
  "&": "the bitwise operator &",
  "|": "the bitwise operator |",
  "^": "the bitwise operator ^",
  "~": "the bitwise operator ~",
  "[": "subscripts ([...])",
  ":": "the : operator",
  "?": "parameter markers (?)",
};

/** Backslash escapes of Spark string literals. */
const ESCAPES: Record<string, string> = {
  "0": "\0",
  b: "\b",
  n: "\n",
  r: "\r",
  t: "\t",
  Z: "\x1a",
};

/** The tokens of `text`, ending with an `end` token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith("--", i) || text.startsWith("/*", i)) {
      throw new SqlError("comments are not supported", text, i);
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(text[i + 1] ?? ""))) {
      const match = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?(?:BD|[LSYDF])?/i
        .exec(text.slice(i))!;
      i += match[0].length;
      if (/[A-Za-z_]/.test(text[i] ?? "")) {
        throw new SqlError(`"${match[0]}${text[i]}" is not a number`, text, start);
      }
      tokens.push({ kind: "number", text: match[0], offset: start });
    } else if (c === "'" || c === '"') {
      const [value, end] = readString(text, i);
      tokens.push({ kind: "string", text: value, offset: start });
      i = end;
    } else if (c === "`") {
      let name = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new SqlError("unterminated `identifier`", text, start);
        if (text[i] === "`") {
          if (text[i + 1] !== "`") break;
          i++;
        }
        name += text[i++];
      }
      i++;
      tokens.push({ kind: "quoted", text: name, offset: start });
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      i += match[0].length;
      tokens.push({ kind: "word", text: match[0], offset: start });
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) {
        const what = UNSUPPORTED_OPERATORS[c] ?? `the character "${c}"`;
        throw new SqlError(`${what} is outside tablestream's SQL subset`, text, i);
      }
      i += op.length;
      tokens.push({ kind: "op", text: op, offset: start });
    }
  }
  tokens.push({ kind: "end", text: "", offset: text.length });
  return tokens;
}

/** A string literal starting at `start`: its value and the offset after its closing quote. */
function readString(text: string, start: number): [string, number] {
  const quote = text[start];
  let value = "";
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new SqlError("unterminated string literal", text, start);
    const c = text[i];
    if (c === quote) return [value, i + 1];
    if (c === "\\" && i + 1 < text.length) {
      const next = text[i + 1];
      // Spark keeps the backslash of `\%` and `\_`, which LIKE patterns need.
      value += next === "%" || next === "_" ? `\\${next}` : ESCAPES[next] ?? next;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
}
