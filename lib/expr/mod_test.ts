import {
  assert,
  assertEquals,
  assertNotEquals,
  assertStringIncludes,
  assertThrows,
} from "../../tests/_assert.ts";
import { compileOk, diagnose, run, TEST_NOW, testContext } from "../../tests/_expr_context.ts";
import { closestString, compileExpression, type PyDate, type TypeEnvironment } from "./mod.ts";
import { PyFloat, type StaticType, tupleOf } from "./values.ts";

Deno.test("Python arithmetic semantics", () => {
  const cases: [string, unknown][] = [
    ["7 // -2", -4],
    ["-7 % 3", 2],
    ["1 / 2", 0.5],
    ["2 ** 10", 1024],
    ["-2 ** 2", -4],
    ["round(2.5)", 2],
    ["round(3.5)", 4],
    ["round(2.675, 2)", 2.67],
    ["int(-3.7)", -3],
    ["int('42') + 1", 43],
    ["float('1.5') * 2", new PyFloat(3)],
    ["abs(-3)", 3],
    ["min(3, 1, 2)", 1],
    ["max([4, 9, 2])", 9],
    ["sum([1, 2, 3.5])", 6.5],
    ["len('héllo')", 5],
    ["'ab' * 3", "ababab"],
    ["'a' + 'b'", "ab"],
    ["True + True", 2],
    ["str(3.0)", "3.0"],
    ["str(1/2)", "0.5"],
    ["str(7)", "7"],
    ["str(None)", "None"],
    ["bool('')", false],
    ["1 < 2 < 3", true],
    ["3 > 2 > 2", false],
    ["2 in [1, 2]", true],
    ["'x' not in 'abc'", true],
    ["None is None", true],
    ["0 or 'default'", "default"],
    ["'' and 5", ""],
    ["1 and 'yes'", "yes"],
    ["not []", true],
    ["'big' if 10 > 5 else 'small'", "big"],
    ["[1, 2, 3][-1]", 3],
    ["'hello'[1:3]", "el"],
    ["{'a': 1, 2: 'two'}[2]", "two"],
    ["(1, 2)", tupleOf([1, 2])],
    ["'%s has %d items' % ('cart', 3)", "cart has 3 items"],
    ["format(3.14159, '.2f')", "3.14"],
    ["sorted([3, 1, 2], reverse=True)", [3, 2, 1]],
    ["list(range(3))", [0, 1, 2]],
    ["list(range(10, 0, -4))", [10, 6, 2]],
    ["random.choice(list(range(1, 2)))", 1],
  ];
  for (const [source, expected] of cases) assertEquals(run(source), expected, source);
});

Deno.test("row_id and column references are direct reads", () => {
  const expr = compileOk("round(price * qty, 2) + row_id", ["price", "qty", "total"], "total");
  assertEquals(expr.columnRefs, ["price", "qty"]);
  assertEquals(expr.usesRowId, true);
  assertEquals(expr.evaluate(testContext({ rowId: 10, values: { price: 2.555, qty: 2 } })), 15.11);
  assertEquals(compileOk("qty + qty * price", ["price", "qty"]).columnRefs, ["qty", "price"]);
  // Only an expression that is row_id itself lets the engine skip entering the cell.
  assertEquals(expr.isRowId, false);
  assertEquals(compileOk("row_id", []).isRowId, true);
  assertEquals(compileOk("(row_id)", []).isRowId, true);
  assertEquals(compileOk("row_id + 0", []).isRowId, false);
});

Deno.test("f-strings format columns and expressions", () => {
  const values = { first: "Ann", last: "Lee", price: 3, ratio: 0.256 };
  assertEquals(run('f"{first} {last}"', { values }), "Ann Lee");
  assertEquals(
    run('f"{first.lower()}.{last.lower()}@example.com"', { values }),
    "ann.lee@example.com",
  );
  assertEquals(
    run('f"{price:.2f} / {ratio:.0%} / {row_id:05d} / {1.0} / {{x}}"', { values, rowId: 42 }),
    "3.00 / 26% / 00042 / 1.0 / {x}",
  );
  assertEquals(run('f"{first!r}"', { values }), "'Ann'");
});

