/**
 * The differential test of expressions against CPython: what one expression gives in CPython
 * (run by the interop peer's Python) and in our evaluator, and whether the two differ.
 *
 * Each expression is evaluated in a row of named values (`ROW`), which both sides compute
 * from the same expressions: CPython as globals of `eval` (with the names tablefaker defines:
 * `datetime`, `date`, `time`, `timedelta`, `timezone`, `UTC`, `math`...), we as the
 * row's other columns, of the types the engine gives them. A block (a `data: |` body) runs as
 * the body of a function on both sides.
 *
 * Outcomes compare as follows:
 * - both give a value: the same Python type, `repr()` and `str()`, and the column it is written
 *   to (its type inferred from the expression, as the engine infers it) must store it without
 *   changing it (`checkInferred`), else the engine would stop the row: a refusal.
 * - CPython raises: we must fail too (at compile time or when evaluating).
 * - CPython gives a value and we refuse (an error, positioned or at run time): a difference,
 *   unless the expression is marked "refused on purpose" with a reason docs/expressions.md
 *   states.
 *
 * @module
 */
import {
  type CompiledExpression,
  compileExpression,
  type TypeEnvironment,
} from "../../lib/expr/mod.ts";
import { UNKNOWN_ENV } from "../../lib/expr/compiled_node.ts";
import { testContext } from "../_expr_context.ts";
import { ExprRuntimeError } from "../../lib/expr/runtime_error.ts";
import { pyRepr, pyStr, typeNameOf, typeOfValue, type Value } from "../../lib/expr/values.ts";
import {
  checkInferred,
  defaultColumnType,
  mayHoldNonText,
  staticTypeOf,
} from "../../lib/engine/column_types.ts";
import type { Peer } from "./_peer.ts";

/** One expression (or block) to evaluate on both sides. */
export interface Case {
  source: string;
  /** A multi-line block (the body of a function), not an expression. */
  block: boolean;
  /** Where it is written (`python_values.txt:12`), for messages. */
  where: string;
  /** Refused on purpose: the reason, a phrase of docs/expressions.md. */
  refused?: string;
  /**
   * Drawn at random rather than written: refusals docs/expressions.md states for whole kinds
   * of expressions are accepted without a mark, and a transcendental function's last place
   * where glibc is not correctly rounded (see {@link difference}).
   */
  random?: boolean;
}

/** What one side made of a case. */
export type Outcome =
  | { kind: "value"; type: string; repr: string; str: string }
  | { kind: "error"; name: string; message: string }
  | { kind: "refused"; message: string; code: string; unknownType?: boolean };

/**
 * The row every case is evaluated in: names and the expressions of their values, in order
 * (each may read the ones before). Edge values of every type a column can hold.
 */
export const ROW: readonly (readonly [string, string])[] = [
  ["i", "7"],
  ["n", "-3"],
  ["z", "0"],
  ["k", "-1"],
  ["big", "2**70"],
  ["x", "2.5"],
  ["w", "round(19.999, 2)"],
  ["price", "round(19.999, 2)"],
  ["nz", "-0.0"],
  ["tiny", "1e-05"],
  ["huge", "1e16"],
  ["inf", "float('inf')"],
  ["nan", "float('nan')"],
  ["b", "True"],
  ["s", "'héllo wörld'"],
  ["e", "''"],
  ["q", `"it's"`],
  ["tier", "'silver'"],
  ["d", "date(2024, 2, 29)"],
  ["dt", "datetime(2024, 3, 5, 14, 7, 9, 123456)"],
  ["adt", "datetime(2024, 3, 5, 14, 7, 9, tzinfo=timezone(timedelta(hours=2)))"],
  ["td", "timedelta(days=1, hours=2, microseconds=5)"],
  ["lst", "[1, 2.0, 'a']"],
  ["tup", "(1, 2)"],
  ["dct", "{'gold': 3, 'silver': 1}"],
  ["none", "None"],
];

/** The id of every row; `row_id` reads it. */
export const ROW_ID = 42;

/**
 * Parses a corpus: one expression per line; `block:` followed by lines indented by four
 * spaces is a block; a tab then `refused: <reason>` marks a case refused on purpose; lines
 * starting with `#` and blank lines are ignored.
 */
export function parseCorpus(text: string, file: string): Case[] {
  const cases: Case[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [body, note] = line.split("\t");
    const refused = note?.match(/^refused: (.+)$/)?.[1];
    if (note !== undefined && refused === undefined) {
      throw new Error(`${file}:${i + 1}: unknown annotation ${JSON.stringify(note)}`);
    }
    const where = `${file}:${i + 1}`;
    if (body === "block:") {
      const blockLines: string[] = [];
      while (i + 1 < lines.length && lines[i + 1].startsWith("    ")) {
        blockLines.push(lines[++i].slice(4));
      }
      cases.push({ source: blockLines.join("\n"), block: true, where, ...refusal(refused) });
      continue;
    }
    cases.push({ source: body, block: false, where, ...refusal(refused) });
  }
  return cases;
}

