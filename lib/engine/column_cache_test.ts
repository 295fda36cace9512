import { assert, assertEquals } from "../../tests/_assert.ts";
import { BYTES_PER_VALUE, ColumnBudget, ColumnValues } from "./column_cache.ts";

Deno.test("a kept column gives back what was set, and undefined for rows not computed yet", () => {
  const column = new ColumnValues(3);
  assertEquals(column.get(0), undefined);
  column.set(0, "a@example.com");
  column.set(2, null); // a null value is a value
  assertEquals([column.get(0), column.get(1), column.get(2)], ["a@example.com", undefined, null]);
});

Deno.test("the budget keeps columns while they fit, then none", () => {
  const budget = new ColumnBudget(1_000 * BYTES_PER_VALUE);
  assert(budget.reserve(600) !== undefined);
  assertEquals(budget.reserve(500), undefined, "600 + 500 rows exceed 1,000");
  assert(budget.reserve(400) !== undefined, "what is left still serves a smaller column");
  assertEquals(budget.reserve(1), undefined);
  assertEquals(new ColumnBudget(0).reserve(1), undefined, "0 keeps nothing");
});
