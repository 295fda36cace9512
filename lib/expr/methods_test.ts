import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { run } from "../../tests/_expr_context.ts";
import { PyDict, pyRepr } from "./values.ts";
import { pySplit, pyTitle } from "./methods.ts";

Deno.test("string methods behave like Python's", () => {
  const cases: [string, unknown][] = [
    ['"hello world".upper()', "HELLO WORLD"],
    ["\"they're bill's\".title()", "They'Re Bill'S"],
    ['"hELLO".capitalize()', "Hello"],
    ['"  pad ".strip()', "pad"],
    ['"xxhixx".strip("x")', "hi"],
    ['"aaa".replace("a", "b", 2)', "bba"],
    ['"a,b,,c".split(",")', ["a", "b", "", "c"]],
    ['"  a  b c ".split()', ["a", "b", "c"]],
    ['"a b c".split(" ", 1)', ["a", "b c"]],
    ['"-".join(["a", "b"])', "a-b"],
    ['"42".zfill(5)', "00042"],
    ['"-42".zfill(5)', "-0042"],
    ['"ab".center(5, "*")', "**ab*"],
    ['"ab".rjust(4)', "  ab"],
    ['"report.csv".endswith((".csv", ".tsv"))', true],
    ['"abc".startswith("b")', false],
    ['"banana".count("an")', 2],
    ['"banana".find("n")', 2],
    ['"123".isdigit()', true],
    ['"INV-1".removeprefix("INV-")', "1"],
  ];
  for (const [source, expected] of cases) assertEquals(run(source), expected, source);
  assertEquals(pyTitle("1st place"), "1St Place");
  assertEquals(pySplit("a  b", null, 0), ["a  b"]);
});

Deno.test("list and dict methods", () => {
  assertEquals(run("[1, 2, 1].count(1)"), 2);
  assertEquals(run('["a", "b"].index("b")'), 1);
  assertEquals(run('{"a": 1}.get("a")'), 1);
  assertEquals(run('{"a": 1}.get("z", 0)'), 0);
  assertEquals(pyRepr(run('{"a": 1, "b": 2}.keys()')), "dict_keys(['a', 'b'])");
  assertEquals(pyRepr(run('{"a": 1}.items()')), "dict_items([('a', 1)])");
  assertEquals(run('list({"a": 1, 2: "b"})'), ["a", 2]);
});

Deno.test("methods dispatch on the run-time value when its type is unknown", () => {
  assertEquals(run("name.upper()", { values: { name: "ann" } }), "ANN");
  assertEquals(run("d.get('x', 5)", { values: { d: new PyDict() } }), 5);
  assertEquals(run("items.count(2)", { values: { items: [2, 2] } }), 2);
  assertThrows(
    () => run("n.upper()", { values: { n: 5 } }),
    Error,
    "A int value has no method `upper`",
  );
  assertThrows(() => run('"-".join([1, 2])'), Error, "item 0 is int");
});

Deno.test("str.format and .isoformat / .strftime on dates", () => {
  assertEquals(run('"{}-{:03d}".format(prefix, n)', { values: { prefix: "A", n: 7 } }), "A-007");
  assertEquals(run("date(2024, 3, 5).isoformat()"), "2024-03-05");
  assertEquals(run("datetime(2024, 3, 5, 6, 7, 8).isoformat()"), "2024-03-05T06:07:08");
  assertEquals(run('datetime(2024, 3, 5, 18).strftime("%d/%m/%Y %I %p")'), "05/03/2024 06 PM");
  assertEquals(String(run("datetime(2024, 3, 5, 6).date()")), "2024-03-05");
  assertEquals(run("date(2024, 3, 5).weekday()"), 1);
  assertEquals(run("date(2024, 3, 5).replace(day=1).isoformat()"), "2024-03-01");
  assertEquals(run("datetime(2024, 3, 5, 6).year * 100 + datetime(2024, 3, 5, 6).hour"), 202406);
});
