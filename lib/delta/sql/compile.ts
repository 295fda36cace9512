/**
 * Compiles a parsed expression of the subset against a table's columns into a closure per
 * node, evaluated row by row over an Arrow record batch: types are checked once, at compile
 * (an unknown column or a comparison of unrelated types is an error with its position), and a
 * row costs a few closure calls and typed-array reads. Nulls follow SQL's three-valued logic.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { decimalAt, decimalValue, isValid } from "../../arrow/cells.ts";
import { parseSql, SqlError, type SqlNode } from "./parse.ts";
import { commonType, FUNCTIONS } from "./functions.ts";
import {
  castValue,
  checkRange,
  decimalScale,
  isIntegral,
  isNumeric,
  SqlEvalError,
  type SqlType,
  sqlTypeOf,
  widerNumeric,
} from "./types.ts";

/** One row's value of an expression. */
type Eval = (row: number) => unknown;

/** A compiled node: its type and how to evaluate it. */
interface Bound {
  type: SqlType;
  eval: Eval;
  /** The value, when the node is a literal (formats of date functions must be). */
  literal?: unknown;
}

/** An expression compiled against a schema, ready to evaluate over batches of it. */
export interface SqlExpression {
  /** The expression's text. */
  readonly text: string;
  /** Its result type. */
  readonly type: SqlType;
  /** The columns it reads, by their names in the schema (nested ones dotted). */
  readonly columns: readonly string[];
  /**
   * The expression over `batch` (whose schema has the columns compiled against, in any
   * order): a function of the row index.
   */
  bind(batch: arrow.RecordBatch): (row: number) => unknown;
}

/** A column the expression reads: its field path (names as in the schema) and type. */
interface ColumnSlot {
  path: string[];
  type: SqlType;
  get: Eval;
}

/**
 * Parses and compiles `text` against `schema`.
 *
 * @example
 * ```ts
 * const check = compileSql("amount > 0", schema);
 * const value = check.bind(batch);
 * for (let row = 0; row < batch.numRows; row++) if (value(row) === false) throw ...;
 * ```
 * @throws {SqlError} when the text is outside the subset, names an unknown column, or
 * combines types Spark would not.
 */
export function compileSql(text: string, schema: arrow.Schema): SqlExpression {
  const node = parseSql(text);
  const slots: ColumnSlot[] = [];
  const bound = new Compiler(text, schema, slots).compile(node);
  return {
    text,
    type: bound.type,
    columns: [...new Set(slots.map((s) => s.path.join(".")))],
    bind(batch) {
      for (const slot of slots) slot.get = columnGetter(batch, slot.path, slot.type);
      return bound.eval;
    },
  };
}

class Compiler {
  constructor(
    readonly text: string,
    readonly schema: arrow.Schema,
    readonly slots: ColumnSlot[],
  ) {}

  error(reason: string, node: SqlNode): SqlError {
    return new SqlError(reason, this.text, node.offset);
  }

  compile(node: SqlNode): Bound {
    switch (node.kind) {
      case "literal":
        return { type: node.type, eval: () => node.value, literal: node.value };
      case "column":
        return this.column(node);
      case "negate": {
        const operand = this.compile(node.operand);
        if (!isNumeric(operand.type) && operand.type !== "null") {
          throw this.error(`cannot negate a ${operand.type}`, node);
        }
        const f = operand.eval;
        const type = operand.type;
        return {
          type,
          eval: (r) => {
            const v = f(r);
            return v === null ? null : checkRange(-(v as number), type);
          },
        };
      }
      case "not": {
        const f = this.boolean(node.operand, "NOT").eval;
        return {
          type: "boolean",
          eval: (r) => {
            const v = f(r);
            return v === null ? null : !v;
          },
        };
      }
      case "binary":
        return this.binary(node);
      case "isNull": {
        const f = this.compile(node.operand).eval;
        return {
          type: "boolean",
          eval: node.negated ? (r) => f(r) !== null : (r) => f(r) === null,
        };
      }
      case "in":
        return this.in(node);
      case "between": {
        const operand = this.compile(node.operand);
        const low = this.compare(">=", operand, this.compile(node.low), node);
        const high = this.compare("<=", operand, this.compile(node.high), node);
        const both = and(low.eval, high.eval);
        return { type: "boolean", eval: node.negated ? not(both) : both };
      }
      case "like":
        return this.like(node);
      case "cast": {
        const operand = this.compile(node.operand);
        const cast = castEval(operand, node.type, true);
        // A cast literal (DATE'2024-01-01') is a literal: its text is checked now.
        if (operand.literal !== undefined && operand.literal !== null) {
          try {
            const value = cast(0);
            return { type: node.type, eval: () => value, literal: value };
          } catch (error) {
            throw this.error((error as Error).message, node);
          }
        }
        return { type: node.type, eval: cast };
      }
      case "call":
        return this.call(node);
    }
  }

