import { assert, assertEquals, assertStringIncludes, assertThrows } from "../../tests/_assert.ts";
import { compileOk, diagnose, run, testContext } from "../../tests/_expr_context.ts";
import { compileExpression, type TypeEnvironment } from "./mod.ts";
import { PyFloat, type StaticType } from "./values.ts";

/** The crm sample's `channel_value` block, as YAML hands it over. */
const CHANNEL_VALUE = `ctype = channel_type
if ctype == "email":
  return "mail"
if ctype in ["phone", "mobile", "whatsapp"]:
  return "phone"
if ctype == "linkedin":
  return "https://www.linkedin.com/in/" + "someone"
return "other"
`;

Deno.test("a block runs its statements in order and returns the first return's value", () => {
  const expr = compileOk(CHANNEL_VALUE, ["channel_type", "channel_value"], "channel_value");
  const value = (type: string) => expr.evaluate(testContext({ values: { channel_type: type } }));
  assertEquals(value("email"), "mail");
  assertEquals(value("whatsapp"), "phone");
  assertEquals(value("linkedin"), "https://www.linkedin.com/in/someone");
  assertEquals(value("x"), "other");
  assertEquals(expr.columnRefs, ["channel_type"]);
});

Deno.test("if / elif / else choose one branch; a block that ends without return gives None", () => {
  const grade = `s = score
if s >= 90:
  return 'A'
elif s >= 80:
  return 'B'
else:
  if s < 10: return 'F-'
  note = 'C or below'
`;
  const expr = compileOk(grade, ["score"]);
  const at = (score: number) => expr.evaluate(testContext({ values: { score } }));
  assertEquals([at(95), at(85), at(5), at(50)], ["A", "B", "F-", null]);
});

Deno.test("locals: assignment, augmented assignment, unpacking, chains", () => {
  assertEquals(run("x = 5\nx += 2\nx *= 3\nx -= 1\nx //= 4\nreturn x"), 5);
  assertEquals(run("a, b = [1, 2]\nc = d = a + b\nreturn [a, b, c, d]"), [1, 2, 3, 3]);
  assertEquals(run("t = 'ab'\nt += 'c'\nreturn t * 2"), "abcabc");
  assertEquals(run("x = 1; y = x + 1; return y"), 2);
  assertThrows(
    () => run("a, b = [1, 2, 3]\nreturn a"),
    Error,
    "Cannot unpack [1, 2, 3] into 2 names",
  );
});

Deno.test("a local hides the column of the same name in the whole block, as in Python", () => {
  assertEquals(run("price = 1\nreturn price * 2", { values: { price: 4 } }), 2);
  assertEquals(
    diagnose("price = price * 2\nreturn price", ["price", "out"], "out")[0].code,
    "unbound-local",
  );
  // Read before the assignment: in Python an UnboundLocalError; here an error before any row.
  const [error] = diagnose("x = age\nage = 5\nreturn x", ["age", "out"], "out");
  assertEquals(error.code, "unbound-local");
  assertEquals(error.message, "`age` is read before it is assigned");
  assertEquals(error.span, { start: 4, end: 7 });
  assertStringIncludes(error.hint!, "hides column `age`");
});

Deno.test("a local assigned on only some paths fails only on the rows that need it", () => {
  const expr = compileOk("if flag:\n  y = 1\nreturn y", ["flag"]);
  assertEquals(expr.evaluate(testContext({ values: { flag: true } })), 1);
  assertThrows(
    () => expr.evaluate(testContext({ values: { flag: false } })),
    Error,
    "Local name `y` is read before it is assigned",
  );
  // Assigned on every path: no check needed, and none fails.
  const both = compileOk("if flag:\n  y = 1\nelse:\n  y = 2\nreturn y", ["flag"]);
  assertEquals(both.evaluate(testContext({ values: { flag: false } })), 2);
  // A branch that returns does not reach the join, so `y` is assigned after the if.
  const early = compileOk("if flag:\n  return 0\nelse:\n  y = 2\nreturn y", ["flag"]);
  assertEquals(early.evaluate(testContext({ values: { flag: false } })), 2);
});

Deno.test("each evaluation gets fresh locals", () => {
  const expr = compileOk("if n > 1:\n  seen = n\nreturn seen if n > 1 else -1", ["n"]);
  assertEquals(expr.evaluate(testContext({ values: { n: 5 } })), 5);
  assertEquals(expr.evaluate(testContext({ values: { n: 0 } })), -1);
});

Deno.test("random draws in a block follow the statements, deterministically", () => {
  const source =
    "base = random.uniform(50, 95)\nreturn round(min(100, base + random.uniform(-8, 8)), 2)";
  const a = run(source, { rowId: 3 });
  assertEquals(run(source, { rowId: 3 }), a);
  assert(typeof a === "number" && a >= 42 && a <= 100);
  assertEquals(Math.round((a as number) * 100) / 100, a);
});

function typeOf(source: string, columns: Record<string, StaticType> = {}): StaticType {
  const expr = compileOk(source, Object.keys(columns));
  const env: TypeEnvironment = {
    column: (name) => columns[name],
    foreignKey: () => "any",
    copyFromFk: () => "int",
  };
  return expr.inferType(env);
}

