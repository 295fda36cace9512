/**
 * The Spark SQL subset that Delta tables store as CHECK constraints, column invariants and
 * generation expressions: literals (numbers, strings, booleans, NULL, `DATE'...'`,
 * `TIMESTAMP'...'`), column references (backquoted, nested by dots), comparisons,
 * `IS [NOT] NULL`, `[NOT] IN`, `[NOT] BETWEEN`, `[NOT] LIKE ... [ESCAPE ...]`, `AND`/`OR`/`NOT`,
 * arithmetic, `||`, `CAST(x AS type)` and the functions of functions.ts. Anything else is
 * refused here, naming the construct and its position, so a table whose expressions we cannot
 * evaluate is refused before anything is written.
 *
 * Precedence follows Spark's grammar, loosest first: OR, AND, NOT, predicates (comparisons,
 * IS, IN, BETWEEN, LIKE), `+ - ||`, `* / %`, unary minus.
 *
 * @module
 */
import { SqlError, type Token, tokenize } from "./lexer.ts";
import { FUNCTIONS } from "./functions.ts";
import { parseTypeName, type SqlType } from "./types.ts";

export { SqlError } from "./lexer.ts";

/** A node of a parsed expression; `offset` is where its text starts. */
export type SqlNode =
  | { kind: "literal"; type: SqlType; value: unknown; offset: number }
  | { kind: "column"; path: string[]; offset: number }
  | { kind: "negate"; operand: SqlNode; offset: number }
  | { kind: "not"; operand: SqlNode; offset: number }
  | { kind: "binary"; op: string; left: SqlNode; right: SqlNode; offset: number }
  | { kind: "isNull"; negated: boolean; operand: SqlNode; offset: number }
  | { kind: "in"; negated: boolean; operand: SqlNode; list: SqlNode[]; offset: number }
  | {
    kind: "between";
    negated: boolean;
    operand: SqlNode;
    low: SqlNode;
    high: SqlNode;
    offset: number;
  }
  | {
    kind: "like";
    negated: boolean;
    operand: SqlNode;
    pattern: SqlNode;
    escape: string;
    offset: number;
  }
  | { kind: "cast"; operand: SqlNode; type: SqlType; offset: number }
  | { kind: "call"; name: string; args: SqlNode[]; offset: number };

/** Keywords of Spark SQL that start constructs the subset leaves out. */
const UNSUPPORTED_WORDS = new Set([
  "CASE",
  "WHEN",
  "EXISTS",
  "SELECT",
  "INTERVAL",
  "RLIKE",
  "REGEXP",
  "ILIKE",
  "SIMILAR",
  "DIV",
  "ANY",
  "SOME",
  "ALL",
  "DISTINCT",
  "OVER",
  "FILTER",
]);

/** Comparison operators, with `==` and `!=` as Spark's spellings of `=` and `<>`. */
const COMPARISONS = new Map([
  ["=", "="],
  ["==", "="],
  ["<>", "<>"],
  ["!=", "<>"],
  ["<", "<"],
  ["<=", "<="],
  [">", ">"],
  [">=", ">="],
  ["<=>", "<=>"],
]);

/**
 * Parses a Spark SQL expression of the subset.
 *
 * @example
 * ```ts
 * parseSql("amount > 0 AND status IN ('new', 'paid')");
 * ```
 * @throws {SqlError} naming what is outside the subset, with its position.
 */
export function parseSql(text: string): SqlNode {
  return new Parser(text).parseAll();
}

