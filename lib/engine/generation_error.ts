/**
 * The error of a cell that could not be generated, naming the table, column and row.
 *
 * @module
 */

/** A failure while generating a cell, naming where. */
export class GenerationError extends Error {
  /** Table being generated. */
  readonly table: string;
  /** Column being generated. */
  readonly column: string;
  /** Row being generated. */
  readonly rowId: number;
  /** What went wrong, without the place. */
  readonly reason: string;
  /** The diagnostic code of the failure: `too-large` for a value past the language's bounds. */
  readonly code: string;
  constructor(table: string, column: string, rowId: number, cause: unknown, code?: string) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot generate table "${table}", column "${column}", row ${rowId}: ${reason}`, {
      cause,
    });
    this.name = "GenerationError";
    this.table = table;
    this.column = column;
    this.rowId = rowId;
    this.reason = reason;
    const own = (cause as { code?: unknown } | undefined)?.code;
    this.code = code ?? (typeof own === "string" ? own : "runtime-error");
  }
}