Deno.test("a block's type joins its returns, and None when it can end without one", () => {
  assertEquals(typeOf("if a > 1:\n  return 1\nreturn 2.5", { a: "int" }), "float");
  assertEquals(typeOf("if a:\n  return 'x'\nreturn 'y'", { a: "bool" }), "str");
  assertEquals(typeOf("if a:\n  return 'x'", { a: "bool" }), "str");
  assertEquals(typeOf("return None"), "none");
  assertEquals(typeOf("x = a * 2\nreturn x", { a: "float" }), "float");
  // The flow decides a local's type at each read.
  assertEquals(typeOf("x = 1\nx = 'a'\nreturn x"), "str");
  assertEquals(typeOf("if a:\n  x = 1\nelse:\n  x = 2.0\nreturn x", { a: "bool" }), "float");
  assertEquals(
    typeOf('m = copy_from_fk("assignment", "assignment_id", "max_score")\nreturn m * 2', {
      assignment_id: "int",
    }),
    "int",
  );
});

Deno.test("a block without return, and code after a return, get warnings", () => {
  const none = compileOk("x = 1");
  assertEquals(none.warnings.map((w) => w.code), ["no-return"]);
  assertEquals(none.evaluate(testContext()), null);
  const dead = compileOk("return 1\nx = 2");
  assertEquals(dead.warnings.map((w) => [w.code, w.span]), [
    ["unreachable-code", { start: 9, end: 14 }],
  ]);
});

Deno.test("modules, builtins and row_id cannot be assigned", () => {
  assertEquals(
    diagnose("max = 3\nreturn max")[0].message,
    "`max` is a builtin name and cannot be assigned",
  );
  assertEquals(
    diagnose("random = 1\nreturn 1")[0].message,
    "`random` is a module and cannot be assigned",
  );
  assertEquals(
    diagnose("row_id = 1\nreturn 1")[0].message,
    "`row_id` is the row's id and cannot be assigned",
  );
  assertEquals(diagnose("x = 1\nreturn x()")[0].message, "`x` is a local value, not a function");
});

Deno.test("foreign_key and copy_from_fk inside a block are recorded as usual", () => {
  const expr = compileOk(
    'hotel_rating = copy_from_fk("hotel_id", "hotel", "rating")\nreturn round(hotel_rating * 2, 1)',
    ["hotel_id", "rate"],
    "rate",
  );
  assertEquals(expr.copies.map((c) => [c.fkColumn, c.table, c.column]), [[
    "hotel_id",
    "hotel",
    "rating",
  ]]);
  assertEquals(expr.evaluate(testContext({ copies: [4.25], values: { hotel_id: 1 } })), 8.5);
  const fk = compileOk('return foreign_key("customers", "id")', ["c"], "c");
  assertEquals(fk.foreignKeys.length, 1);
  assertEquals(fk.isForeignKey, false); // only a lone foreign_key(...) expression is a key column
});

Deno.test("imports of the always-available modules bind names", () => {
  assertEquals(
    run(
      "from datetime import datetime, timedelta\nreturn (datetime(2024, 1, 31) + timedelta(days=1)).day",
    ),
    1,
  );
  assertEquals(run("from math import floor as f, pi\nreturn f(pi)"), 3);
  assertEquals(run("import math as m\nreturn m.ceil(2.1)"), 3);
  assertEquals(run("import datetime\nreturn datetime.date(2024, 2, 1).isoformat()"), "2024-02-01");
  assertEquals(
    run("import datetime as dt\nreturn dt.timedelta(hours=2).total_seconds()"),
    new PyFloat(7200),
  );
  assertEquals(run("from random import randint\nreturn randint(4, 4)"), 4);
  assertEquals(run("from string import ascii_uppercase as up\nreturn up[:2]"), "AB");
});

Deno.test("imports that would need Python are errors that point to plugins", () => {
  const [numpy] = diagnose("import numpy as np\nreturn np.mean([1])");
  assertEquals(numpy.code, "python-module");
  assertEquals(numpy.span, { start: 7, end: 12 });
  assertStringIncludes(numpy.hint!, "write a column-function plugin (see docs/plugins.md)");
  const own = compileExpression("import my_utils\nreturn my_utils.level()", {
    columns: [],
    pythonModules: ["my_utils"],
  });
  assert(!own.ok);
  // One error, at the import: the uses of the name it would have bound add none.
  assertEquals(own.diagnostics.map((d) => [d.message, d.span]), [
    [
      "`my_utils` is a Python module from `config.python_import`, which tablestream cannot run",
      { start: 7, end: 15 },
    ],
  ]);
  assertEquals(
    diagnose("from datetime import tzinfo\nreturn 1")[0].message,
    "`datetime.tzinfo` is not supported",
  );
  assertEquals(diagnose("from math import flor\nreturn 1")[0].hint, "did you mean `floor`?");
  assertEquals(
    diagnose("from math import floor\nfloor = 2\nreturn floor")[0].message,
    "`floor` is both imported and assigned",
  );
});
