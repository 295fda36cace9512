/**
 * The checks of a table's `changes:` that need compiled expressions: where `previous` and
 * `version` can mean nothing but their value at insert, columns named like them, and columns
 * that read an update column without being updated themselves.
 *
 * @module
 */
import type { Diagnostic, Severity } from "./diagnostics.ts";
import type { ColumnConfig, Config, TableConfig } from "./model.ts";

/** Reports a diagnostic at a character of a column's `data:` (the validator's own). */
export type ReportAt = (
  column: ColumnConfig,
  offset: number,
  code: string,
  message: string,
  options: { hint?: string; severity?: Severity },
) => void;

/**
 * Checks every table's changes, its expressions' use of `previous` and `version`, and unique
 * foreign keys to tables with deletes.
 */
export function checkChanges(config: Config, at: ReportAt, out: Diagnostic[]): void {
  for (const table of config.tables) {
    if (table.changes) checkTable(config, table, at, out);
    else checkWithoutChanges(table, at);
    checkUniqueKeys(config, table, at);
  }
}

/**
 * A unique foreign key gives each child row a parent row of its own, by a permutation of the
 * parent's rows drawn once: it cannot step around the rows the parent's changes delete, as
 * every other foreign key does, so a child could point at a deleted parent. Refused.
 */
function checkUniqueKeys(config: Config, table: TableConfig, at: ReportAt): void {
  for (const column of table.columns) {
    for (const call of column.expr?.foreignKeys ?? []) {
      if (!call.isUnique) continue;
      const parent = config.tables.find((t) => t.name === call.table);
      if (!parent?.changes?.deletesPerMinute) continue;
      at(
        column,
        call.span.start,
        "unique-key-deletes",
        `A unique foreign key to \`${call.table}\`, whose changes delete rows: a child could ` +
          "point at a deleted parent row",
        {
          hint: "Drop `is_unique=True` (other keys never pick a deleted row), or the parent's " +
            "`deletes_per_minute`.",
        },
      );
    }
  }
}

/**
 * `previous` and `version` in a table that never changes are None and 0 in every row: allowed
 * (a config may add `changes:` later), but said, since it is likely a forgotten `changes:`.
 */
function checkWithoutChanges(table: TableConfig, at: ReportAt): void {
  for (const column of table.columns) {
    for (const read of column.expr?.changeNames ?? []) {
      at(
        column,
        read.span.start,
        "no-changes",
        `\`${read.name}\` is always ${
          read.name === "version" ? "0" : "None"
        }: table \`${table.name}\` has no \`changes\``,
        {
          severity: "warning",
          hint: "Rows are only updated under a table's `changes:` (docs/changes.md).",
        },
      );
    }
  }
}

function checkTable(config: Config, table: TableConfig, at: ReportAt, out: Diagnostic[]): void {
  const changes = table.changes!;
  const updated = new Set(changes.updateColumns);
  for (const column of table.columns) {
    if (column.name === "previous" || column.name === "version") {
      out.push(config.sourceMap.diagnostic(
        [...column.pos.path, "column_name"],
        "hidden-change-name",
        `Column \`${column.name}\` hides the change name \`${column.name}\` in table \`${table.name}\`: ` +
          "its expressions read the column",
        {
          severity: "warning",
          hint: `Rename the column to read the row's ${
            column.name === "version" ? "version" : "value before an update"
          } as \`${column.name}\`.`,
        },
      ));
    }
    if (updated.has(column.name)) continue;
    for (const read of column.expr?.changeNames ?? []) {
      at(
        column,
        read.span.start,
        "not-updated",
        `\`${read.name}\` is always ${
          read.name === "version" ? "0" : "None"
        } in \`${column.name}\`, ` +
          "which updates do not recompute",
        {
          severity: "warning",
          hint: `Add \`${column.name}\` to \`update_columns\`.`,
        },
      );
    }
    // `copy_from_fk` reads its key column too: a re-picked key would copy from another parent.
    const reads = [
      ...column.expr?.columnRefs ?? [],
      ...(column.expr?.copies ?? []).map((c) => c.fkColumn),
    ];
    const stale = [...new Set(reads)].filter((name) => updated.has(name));
    if (stale.length) {
      const names = stale.map((n) => `\`${n}\``).join(", ");
      out.push(config.sourceMap.diagnostic(
        [...column.pos.path, "column_name"],
        "stale-column",
        `Column \`${column.name}\` reads ${names}, which updates change, but keeps the value it ` +
          "was inserted with",
        {
          severity: "warning",
          hint: `Add \`${column.name}\` to \`update_columns\` to recompute it with them.`,
        },
      ));
    }
  }
}
