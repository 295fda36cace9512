import { BUILTINS } from "../../tests/_engine.ts";
import * as arrow from "apache-arrow";
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { compileExpression } from "../expr/mod.ts";
import type { ColumnType } from "../arrow/types.ts";
import { Engine } from "./engine.ts";
import { GenerationError } from "./generation_error.ts";
import { directFill } from "./drawn_columns.ts";
import type { RunInputs, TableSpec } from "./spec.ts";

const INPUTS: RunInputs = { seed: 9, locale: "en_US", now: new Date("2026-03-01T12:00:00Z") };

type Column = [name: string, data: string, type?: ColumnType, nulls?: number];

function table(columns: Column[], rowCount = 5000): TableSpec {
  const names = columns.map(([n]) => n);
  return {
    name: "t",
    rowCount,
    startRowId: 1,
    columns: columns.map(([name, data, type, nulls]) => {
      const compiled = compileExpression(data, { columns: names, self: name });
      if (!compiled.ok) throw new Error(`${name}: ${compiled.diagnostics[0].message}`);
      return { name, expr: compiled.expr, type, nullFraction: nulls ?? 0 };
    }),
  };
}

function expression(data: string) {
  const compiled = compileExpression(data, { columns: [] });
  if (!compiled.ok) throw new Error(compiled.diagnostics[0].message);
  return compiled.expr;
}

// Each drawn column has a twin that reads it (`a_again = a`): the twin's value is computed row
// by row, through the expression's own `impl`, so a batch holds both paths side by side.
const DRAWN: Column[] = [
  ["id", "row_id"],
  ["dice", "random.randint(1, 6)"],
  ["wide", "random.randint(-50000, 50000)", "int32", 0.2],
  ["huge", "random.randint(0, 2**40)"],
  // A span of 3 * 2^30: most first words are beyond the shortcut and drawn on.
  ["rejecting", "random.randint(1, 3 * 2**30)"],
  ["tiny", "random.randint(-128, 127)", "int8"],
  ["unit", "random.random()", undefined, 0.5],
  ["range", "random.uniform(-2.5, 10)"],
  ["narrow", "random.uniform(0, 1)", "float32"],
  ["as_float", "random.randint(0, 1000)", "float64"],
];

function withTwins(columns: Column[]): Column[] {
  return [
    ...columns,
    ...columns.map(([name, , type]): Column => [`${name}_again`, name, type]),
  ];
}

function columnValues(batch: arrow.RecordBatch, name: string): unknown[] {
  return [...batch.getChild(name)!].map((v) => typeof v === "bigint" ? Number(v) : v);
}

Deno.test("columns drawn a batch at a time hold the values computed row by row", () => {
  const engine = new Engine([table(withTwins(DRAWN))], INPUTS, BUILTINS);
  const generator = engine.table("t");
  for (const epoch of [0, 3]) {
    for (const [first, count] of [[1, 5000], [4097, 1000], [2 ** 33 - 10, 20]]) {
      const batch = generator.batch(first, count, epoch);
      for (const [name] of DRAWN) {
        const drawn = columnValues(batch, name);
        assertEquals(drawn, columnValues(batch, `${name}_again`), `${name}, epoch ${epoch}`);
        assert(drawn.some((v) => v !== null), name);
      }
      // The null streams are the row path's: about the fraction asked, in the same rows.
      if (count === 5000) {
        const nulls = columnValues(batch, "unit").filter((v) => v === null).length;
        assert(nulls > 2300 && nulls < 2700, `${nulls} nulls of 5000`);
      }
    }
  }
});

Deno.test("a table's drawn columns are the same whatever the batch cut", () => {
  const engine = new Engine([table(DRAWN)], INPUTS, BUILTINS);
  const generator = engine.table("t");
  const whole = generator.batch(1, 5000);
  const pieces = new arrow.Table([generator.batch(1, 1234), generator.batch(1235, 3766)]);
  for (const [name] of DRAWN) {
    assertEquals(
      [...pieces.getChild(name)!].map((v) => typeof v === "bigint" ? Number(v) : v),
      columnValues(whole, name),
      name,
    );
  }
});