  column(node: Extract<SqlNode, { kind: "column" }>): Bound {
    const path: string[] = [];
    let fields = this.schema.fields;
    let type: arrow.DataType | undefined;
    for (const part of node.path) {
      // Spark resolves names case-insensitively by default.
      const field = fields.find((f) => f.name === part) ??
        fields.find((f) => f.name.toLowerCase() === part.toLowerCase());
      if (!field) {
        const where = path.length ? `struct "${path.join(".")}"` : "the table";
        throw this.error(
          `${where} has no column "${part}" (it has ${fields.map((f) => f.name).join(", ")})`,
          node,
        );
      }
      path.push(field.name);
      type = field.type;
      fields = arrow.DataType.isStruct(type) ? type.children : [];
    }
    const sqlType = sqlTypeOf(type!);
    if (!sqlType) {
      throw this.error(`column "${path.join(".")}" is of type ${type}, outside the subset`, node);
    }
    const slot: ColumnSlot = { path, type: sqlType, get: () => null };
    this.slots.push(slot);
    return { type: sqlType, eval: (r) => slot.get(r) };
  }

  boolean(node: SqlNode, what: string): Bound {
    const bound = this.compile(node);
    if (bound.type !== "boolean" && bound.type !== "null") {
      throw this.error(`${what} takes a boolean, not ${bound.type}`, node);
    }
    return bound;
  }

  binary(node: Extract<SqlNode, { kind: "binary" }>): Bound {
    if (node.op === "AND" || node.op === "OR") {
      const left = this.boolean(node.left, node.op).eval;
      const right = this.boolean(node.right, node.op).eval;
      return { type: "boolean", eval: node.op === "AND" ? and(left, right) : or(left, right) };
    }
    const left = this.compile(node.left);
    const right = this.compile(node.right);
    if (node.op === "||") return concat(left, right);
    if (["+", "-", "*", "/", "%"].includes(node.op)) return this.arithmetic(node, left, right);
    return this.compare(node.op, left, right, node);
  }

  arithmetic(node: Extract<SqlNode, { kind: "binary" }>, left: Bound, right: Bound): Bound {
    const op = node.op;
    // Spark: date + int and date - int are days added (date_add, date_sub).
    if (left.type === "date" && isIntegral(right.type) && (op === "+" || op === "-")) {
      const sign = op === "+" ? 1 : -1;
      return nullSafe2(
        "date",
        left.eval,
        right.eval,
        (a, b) => (a as number) + sign * (b as number),
      );
    }
    const numericOrNull = (t: SqlType) => isNumeric(t) || t === "null";
    if (!numericOrNull(left.type) || !numericOrNull(right.type)) {
      throw this.error(
        `${op} takes numbers, not ${left.type} and ${right.type} (CAST one of them)`,
        node,
      );
    }
    let type = widerNumeric(left.type, right.type);
    if (type === "null") type = "int";
    // Spark divides integers as doubles; decimals stay decimals (at scale 6 or more).
    if (op === "/" && !type.startsWith("decimal") && type !== "float") type = "double";
    if (op === "/" && type.startsWith("decimal")) {
      type = `decimal(38,${Math.max(6, decimalScale(type)!)})`;
    }
    const divides = op === "/" || op === "%";
    const compute = ARITHMETIC[op];
    return nullSafe2(type, left.eval, right.eval, (a, b) => {
      if (divides && b === 0) {
        throw new SqlEvalError(`division by zero (Spark's DIVIDE_BY_ZERO)`);
      }
      return checkRange(compute(a as number, b as number), type);
    });
  }

  compare(op: string, left: Bound, right: Bound, node: SqlNode): Bound {
    const type = comparisonType(left.type, right.type);
    if (!type) {
      throw this.error(
        `cannot compare ${left.type} with ${right.type} (CAST one of them)`,
        node,
      );
    }
    const a = castEval(left, type);
    const b = castEval(right, type);
    if (op === "<=>") {
      return {
        type: "boolean",
        eval: (r) => {
          const x = a(r);
          const y = b(r);
          return x === null || y === null ? x === y : x === y;
        },
      };
    }
    const test = COMPARE[op];
    return {
      type: "boolean",
      eval: (r) => {
        const x = a(r);
        if (x === null) return null;
        const y = b(r);
        if (y === null) return null;
        return test(x as number, y as number);
      },
    };
  }

