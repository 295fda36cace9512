import { assert, assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import type { Expr } from "./ast.ts";
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
  assertEquals(error("1 + 2)").message, "Unexpected `)` after the expression");
  assertStringIncludes(error("a if b").message, "Expected `else`");
  assertEquals(error("f(a=1, 2)").message, "Positional argument follows keyword argument");
  assertEquals(error("f(a=1, a=2)").message, "Keyword argument `a` is repeated");
  assertEquals(error("x.").message, "Expected a name after `.`, found the end of the expression");
  assertStringIncludes(error('f"{}"').message, "Empty `{}`");
  assertStringIncludes(error('f"{a"').message, "Expected `}` to close the f-string field");
  assertEquals(error('f"a}"').span, { start: 3, end: 4 });
});

Deno.test("parser rejects statements and multi-line blocks with unsupported-syntax", () => {
  const block = error("ctype = channel_type\nif ctype == 'email':\n  return fake.email()");
  assertEquals(block.code, "unsupported-syntax");
  assertStringIncludes(block.message, "tablefaker compatibility");
  assertEquals(block.span, { start: 6, end: 7 });
  const ret = error("# compute\nreturn round(a * b, 2)");
  assertEquals(ret.code, "unsupported-syntax");
  assertEquals(ret.span, { start: 10, end: 16 });
  assertEquals(error("a\nb").code, "unsupported-syntax");
  assertEquals(error("import os").message, "Imports are not supported");
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