Deno.test("datetime and date come from the logical clock", () => {
  assertEquals(run("datetime.now()"), TEST_NOW);
  assertEquals(run("datetime.today().isoformat()"), "2026-03-01T12:34:56");
  assertEquals(run("datetime.datetime.now().strftime('%Y-%m-%d %H:%M')"), "2026-03-01 12:34");
  assertEquals((run("date.today()") as PyDate).toString(), "2026-03-01");
  assertEquals((run("datetime.date.today()") as PyDate).toString(), "2026-03-01");
  assertEquals(run("date.today().strftime('%A %d %B %Y')"), "Sunday 01 March 2026");
  assertEquals(run("datetime.now().year"), 2026);
  assertEquals(run("date.fromisoformat('2024-01-31').month"), 1);
});

Deno.test("random draws are deterministic per cell", () => {
  const expr = compileOk("random.randint(1, 1000000) + random.random()");
  const a = expr.evaluate(testContext({ rowId: 5 }));
  const b = expr.evaluate(testContext({ rowId: 5 }));
  const c = expr.evaluate(testContext({ rowId: 6 }));
  assertEquals(a, b);
  assertNotEquals(a, c);
  const choice = compileOk("random.choice(['a', 'b', 'c'])");
  const picks = Array.from(
    { length: 50 },
    (_, row) => choice.evaluate(testContext({ rowId: row })),
  );
  assertEquals(
    picks,
    Array.from({ length: 50 }, (_, row) => choice.evaluate(testContext({ rowId: row }))),
  );
  assertEquals(new Set(picks).size, 3);
});

Deno.test("literal YAML scalars compile to constants", () => {
  for (
    const [value, type] of [[150, "int"], [1.5, "float"], [true, "bool"], [null, "none"]] as const
  ) {
    const result = compileExpression(value, { columns: [] });
    assert(result.ok);
    assertEquals(result.expr.evaluate(testContext()), value);
    assertEquals(result.expr.inferType(ANY_ENV), type);
  }
  assertEquals(run("None"), null);
  assertEquals(run('r"170 cm"'), "170 cm");
});

Deno.test("constant sub-expressions are computed at compile time", () => {
  const expr = compileOk("[round(2.5), 'ab'.upper(), 1 + 2 * 3]");
  const first = expr.evaluate(testContext());
  assertEquals(first, [2, "AB", 7]);
  assert(first === expr.evaluate(testContext()), "the same constant list is returned");
  assertEquals(
    diagnose("1 / 0")[0].message,
    "Division by zero (ZeroDivisionError in Python)",
  );
  assertEquals(diagnose("int('abc')")[0].code, "bad-value");
});

Deno.test("foreign_key calls are recorded and read through the context", () => {
  const expr = compileOk('foreign_key("customers", "id", distribution="zipf", param=1.2)');
  assertEquals(expr.isForeignKey, true);
  assertEquals(expr.foreignKeys, [{
    table: "customers",
    column: "id",
    distribution: "zipf",
    param: 1.2,
    isUnique: false,
    span: { start: 0, end: 62 },
  }]);
  assertEquals(expr.evaluate(testContext({ foreignKeys: [77] })), 77);
  const weighted = compileOk(
    'foreign_key("customers", "id", "weighted_parent", parent_attr="tier", weights={"gold": 3, "silver": 1.5}, is_unique=True)',
  );
  assertEquals(weighted.foreignKeys[0].weights, { gold: 3, silver: 1.5 });
  assertEquals(weighted.foreignKeys[0].parentAttr, "tier");
  assertEquals(weighted.foreignKeys[0].isUnique, true);
  const two = compileOk('str(foreign_key("a", "id")) + "-" + str(foreign_key("b", "id"))');
  assertEquals(two.isForeignKey, false);
  assertEquals(two.evaluate(testContext({ foreignKeys: [1, 2] })), "1-2");
});

