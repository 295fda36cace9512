import { assertEquals } from "../../tests/_assert.ts";
import { compileOk, diagnose, testContext } from "../../tests/_expr_context.ts";
import { UNKNOWN_ENV } from "./compiled_node.ts";

const MACHINE = `if version == 0:
    return "placed"
return {"placed": "paid", "paid": "shipped"}.get(previous, previous)`;

Deno.test("version and previous read the row's version and the column's value before", () => {
  const expr = compileOk(MACHINE, ["status", "id"], "status");
  assertEquals(expr.evaluate(testContext()), "placed");
  assertEquals(
    expr.evaluate(testContext({ version: 2, previous: { status: "paid" } })),
    "shipped",
  );
  assertEquals(expr.changeNames?.map((r) => [r.name, MACHINE.slice(r.span.start, r.span.end)]), [
    ["version", "version"],
    ["previous", "previous"],
    ["previous", "previous"],
  ]);
  assertEquals(compileOk("row_id + 1").changeNames, undefined);
});

Deno.test("their static types: version an int, previous the column's own", () => {
  const version = compileOk("version * 2", [], "n");
  assertEquals(version.inferType(UNKNOWN_ENV), "int");
  const previous = compileOk("previous", [], "n");
  assertEquals(previous.inferType(UNKNOWN_ENV), "any");
  assertEquals(
    previous.inferType({ ...UNKNOWN_ENV, previous: (c) => c === "n" ? "float" : "any" }),
    "float",
  );
  // While a column's type is inferred, `previous` is None: the other branches decide.
  const machine = compileOk(MACHINE, [], "status");
  assertEquals(machine.inferType({ ...UNKNOWN_ENV, previous: () => "none" }), "str");
});

Deno.test("a column or a local named version or previous keeps its meaning", () => {
  const column = compileOk("version + 1", ["version"], "next");
  assertEquals(column.evaluate(testContext({ values: { version: 41 }, version: 7 })), 42);
  assertEquals(column.changeNames, undefined);
  assertEquals(column.columnRefs, ["version"]);
  const local = compileOk("previous = 5\nreturn previous", [], "x");
  assertEquals(local.evaluate(testContext({ previous: { x: 1 } })), 5);
  // The column itself cannot read its own value, whatever it is named.
  assertEquals(diagnose("version + 1", ["version"], "version").map((d) => d.code), [
    "self-reference",
  ]);
  assertEquals(diagnose("versoin", [], "a")[0].hint, "did you mean `version`?");
});
