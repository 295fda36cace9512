/**
 * How a table's rows are split into files and what the files are called, from tablefaker's
 * table options: `export_file_count` (that many files of equal size; it wins over the next),
 * `export_file_row_count` (files of at most that many rows) and `export_file_name` (the
 * files' base name: `customer_list.csv`, or `customer_list_1.csv`, `customer_list_2.csv`...
 * when there are several; without it, a table split into several files names them after
 * itself, `customers_1.csv`...). The plain file sinks honour it; Delta tables size their own
 * files.
 *
 * @module
 */
import { partName } from "./_table_dir.ts";

/** A table's file layout, as the file sinks read it. */
export interface FileLayout {
  /** Rows per file; all in one file (per flush) when absent. */
  readonly rowsPerFile?: number;
  /** Base name of the files instead of `part-NNNNN`. */
  readonly fileName?: string;
  /** How many files the table will have, which decides whether names get `_1`, `_2`... */
  readonly fileCount?: number;
}

/** tablefaker's export options of one table. */
export interface ExportOptions {
  /** The table's name, which names its files when they are several and unnamed. */
  readonly name?: string;
  readonly rowCount: number;
  readonly exportFileCount?: number;
  readonly exportFileRowCount?: number;
  readonly exportFileName?: string;
}

/**
 * The layout of a table of `rowCount` rows, as tablefaker splits it: `export_file_count`
 * files of `ceil(rows / count)` rows, else files of `export_file_row_count` rows. Split
 * files are named as tablefaker names them: after `export_file_name`, else after the table.
 *
 * @example
 * ```ts
 * fileLayout({ rowCount: 100, exportFileCount: 3 }); // { rowsPerFile: 34, fileCount: 3 }
 * fileLayout({ name: "customers", rowCount: 100, exportFileCount: 3 });
 * // { rowsPerFile: 34, fileCount: 3, fileName: "customers" }: customers_1.csv...
 * ```
 */
export function fileLayout(options: ExportOptions): FileLayout {
  const { name, rowCount, exportFileCount, exportFileRowCount, exportFileName } = options;
  let rowsPerFile: number | undefined;
  if (exportFileCount !== undefined && exportFileCount > 1) {
    rowsPerFile = Math.max(1, Math.ceil(rowCount / exportFileCount));
  } else if (exportFileRowCount !== undefined) {
    rowsPerFile = exportFileRowCount;
  }
  const fileCount = rowsPerFile === undefined ? 1 : Math.max(1, Math.ceil(rowCount / rowsPerFile));
  const layout: { rowsPerFile?: number; fileName?: string; fileCount: number } = { fileCount };
  if (rowsPerFile !== undefined) layout.rowsPerFile = rowsPerFile;
  if (exportFileName !== undefined) layout.fileName = exportFileName;
  // One unnamed file keeps part-00000: tablefaker would stamp the clock into its name.
  else if (fileCount > 1 && name !== undefined) layout.fileName = name;
  return layout;
}

/**
 * The name of file `index` (0-based) of a table: `<fileName><ext>` when the layout names
 * one file, `<fileName>_<index + 1><ext>` when it names several, else `part-NNNNN` with
 * `suffix` (the Parquet sink's run id) and the extension.
 */
export function layoutFileName(
  layout: FileLayout | undefined,
  index: number,
  extension: string,
  suffix = "",
): string {
  if (layout?.fileName === undefined) return partName(index) + suffix + extension;
  const single = (layout.fileCount ?? Infinity) <= 1 && index === 0;
  return single ? layout.fileName + extension : `${layout.fileName}_${index + 1}${extension}`;
}
