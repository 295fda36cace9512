/**
 * The error an expression throws while computing a cell, in the expression's own terms
 * (Python's `TypeError`, `ZeroDivisionError`, `ValueError`...). The engine wraps it with
 * the table, column and row.
 *
 * @module
 */

/** A failure while evaluating an expression, with a message a user can act on. */
export class ExprRuntimeError extends Error {
  /** The exception Python raises in this case (`OverflowError`), when the message names it. */
  readonly python?: string;
  /**
   * `python` names the exception CPython raises for the same computation; the message then
   * ends with `(OverflowError in Python)`.
   */
  constructor(message: string, python?: string) {
    super(python ? `${message} (${python} in Python)` : message);
    this.name = "ExprRuntimeError";
    if (python) this.python = python;
  }
}