Deno.test("foreign_key arguments must be literals of the right type", () => {
  const [notLiteral] = diagnose("foreign_key(table_name, 'id')", ["table_name", "x"], "x");
  assertEquals(notLiteral.code, "not-literal");
  assertEquals(notLiteral.span, { start: 12, end: 22 });
  assertEquals(diagnose("foreign_key('t', 'id', param='high')")[0].code, "bad-argument");
  assertEquals(diagnose("foreign_key('t', 'id', weights={'a': 'x'})")[0].code, "bad-argument");
  assertEquals(diagnose("foreign_key('t', 'id', distribution=3)")[0].code, "bad-argument");
  assertEquals(diagnose("foreign_key('t')")[0].code, "missing-argument");
  const [unknown] = diagnose("foreign_key('t', 'id', distrib='zipf')");
  assertEquals(unknown.code, "unknown-argument");
  assertEquals(unknown.hint, "did you mean `distribution`?");
  const ignored = compileOk("foreign_key('t', 'id', param=2)");
  assertEquals(ignored.warnings.map((w) => [w.code, w.severity]), [[
    "ignored-argument",
    "warning",
  ]]);
});

Deno.test("copy_from_fk accepts both argument orders", () => {
  const columns = ["order_id", "customer_id", "email"];
  for (
    const source of [
      'copy_from_fk("customer_id", "customers", "email")',
      'copy_from_fk("customers", "customer_id", "email")',
    ]
  ) {
    const expr = compileOk(source, columns, "email");
    assertEquals(expr.copies.map(({ fkColumn, table, column }) => ({ fkColumn, table, column })), [
      { fkColumn: "customer_id", table: "customers", column: "email" },
    ]);
    assertEquals(expr.columnRefs, ["customer_id"]);
    assertEquals(expr.evaluate(testContext({ copies: ["a@b.c"] })), "a@b.c");
    assertEquals(expr.inferType({ ...ANY_ENV, copyFromFk: () => "str" }), "str");
  }
  const both = compileOk('copy_from_fk("customer_id", "email", "x")', columns, "order_id");
  assertEquals(both.copies[0].fkColumn, "customer_id");
  const [neither] = diagnose('copy_from_fk("custmer_id", "customers", "email")', columns, "email");
  assertEquals(neither.code, "unknown-column");
  assertEquals(neither.hint, "did you mean `customer_id`?");
  assertEquals(
    diagnose('copy_from_fk("email", "customers", "email")', columns, "email")[0].code,
    "self-reference",
  );
  assertEquals(
    diagnose("copy_from_fk(customer_id, 'customers', 'email')", columns, "email")[0].code,
    "not-literal",
  );
});

Deno.test("unknown names suggest columns and globals", () => {
  const [d] = diagnose(
    "frist_name + ' ' + last_name",
    ["first_name", "last_name", "full_name"],
    "full_name",
  );
  assertEquals(d.code, "unknown-name");
  assertEquals(d.span, { start: 0, end: 10 });
  assertEquals(d.hint, "did you mean `first_name`?");
  assertEquals(diagnose("true")[0].hint, "did you mean `True`?");
  assertEquals(diagnose("rowid")[0].hint, "did you mean `row_id`?");
  assertEquals(diagnose("zzz", ["a", "b"])[0].hint, "Columns of this table: a, b.");
});

Deno.test("diagnostics for calls carry spans and hints", () => {
  const [randint] = diagnose("random.randnt(1, 5)");
  assertEquals([randint.code, randint.span, randint.hint], [
    "unknown-function",
    { start: 0, end: 13 },
    "did you mean `random.randint()`?",
  ]);
  const [arity] = diagnose("round(1.5, 2, 3)");
  assertEquals([arity.code, arity.span], ["too-many-arguments", { start: 14, end: 15 }]);
  assertStringIncludes(arity.hint!, "round(number, ndigits=None)");
  assertEquals(diagnose("len()")[0].code, "missing-argument");
  assertEquals(diagnose("random.randint(1, 2.5)")[0].code, "bad-argument");
  assertEquals(diagnose("random.randint(5, 1)")[0].code, "bad-argument");
  assertEquals(diagnose("lenn('x')")[0].hint, "did you mean `len`?");
  assertEquals(diagnose("get_level()")[0].code, "unknown-function");
  assertEquals(diagnose("'x'.uper()")[0].hint, "did you mean `.upper()`?");
  assertEquals(
    diagnose("random")[0].hint,
    "Use one of its members, e.g. `random.randint(1, 10)`.",
  );
  assertEquals(diagnose("a(1)", ["a", "b"], "b")[0].message, "`a` is a column, not a function");
  assertEquals(diagnose("x + 1", ["x"], "x")[0].code, "self-reference");
});

