/**
 * The SQL sink: one folder per table, `part-00000.sql` holding `INSERT` statements, as
 * tablefaker's `--file_type sql` export, made portable: identifiers double-quoted (ANSI),
 * strings single-quoted with quotes doubled, `NULL` for nulls, at most 1000 rows per
 * statement (SQL Server's limit for a `VALUES` list).
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import type { Sink } from "../../lib/plugin/types.ts";
import { type Cell, type ColumnCells, columnCells } from "../../lib/output/cell_text.ts";
import { createTextFileSink, type TextFileSinkOptions } from "./_text_file_sink.ts";
import { defineSink } from "../../lib/plugin/define.ts";
import { PATH, sinkFolder } from "./_options.ts";

/** Options of {@link createSqlSink}. */
export interface SqlSinkOptions extends TextFileSinkOptions {
  /** The output folder; each table becomes `dir/<table>/`. */
  dir: string;
}

/** Rows per `INSERT` statement. */
export const ROWS_PER_STATEMENT = 1000;

/** A double-quoted SQL identifier: `"order"`, `"say ""hi"""`. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * How a column's cells are written as SQL literals: numbers as they are (non-finite floats,
 * which SQL cannot write, as `NULL`), booleans as `TRUE`/`FALSE`, dates as `'2024-01-02'`,
 * timestamps as `'2024-01-02 03:04:05.123456'` (UTC), text quoted.
 */
export function sqlSpeller(column: ColumnCells): (cell: Cell) => string {
  const literal = (cell: Exclude<Cell, null>): string => {
    switch (column.kind) {
      case "integer":
      case "decimal":
        return String(cell);
      case "float":
        return Number.isFinite(cell) ? String(cell) : "NULL";
      case "boolean":
        return cell ? "TRUE" : "FALSE";
      case "timestamp":
        return sqlString(String(cell).replace("T", " ").replace(/Z$/, ""));
      default:
        return sqlString(String(cell));
    }
  };
  return (cell) => (cell === null ? "NULL" : literal(cell));
}

/** The rows of a batch as `INSERT INTO "table" ("a", "b") VALUES (...), (...);` statements. */
export function insertStatements(table: string, batch: arrow.RecordBatch): string {
  const columns = columnCells(batch);
  const spell = columns.map(sqlSpeller);
  const head = `INSERT INTO ${sqlIdentifier(table)} (${
    columns.map((c) => sqlIdentifier(c.name)).join(", ")
  }) VALUES\n`;
  let out = "";
  for (let start = 0; start < batch.numRows; start += ROWS_PER_STATEMENT) {
    const end = Math.min(batch.numRows, start + ROWS_PER_STATEMENT);
    const rows: string[] = [];
    for (let row = start; row < end; row++) {
      rows.push(`(${columns.map((c, i) => spell[i](c.cell(row))).join(", ")})`);
    }
    out += head + rows.join(",\n") + ";\n";
  }
  return out;
}

/**
 * Creates a sink writing each table as SQL `INSERT` statements under
 * `dir/<table>/part-NNNNN.sql`. An empty table gets an empty file.
 *
 * @example
 * ```ts
 * const sink = createSqlSink({ dir: "out" });
 * await sink.open([{ name: "users", schema }], { mode: "overwrite" });
 * await sink.write("users", batch);
 * await sink.close(); // out/users/part-00000.sql: INSERT INTO "users" ("id", ...) VALUES ...
 * ```
 */
export function createSqlSink(options: SqlSinkOptions): Sink {
  return createTextFileSink(options.dir, {
    kind: "sql",
    extension: ".sql",
    lines: (batch, { table }) => insertStatements(table.name, batch),
  }, options);
}

/** SQL files of INSERT statements. */
export const sqlSink = defineSink({
  name: "sql",
  summary: "SQL files of INSERT statements (identifiers quoted, NULL for nulls).",
  options: { path: PATH },
  create: ({ path }, ctx) =>
    createSqlSink({ dir: sinkFolder(path, ctx, "sql"), layouts: ctx.layouts }),
});