Deno.test("only draws whose values the column stores as they are are drawn directly", () => {
  const fill = (data: string, type: ColumnType) => directFill(expression(data), type)?.kind;
  assertEquals(fill("row_id", "int64"), "rowId");
  assertEquals(fill("row_id", "int32"), undefined); // could be out of range: checked per row
  assertEquals(fill("random.randint(0, 9)", "int8"), "int");
  assertEquals(fill("random.randint(0, 200)", "int8"), undefined); // refused per row
  assertEquals(fill("random.randint(0, 9)", "float32"), "int");
  assertEquals(fill("random.randint(0, 9)", "string"), undefined); // str() per row
  assertEquals(fill("random.random()", "float64"), "uniform");
  assertEquals(fill("random.random()", "int64"), undefined); // truncated per row
  assertEquals(fill("random.uniform(1, 2.5)", "float64"), "uniform");
  assertEquals(fill("random.randint(0, 9) + 1", "int64"), undefined);
  assertEquals(fill("random.randint(0, 2**60)", "int64"), undefined); // beyond a double's ints
  assertEquals(fill("random.uniform(True, 2)", "float64"), undefined);
});

function parentTable(rowCount: number): TableSpec {
  const spec = table([["id", "row_id"], ["code", "random.randint(100, 999)"]], rowCount);
  return { ...spec, name: "parents" };
}

// Foreign keys of a table without a timeline are picked a batch at a time.
const KEYS: Column[] = [
  ["id", "row_id"],
  ["uniform", 'foreign_key("parents", "id")'],
  ["skewed", 'foreign_key("parents", "id", distribution="zipf", param=1.3)', undefined, 0.25],
  ["unique", 'foreign_key("parents", "id", is_unique=True)'],
  ["as_text", 'foreign_key("parents", "id")', "string"],
  ["copied", 'copy_from_fk("uniform", "parents", "code")'],
];

Deno.test("foreign keys picked a batch at a time are the keys picked row by row", () => {
  const engine = new Engine([parentTable(6000), table(withTwins(KEYS))], INPUTS, BUILTINS);
  const generator = engine.table("t");
  for (const epoch of [0, 2]) {
    const batch = generator.batch(1, 5000, epoch);
    for (const [name] of KEYS) {
      assertEquals(columnValues(batch, name), columnValues(batch, `${name}_again`), name);
    }
    // copy_from_fk (row by row) follows the row the batch's key column picked.
    const codes = engine.table("parents");
    const picked = columnValues(batch, "uniform") as number[];
    const copied = columnValues(batch, "copied");
    for (let r = 0; r < 50; r++) assertEquals(copied[r], codes.value("code", picked[r]));
  }
  assertEquals(new Set(columnValues(generator.batch(1, 5000), "unique")).size, 5000);
});

Deno.test("a key a batch cannot pick is the row path's error, at its row", () => {
  const engine = new Engine([parentTable(100), table(KEYS.slice(0, 4))], INPUTS, BUILTINS);
  const generator = engine.table("t");
  // Unique keys of 100 parents run out at the 101st row.
  assertThrows(
    () => generator.batch(1, 500),
    GenerationError,
    'Cannot generate table "t", column "unique", row 101: foreign_key("parents", "id", is_unique=True) ran out of parent keys',
  );
});

// Draws the column cannot take as numbers: list items, pure functions of draws, conversions.
const VALUES: Column[] = [
  ["tier", 'random.choice(["gold", "silver", "bronze"])', undefined, 0.3],
  ["letter", 'random.choice("abcdef")'],
  ["mixed", 'random.choice([1, "two", 3.5, None, True])', "string"],
  ["price", "round(random.uniform(1, 500), 2)"],
  ["code", "str(random.randint(100, 999))"],
  ["nested", 'str(round(random.uniform(0, 1), 3)) + ""'], // not a draw: the row path
  ["label", "str(random.choice([10, 20]))"],
  ["as_text", "random.randint(1, 9)", "string"],
  ["whole", "random.uniform(2, 2)"], // 2.0: a float even when whole
];

Deno.test("draws a column cannot take as numbers are computed a batch at a time, as row by row", () => {
  const engine = new Engine([table(withTwins(VALUES))], INPUTS, BUILTINS);
  const generator = engine.table("t");
  for (const epoch of [0, 1]) {
    const batch = generator.batch(1, 3000, epoch);
    for (const [name] of VALUES) {
      assertEquals(columnValues(batch, name), columnValues(batch, `${name}_again`), name);
    }
  }
  const tiers = new Set(columnValues(generator.batch(1, 3000), "tier"));
  assertEquals(tiers, new Set(["gold", "silver", "bronze", null]));
});

Deno.test("a draw's value that fails fails at its row, with the row path's error", () => {
  const failure = (data: string) => {
    const engine = new Engine([table([["c", data]], 500)], INPUTS, BUILTINS);
    try {
      engine.table("t").batch(1, 500);
    } catch (error) {
      return (error as Error).message;
    }
    return "no error";
  };
  const drawn = failure('int(random.choice(["1", "2", "x"]))');
  assert(drawn.startsWith('Cannot generate table "t", column "c", row '), drawn);
  assertEquals(drawn, failure('int(random.choice(["1", "2", "x"])) + 0'));
});