class Parser {
  readonly #text: string;
  readonly #tokens: Token[];
  #at = 0;

  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenize(text);
  }

  parseAll(): SqlNode {
    if (this.#peek().kind === "end") throw this.#error("the expression is empty");
    const node = this.#or();
    const rest = this.#peek();
    if (rest.kind !== "end") throw this.#unexpected(rest);
    return node;
  }

  #peek(ahead = 0): Token {
    return this.#tokens[Math.min(this.#at + ahead, this.#tokens.length - 1)];
  }

  #next(): Token {
    const token = this.#peek();
    if (token.kind !== "end") this.#at++;
    return token;
  }

  #isWord(word: string, ahead = 0): boolean {
    const token = this.#peek(ahead);
    return token.kind === "word" && token.text.toUpperCase() === word;
  }

  #isOp(op: string): boolean {
    const token = this.#peek();
    return token.kind === "op" && token.text === op;
  }

  #acceptWord(word: string): boolean {
    if (!this.#isWord(word)) return false;
    this.#at++;
    return true;
  }

  #expectOp(op: string): void {
    if (!this.#isOp(op)) throw this.#error(`expected "${op}"`, this.#peek().offset);
    this.#at++;
  }

  #error(reason: string, offset = this.#peek().offset): SqlError {
    return new SqlError(reason, this.#text, offset);
  }

  #unexpected(token: Token): SqlError {
    if (token.kind === "end") return this.#error("the expression ends too early");
    if (token.kind === "word" && UNSUPPORTED_WORDS.has(token.text.toUpperCase())) {
      return this.#error(
        `${token.text.toUpperCase()} is outside tablestream's SQL subset`,
        token.offset,
      );
    }
    return this.#error(`unexpected "${token.text}"`, token.offset);
  }

  #or(): SqlNode {
    let left = this.#and();
    while (this.#isWord("OR")) {
      const offset = this.#next().offset;
      left = { kind: "binary", op: "OR", left, right: this.#and(), offset };
    }
    return left;
  }

  #and(): SqlNode {
    let left = this.#not();
    while (this.#isWord("AND")) {
      const offset = this.#next().offset;
      left = { kind: "binary", op: "AND", left, right: this.#not(), offset };
    }
    return left;
  }

  #not(): SqlNode {
    if (this.#isWord("NOT") || this.#isOp("!")) {
      const offset = this.#next().offset;
      return { kind: "not", operand: this.#not(), offset };
    }
    return this.#predicate();
  }

  #predicate(): SqlNode {
    const operand = this.#additive();
    const offset = operand.offset;
    const token = this.#peek();
    const comparison = token.kind === "op" ? COMPARISONS.get(token.text) : undefined;
    if (comparison) {
      this.#next();
      return { kind: "binary", op: comparison, left: operand, right: this.#additive(), offset };
    }
    if (this.#acceptWord("IS")) {
      const negated = this.#acceptWord("NOT");
      if (!this.#acceptWord("NULL")) {
        const what = this.#peek().text.toUpperCase();
        throw this.#error(`IS ${negated ? "NOT " : ""}${what} is outside tablestream's SQL subset`);
      }
      return { kind: "isNull", negated, operand, offset };
    }
    const negated = this.#isWord("NOT") &&
      ["IN", "BETWEEN", "LIKE"].some((w) => this.#isWord(w, 1));
    if (negated) this.#next();
    if (this.#acceptWord("IN")) {
      this.#expectOp("(");
      if (this.#isWord("SELECT")) throw this.#error("IN (SELECT ...) is outside the subset");
      const list = [this.#additive()];
      while (this.#isOp(",")) {
        this.#next();
        list.push(this.#additive());
      }
      this.#expectOp(")");
      return { kind: "in", negated, operand, list, offset };
    }
    if (this.#acceptWord("BETWEEN")) {
      const low = this.#additive();
      if (!this.#acceptWord("AND")) throw this.#error('expected "AND" of BETWEEN');
      return { kind: "between", negated, operand, low, high: this.#additive(), offset };
    }
    if (this.#acceptWord("LIKE")) {
      if (this.#isWord("ANY") || this.#isWord("ALL")) throw this.#unexpected(this.#peek());
      const pattern = this.#additive();
      let escape = "\\";
      if (this.#acceptWord("ESCAPE")) {
        const token = this.#next();
        if (token.kind !== "string" || [...token.text].length !== 1) {
          throw this.#error("ESCAPE takes a string of one character", token.offset);
        }
        escape = token.text;
      }
      return { kind: "like", negated, operand, pattern, escape, offset };
    }
    return operand;
  }

  #additive(): SqlNode {
    let left = this.#multiplicative();
    while (this.#isOp("+") || this.#isOp("-") || this.#isOp("||")) {
      const op = this.#next().text;
      left = { kind: "binary", op, left, right: this.#multiplicative(), offset: left.offset };
    }
    return left;
  }

  #multiplicative(): SqlNode {
    let left = this.#unary();
    while (this.#isOp("*") || this.#isOp("/") || this.#isOp("%")) {
      const op = this.#next().text;
      left = { kind: "binary", op, left, right: this.#unary(), offset: left.offset };
    }
    return left;
  }

  #unary(): SqlNode {
    if (this.#isOp("-")) {
      const offset = this.#next().offset;
      return { kind: "negate", operand: this.#unary(), offset };
    }
    if (this.#isOp("+")) {
      this.#next();
      return this.#unary();
    }
    return this.#primary();
  }

  #primary(): SqlNode {
    const token = this.#next();
    const offset = token.offset;
    switch (token.kind) {
      case "number":
        return numberLiteral(token, this.#text);
      case "string": {
        let value = token.text;
        // Spark joins adjacent string literals: 'it''s' is "its", as in Spark.
        while (this.#peek().kind === "string") value += this.#next().text;
        return { kind: "literal", type: "string", value, offset };
      }
      case "quoted":
        return this.#columnPath(token.text, offset);
      case "op":
        if (token.text === "(") {
          const inner = this.#or();
          this.#expectOp(")");
          return inner;
        }
        throw this.#unexpected(token);
      case "word":
        return this.#word(token);
      default:
        throw this.#unexpected(token);
    }
  }

  #word(token: Token): SqlNode {
    const offset = token.offset;
    const upper = token.text.toUpperCase();
    if (upper === "NULL") return { kind: "literal", type: "null", value: null, offset };
    if (upper === "TRUE" || upper === "FALSE") {
      return { kind: "literal", type: "boolean", value: upper === "TRUE", offset };
    }
    if (
      (upper === "DATE" || upper === "TIMESTAMP" || upper === "TIMESTAMP_NTZ") &&
      this.#peek().kind === "string"
    ) {
      const text = this.#next().text;
      const type = upper.toLowerCase() as SqlType;
      return {
        kind: "cast",
        type,
        offset,
        operand: { kind: "literal", type: "string", value: text, offset },
      };
    }
    if (this.#isOp("(")) return this.#call(token);
    if (UNSUPPORTED_WORDS.has(upper)) throw this.#unexpected(token);
    return this.#columnPath(token.text, offset);
  }

  #call(token: Token): SqlNode {
    const offset = token.offset;
    const name = token.text.toLowerCase();
    this.#expectOp("(");
    if (name === "cast" || name === "try_cast") {
      if (name === "try_cast") {
        throw this.#error("try_cast is outside tablestream's SQL subset", offset);
      }
      const operand = this.#or();
      if (!this.#acceptWord("AS")) throw this.#error('expected "AS" of CAST');
      const type = this.#typeName();
      this.#expectOp(")");
      return { kind: "cast", operand, type, offset };
    }
    const spec = FUNCTIONS[name];
    if (!spec) {
      throw this.#error(
        `the function ${token.text} is outside tablestream's SQL subset (it has ${
          Object.keys(FUNCTIONS).join(", ")
        }, and CAST)`,
        offset,
      );
    }
    const args: SqlNode[] = [];
    if (!this.#isOp(")")) {
      if (this.#isWord("DISTINCT")) throw this.#unexpected(this.#peek());
      args.push(this.#or());
      while (this.#isOp(",")) {
        this.#next();
        args.push(this.#or());
      }
    }
    this.#expectOp(")");
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const count = spec.minArgs === spec.maxArgs
        ? `${spec.minArgs}`
        : spec.maxArgs === Infinity
        ? `at least ${spec.minArgs}`
        : `${spec.minArgs} to ${spec.maxArgs}`;
      throw this.#error(`${name} takes ${count} argument(s), not ${args.length}`, offset);
    }
    return { kind: "call", name: spec.name, args, offset };
  }

  /** A type name of CAST, e.g. `int`, `BIGINT`, `decimal(10, 2)`. */
  #typeName(): SqlType {
    const token = this.#next();
    if (token.kind !== "word") throw this.#error("expected a type name", token.offset);
    let name = token.text.toLowerCase();
    if (this.#isOp("(")) {
      this.#next();
      const parts = [this.#next().text];
      while (this.#isOp(",")) {
        this.#next();
        parts.push(this.#next().text);
      }
      this.#expectOp(")");
      name += `(${parts.join(",")})`;
    }
    const type = parseTypeName(name);
    if (!type) {
      throw this.#error(`CAST to ${name} is outside tablestream's SQL subset`, token.offset);
    }
    return type;
  }

  /** A column reference `a` or `a.b.c` (each part may be backquoted). */
  #columnPath(first: string, offset: number): SqlNode {
    const path = [first];
    while (this.#isOp(".")) {
      this.#next();
      const part = this.#next();
      if (part.kind !== "word" && part.kind !== "quoted") {
        throw this.#error("expected a field name after the dot", part.offset);
      }
      path.push(part.text);
    }
    return { kind: "column", path, offset };
  }
}

/** A numeric literal: its Spark type from its suffix or form (`1` int, `1L` long, `1.5` decimal...). */
function numberLiteral(token: Token, text: string): SqlNode {
  const offset = token.offset;
  const match = /^(.*?)(BD|[LSYDF])?$/i.exec(token.text)!;
  const digits = match[1];
  const suffix = match[2]?.toUpperCase();
  const value = Number(digits);
  const integral = /^[0-9]+$/.test(digits);
  const scientific = /e/i.test(digits);
  let type: SqlType;
  if (suffix === "L") type = "long";
  else if (suffix === "S") type = "short";
  else if (suffix === "Y") type = "byte";
  else if (suffix === "D") type = "double";
  else if (suffix === "F") type = "float";
  else if (suffix === "BD" || (!integral && !scientific)) {
    const [whole, fraction = ""] = digits.split(".");
    const scale = fraction.length;
    const precision = Math.max(whole.replace(/^0+/, "").length + scale, scale, 1);
    type = `decimal(${precision},${scale})`;
  } else if (scientific) type = "double";
  else if (Math.abs(value) <= 2 ** 31 - 1) type = "int";
  else if (Math.abs(value) <= 2 ** 63) type = "long";
  else type = `decimal(${digits.length},0)`;
  if (!Number.isFinite(value)) throw new SqlError(`${token.text} is out of range`, text, offset);
  return { kind: "literal", type, value, offset };
}

/** The column references of an expression, each with its offset. */
export function columnReferences(node: SqlNode): { path: string[]; offset: number }[] {
  const found: { path: string[]; offset: number }[] = [];
  const visit = (n: SqlNode) => {
    if (n.kind === "column") found.push({ path: n.path, offset: n.offset });
    for (const value of Object.values(n)) {
      if (Array.isArray(value)) value.forEach((v) => typeof v === "object" && visit(v));
      else if (value && typeof value === "object" && "kind" in value) visit(value as SqlNode);
    }
  };
  visit(node);
  return found;
}
