import { assert, assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { compileOk, diagnose, testContext } from "../../tests/_expr_context.ts";
import { UNKNOWN_ENV as ANY_ENV } from "./compiled_node.ts";
import { FAKE_METHODS } from "./fake/methods.ts";
import { compileExpression } from "./mod.ts";

Deno.test("fake.<method>() calls the registry with the cell's faker and context", () => {
  const expr = compileOk("fake.email()");
  const a = expr.evaluate(testContext({ rowId: 3 }));
  assertEquals(typeof a, "string");
  assertStringIncludes(a as string, "@");
  assertEquals(expr.evaluate(testContext({ rowId: 3 })), a, "same cell, same value");
  assertEquals(expr.inferType(ANY_ENV), FAKE_METHODS.email.returns);
});

Deno.test("fake arguments map by position and by name onto the method's params", () => {
  const [min, max] = FAKE_METHODS.random_int.params;
  for (
    const source of [
      "fake.random_int(5, 5)",
      `fake.random_int(${min}=5, ${max}=5)`,
      `fake.random_int(5, ${max}=5)`,
    ]
  ) {
    assertEquals(compileOk(source).evaluate(testContext()), 5, source);
  }
  const [unknown] = diagnose(`fake.random_int(${min.slice(0, -1)}x=1)`);
  assertEquals(unknown.code, "unknown-argument");
  const tooMany = FAKE_METHODS.random_int.params.map(() => "1").concat("1").join(", ");
  assertEquals(diagnose(`fake.random_int(${tooMany})`)[0].code, "too-many-arguments");
});

Deno.test("an unknown fake method suggests the closest one", () => {
  const [d] = diagnose("fake.emial()");
  assertEquals(d.code, "unknown-function");
  assertEquals(d.span, { start: 0, end: 10 });
  assertStringIncludes(d.hint!, "`fake.email()`");
  assertEquals(diagnose("fake.frist_name()")[0].hint, "did you mean `fake.first_name()`?");
});

Deno.test("fake.unique compiles to the plain method with a warning", () => {
  const expr = compileOk("fake.unique.email()");
  assertEquals(expr.warnings.map((w) => [w.code, w.severity, w.span]), [["not-unique", "warning", {
    start: 0,
    end: 17,
  }]]);
  assertEquals(
    expr.evaluate(testContext({ rowId: 9 })),
    compileOk("fake.email()").evaluate(testContext({ rowId: 9 })),
  );
});

Deno.test("faker.<module>.<method>() calls faker-js, keywords as one options object", () => {
  const name = compileOk("faker.person.firstName()");
  assertEquals(typeof name.evaluate(testContext()), "string");
  assertEquals(name.inferType(ANY_ENV), "any");
  assertEquals(compileOk("faker.number.int(min=7, max=7)").evaluate(testContext()), 7);
  assertEquals(
    (compileOk("faker.string.alphanumeric(8)").evaluate(testContext()) as string).length,
    8,
  );
  const [module] = diagnose("faker.persn.firstName()");
  assertEquals([module.code, module.span, module.hint], [
    "unknown-function",
    { start: 6, end: 11 },
    "did you mean `faker.person`?",
  ]);
  assertEquals(
    diagnose("faker.person.frstName()")[0].hint,
    "did you mean `faker.person.firstName()`?",
  );
  assert(diagnose("faker.person()")[0].message.includes("module"));
});

Deno.test("a fake method of a community provider is one python-module error, pointing to plugins", () => {
  const result = compileExpression("fake.school_district()", {
    columns: [],
    communityProviders: ["faker_education(SchoolProvider)"],
  });
  assert(!result.ok);
  assertEquals(result.diagnostics.map((d) => d.code), ["python-module"]);
  assertStringIncludes(result.diagnostics[0].message, "faker_education(SchoolProvider)");
  assertStringIncludes(result.diagnostics[0].hint!, "column-function plugin (see docs/plugins.md)");
  // A close name is still a typo, providers or not.
  const typo = compileExpression("fake.emial()", { columns: [], communityProviders: ["x(Y)"] });
  assert(!typo.ok);
  assertEquals(typo.diagnostics[0].hint, "did you mean `fake.email()`?");
});