function refusal(reason: string | undefined): { refused?: string } {
  return reason === undefined ? {} : { refused: reason };
}

/** CPython's side: the outcome of every case, in the peer's Python. */
const PYTHON = `
import math, os, random, string
import time as clock
from datetime import datetime, date, time, timedelta, timezone, MINYEAR, MAXYEAR
os.environ["TZ"] = "UTC"
clock.tzset()

def outcome(thunk):
    try:
        value = thunk()
        return ["value", type(value).__name__, repr(value), str(value)]
    except Exception as error:
        return ["error", type(error).__name__, str(error)[:200]]

base = {"math": math, "random": random, "string": string, "datetime": datetime, "date": date,
        "time": time, "timedelta": timedelta, "timezone": timezone, "UTC": timezone.utc,
        "MINYEAR": MINYEAR, "MAXYEAR": MAXYEAR, "row_id": args["row_id"]}
for name, source in args["row"]:
    base[name] = eval(source, base)

def run(source, block):
    namespace = dict(base)
    if not block:
        return outcome(lambda: eval(source, namespace))
    def call():
        code = "def _cell():\\n" + "\\n".join("    " + line for line in source.split("\\n"))
        exec(code, namespace)
        return namespace["_cell"]()
    return outcome(call)

result = [run(source, block) for source, block in args["cases"]]
`;

/** CPython's outcomes of `cases`, from the peer. */
export async function pythonOutcomes(peer: Peer, cases: readonly Case[]): Promise<Outcome[]> {
  const raw = await peer.py<string[][]>(PYTHON, {
    row: ROW,
    row_id: ROW_ID,
    cases: cases.map((c) => [c.source, c.block]),
  });
  return raw.map((r) =>
    r[0] === "value"
      ? { kind: "value", type: r[1], repr: r[2], str: r[3] }
      : { kind: "error", name: r[1], message: r[2] }
  );
}

/** The row as our engine computes it: values and the static types other columns see. */
interface OurRow {
  values: Record<string, Value>;
  env: TypeEnvironment;
}

let ourRow: OurRow | undefined;

/** Our values of {@link ROW}, as the engine would hold them in a row. */
function row(): OurRow {
  if (ourRow) return ourRow;
  const values: Record<string, Value> = {};
  const exprs: Record<string, CompiledExpression> = {};
  const env: TypeEnvironment = {
    ...UNKNOWN_ENV,
    // As the engine's valueType: the expression's type, else its column's.
    column(name) {
      const inferred = exprs[name].inferType(env);
      return inferred === "any" ? staticTypeOf(defaultColumnType(inferred)) : inferred;
    },
    columnItems: (name) => exprs[name].inferItemType?.(env) ?? "any",
    columnKeys: (name) => exprs[name].inferKeyType?.(env) ?? "any",
  };
  for (const [name, source] of ROW) {
    const result = compileExpression(source, { columns: Object.keys(values), self: name });
    if (!result.ok) throw new Error(`Row column ${name}: ${JSON.stringify(result.diagnostics)}`);
    exprs[name] = result.expr;
    values[name] = result.expr.evaluate(testContext({ rowId: ROW_ID, values }));
  }
  return ourRow = { values, env };
}

/** Our outcome of one case: compiled, evaluated, and stored as its inferred column stores it. */
export function ourOutcome(c: Case): Outcome {
  const { values, env } = row();
  const result = compileExpression(c.source, { columns: Object.keys(values), self: "cell" });
  if (!result.ok) {
    const first = result.diagnostics.find((d) => d.severity !== "warning") ??
      result.diagnostics[0];
    return {
      kind: "refused",
      message: `error[${first.code}] ${first.message}`,
      code: first.code,
    };
  }
  let value: Value;
  try {
    value = result.expr.evaluate(testContext({ rowId: ROW_ID, values }));
  } catch (error) {
    if (error instanceof ExprRuntimeError) {
      return { kind: "error", name: error.python ?? "", message: error.message };
    }
    return {
      kind: "error",
      name: "",
      message: `${(error as Error).name}: ${(error as Error).message}`,
    };
  }
  const inferred = result.expr.inferType(env);
  if (mayHoldNonText(inferred) && defaultColumnType(typeOfValue(value)) !== "string") {
    // A text column, its number stored as text: not silent (validate and generate warn of
    // it, `untyped-column`), but not Python's type either: counted as refused.
    return {
      kind: "refused",
      message: `when stored: a ${typeNameOf(value)} in a text column (warning untyped-column)`,
      code: "stored",
      unknownType: true,
    };
  }
  try {
    checkInferred(value, defaultColumnType(inferred), inferred);
  } catch (error) {
    return {
      kind: "refused",
      message: `when stored: ${(error as Error).message}`,
      code: "stored",
      unknownType: inferred === "any",
    };
  }
  return { kind: "value", type: typeNameOf(value), repr: pyRepr(value), str: pyStr(value) };
}