  in(node: Extract<SqlNode, { kind: "in" }>): Bound {
    const operand = this.compile(node.operand);
    const items = node.list.map((item) => this.compile(item));
    const type = commonType([operand.type, ...items.map((i) => i.type)]);
    if (!type) {
      throw this.error(
        `IN compares values of one type, not ${operand.type} with ${
          items.map((i) => i.type).join(", ")
        }`,
        node,
      );
    }
    const value = castEval(operand, type);
    const evals = items.map((item) => castEval(item, type));
    const found: Eval = (r) => {
      const v = value(r);
      if (v === null) return null;
      let sawNull = false;
      for (const item of evals) {
        const x = item(r);
        if (x === null) sawNull = true;
        else if (x === v) return true;
      }
      return sawNull ? null : false;
    };
    return { type: "boolean", eval: node.negated ? not(found) : found };
  }

  like(node: Extract<SqlNode, { kind: "like" }>): Bound {
    const operand = castEval(this.compile(node.operand), "string");
    const pattern = this.compile(node.pattern);
    const escape = node.escape;
    const cache = new Map<string, RegExp>();
    const regexOf = (p: string) => {
      let regex = cache.get(p);
      if (!regex) {
        regex = likeRegex(p, escape);
        if (cache.size > 1000) cache.clear();
        cache.set(p, regex);
      }
      return regex;
    };
    if (typeof pattern.literal === "string") {
      try {
        regexOf(pattern.literal);
      } catch (error) {
        throw this.error((error as Error).message, node.pattern);
      }
    }
    const patternEval = castEval(pattern, "string");
    const matches: Eval = (r) => {
      const text = operand(r);
      if (text === null) return null;
      const p = patternEval(r);
      if (p === null) return null;
      return regexOf(p as string).test(text as string);
    };
    return { type: "boolean", eval: node.negated ? not(matches) : matches };
  }

  call(node: Extract<SqlNode, { kind: "call" }>): Bound {
    const args = node.args.map((arg) => this.compile(arg));
    const resolved = FUNCTIONS[node.name].resolve(
      args.map((a) => a.type),
      args.map((a) => a.literal),
    );
    if (typeof resolved === "string") throw this.error(resolved, node);
    const evals = args.map((arg, i) => {
      const to = resolved.argTypes[i];
      return to ? castEval(arg, to) : arg.eval;
    });
    const { apply, nullIn } = resolved;
    return {
      type: resolved.type,
      eval: (r) => {
        const values = evals.map((f) => f(r));
        if (nullIn && values.includes(null)) return null;
        return apply(values);
      },
    };
  }
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "%": (a, b) => a % b,
};

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  "=": (a, b) => a === b,
  "<>": (a, b) => a !== b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/** The type two values are compared in: Spark's coercion, strings read as the other side. */
function comparisonType(a: SqlType, b: SqlType): SqlType | undefined {
  if (a === "string" && isNumeric(b)) return isIntegral(b) ? "long" : "double";
  if (b === "string" && isNumeric(a)) return isIntegral(a) ? "long" : "double";
  return commonType([a, b]);
}

/**
 * `bound` cast to `type` (the same closure when it already is one). An implicit cast from a
 * number to a wider numeric type (comparisons, IN, coalesce) keeps the value: numbers are
 * numbers here; an explicit CAST rounds and checks the range.
 */
function castEval(bound: Bound, type: SqlType, explicit = false): Eval {
  const from = bound.type;
  const f = bound.eval;
  if (from === type || from === "null") return f;
  if (!explicit && isNumeric(from) && isNumeric(type) && widerNumeric(from, type) === type) {
    return f;
  }
  return (r) => {
    const v = f(r);
    return v === null ? null : castValue(v, from, type);
  };
}

function nullSafe2(
  type: SqlType,
  a: Eval,
  b: Eval,
  compute: (x: unknown, y: unknown) => unknown,
): Bound {
  return {
    type,
    eval: (r) => {
      const x = a(r);
      if (x === null) return null;
      const y = b(r);
      return y === null ? null : compute(x, y);
    },
  };
}

