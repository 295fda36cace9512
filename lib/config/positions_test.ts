import { LineCounter, parseDocument } from "yaml";
import { assertEquals } from "../../tests/_assert.ts";
import { SourceMap } from "./positions.ts";

function sourceMap(text: string): SourceMap {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return new SourceMap("t.yaml", text, lineCounter, doc);
}

/** Line and column of character `i` of the value at `path`. */
function at(map: SourceMap, path: (string | number)[], i: number): [number, number] {
  const { line, column } = map.position(map.valueOffset(path, i));
  return [line, column];
}

Deno.test("positions of nodes by path, keys and the nearest written ancestor", () => {
  const map = sourceMap("tables:\n  - table_name: t\n    columns:\n      - column_name: id\n");
  assertEquals(map.pos(["tables", 0]).line, 2);
  assertEquals(map.pos(["tables", 0]).column, 5);
  assertEquals(map.pos(["tables", 0, "columns", 0, "column_name"]).column, 22);
  assertEquals(map.pos(["tables", 0, "columns", 0, "column_name"], "key").column, 9);
  // A missing key is placed at its mapping.
  assertEquals(map.pos(["tables", 0, "columns", 0, "data"]), {
    path: ["tables", 0, "columns", 0, "data"],
    offset: 47,
    line: 4,
    column: 9,
  });
  assertEquals(map.pathAt(map.offset(["tables", 0, "table_name"])), ["tables", 0, "table_name"]);
  assertEquals(map.pathAt(map.offset(["tables", 0, "columns"]) - 1), ["tables", 0]);
  assertEquals(map.lineText(2), "  - table_name: t");
});

Deno.test("offsets inside a plain scalar", () => {
  const map = sourceMap("data: fake.emial()\n");
  assertEquals(at(map, ["data"], 0), [1, 7]);
  assertEquals(at(map, ["data"], 5), [1, 12]);
  assertEquals(at(map, ["data"], 12), [1, 19]);
});

Deno.test("offsets inside quoted scalars skip the quote and escapes", () => {
  const map = sourceMap(`a: "x + \\"y\\" + zz"\nb: 'it''s + q'\n`);
  // Value of a: x + "y" + zz
  assertEquals(at(map, ["a"], 0), [1, 5]);
  assertEquals(at(map, ["a"], 4), [1, 10]); // the `"` written as \"
  assertEquals(at(map, ["a"], 10), [1, 17]); // `zz`
  // Value of b: it's + q
  assertEquals(at(map, ["b"], 0), [2, 5]);
  assertEquals(at(map, ["b"], 7), [2, 13]); // `q`, after the doubled quote
});

Deno.test("offsets inside block scalars follow their lines", () => {
  const text = [
    "columns:",
    "  - data: |",
    "      if age > 60:",
    "        return nme",
    "      return 1",
    "  - data: >-",
    "      fake.name()",
    "      + x",
    "",
  ].join("\n");
  const map = sourceMap(text);
  const value = "if age > 60:\n  return nme\nreturn 1\n";
  assertEquals(at(map, ["columns", 0, "data"], 0), [3, 7]);
  assertEquals(at(map, ["columns", 0, "data"], value.indexOf("nme")), [4, 16]);
  assertEquals(at(map, ["columns", 0, "data"], value.indexOf("return 1")), [5, 7]);
  // Folded: "fake.name() + x"
  assertEquals(at(map, ["columns", 1, "data"], 14), [8, 9]);
});
