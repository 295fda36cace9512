import { assert, assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import type { Expr, Statement } from "./ast.ts";
import { parse, parseExpression } from "./parser.ts";
import type { ExprDiagnostic } from "./types.ts";

/** A compact Lisp-like rendering of a tree, to compare shapes. */
function show(expr: Expr): string {
  switch (expr.kind) {
    case "literal":
      return JSON.stringify(expr.value);
    case "name":
      return expr.name;
    case "fstring":
      return `(f ${
        expr.parts.map((p) => (typeof p === "string"
          ? JSON.stringify(p)
          : `{${show(p.expr)}${p.conversion ? "!" + p.conversion : ""}${
            p.spec !== undefined ? ":" + p.spec : ""
          }}`)
        ).join(" ")
      })`;
    case "list":
      return `(${expr.tuple ? "tuple" : "list"} ${expr.items.map(show).join(" ")})`;
    case "dict":
      return `(dict ${expr.entries.map((e) => `${show(e.key)}:${show(e.value)}`).join(" ")})`;
    case "unary":
      return `(${expr.op} ${show(expr.operand)})`;
    case "binary":
    case "logical":
      return `(${expr.op} ${show(expr.left)} ${show(expr.right)})`;
    case "compare":
      return `(cmp ${show(expr.first)} ${
        expr.rest.map((r) => `${r.op} ${show(r.right)}`).join(" ")
      })`;
    case "conditional":
      return `(if ${show(expr.test)} ${show(expr.then)} ${show(expr.otherwise)})`;
    case "call":
      return `(call ${show(expr.callee)}${
        expr.args.map((a) => " " + (a.name ? a.name + "=" : "") + show(a.value)).join("")
      })`;
    case "attribute":
      return `(. ${show(expr.object)} ${expr.name})`;
    case "subscript": {
      const index = expr.index;
      if (index.kind === "slice") {
        const part = (e?: Expr) => (e ? show(e) : "_");
        return `(slice ${show(expr.object)} ${part(index.lower)} ${part(index.upper)} ${
          part(index.step)
        })`;
      }
      return `([] ${show(expr.object)} ${show(index)})`;
    }
  }
}

function tree(source: string): string {
  return show(parseExpression(source));
}

function error(source: string): ExprDiagnostic {
  const result = parse(source);
  if (result.ok) throw new Error(`${source} parsed without error`);
  return result.diagnostics[0];
}

Deno.test("parser follows Python precedence", () => {
  assertEquals(tree("1 + 2 * 3"), "(+ 1 (* 2 3))");
  assertEquals(tree("(1 + 2) * 3"), "(* (+ 1 2) 3)");
  assertEquals(tree("-2 ** 2"), "(- (** 2 2))");
  assertEquals(tree("2 ** 3 ** 2"), "(** 2 (** 3 2))");
  assertEquals(tree("2 ** -1"), "(** 2 (- 1))");
  assertEquals(tree("a - b - c"), "(- (- a b) c)");
  assertEquals(tree("7 // 2 % 3"), "(% (// 7 2) 3)");
  assertEquals(tree("not a and b or c"), "(or (and (not a) b) c)");
  assertEquals(tree("a if b else c if d else e"), "(if b a (if d c e))");
  assertEquals(tree("1 < x <= 3"), "(cmp 1 < x <= 3)");
  assertEquals(
    tree("x not in [1, 2] and y is not None"),
    "(and (cmp x not in (list 1 2)) (cmp y is not null))",
  );
});

Deno.test("parser reads calls, attributes, subscripts and containers", () => {
  assertEquals(
    tree('fake.date_between(start_date="-30d", end_date="today")'),
    '(call (. fake date_between) start_date="-30d" end_date="today")',
  );
  assertEquals(tree("fake.word().capitalize()"), "(call (. (call (. fake word)) capitalize))");
  assertEquals(tree('d["k"][0]'), '([] ([] d "k") 0)');
  assertEquals(tree("s[1:3]"), "(slice s 1 3 _)");
  assertEquals(tree("s[::-1]"), "(slice s _ _ (- 1))");
  assertEquals(tree("[1, 2,]"), "(list 1 2)");
  assertEquals(tree("(1,)"), "(tuple 1)");
  assertEquals(tree("()"), "(tuple )");
  assertEquals(tree('{"a": 1, "b": [2]}'), '(dict "a":1 "b":(list 2))');
  assertEquals(tree("f(\n  1,\n  2,\n)"), "(call f 1 2)");
});

Deno.test("parser reads literals and joins adjacent strings", () => {
  assertEquals(tree("True"), "true");
  assertEquals(tree("None"), "null");
  assertEquals(tree(`"a" 'b'`), '"ab"');
  assertEquals(tree(`r"170 cm"`), '"170 cm"');
  const literal = parseExpression("3.0");
  assert(literal.kind === "literal");
  assertEquals(literal.type, "float");
});

Deno.test("parser splits f-strings into text and fields", () => {
  assertEquals(tree(`f"{a} and {b!r:>5}"`), '(f {a} " and " {b!r:>5})');
  assertEquals(tree(`f"{{literal}} {x + 1:.2f}%"`), '(f "{literal} " {(+ x 1):.2f} "%")');
  assertEquals(tree(`f"id-" "{x}"`), '(f "id-{x}")');
  assertEquals(tree(`f"{d['k']}"`), '(f {([] d "k")})');
  const fstring = parseExpression(`f"ab{name}"`);
  assert(fstring.kind === "fstring");
  const field = fstring.parts[1];
  assert(typeof field !== "string");
  assertEquals(field.expr.span, { start: 5, end: 9 });
});

Deno.test("parser spans cover the source of each node", () => {
  const expr = parseExpression("  round(price, 2)  ");
  assertEquals(expr.span, { start: 2, end: 17 });
  assert(expr.kind === "call");
  assertEquals(expr.args[1].value.span, { start: 15, end: 16 });
});

Deno.test("parser reports an unclosed call with where it was opened", () => {
  const d = error("round(price, 2");
  assertEquals(d.code, "bad-expression");
  assertEquals(
    d.message,
    "Expected `)` to close the call opened at column 6, found the end of the expression",
  );
  assertEquals(d.span, { start: 14, end: 14 });
  assertEquals(
    error("round(").message,
    "Expected `)` to close the call opened at column 6, found the end of the expression",
  );
  assertStringIncludes(error("[1, 2").message, "Expected `]` to close the list opened at column 1");
  assertStringIncludes(
    error("f(a b)").message,
    "Expected `)` to close the call opened at column 2, found `b`",
  );
  assertEquals(error("f(a b)").span, { start: 4, end: 5 });
});

Deno.test("parser reports incomplete and stray syntax", () => {
  assertEquals(error("1 +").message, "Expected a value, found the end of the expression");
  assertEquals(error("").message, "The expression is empty");
  assertEquals(error("1 + 2)").message, "Unexpected `)` after the statement");
  assertStringIncludes(error("a if b").message, "Expected `else`");
  assertEquals(error("f(a=1, 2)").message, "Positional argument follows keyword argument");
  assertEquals(error("f(a=1, a=2)").message, "Keyword argument `a` is repeated");
  assertEquals(error("x.").message, "Expected a name after `.`, found the end of the expression");
  assertStringIncludes(error('f"{}"').message, "Empty `{}`");
  assertStringIncludes(error('f"{a"').message, "Expected `}` to close the f-string field");
  assertEquals(error('f"a}"').span, { start: 3, end: 4 });
});

Deno.test("parser rejects Python statements that blocks do not have, with unsupported-syntax", () => {
  const loop = error("total = 0\nfor x in items:\n  total = total + x\nreturn total");
  assertEquals(loop.code, "unsupported-syntax");
  assertEquals(loop.message, "The `for` statement is not supported");
  assertEquals(loop.span, { start: 10, end: 13 });
  assertStringIncludes(error("def f():\n  return 1").hint!, "docs/plugins.md");
  assertEquals(error("try:\n  x = 1\nexcept:\n  x = 2").code, "unsupported-syntax");
  assertEquals(error("d['k'] = 1").message, "Items of lists and dicts cannot be assigned to");
  assertEquals(error("x.y = 1").message, "Attributes cannot be assigned to");
  assertEquals(error("x := 1").code, "unsupported-syntax");
  assertEquals(error("x |= 1").code, "unsupported-syntax");
  assertEquals(error("from os import *").code, "unsupported-syntax");
  assertEquals(error("lambda x: x").code, "unsupported-syntax");
  assertEquals(error("[x for x in y]").code, "unsupported-syntax");
  assertEquals(error("f(*args)").code, "unsupported-syntax");
  assertEquals(error("a | b").code, "unsupported-syntax");
  assertEquals(error("{1, 2}").message, "Sets are not supported");
});

Deno.test("parser accepts a single expression surrounded by comments and blank lines", () => {
  const result = parse("# the customer's name\n\nfake.name()  # from Faker\n");
  assert(result.ok);
  assertEquals(result.program.body.length, 1);
});

/** A compact rendering of statements, nested blocks in brackets. */
function showBlock(source: string): string {
  const result = parse(source);
  if (!result.ok) throw new Error(`${source}: ${result.diagnostics[0].message}`);
  const statements = (body: readonly Statement[]): string =>
    body.map((s): string => {
      switch (s.kind) {
        case "expression":
          return show(s.expr);
        case "assign":
          return `(${s.op ? s.op + "=" : "="} ${
            s.targets.map((g) => g.map((t) => t.name).join(",")).join(" ")
          } ${show(s.value)})`;
        case "return":
          return s.value ? `(return ${show(s.value)})` : "(return)";
        case "if":
          return `(if ${show(s.test)} [${statements(s.body)}] [${statements(s.orelse)}])`;
        case "pass":
          return "pass";
        case "import":
          return `(import ${s.module}${s.alias ? " as " + s.alias : ""}${
            s.names
              ? " " + s.names.map((n) => n.name + (n.alias ? ":" + n.alias : "")).join(",")
              : ""
          })`;
      }
    }).join(" ");
  return statements(result.program.body);
}

Deno.test("parser reads tablefaker blocks: assignments, if/elif/else, return", () => {
  assertEquals(
    showBlock(
      "# a comment\nctype = channel_type\nif ctype == 'email':\n  return fake.email()\n" +
        "elif ctype in ['phone', 'mobile']:\n\n  # numbers\n  return fake.phone_number()\n" +
        "else:\n  x = 1\n  return x\n",
    ),
    '(= ctype channel_type) (if (cmp ctype == "email") [(return (call (. fake email)))] ' +
      '[(if (cmp ctype in (list "phone" "mobile")) [(return (call (. fake phone_number)))] ' +
      "[(= x 1) (return x)])])",
  );
  assertEquals(
    showBlock("if a:\n    if b:\n        return 1\n    return 2\nreturn 3"),
    "(if a [(if b [(return 1)] []) (return 2)] []) (return 3)",
  );
});

Deno.test("parser reads one-line suites, semicolons, unpacking and augmented assignment", () => {
  assertEquals(showBlock("if x: return 1\nelse: return 2"), "(if x [(return 1)] [(return 2)])");
  assertEquals(showBlock("a = 1; b = 2; return a + b"), "(= a 1) (= b 2) (return (+ a b))");
  assertEquals(showBlock("a, b = 1, 2\nreturn a"), "(= a,b (tuple 1 2)) (return a)");
  assertEquals(showBlock("a = b = 0\na += 5\nreturn"), "(= a b 0) (+= a 5) (return)");
  assertEquals(showBlock("pass\nreturn a, b"), "pass (return (tuple a b))");
});

Deno.test("parser reads imports", () => {
  assertEquals(
    showBlock("from datetime import datetime, timedelta as td\nimport math as m\nreturn 1"),
    "(import datetime datetime,timedelta:td) (import math as m) (return 1)",
  );
  assertEquals(
    showBlock("from math import (floor, ceil,)\nreturn 1"),
    "(import math floor,ceil) (return 1)",
  );
});

Deno.test("a block indented by YAML reads as top-level statements", () => {
  assertEquals(
    showBlock("    s = score\n    if s > 1:\n        return 'A'\n    return 'B'\n"),
    '(= s score) (if (cmp s > 1) [(return "A")] []) (return "B")',
  );
});

Deno.test("parser reports indentation mistakes where they are", () => {
  const unexpected = error("x = 1\n  return x");
  assertEquals(unexpected.message, "Unexpected indentation");
  assertEquals(unexpected.span.start, 8);
  const missing = error("if x:\nreturn 1");
  assertEquals(missing.message, "Expected an indented block after `if:`");
  assertEquals(missing.span, { start: 6, end: 12 });
  assertEquals(
    error("if x:\n    a = 1\n  return a").message,
    "This line's indentation matches no outer block",
  );
  assertEquals(error("else:\n  return 1").message, "`else` without an `if` before it");
  assertStringIncludes(error("if x\n  return 1").message, "Expected `:` after the `if` condition");
  assertEquals(error("if x:").message, "Expected an indented block after `if:`");
  assertEquals(error("x = 1 if y: return 2").code, "bad-expression");
});
