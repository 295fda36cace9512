/**
 * `table_properties:` and `cluster_by:` of a table: the Delta table properties a new table is
 * created with (`delta.enableDeletionVectors: true`, `delta.constraints.<name>: <SQL>`, ...)
 * and its liquid clustering columns, so that generated tables match the production tables
 * they stand in for. What each property means and needs is the Delta layer's
 * (`lib/delta/table_properties.ts`); here they are read with positions and checked.
 *
 * @module
 */
import { isScalar, type Node } from "yaml";
import { closestString } from "../expr/mod.ts";
import type { YamlPath } from "./diagnostics.ts";
import type { ReadContext } from "./read_context.ts";
import { describe, didYouMean } from "./yaml_fields.ts";
import {
  checkTableProperties,
  CONSTRAINT_PREFIX,
  TABLE_PROPERTIES,
} from "../delta/table_properties.ts";
import { constraintProblem } from "../delta/table_rules.ts";

/**
 * Reads `table_properties:`: a mapping of property names to scalar values, written as
 * strings as Delta stores them (`true`, `10`). Unknown `delta.` properties and wrong values
 * are reported at their key or value; undefined when it is not a mapping.
 */
export function readTableProperties(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): Record<string, string> | undefined {
  const map = r.mapping(node, path, "`table_properties`");
  if (!map) return undefined;
  const properties: Record<string, string> = {};
  for (const pair of map.items) {
    const key = r.resolve(pair.key as Node | null);
    const name = isScalar(key) && key.value !== null ? String(key.value) : undefined;
    if (name === undefined) {
      r.report(
        path,
        "wrong-type",
        `Keys of \`table_properties\` must be names, got ${describe(key)}`,
      );
      continue;
    }
    const at = [...path, name];
    const value = r.scalar(r.resolve(pair.value as Node | null));
    if (value === undefined || value === null) {
      r.report(
        at,
        "wrong-type",
        `Table property \`${name}\` needs a value: a string, number or boolean`,
        {
          at: "key",
          hint: "Write it on one line, e.g. `delta.enableDeletionVectors: true`; Delta stores " +
            "every property as text.",
        },
      );
      continue;
    }
    properties[name] = String(value);
  }
  for (const problem of checkTableProperties(properties)) {
    const { unknown } = problem;
    const suggestion = unknown
      ? closestString(problem.name, Object.keys(TABLE_PROPERTIES))
      : undefined;
    r.report(
      [...path, problem.name],
      unknown ? "unknown-property" : "bad-property-value",
      `Table property \`${problem.name}\` ${problem.message}`,
      { at: unknown ? "key" : "value", hint: didYouMean(suggestion) ?? problem.hint },
    );
  }
  return properties;
}

/** The SQL tablestream checks constraints in, for hints. */
const SUBSET = "comparisons, IS [NOT] NULL, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE, AND/OR/NOT, " +
  "arithmetic, ||, CAST, and the functions year, month, day, hour, minute, second, to_date, " +
  "date_format, coalesce, length, lower, upper, abs, concat, substring";

/**
 * Reports the CHECK constraints (`delta.constraints.<name>`) the writer could not check: SQL
 * outside the subset tablestream evaluates, or naming a column the table does not have.
 */
export function checkConstraintSql(
  r: ReadContext,
  properties: Record<string, string>,
  columns: readonly string[],
  path: YamlPath,
): void {
  for (const [name, text] of Object.entries(properties)) {
    if (!name.startsWith(CONSTRAINT_PREFIX)) continue;
    const problem = constraintProblem(text, columns);
    if (!problem) continue;
    const constraint = name.slice(CONSTRAINT_PREFIX.length);
    const suggestion = problem.unknownColumn !== undefined
      ? closestString(problem.unknownColumn, [...columns])
      : undefined;
    r.report(
      [...path, name],
      problem.unknownColumn !== undefined ? "unknown-column" : "bad-expression",
      `CHECK constraint \`${constraint}\`: ${problem.message}`,
      {
        at: "value",
        hint: didYouMean(suggestion) ??
          (problem.unknownColumn !== undefined
            ? `The table's columns are ${columns.map((c) => `\`${c}\``).join(", ")}.`
            : `tablestream checks constraints written in a subset of Spark SQL: ${SUBSET}.`),
      },
    );
  }
}
