/**
 * The checks of a table's imperfections (read_faults.ts) that need compiled expressions: an
 * orphan needs a column whose value is a foreign key, and a column that foreign keys point at
 * has no bad values (children would reference the good value the parent does not store).
 *
 * @module
 */
import type { Config } from "./model.ts";
import type { ReportAt } from "./validate_changes.ts";

/**
 * Reports `orphans:` on columns that are not `foreign_key(...)` columns, and `bad_values:` on
 * columns a `foreign_key(...)` points at.
 */
export function checkFaults(config: Config, at: ReportAt): void {
  checkReferencedBadValues(config, at);
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

/** A `foreign_key(...)` call pointing at a column with `bad_values:`. */
function checkReferencedBadValues(config: Config, at: ReportAt): void {
  for (const table of config.tables) {
    for (const column of table.columns) {
      for (const call of column.expr?.foreignKeys ?? []) {
        const parent = config.tables.find((t) => t.name === call.table);
        const target = parent?.columns.find((c) => c.name === call.column);
        if (!target?.badValues) continue;
        at(
          column,
          call.span.start,
          "referenced-bad-values",
          `A foreign key to \`${call.table}.${call.column}\`, which has \`bad_values\`: ` +
            "children would point at values the parent does not store",
          {
            hint: `Remove \`bad_values\` from \`${call.table}.${call.column}\`; for keys that ` +
              "point nowhere, give this column `orphans:`.",
          },
        );
      }
    }
  }
}