/** Why our outcome is not CPython's, or undefined when they agree. */
export function difference(c: Case, python: Outcome, ours: Outcome): string | undefined {
  if (python.kind === "error") {
    return ours.kind === "value"
      ? `CPython raises ${python.name}: ${python.message}; we give ${ours.type} ${ours.repr}`
      : undefined;
  }
  if (python.kind !== "value") return undefined;
  if (ours.kind !== "value") {
    // Complex numbers are refused on purpose, as docs/expressions.md says.
    if (c.refused || python.type === "complex") return undefined;
    if (c.random && ours.kind === "refused" && documentedForRandom(c, ours)) return undefined;
    if (c.random && ours.message.includes("complex number")) return undefined;
    return `CPython gives ${python.type} ${python.repr}; we ${
      ours.kind === "refused" ? "refuse it" : "fail"
    }: ${ours.message}`;
  }
  if (c.refused) return `marked refused (${c.refused}), but we give ${ours.type} ${ours.repr}`;
  if (c.random && lastPlaceOfLibm(c, python, ours)) return undefined;
  if (python.type !== ours.type || python.repr !== ours.repr || python.str !== ours.str) {
    const str = python.str !== ours.str && python.str !== python.repr
      ? ` (str ${JSON.stringify(python.str)} vs ${JSON.stringify(ours.str)})`
      : "";
    return `CPython gives ${python.type} ${python.repr}; we give ${ours.type} ${ours.repr}${str}`;
  }
  return undefined;
}

/**
 * The refusals docs/expressions.md states for whole kinds of expressions, which random ones
 * run into without meaning to: a value whose type is only known when the row runs (the
 * column is text and the row stops), a bool or an int, a complex number (a negative number
 * to a fractional power, even where the result is dropped), and an operation the checker
 * knows will fail, reported when the config is checked though it sits where it might not run
 * (`x or "a" * 1.5`).
 */
function documentedForRandom(c: Case, ours: Extract<Outcome, { kind: "refused" }>): boolean {
  if (ours.code === "stored") {
    return ours.unknownType === true || ours.message.includes("is a bool") ||
      // `2 ** k`, `pow(2, k)`: an int column, a float in the rows where k < 0.
      (/\*\*|pow\(/.test(c.source) &&
        /is a float, .*inferred from the expression \(a int\)/.test(ours.message));
  }
  return ["bad-operand", "bad-value", "unknown-attribute"].includes(ours.code) &&
    /\b(and|or|if)\b/.test(c.source);
}

const TRANSCENDENTAL = /math\.(exp|log|log2|log10|log1p|sin|cos|tan|asin|acos|atan|atan2)\(/;

/**
 * A float one unit in the last place from CPython's, of an expression calling a transcendental
 * function: ours are correctly rounded, glibc's (which CPython calls) on all but about one
 * argument in a thousand, as docs/expressions.md says.
 */
function lastPlaceOfLibm(
  c: Case,
  python: Extract<Outcome, { kind: "value" }>,
  ours: Extract<Outcome, { kind: "value" }>,
): boolean {
  if (python.type !== "float" || ours.type !== "float" || !TRANSCENDENTAL.test(c.source)) {
    return false;
  }
  const [x, y] = [Number(python.repr), Number(ours.repr)];
  if (!Number.isFinite(x) || !Number.isFinite(y) || x === y) return false;
  const ulp = Math.abs(x) * Number.EPSILON;
  return Math.abs(x - y) <= ulp;
}

/** Every difference between CPython's outcomes and ours, one message per case. */
export async function differences(peer: Peer, cases: readonly Case[]): Promise<string[]> {
  const python = await pythonOutcomes(peer, cases);
  const out: string[] = [];
  cases.forEach((c, i) => {
    const why = difference(c, python[i], ourOutcome(c));
    if (why) {
      out.push(`${c.where}: ${c.block ? c.source.replaceAll("\n", " ⏎ ") : c.source}\n    ${why}`);
    }
  });
  return out;
}
