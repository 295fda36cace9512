/**
 * Micro-benchmarks of the integer fast path (`deno bench lib/expr/operators_bench.ts`):
 * compiled expressions over 10,000 cells each, where every int stays a safe JS number. Exact
 * big-int arithmetic must cost nothing here. (The int64 column builder's bench is
 * `lib/engine/column_builder_bench.ts`.)
 *
 * @module
 */
import { compileOk, testContext } from "../../tests/_expr_context.ts";
import type { CellContext } from "./host.ts";

const CELLS = 10_000;

/** One context per row, reused by every run, so the bench times the expression only. */
const contexts: CellContext[] = Array.from(
  { length: CELLS },
  (_, i) => ({ ...testContext({ rowId: i + 1 }), column: (name: string) => columns(i, name) }),
);

function columns(i: number, name: string): number {
  return name === "x" ? i * 0.5 : name === "a" ? i * 3 : i + 11;
}

function benchExpression(name: string, source: string, names: string[] = []): void {
  const expr = compileOk(source, names);
  Deno.bench(name, { group: "expressions" }, () => {
    let sink = 0;
    for (const ctx of contexts) {
      if (expr.evaluate(ctx) !== null) sink++;
    }
    if (sink !== CELLS) throw new Error("unexpected null");
  });
}

benchExpression("row_id * 3 + 7", "row_id * 3 + 7");
benchExpression("mixed int ops", "row_id * row_id - row_id // 7 + row_id % 13 - 2 ** 10");
benchExpression("columns of unknown type", "a + b * 2 - a", ["a", "b"]);
benchExpression("float column", "x * 1.5 + 0.25", ["x"]);
benchExpression("comparison", "row_id * 7 < 35000", []);
benchExpression("f-string of an int", 'f"ORD-{row_id * 7:06d}"');
benchExpression("randint of a small range", "random.randint(1, 1000)");
benchExpression("randrange with a step", "random.randrange(0, 1000, 5)");
benchExpression("fake.random_int", "fake.random_int(18, 90)");
benchExpression("round to cents", "round(x * 1.07, 2)", ["x"]);
benchExpression("int of a float", "int(x * 3.5)", ["x"]);
