/**
 * The checks of a table's imperfections (read_faults.ts) that need compiled expressions: an
 * orphan needs a column whose value is a foreign key.
 *
 * @module
 */
import type { Config } from "./model.ts";
import type { ReportAt } from "./validate_changes.ts";

/** Reports `orphans:` on columns that are not `foreign_key(...)` columns. */
export function checkFaults(config: Config, at: ReportAt): void {
  for (const table of config.tables) {
    for (const column of table.columns) {
      if (!column.orphans || !column.expr || column.expr.isForeignKey) continue;
      at(
        column,
        0,
        "bad-orphans",
        `\`orphans\` needs a foreign-key column, but \`${column.name}\` is not one`,
        {
          hint: 'Its `data:` must be a `foreign_key(...)` call, e.g. `foreign_key("customers", ' +
            '"customer_id")`; or remove `orphans`.',
        },
      );
    }
  }
}
