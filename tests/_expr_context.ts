/**
 * Test helpers of the expression language: a hand-built cell context (a real `CellRandom`, a real faker drawing from
 * it) and shortcuts to compile and evaluate an expression.
 *
 * @module
 */
import { base, en, Faker } from "@faker-js/faker";
import { CellRandom } from "../lib/engine/rng.ts";
import { compileExpression } from "../lib/expr/mod.ts";
import { distributionCatalog } from "../lib/plugin/distribution_options.ts";
import { BUILTIN_DISTRIBUTIONS } from "../plugins/distributions/mod.ts";

/** The built-in distributions, as a config's checker gives them to the compiler. */
const distributions = distributionCatalog(
  new Map(BUILTIN_DISTRIBUTIONS.map((d) => [d.name, d])),
);
import type { CellContext } from "../lib/expr/host.ts";
import type { CompiledExpression } from "../lib/expr/compiled_expression.ts";
import type { ExprDiagnostic } from "../lib/expr/types.ts";
import type { Value } from "../lib/expr/values.ts";

const random = new CellRandom();
const faker = new Faker({
  locale: [en, base],
  randomizer: { next: () => random.next(), seed() {} },
});

/** The logical "now" of test contexts. */
export const TEST_NOW = new Date("2026-03-01T12:34:56Z");

/** What a test cell sees. */
export interface TestCell {
  rowId?: number;
  /** Values of the row's other columns. */
  values?: Record<string, Value>;
  /** Answers of `ctx.foreignKey(i)`. */
  foreignKeys?: Value[];
  /** Answers of `ctx.copyFromFk(i)`. */
  copies?: Value[];
  /** Stream key of the cell's random numbers. */
  key?: number;
  /** The row's version (`version`); 0 when absent. */
  version?: number;
  /** Values before the update, by column (`previous`); None when absent. */
  previous?: Record<string, Value>;
}

/** A cell context whose random stream is reset to (key, rowId). */
export function testContext(cell: TestCell = {}): CellContext {
  const rowId = cell.rowId ?? 1;
  random.reset(cell.key ?? 7, rowId);
  const values = cell.values ?? {};
  return {
    rowId,
    column(name) {
      if (!Object.hasOwn(values, name)) throw new Error(`No value for column ${name} in the test`);
      return values[name];
    },
    random,
    faker,
    now: TEST_NOW,
    version: cell.version ?? 0,
    previous: (name) => cell.previous?.[name] ?? null,
    foreignKey: (i) => cell.foreignKeys?.[i] ?? null,
    copyFromFk: (i) => cell.copies?.[i] ?? null,
  };
}

/** Compiles or throws with the diagnostics. */
export function compileOk(
  source: string,
  columns: readonly string[] = [],
  self?: string,
): CompiledExpression {
  const result = compileExpression(source, { columns, self, distributions });
  if (!result.ok) throw new Error(`${source}: ${JSON.stringify(result.diagnostics)}`);
  return result.expr;
}

/** Compiles and evaluates `source` in a test cell whose columns are `cell.values`. */
export function run(source: string, cell: TestCell = {}): Value {
  const expr = compileOk(source, Object.keys(cell.values ?? {}));
  return expr.evaluate(testContext(cell));
}

/** The diagnostics of a source that must not compile. */
export function diagnose(
  source: string,
  columns: readonly string[] = [],
  self?: string,
): ExprDiagnostic[] {
  const result = compileExpression(source, { columns, self, distributions });
  if (result.ok) throw new Error(`${source} compiled, but errors were expected`);
  return result.diagnostics;
}