Deno.test("unknown modules get one clear error, without follow-up errors", () => {
  const diagnostics = diagnose("dateutil.easter.easter(2025).strftime('%Y')");
  assertEquals(diagnostics.map((d) => [d.code, d.message, d.span]), [
    ["unknown-name", "Unknown module `dateutil`", { start: 0, end: 8 }],
  ]);
  assertStringIncludes(
    diagnostics[0].hint!,
    "write a column-function plugin (see docs/plugins.md)",
  );
  const [typo] = diagnose("nmae.upper()", ["name", "x"], "x");
  assertEquals(typo.hint, "did you mean `name`?");
});

Deno.test("several problems are reported at once, in source order", () => {
  const diagnostics = diagnose("frist + random.randnt(1) + lenn(x)", ["first", "x", "y"], "y");
  assertEquals(diagnostics.map((d) => d.code), [
    "unknown-name",
    "unknown-function",
    "unknown-function",
  ]);
});

Deno.test("type errors known at compile time are reported", () => {
  const [d] = diagnose("'Age: ' + 5");
  assertEquals(d.code, "bad-operand");
  assertEquals(d.span, { start: 0, end: 11 });
  assertStringIncludes(d.hint!, "str(...)");
  assertEquals(diagnose("-'a'")[0].code, "bad-operand");
  assertEquals(diagnose("None + 1")[0].code, "bad-operand");
  assertEquals(diagnose("f'{1:xyz}'")[0].code, "bad-expression");
  assertThrows(() => run("a + 1", { values: { a: "s" } }), Error, "Cannot add str and int");
});

const ANY_ENV: TypeEnvironment = {
  column: () => "any",
  foreignKey: () => "any",
  copyFromFk: () => "any",
};

function typeOf(
  source: string,
  columns: Record<string, StaticType> = {},
  fk: StaticType = "any",
): StaticType {
  const expr = compileOk(source, Object.keys(columns));
  return expr.inferType({
    column: (name) => columns[name],
    foreignKey: () => fk,
    copyFromFk: () => "date",
  });
}

Deno.test("type inference", () => {
  const cases: [string, StaticType][] = [
    ["1", "int"],
    ["1.0", "float"],
    ["'a'", "str"],
    ["None", "none"],
    ["1 + 2", "int"],
    ["1 + 2.0", "float"],
    ["4 / 2", "float"],
    ["7 // 2", "int"],
    ["7.0 // 2", "float"],
    ["2 ** -1", "float"],
    ["'a' + 'b'", "str"],
    ["'a' * 3", "str"],
    ["round(2.5)", "int"],
    ["round(random.random(), 2)", "float"],
    ["random.randint(1, 6)", "int"],
    ["random.uniform(1, 6)", "float"],
    ["random.gauss(0, 1)", "float"],
    ["random.random()", "float"],
    ["random.choice([1, 2])", "int"],
    ["random.choice([1, 2.5])", "float"],
    ["random.choice(['a', None])", "str"],
    ["random.choice(['a', 1])", "any"],
    ["random.choice('abc')", "str"],
    ["random.choices([1, 2], k=2)", "list"],
    ["1 if random.random() > 0.5 else None", "int"],
    ["1 if random.random() > 0.5 else 2.5", "float"],
    ["'a' if random.random() > 0.5 else 1", "any"],
    ["datetime.now()", "datetime"],
    ["date.today()", "date"],
    ["datetime.now().isoformat()", "str"],
    ["datetime.now().strftime('%Y')", "str"],
    ["datetime.now().date()", "date"],
    ["str(1)", "str"],
    ["int('1')", "int"],
    ["float(1)", "float"],
    ["len('x')", "int"],
    ["1 < 2", "bool"],
    ["not 1", "bool"],
    ["f'{row_id}'", "str"],
    ["max(1, 2.5)", "float"],
    ["max([1, 2])", "int"],
    ["sum([1, 2])", "int"],
    ["abs(-2.5)", "float"],
    ["[1, 2][0]", "int"],
    ["{'a': 1.5}['a']", "float"],
    ["row_id", "int"],
    ["'x'.upper()", "str"],
    ["'a b'.split()", "list"],
  ];
  for (const [source, expected] of cases) assertEquals(typeOf(source), expected, source);
  assertEquals(typeOf("price * qty", { price: "float", qty: "int" }), "float");
  assertEquals(typeOf("qty * 2", { qty: "int" }), "int");
  assertEquals(typeOf("round(price, 2)", { price: "float" }), "float");
  assertEquals(typeOf("name.upper()", { name: "str" }), "str");
  assertEquals(typeOf("price if price > 0 else None", { price: "float" }), "float");
  assertEquals(typeOf("foreign_key('t', 'id')", {}, "int"), "int");
  assertEquals(typeOf("copy_from_fk('c', 't', 'd')", { c: "int" }), "date");
  assertEquals(typeOf("x.upper()", { x: "any" }), "str");
});