function concat(left: Bound, right: Bound): Bound {
  return nullSafe2(
    "string",
    castEval(left, "string"),
    castEval(right, "string"),
    (a, b) => (a as string) + (b as string),
  );
}

/** SQL's AND: false wins over null, null over true. */
function and(a: Eval, b: Eval): Eval {
  return (r) => {
    const x = a(r);
    if (x === false) return false;
    const y = b(r);
    if (y === false) return false;
    return x === null || y === null ? null : true;
  };
}

/** SQL's OR: true wins over null, null over false. */
function or(a: Eval, b: Eval): Eval {
  return (r) => {
    const x = a(r);
    if (x === true) return true;
    const y = b(r);
    if (y === true) return true;
    return x === null || y === null ? null : false;
  };
}

function not(f: Eval): Eval {
  return (r) => {
    const v = f(r);
    return v === null ? null : !v;
  };
}

/** A LIKE pattern as a regular expression: `%` any text, `_` one character, escapes. */
export function likeRegex(pattern: string, escape = "\\"): RegExp {
  let source = "";
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === escape) {
      const next = chars[++i];
      if (next === undefined || (next !== "%" && next !== "_" && next !== escape)) {
        throw new Error(
          `the escape character "${escape}" of the LIKE pattern "${pattern}" must precede %, _ ` +
            "or itself",
        );
      }
      source += next.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    } else if (c === "%") source += "[\\s\\S]*";
    else if (c === "_") source += "[\\s\\S]";
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "u");
}

/** Reads one column (nested by path) of a batch as the subset's values. */
function columnGetter(batch: arrow.RecordBatch, path: string[], type: SqlType): Eval {
  let data: arrow.Data = batch.data;
  const parents: arrow.Data[] = [];
  let fields = batch.schema.fields;
  for (const name of path) {
    const index = fields.findIndex((f) => f.name === name);
    if (index < 0) throw new Error(`The batch has no column "${path.join(".")}"`);
    if (parents.length > 0 || data !== batch.data) parents.push(data);
    data = data.children[index];
    fields = arrow.DataType.isStruct(fields[index].type) ? fields[index].type.children : [];
  }
  const value = valueReader(data, type);
  const structs = parents.filter((p) => p.nullCount > 0);
  const own = data.nullCount > 0;
  if (!own && structs.length === 0) return value;
  return (r) => {
    for (const parent of structs) if (!isValid(parent, r)) return null;
    return own && !isValid(data, r) ? null : value(r);
  };
}

/** Reads non-null values of one Arrow column as the subset's values. */
function valueReader(data: arrow.Data, type: SqlType): Eval {
  const values = data.values;
  const arrowType = data.type;
  if (arrow.DataType.isInt(arrowType) && arrowType.bitWidth === 64) {
    const big = values as BigInt64Array;
    return (r) => Number(big[r]);
  }
  if (arrow.DataType.isInt(arrowType) || arrow.DataType.isFloat(arrowType)) {
    if (arrow.DataType.isFloat(arrowType) && arrowType.precision === arrow.Precision.HALF) {
      const vector = arrow.makeVector(data);
      return (r) => vector.get(r);
    }
    const typed = values as Int32Array | Float64Array;
    return (r) => typed[r];
  }
  if (arrow.DataType.isDecimal(arrowType)) {
    const scale = arrowType.scale;
    return (r) => decimalValue(decimalAt(data, r), scale);
  }
  if (arrow.DataType.isDate(arrowType)) {
    if (arrowType.unit === arrow.DateUnit.DAY) {
      const days = values as Int32Array;
      return (r) => days[r];
    }
    const ms = values as BigInt64Array;
    return (r) => Math.floor(Number(ms[r]) / 86_400_000);
  }
  if (arrow.DataType.isTimestamp(arrowType)) {
    const ticks = values as BigInt64Array;
    const unit = arrowType.unit;
    if (unit === arrow.TimeUnit.MICROSECOND) return (r) => Number(ticks[r]);
    if (unit === arrow.TimeUnit.MILLISECOND) return (r) => Number(ticks[r]) * 1000;
    if (unit === arrow.TimeUnit.SECOND) return (r) => Number(ticks[r]) * 1_000_000;
    return (r) => Math.floor(Number(ticks[r]) / 1000);
  }
  // Booleans and text: through Arrow's own reader.
  const vector = arrow.makeVector(data);
  void type;
  return (r) => vector.get(r);
}
