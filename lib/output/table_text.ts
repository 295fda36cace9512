/**
 * Rows as an aligned text table for the terminal, as `preview` prints them.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { cellText, columnCells } from "./cell_text.ts";

/** Options of {@link formatTable}. */
export interface FormatTableOptions {
  /** Widest a whole line may be (the terminal width); columns shrink to fit. */
  maxWidth?: number;
  /** Widest a single column may be; longer cells end in `…`. 40 by default. */
  maxColumnWidth?: number;
}

/** Plain rows, as objects keyed by column name. */
export type TextRows = readonly Readonly<Record<string, unknown>>[];

interface TextColumn {
  name: string;
  right: boolean;
  cells: string[];
}

const NULL_TEXT = "NULL";
const SEPARATOR = " | ";
const MIN_COLUMN_WIDTH = 3;

/**
 * Formats rows as an aligned table: a header, a separator, then one line per row. Numbers
 * are right-aligned, nulls show as `NULL`, and cells too wide for their column are cut with
 * `…`. Cells are spelled as in the CSV sink (ISO dates and timestamps, `true`/`false`).
 *
 * @example
 * ```ts
 * formatTable([{ id: 1, name: "Ada" }, { id: 20, name: null }]);
 * // id | name
 * // ---+-----
 * //  1 | Ada
 * // 20 | NULL
 * ```
 */
export function formatTable(
  input: arrow.RecordBatch | arrow.Table | TextRows,
  options: FormatTableOptions = {},
): string {
  const columns = input instanceof arrow.RecordBatch || input instanceof arrow.Table
    ? arrowColumns(input)
    : rowColumns(input);
  if (columns.length === 0) return "(no columns)\n";
  const widths = fitWidths(columns, options);
  const line = (texts: string[]) =>
    texts.map((text, i) => align(text, widths[i], columns[i].right)).join(SEPARATOR).trimEnd();
  const lines = [
    line(columns.map((column) => column.name)),
    widths.map((width) => "-".repeat(width)).join("-+-"),
  ];
  const rowCount = columns[0].cells.length;
  for (let row = 0; row < rowCount; row++) {
    lines.push(line(columns.map((column) => column.cells[row])));
  }
  return lines.join("\n") + "\n";
}

function arrowColumns(input: arrow.RecordBatch | arrow.Table): TextColumn[] {
  const batches = input instanceof arrow.Table ? input.batches : [input];
  const columns: TextColumn[] = input.schema.fields.map((field) => ({
    name: visible(field.name),
    right: arrow.DataType.isInt(field.type) || arrow.DataType.isFloat(field.type),
    cells: [],
  }));
  for (const batch of batches) {
    columnCells(batch).forEach((cells, i) => {
      for (let row = 0; row < batch.numRows; row++) {
        const cell = cells.cell(row);
        columns[i].cells.push(cell === null ? NULL_TEXT : visible(cellText(cell)));
      }
    });
  }
  return columns;
}

function rowColumns(rows: TextRows): TextColumn[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const name of Object.keys(row)) {
      if (seen.has(name)) continue;
      seen.add(name);
      names.push(name);
    }
  }
  return names.map((name) => {
    const values = rows.map((row) => row[name]);
    const present = values.filter((value) => value !== null && value !== undefined);
    return {
      name: visible(name),
      right: present.length > 0 &&
        present.every((value) => typeof value === "number" || typeof value === "bigint"),
      cells: values.map(valueText),
    };
  });
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return NULL_TEXT;
  if (value instanceof Date) return value.toISOString();
  switch (typeof value) {
    case "string":
      return visible(value);
    case "number":
    case "bigint":
    case "boolean":
      return String(value);
    default:
      return visible(
        JSON.stringify(value, (_key, v) => typeof v === "bigint" ? v.toString() : v) ??
          String(value),
      );
  }
}

/** Control characters would break the grid; they show as escapes instead. */
function visible(text: string): string {
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => {
    switch (char) {
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      default:
        return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
    }
  });
}

function fitWidths(columns: TextColumn[], options: FormatTableOptions): number[] {
  const cap = Math.max(MIN_COLUMN_WIDTH, options.maxColumnWidth ?? 40);
  const widths = columns.map((column) =>
    Math.min(
      cap,
      column.cells.reduce((most, cell) => Math.max(most, length(cell)), length(column.name)),
    )
  );
  if (options.maxWidth === undefined) return widths;
  const budget = options.maxWidth - SEPARATOR.length * (columns.length - 1);
  let total = widths.reduce((sum, width) => sum + width, 0);
  // Shrink the widest column a step at a time: narrow columns stay readable longest.
  while (total > budget) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= MIN_COLUMN_WIDTH) break;
    widths[widest]--;
    total--;
  }
  return widths;
}

function align(text: string, width: number, right: boolean): string {
  const chars = [...text];
  if (chars.length > width) return chars.slice(0, width - 1).join("") + "…";
  const pad = " ".repeat(width - chars.length);
  return right ? pad + text : text + pad;
}

function length(text: string): number {
  return [...text].length;
}