Deno.test("closestString is re-exported for the config layer", () => {
  assertEquals(closestString("custmers", ["customers", "orders"]), "customers");
});

Deno.test("Python number semantics the tablefaker samples rely on", () => {
  // hotel: floor = int(room_number / 100); reservation slots with // and %.
  assertEquals(run("int(room_number / 100)", { values: { room_number: 457 } }), 4);
  assertEquals(run("int(-457 / 100)"), -4); // int() truncates toward zero, not down
  assertEquals(run("(20061 - 20000) // 60"), 1);
  assertEquals(run("(19999 - 20000) // 60"), -1); // // floors
  assertEquals(run("(19999 - 20000) % 60"), 59);
  assertEquals(run("str(10 / 4)"), "2.5");
  assertEquals(run("str(10 / 5)"), "2.0"); // / is always a float
  assertEquals(run("str(round(0.5)) + str(round(1.5)) + str(round(2.5))"), "022"); // half to even
  assertEquals(run("str(round(7, 0))"), "7"); // round of an int stays an int
  assertEquals(run("str(round(7.25, 1))"), "7.2");
  assertEquals(run("float(base + 5000)", { values: { base: 35000 } }), new PyFloat(40000));
  assertEquals(run("str(float(3))"), "3.0");
});

Deno.test("an expression that is one draw, or a pure function of one, says so for the engine", () => {
  const drawOf = (source: string, columns: string[] = []) => {
    const result = compileExpression(source, { columns });
    if (!result.ok) throw new Error(result.diagnostics[0].message);
    const draw = result.expr.draw;
    return draw?.kind === "map" ? `map(${draw.draw.kind})` : draw?.kind;
  };
  assertEquals(drawOf("random.randint(1, 6)"), "int");
  assertEquals(drawOf("random.random()"), "uniform");
  assertEquals(drawOf('random.choice(["a", "b"])'), "choice");
  assertEquals(drawOf('random.choice("ab")'), "choice");
  assertEquals(drawOf("round(random.uniform(1, 9), 2)"), "map(uniform)");
  assertEquals(drawOf("str(round(random.uniform(1, 9), 2))"), "map(map)");
  // Not one draw: bounds or lists that vary, two draws, impure or non-call wrappers.
  assertEquals(drawOf("random.randint(1, n)", ["n"]), undefined);
  assertEquals(drawOf("random.choice(xs)", ["xs"]), undefined);
  assertEquals(drawOf("random.randint(1, 6) + random.randint(1, 6)"), undefined);
  assertEquals(drawOf("round(random.uniform(1, 9), n)", ["n"]), undefined);
  assertEquals(drawOf("random.randint(1, 6) * 2"), undefined);
  assertEquals(drawOf("fake.word()"), undefined);
});
